import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import type { Config } from "../config";
import {
  DEFAULT_CHOICES,
  isNotificationKind,
  type MailKind,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from "../notifications/kinds";
import { type UnsubscribeLink, verifyUnsubscribe } from "../notifications/mail";
import { notificationText, unreadCount } from "../notifications/notify";
import { type ListOrder, pageFields, readPage } from "./keyset";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { parseInput } from "./validation";

export const MailOutboxListSchema = z.object(pageFields(100, 200));

const OUTBOX_NEWEST_FIRST: ListOrder = {
  list: "mail-outbox",
  sort: { expression: sql`mail_outbox.created_at`, type: "timestamptz", notNull: true },
  direction: "desc",
  idColumn: sql`mail_outbox.id`,
};

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
  attempts: number;
  /** When a failed message is tried again; null once it is sent or given up. */
  nextAttemptAt: string | null;
}

/**
 * The organisation's e-mails, newest first, a page at a time: what went out, or (without SMTP)
 * would have.
 */
export async function listMailOutbox(
  db: Executor,
  actor: Actor,
  input: unknown = {},
): Promise<{ items: OutboxEntry[]; nextCursor: string | null }> {
  assertCan(actor, "mail-outbox:read");
  const filter = parseInput(MailOutboxListSchema, input);
  const { page, nextCursor } = await readPage(
    db
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
        "attempts",
        "next_attempt_at",
      ])
      .where("organisation_id", "=", actor.organisationId),
    OUTBOX_NEWEST_FIRST,
    { ...filter, organisationId: actor.organisationId },
  );
  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.created_at.toISOString(),
      to: row.to_address,
      kind: row.kind,
      locale: row.locale,
      subject: row.subject,
      text: row.text_body,
      status: row.status,
      error: row.error,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    })),
    nextCursor,
  };
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

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  /** The notification in the person's language. */
  text: string;
  /** Where it leads: a page in the portal (relative). */
  url: string;
  read: boolean;
  createdAt: string;
}

export const NotificationListSchema = z.object(pageFields(50, 200));

const NEWEST_FIRST: ListOrder = {
  list: "notifications",
  sort: { expression: sql`notifications.created_at`, type: "timestamptz", notNull: true },
  direction: "desc",
  idColumn: sql`notifications.id`,
};

/**
 * The person's own notifications in this organisation, newest first, a page at a time (by
 * keyset), with how many are unread.
 */
export async function listNotifications(
  db: Executor,
  actor: Actor,
  input: unknown = {},
): Promise<{ items: NotificationView[]; unread: number; nextCursor: string | null }> {
  assertCan(actor, "notifications:read-own");
  const page = parseInput(NotificationListSchema, input);
  const [{ page: rows, nextCursor }, person, unread] = await Promise.all([
    readPage(
      db
        .selectFrom("notifications")
        .select(["id", "kind", "params", "link", "read_at", "created_at"])
        .where("user_id", "=", actor.userId)
        .where("organisation_id", "=", actor.organisationId)
        .where("in_app", "=", true),
      NEWEST_FIRST,
      // Bound to the person too: another's cursor is refused, not read as a place in this list.
      { ...page, userId: actor.userId, organisationId: actor.organisationId },
    ),
    db
      .selectFrom("users")
      .select("locale")
      .where("id", "=", actor.userId)
      .executeTakeFirstOrThrow(),
    unreadCount(db, actor.userId, actor.organisationId),
  ]);
  return {
    unread,
    nextCursor,
    items: rows.map((row) => {
      const { message, ...params } = row.params;
      return {
        id: row.id,
        kind: row.kind as NotificationKind,
        text: notificationText(person.locale, { message, params, link: row.link }),
        url: row.link,
        read: row.read_at !== null,
        createdAt: row.created_at.toISOString(),
      };
    }),
  };
}

/** How many of the person's notifications are unread (the bell). */
export function countUnread(db: Executor, actor: Actor): Promise<number> {
  assertCan(actor, "notifications:read-own");
  return unreadCount(db, actor.userId, actor.organisationId);
}

