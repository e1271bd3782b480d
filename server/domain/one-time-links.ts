import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { translator } from "../../common/i18n";
import { type Executor, inTransaction } from "../../db";
import type { Locale, OneTimeLinkPurpose } from "../../db/schema";
import { LoginSchema } from "../auth/login";
import { assertStrongPassword } from "../auth/password-policy";
import { hashPassword } from "../auth/passwords";
import { reserveLoginAttempt } from "../auth/throttle";
import type { Config } from "../config";
import { linkOrigin, sendMail } from "../notifications/mail";
import { recordAudit } from "./audit";
import { ValidationError } from "./errors";
import { recordEvent } from "./events";
import { signInChoices } from "./identity-provider";
import { assertPasswordOnlyHere, replacePassword } from "./passwords";
import type { Actor } from "./policy";
import { createInvitedUser, getUser, passwordSchema } from "./users";
import { parseInput } from "./validation";

/** How long a link stays usable. */
export const LINK_HOURS: Record<OneTimeLinkPurpose, number> = {
  invitation: 72,
  "password-reset": 2,
};

/** The page a link opens (`/losenord/<secret>`). */
export const LINK_PATH = "/losenord/";

/** `text` with every one-time link's secret left out: what may be shown beyond the outbox page. */
export const withoutLinkSecrets = (text: string) =>
  text.replace(/\/losenord\/[A-Za-z0-9_-]+/g, `${LINK_PATH}…`);

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

/**
 * Makes a one-time link for a person: 32 random bytes in the link, only their SHA-256 stored.
 * The person's earlier unused links of the same purpose stop working. Audited, with an event.
 */
async function createLink(
  db: Executor,
  by: { organisationId: string; userId: string | null },
  userId: string,
  purpose: OneTimeLinkPurpose,
  now: Date,
) {
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + LINK_HOURS[purpose] * 3_600_000);
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable("one_time_links")
      .set({ used_at: now })
      .where("user_id", "=", userId)
      .where("purpose", "=", purpose)
      .where("used_at", "is", null)
      .execute();
    await trx
      .insertInto("one_time_links")
      .values({
        organisation_id: by.organisationId,
        user_id: userId,
        purpose,
        token_hash: hashOf(secret),
        created_by: by.userId,
        expires_at: expiresAt,
      })
      .execute();
    await recordAudit(trx, {
      organisationId: by.organisationId,
      actorId: by.userId,
      action: purpose === "invitation" ? "user.invited" : "user.password-reset-requested",
      entityType: "user",
      entityId: userId,
      after: { expiresAt: expiresAt.toISOString() },
    });
    await recordEvent(trx, by, { type: "user.link-sent", userId, purpose });
  });
  return { secret, expiresAt };
}

const formatExpiry = (at: Date, locale: Locale) =>
  new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Europe/Stockholm",
    dateStyle: "short",
    timeStyle: "short",
  }).format(at) + (locale === "sv" ? "" : " (Swedish time)");

/**
 * An admin invites a person of the organisation by e-mail: a link valid 72 hours to choose a
 * password, and, when the organisation has an identity provider, the word that they may sign in
 * with it instead. The e-mail goes out (or into the outbox) after the link is committed.
 */
export async function sendInvitation(
  db: Executor,
  config: Config,
  actor: Actor,
  userId: string,
  now = new Date(),
) {
  const person = await getUser(db, actor, userId);
  if (userId === actor.userId) throw new ValidationError({ invite: "validation.ownPasswordHere" });
  await assertPasswordOnlyHere(db, actor, userId, "invite");
  if (!person.active) throw new ValidationError({ invite: "validation.inviteInactive" });
  const { locale } = await db
    .selectFrom("users")
    .select("locale")
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  const { secret, expiresAt } = await createLink(db, actor, userId, "invitation", now);
  const provider = (await signInChoices(db, config)).find(
    (choice) => choice.organisationId === actor.organisationId,
  );
  const t = translator(locale);
  const mail = await sendMail(db, config, {
    organisationId: actor.organisationId,
    to: { email: person.email, userId, name: person.name, locale },
    kind: "invitation",
    subject: t("mail.invitation.subject"),
    paragraphs: [
      t("mail.invitation.body", { expires: formatExpiry(expiresAt, locale) }),
      ...(provider ? [t("mail.invitation.provider", { name: provider.displayName })] : []),
      t("mail.link.ignore"),
    ],
    link: { label: t("mail.invitation.button"), url: `${linkOrigin(config)}${LINK_PATH}${secret}` },
  });
  return { expiresAt, mail };
}

/** An admin adds a person by invitation alone: the account, then the link to choose a password. */
export async function inviteNewUser(db: Executor, config: Config, actor: Actor, input: unknown) {
  const userId = await createInvitedUser(db, actor, input);
  const { expiresAt } = await sendInvitation(db, config, actor, userId);
  return { userId, expiresAt };
}

