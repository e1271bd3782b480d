import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { type GroupMapping, ROLES } from "../../db/schema";
import type { ProviderConnection } from "../auth/oidc/flow";
import { openSecret, sealSecret } from "../auth/oidc/secret-box";
import type { Config, EnvIdentityProvider } from "../config";
import { recordAudit } from "./audit";
import { ConflictError, ValidationError } from "./errors";
import { recordEvent } from "./events";
import { type Actor, assertCan } from "./policy";
import { freeText, parseInput } from "./validation";

/** An organisation's identity provider as sign-in uses it: the environment's, the admin's or both. */
export interface IdentityProvider extends ProviderConnection {
  organisationId: string;
  displayName: string;
  emailClaim: string;
  groupsClaim: string;
  trustUnverifiedEmail: boolean;
  emailDomains: string[];
  groupMappings: GroupMapping[];
  adminEmails: string[];
}

/** The organisation the environment's provider (OIDC_*) belongs to: the one named, or the only one. */
async function environmentOrganisation(
  db: Executor,
  env: EnvIdentityProvider | undefined,
): Promise<string | null> {
  if (!env) return null;
  let query = db.selectFrom("organisations").select("id").limit(2);
  if (env.organisationSlug) query = query.where("slug", "=", env.organisationSlug);
  const rows = await query.execute();
  return rows.length === 1 ? rows[0].id : null;
}

/**
 * The provider an organisation's members sign in with, or null. The environment's settings
 * (a single-organisation install: the secret stays out of the database) decide the connection;
 * what the admin set in the UI decides the rest (owned domains, group mappings).
 */
export async function identityProviderOf(
  db: Executor,
  config: Config,
  organisationId: string,
): Promise<IdentityProvider | null> {
  const row = await db
    .selectFrom("identity_providers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  const env =
    (await environmentOrganisation(db, config.identityProvider)) === organisationId
      ? config.identityProvider
      : undefined;
  const policy = {
    organisationId,
    trustUnverifiedEmail: Boolean(env?.trustUnverifiedEmail || row?.trust_unverified_email),
    emailDomains: [...new Set([...(env?.emailDomains ?? []), ...(row?.email_domains ?? [])])],
    groupMappings: row?.group_mappings ?? [],
    adminEmails: env?.adminEmails ?? [],
  };
  if (env) return { ...env, ...policy };
  if (!row?.issuer || !row.client_id || !row.client_secret_encrypted || !row.display_name)
    return null;
  const clientSecret = openSecret(config.oidcSecretKey, row.client_secret_encrypted);
  // Sealed under another key: the admin page says so; signing in is not offered meanwhile.
  if (clientSecret === null) return null;
  return {
    ...policy,
    displayName: row.display_name,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecret,
    scopes: row.scopes,
    emailClaim: row.email_claim,
    groupsClaim: row.groups_claim,
  };
}

/** The "Logga in med …" buttons: every organisation with a provider, by name. */
export async function signInChoices(
  db: Executor,
  config: Config,
): Promise<{ organisationId: string; displayName: string; organisationName: string }[]> {
  const envOrganisation = await environmentOrganisation(db, config.identityProvider);
  const rows = await db
    .selectFrom("organisations")
    .leftJoin("identity_providers", "identity_providers.organisation_id", "organisations.id")
    .select([
      "organisations.id",
      "organisations.name",
      "identity_providers.display_name",
      "identity_providers.issuer",
    ])
    .orderBy("organisations.name")
    .execute();
  return rows.flatMap((row) => {
    const displayName =
      row.id === envOrganisation
        ? config.identityProvider?.displayName
        : row.issuer && row.display_name;
    return displayName ? [{ organisationId: row.id, displayName, organisationName: row.name }] : [];
  });
}

// A name a person types; a technical value (URL, id, claim name) only needs a sane length.
const label = freeText(
  z.string().trim().min(1, "validation.required").max(60, "validation.tooLong"),
);
const technical = (max: number) =>
  z.string().trim().min(1, "validation.required").max(max, "validation.tooLong");
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, "validation.emailDomain");
const issuerUrl = z.url("validation.url").refine((value) => {
  const url = new URL(value);
  return url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}, "validation.httpsRequired");

