import { createHmac, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { containsIdentityNumber } from "../../common/personnummer";
import type { Tx } from "../../db";
import { ROLES, type Role } from "../../db/schema";
import { SignInError } from "../auth/oidc/flow";
import { hashPassword } from "../auth/passwords";
import { destroyUserSessions } from "../auth/sessions";
import { recordAudit } from "./audit";
import { recordEvent } from "./events";
import type { IdentityProvider } from "./identity-provider";
import { setDepartments } from "./users";

/** Who the provider says signed in, from the ID token the library verified. */
export interface ProviderIdentity {
  subject: string;
  /** The provider's session (`sid`), for back-channel logout. */
  sessionId?: string;
  claims: Record<string, unknown>;
}

/**
 * The provider's subject (and session id) are kept only as a keyed hash: some providers (an
 * e-legitimation broker) use a personal identity number as the subject, and the portal stores
 * none. A back-channel logout's `sub`/`sid` is hashed the same way to find the sessions.
 */
export function providerReference(key: Buffer, issuer: string, value: string): string {
  return createHmac("sha256", key).update(`${issuer}\u0000${value}`).digest("base64url");
}

/** Roles and departments from the provider's groups; null when the organisation maps none. */
function mappedAccess(provider: IdentityProvider, groups: string[]) {
  if (provider.groupMappings.length === 0) return null;
  const matched = provider.groupMappings.filter((mapping) => groups.includes(mapping.group));
  return {
    roles: ROLES.filter((role) => matched.some((mapping) => mapping.role === role)),
    departmentIds: [...new Set(matched.flatMap((m) => (m.departmentId ? [m.departmentId] : [])))],
  };
}

function groupsOf(provider: IdentityProvider, claims: Record<string, unknown>): string[] {
  const value = claims[provider.groupsClaim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  return typeof value === "string" ? [value] : [];
}

/** A name to show: the provider's, unless it carries an identity number, else the address's name. */
function displayNameOf(claims: Record<string, unknown>, email: string): string {
  const given = [claims.given_name, claims.family_name].filter((p) => typeof p === "string");
  const name = typeof claims.name === "string" ? claims.name : given.join(" ");
  const clean = name.trim().slice(0, 200);
  return clean && !containsIdentityNumber(clean) ? clean : email.split("@")[0];
}

export interface ProviderAccount {
  userId: string;
  roles: Role[];
  email: string;
}

/**
 * The account a provider sign-in is for (ADR 0019): the one linked to this subject before, else
 * the member with the same verified address (then linked), else, for an address in a domain
 * the organisation owns, a new account. With group mappings the provider's groups decide roles
 * and departments at every sign-in; a change is audited and open tabs follow at once, and with
 * no role left every session of the person ends.
 */
export async function accountForProviderSignIn(
  trx: Tx,
  provider: IdentityProvider,
  identity: ProviderIdentity,
  hashKey: Buffer,
): Promise<ProviderAccount> {
  const { claims } = identity;
  const { organisationId } = provider;
  const rawEmail = claims[provider.emailClaim];
  if (typeof rawEmail !== "string" || !rawEmail.includes("@")) throw new SignInError("no-email");
  const email = rawEmail.trim().toLowerCase();
  if (claims.email_verified !== true && !provider.trustUnverifiedEmail)
    throw new SignInError("email-unverified");

  const subjectRef = providerReference(hashKey, provider.issuer, identity.subject);
  const linked = await trx
    .selectFrom("user_identities")
    .select("user_id")
    .where("organisation_id", "=", organisationId)
    .where("issuer", "=", provider.issuer)
    .where("subject", "=", subjectRef)
    .executeTakeFirst();
  const byEmail = linked
    ? undefined
    : await trx
        .selectFrom("users")
        .select("id")
        .where(sql`lower(email)`, "=", email)
        .executeTakeFirst();
  let userId = linked?.user_id ?? byEmail?.id;
  const membership = userId
    ? await trx
        .selectFrom("memberships")
        .select(["roles", "deactivated_at", "version"])
        .where("user_id", "=", userId)
        .where("organisation_id", "=", organisationId)
        .executeTakeFirst()
    : undefined;
  const ownsDomain = provider.emailDomains.includes(email.split("@")[1]);
  if (!membership && !ownsDomain) throw new SignInError("unknown-account");
  if (membership?.deactivated_at) throw new SignInError("deactivated");

  const groups = groupsOf(provider, claims);
  const mapped = mappedAccess(provider, groups);
  const isConfiguredAdmin = provider.adminEmails.includes(email);
  const withAdmin = (roles: Role[]) =>
    isConfiguredAdmin && !roles.includes("admin")
      ? ROLES.filter((r) => r === "admin" || roles.includes(r))
      : roles;

  if (!membership) {
    const roles = withAdmin(mapped?.roles ?? []);
    if (!userId) {
      // An unusable password: this person signs in through the provider.
      const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
      ({ id: userId } = await trx
        .insertInto("users")
        .values({ email, name: displayNameOf(claims, email), password_hash: passwordHash })
        .returning("id")
        .executeTakeFirstOrThrow());
    }
    await trx
      .insertInto("memberships")
      .values({ user_id: userId, organisation_id: organisationId, roles })
      .execute();
    await setDepartments(trx, organisationId, userId, mapped?.departmentIds ?? []);
    await recordAudit(trx, {
      organisationId,
      actorId: null,
      action: "user.created",
      entityType: "user",
      entityId: userId,
      after: { email, roles, departmentIds: mapped?.departmentIds ?? [], groups, via: "oidc" },
    });
    await recordEvent(
      trx,
      { organisationId, userId: null },
      { type: "user.changed", userId, change: "created" },
    );
    await linkIdentity(trx, organisationId, provider.issuer, subjectRef, userId);
    return { userId, roles, email };
  }
  if (!userId) throw new SignInError("unknown-account");
  if (!linked) await linkIdentity(trx, organisationId, provider.issuer, subjectRef, userId);

  let roles = membership.roles;
  if (mapped) {
    roles = withAdmin(mapped.roles);
    const current = await trx
      .selectFrom("user_departments")
      .select("department_id")
      .where("user_id", "=", userId)
      .where("organisation_id", "=", organisationId)
      .execute();
    const before = {
      roles: membership.roles,
      departmentIds: current.map((row) => row.department_id).sort(),
    };
    const after = { roles, departmentIds: [...mapped.departmentIds].sort() };
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      await trx
        .updateTable("memberships")
        .set({ roles, version: membership.version + 1 })
        .where("user_id", "=", userId)
        .where("organisation_id", "=", organisationId)
        .execute();
      await setDepartments(trx, organisationId, userId, after.departmentIds);
      // Removed from every mapped group: no access, and no session left anywhere.
      if (roles.length === 0) await destroyUserSessions(trx, userId, organisationId);
      await recordAudit(trx, {
        organisationId,
        actorId: null,
        action: "user.roles-from-provider",
        entityType: "user",
        entityId: userId,
        before,
        after: { ...after, groups },
      });
      await recordEvent(
        trx,
        { organisationId, userId: null },
        { type: "user.access-changed", userId },
      );
    }
  } else if (roles.length === 0 && isConfiguredAdmin) {
    roles = ["admin"];
    await trx
      .updateTable("memberships")
      .set({ roles, version: membership.version + 1 })
      .where("user_id", "=", userId)
      .where("organisation_id", "=", organisationId)
      .execute();
    await recordAudit(trx, {
      organisationId,
      actorId: null,
      action: "user.roles-from-provider",
      entityType: "user",
      entityId: userId,
      before: { roles: [] },
      after: { roles, adminEmail: true },
    });
    await recordEvent(
      trx,
      { organisationId, userId: null },
      { type: "user.access-changed", userId },
    );
  }
  return { userId, roles, email };
}

async function linkIdentity(
  trx: Tx,
  organisationId: string,
  issuer: string,
  subject: string,
  userId: string,
) {
  await trx
    .insertInto("user_identities")
    .values({ organisation_id: organisationId, issuer, subject, user_id: userId })
    .onConflict((oc) =>
      oc.columns(["organisation_id", "issuer", "subject"]).doUpdateSet({ user_id: userId }),
    )
    .execute();
}