/** Marks one of the person's own notifications read; another's, or none, is not found. */
export async function markNotificationRead(
  db: Executor,
  actor: Actor,
  notificationId: string,
): Promise<void> {
  assertCan(actor, "notifications:read-own");
  if (!z.uuid().safeParse(notificationId).success) throw new NotFoundError();
  const found = await db
    .updateTable("notifications")
    .set({ read_at: sql<Date>`coalesce(read_at, now())` })
    .where("id", "=", notificationId)
    .where("user_id", "=", actor.userId)
    .where("organisation_id", "=", actor.organisationId)
    .where("in_app", "=", true)
    .executeTakeFirst();
  if (Number(found.numUpdatedRows) === 0) throw new NotFoundError();
}

/** Marks all the person's notifications in this organisation read. */
export async function markAllNotificationsRead(db: Executor, actor: Actor): Promise<void> {
  assertCan(actor, "notifications:read-own");
  await db
    .updateTable("notifications")
    .set({ read_at: new Date() })
    .where("user_id", "=", actor.userId)
    .where("organisation_id", "=", actor.organisationId)
    .where("read_at", "is", null)
    .execute();
}

export interface NotificationChoices {
  kinds: { kind: NotificationKind; inApp: boolean; email: boolean }[];
  weeklyDigest: boolean;
}

/** The person's choices: each kind in the portal and by e-mail, and the weekly digest. */
export async function getNotificationChoices(
  db: Executor,
  actor: Actor,
): Promise<NotificationChoices> {
  assertCan(actor, "settings:update-own");
  const [rows, person] = await Promise.all([
    db
      .selectFrom("notification_preferences")
      .select(["kind", "in_app", "email"])
      .where("user_id", "=", actor.userId)
      .execute(),
    db
      .selectFrom("users")
      .select("weekly_digest")
      .where("id", "=", actor.userId)
      .executeTakeFirstOrThrow(),
  ]);
  const chosen = new Map(rows.map((row) => [row.kind, row]));
  return {
    kinds: NOTIFICATION_KINDS.map((kind) => {
      const row = chosen.get(kind);
      return {
        kind,
        inApp: row ? row.in_app : DEFAULT_CHOICES[kind].inApp,
        email: row ? row.email : DEFAULT_CHOICES[kind].email,
      };
    }),
    weeklyDigest: person.weekly_digest,
  };
}

const checkbox = z.preprocess((value) => value === "on" || value === true, z.boolean());
export const NotificationChoicesSchema = z.object({
  inApp: z.array(z.enum(NOTIFICATION_KINDS, "validation.invalid")).default([]),
  email: z.array(z.enum(NOTIFICATION_KINDS, "validation.invalid")).default([]),
  weeklyDigest: checkbox,
});

/** The choices as JSON says them: every one, so a weeklyDigest left out is refused, not taken for off. */
export const NotificationChoicesJsonSchema = NotificationChoicesSchema.extend({
  weeklyDigest: z.boolean(),
});

/** Saves the person's choices: the kinds listed are on, the others off. */
export async function setNotificationChoices(
  db: Executor,
  actor: Actor,
  input: unknown,
): Promise<void> {
  assertCan(actor, "settings:update-own");
  const data = parseInput(NotificationChoicesSchema, input);
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto("notification_preferences")
      .values(
        NOTIFICATION_KINDS.map((kind) => ({
          user_id: actor.userId,
          kind,
          in_app: data.inApp.includes(kind),
          email: data.email.includes(kind),
        })),
      )
      .onConflict((oc) =>
        oc.columns(["user_id", "kind"]).doUpdateSet((eb) => ({
          in_app: eb.ref("excluded.in_app"),
          email: eb.ref("excluded.email"),
        })),
      )
      .execute();
    await trx
      .updateTable("users")
      .set({ weekly_digest: data.weeklyDigest })
      .where("id", "=", actor.userId)
      .execute();
  });
}