const ResetRequestSchema = LoginSchema.pick({ email: true });

/**
 * "Glömt lösenord": sends a one-time link (valid 2 hours) to the address if it belongs to an
 * active person, and answers the same whether it does or not. Requests for one address from one
 * client address are throttled like sign-ins (LOGIN_MAX_FAILURES per LOGIN_WINDOW_MINUTES),
 * the same for known and unknown addresses.
 */
export async function requestPasswordReset(
  db: Executor,
  config: Config,
  input: unknown,
  clientAddress: string,
  now = new Date(),
): Promise<{ throttledMinutes: number }> {
  const { email } = parseInput(ResetRequestSchema, input);
  const reservation = await reserveLoginAttempt(
    db,
    { maxFailures: config.loginMaxFailures, windowMinutes: config.loginWindowMinutes },
    `password-reset:${email}`,
    clientAddress,
    now,
  );
  if ("minutesToWait" in reservation) return { throttledMinutes: reservation.minutesToWait };
  const person = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select([
      "users.id",
      "users.name",
      "users.email",
      "users.locale",
      "memberships.organisation_id",
    ])
    .where("users.email", "=", email)
    .where("memberships.deactivated_at", "is", null)
    .orderBy("memberships.organisation_id")
    .executeTakeFirst();
  if (!person) return { throttledMinutes: 0 };
  const by = { organisationId: person.organisation_id, userId: null };
  const { secret, expiresAt } = await createLink(db, by, person.id, "password-reset", now);
  const t = translator(person.locale);
  await sendMail(db, config, {
    organisationId: person.organisation_id,
    to: { email: person.email, userId: person.id, name: person.name, locale: person.locale },
    kind: "password-reset",
    subject: t("mail.reset.subject"),
    paragraphs: [
      t("mail.reset.body", { expires: formatExpiry(expiresAt, person.locale) }),
      t("mail.link.ignore"),
    ],
    link: { label: t("mail.reset.button"), url: `${linkOrigin(config)}${LINK_PATH}${secret}` },
  });
  return { throttledMinutes: 0 };
}

/** What a link's page shows: whose it is and what for, or null when it cannot be used. */
export async function openLink(db: Executor, secret: string, now = new Date()) {
  const link = await db
    .selectFrom("one_time_links")
    .innerJoin("users", "users.id", "one_time_links.user_id")
    .select([
      "one_time_links.id",
      "one_time_links.purpose",
      "one_time_links.organisation_id",
      "one_time_links.used_at",
      "one_time_links.expires_at",
      "users.id as userId",
      "users.email",
      "users.name",
    ])
    .where("one_time_links.token_hash", "=", hashOf(secret))
    .executeTakeFirst();
  if (!link || link.used_at !== null || link.expires_at <= now) return null;
  return link;
}

const SetPasswordSchema = z.object({
  newPassword: passwordSchema,
  confirmPassword: z.string().max(256, "validation.tooLong"),
});

/**
 * Sets the person's password through a link, once: the link is used up in the same transaction
 * (a second use, or one after it expired, is refused), every session of theirs ends.
 */
export async function setPasswordWithLink(
  db: Executor,
  secret: string,
  input: unknown,
  now = new Date(),
): Promise<{ email: string }> {
  const data = parseInput(SetPasswordSchema, input);
  if (data.confirmPassword !== data.newPassword)
    throw new ValidationError({ confirmPassword: "validation.passwordMismatch" });
  const link = await openLink(db, secret, now);
  if (!link) throw new ValidationError({ newPassword: "validation.linkUnusable" });
  assertStrongPassword(data.newPassword, [link.name, link.email], "newPassword");
  const passwordHash = await hashPassword(data.newPassword);
  await inTransaction(db, async (trx) => {
    // Used up here, or by a request that got there first: then this one changes nothing.
    const used = await trx
      .updateTable("one_time_links")
      .set({ used_at: now })
      .where("id", "=", link.id)
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .returning("id")
      .executeTakeFirst();
    if (!used) throw new ValidationError({ newPassword: "validation.linkUnusable" });
    await replacePassword(trx, link.userId, passwordHash, {
      mustChange: false,
      keptSessionId: null,
    });
    const by = { organisationId: link.organisation_id, userId: link.userId };
    await recordAudit(trx, {
      organisationId: link.organisation_id,
      actorId: link.userId,
      action: "user.password-changed",
      entityType: "user",
      entityId: link.userId,
      after: { by: link.purpose },
    });
    await recordEvent(trx, by, {
      type: "user.password-changed",
      userId: link.userId,
      keptSessionId: null,
    });
  });
  return { email: link.email };
}
