import { z } from "zod";
import type { Executor } from "../../db";
import type { Config } from "../config";
import { DEFAULT_CHOICES, isNotificationKind, type MailKind } from "../notifications/kinds";
import { type UnsubscribeLink, verifyUnsubscribe } from "../notifications/mail";
import { type Actor, assertCan } from "./policy";

const OUTBOX_PAGE = 100;

export interface OutboxEntry {
  id: string;
  at: string;
  to: string;
  kind: string;
  locale: string;
  subject: string;
  text: string;
  status: string;
  error: string | null;
}

/** The organisation's e-mails, newest first: what went out, or (without SMTP) would have. */
export async function listMailOutbox(db: Executor, actor: Actor): Promise<OutboxEntry[]> {
  assertCan(actor, "mail-outbox:read");
  const rows = await db
    .selectFrom("mail_outbox")
    .select([
      "id",
      "created_at",
      "to_address",
      "kind",
      "locale",
      "subject",
      "text_body",
      "status",
      "error",
    ])
    .where("organisation_id", "=", actor.organisationId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(OUTBOX_PAGE)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.created_at.toISOString(),
    to: row.to_address,
    kind: row.kind,
    locale: row.locale,
    subject: row.subject,
    text: row.text_body,
    status: row.status,
    error: row.error,
  }));
}

const UnsubscribeSchema = z.object({
  o: z.uuid("validation.invalid"),
  p: z.uuid("validation.invalid"),
  k: z.string().min(1).max(40),
  s: z.string().min(1).max(64),
});

/**
 * A one-click unsubscribe (RFC 8058) from a signed e-mail link: that person gets no more e-mail
 * of that kind (the weekly digest: no more digests, and no e-mail of any kind). The link is its
 * own authority; a link not signed by this server, or for no member, changes nothing (false).
 */
export async function unsubscribeByLink(
  db: Executor,
  config: Config,
  input: unknown,
): Promise<{ kind: MailKind; changed: boolean } | null> {
  const parsed = UnsubscribeSchema.safeParse(input);
  if (!parsed.success) return null;
  const link: UnsubscribeLink = parsed.data;
  if (!verifyUnsubscribe(config, link)) return null;
  if (link.k !== "digest" && !isNotificationKind(link.k)) return null;
  const member = await db
    .selectFrom("memberships")
    .select("user_id")
    .where("user_id", "=", link.p)
    .where("organisation_id", "=", link.o)
    .executeTakeFirst();
  if (!member) return null;
  const kind = link.k as MailKind;
  const kinds = kind === "digest" ? Object.keys(DEFAULT_CHOICES) : [kind];
  let changed = false;
  for (const each of kinds) {
    const current = await readChoice(db, link.p, each);
    if (!current.email) continue;
    changed = true;
    await db
      .insertInto("notification_preferences")
      .values({ user_id: link.p, kind: each, in_app: current.inApp, email: false })
      .onConflict((oc) => oc.columns(["user_id", "kind"]).doUpdateSet({ email: false }))
      .execute();
  }
  if (kind === "digest") {
    const user = await db
      .updateTable("users")
      .set({ weekly_digest: false })
      .where("id", "=", link.p)
      .where("weekly_digest", "=", true)
      .executeTakeFirst();
    if (Number(user.numUpdatedRows) > 0) changed = true;
  }
  return { kind, changed };
}

async function readChoice(db: Executor, userId: string, kind: string) {
  const row = await db
    .selectFrom("notification_preferences")
    .select(["in_app", "email"])
    .where("user_id", "=", userId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  if (row) return { inApp: row.in_app, email: row.email };
  return isNotificationKind(kind) ? DEFAULT_CHOICES[kind] : { inApp: true, email: true };
}

/** What a (signed) unsubscribe link is for, for the page it opens; null when it is not ours. */
export function describeUnsubscribeLink(config: Config, input: unknown): MailKind | null {
  const parsed = UnsubscribeSchema.safeParse(input);
  if (!parsed.success || !verifyUnsubscribe(config, parsed.data)) return null;
  const kind = parsed.data.k;
  return kind === "digest" || isNotificationKind(kind) ? kind : null;
}