const MappingSchema = z.object({
  group: technical(200),
  role: z.enum(ROLES, "validation.invalid"),
  departmentId: z.uuid("validation.unknownDepartment").nullable().default(null),
});

export const IdentityProviderSchema = z.object({
  displayName: label,
  issuer: issuerUrl,
  clientId: technical(200),
  /** Empty keeps the stored secret. */
  clientSecret: z.string().max(500, "validation.tooLong").default(""),
  scopes: technical(300).refine(
    (s) => s.split(/\s+/).includes("openid"),
    "validation.scopesOpenid",
  ),
  emailClaim: technical(100).default("email"),
  groupsClaim: technical(100).default("groups"),
  trustUnverifiedEmail: z.boolean().default(false),
  emailDomains: z.array(domain).max(50).default([]),
  groupMappings: z.array(MappingSchema).max(100).default([]),
  passwordSignIn: z.boolean().default(true),
  version: z.coerce.number().int().min(0),
});

/** The admin page's view: never the secret itself, only whether one is stored and readable. */
export interface IdentityProviderSettings {
  displayName: string;
  issuer: string;
  clientId: string;
  secretStored: boolean;
  /** Stored under another key (OIDC_SECRET_KEY changed): it must be entered again. */
  secretUnreadable: boolean;
  scopes: string;
  emailClaim: string;
  groupsClaim: string;
  trustUnverifiedEmail: boolean;
  emailDomains: string[];
  groupMappings: GroupMapping[];
  passwordSignIn: boolean;
  /** The connection comes from the server's environment (OIDC_*) and is not edited here. */
  fromEnvironment: boolean;
  redirectPath: string;
  version: number;
}

export const CALLBACK_PATH = "/auth/oidc/callback";
export const BACKCHANNEL_LOGOUT_PATH = "/auth/oidc/backchannel-logout";

export async function getIdentityProviderSettings(
  db: Executor,
  config: Config,
  actor: Actor,
): Promise<IdentityProviderSettings> {
  assertCan(actor, "identity-provider:manage");
  const [row, organisation, envOrganisation] = await Promise.all([
    db
      .selectFrom("identity_providers")
      .selectAll()
      .where("organisation_id", "=", actor.organisationId)
      .executeTakeFirst(),
    db
      .selectFrom("organisations")
      .select("password_sign_in")
      .where("id", "=", actor.organisationId)
      .executeTakeFirstOrThrow(),
    environmentOrganisation(db, config.identityProvider),
  ]);
  const env = envOrganisation === actor.organisationId ? config.identityProvider : undefined;
  const sealed = row?.client_secret_encrypted ?? null;
  return {
    displayName: env?.displayName ?? row?.display_name ?? "",
    issuer: env?.issuer ?? row?.issuer ?? "",
    clientId: env?.clientId ?? row?.client_id ?? "",
    secretStored: Boolean(env) || sealed !== null,
    secretUnreadable: !env && sealed !== null && openSecret(config.oidcSecretKey, sealed) === null,
    scopes: env?.scopes ?? row?.scopes ?? "openid email profile",
    emailClaim: env?.emailClaim ?? row?.email_claim ?? "email",
    groupsClaim: env?.groupsClaim ?? row?.groups_claim ?? "groups",
    trustUnverifiedEmail: Boolean(env?.trustUnverifiedEmail || row?.trust_unverified_email),
    emailDomains: row?.email_domains ?? [],
    groupMappings: row?.group_mappings ?? [],
    passwordSignIn: organisation.password_sign_in,
    fromEnvironment: Boolean(env),
    redirectPath: CALLBACK_PATH,
    version: row?.version ?? 0,
  };
}

/**
 * Saves the organisation's provider. With the environment supplying the connection, only the
 * policy (domains, mappings, unverified addresses, local passwords) is taken from the input.
 */
export async function saveIdentityProviderSettings(
  db: Executor,
  config: Config,
  actor: Actor,
  input: unknown,
): Promise<void> {
  const before = await getIdentityProviderSettings(db, config, actor);
  const connection = before.fromEnvironment
    ? {
        displayName: before.displayName,
        issuer: before.issuer,
        clientId: before.clientId,
        scopes: before.scopes,
        emailClaim: before.emailClaim,
        groupsClaim: before.groupsClaim,
      }
    : {};
  const data = parseInput(IdentityProviderSchema, { ...(input as object), ...connection });
  const secretNeeded = !before.fromEnvironment && (!before.secretStored || before.secretUnreadable);
  if (secretNeeded && data.clientSecret === "")
    throw new ValidationError({ clientSecret: "validation.required" });
  const sealedSecret =
    before.fromEnvironment || data.clientSecret === ""
      ? undefined
      : sealSecret(config.oidcSecretKey, data.clientSecret);
  await inTransaction(db, async (trx) => {
    const departmentIds = [
      ...new Set(data.groupMappings.flatMap((m) => (m.departmentId ? [m.departmentId] : []))),
    ];
    if (departmentIds.length > 0) {
      const found = await trx
        .selectFrom("departments")
        .select("id")
        .where("organisation_id", "=", actor.organisationId)
        .where("id", "in", departmentIds)
        .execute();
      if (found.length !== departmentIds.length)
        throw new ValidationError({ groupMappings: "validation.unknownDepartment" });
    }
    const values = {
      display_name: before.fromEnvironment ? null : data.displayName,
      issuer: before.fromEnvironment ? null : data.issuer,
      client_id: before.fromEnvironment ? null : data.clientId,
      scopes: data.scopes,
      email_claim: data.emailClaim,
      groups_claim: data.groupsClaim,
      trust_unverified_email: data.trustUnverifiedEmail,
      email_domains: [...new Set(data.emailDomains)],
      group_mappings: JSON.stringify(data.groupMappings),
      version: data.version + 1,
      updated_at: new Date(),
      ...(sealedSecret ? { client_secret_encrypted: sealedSecret } : {}),
    };
    const saved =
      data.version === 0
        ? await trx
            .insertInto("identity_providers")
            .values({ organisation_id: actor.organisationId, ...values })
            .onConflict((oc) => oc.doNothing())
            .returning("version")
            .execute()
            .then((rows) => BigInt(rows.length))
        : await trx
            .updateTable("identity_providers")
            .set(values)
            .where("organisation_id", "=", actor.organisationId)
            .where("version", "=", data.version)
            .executeTakeFirst()
            .then((r) => r.numUpdatedRows);
    if (saved === 0n) throw new ConflictError({ version: before.version });
    await trx
      .updateTable("organisations")
      .set({ password_sign_in: data.passwordSignIn })
      .where("id", "=", actor.organisationId)
      .execute();
    const { clientSecret: _secret, version: _version, ...after } = data;
    const { secretStored, secretUnreadable, redirectPath, version, ...shown } = before;
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "identity-provider.updated",
      entityType: "organisation",
      entityId: actor.organisationId,
      before: shown,
      after: { ...after, secretChanged: Boolean(sealedSecret) },
    });
    await recordEvent(trx, actor, { type: "identity-provider.changed" });
  });
}

/** Whether the login page offers passwords: some organisation still signs in with them. */
export async function passwordSignInOffered(db: Executor): Promise<boolean> {
  const row = await db
    .selectFrom("organisations")
    .select("id")
    .where("password_sign_in", "=", true)
    .executeTakeFirst();
  return row !== undefined;
}
