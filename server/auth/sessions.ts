import { createHmac, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { type Executor, inTransaction, type Tx } from "../../db";
import type { Locale, Role } from "../../db/schema";
import { recordEvent } from "../domain/events";
import type { Actor } from "../domain/policy";

export interface SessionSettings {
  secret: string;
  idleMinutes: number;
  absoluteHours: number;
}

/** The signed-in person as every route and socket sees them. */
export interface SessionUser extends Actor {
  sessionId: string;
  email: string;
  name: string;
  locale: Locale;
  organisationName: string;
  /** Signed in with a temporary password: may do nothing but replace it (app/routes/byt-losenord). */
  mustChangePassword: boolean;
}

// Writing last_seen_at on every request would make reads cost a write; a minute is precise enough.
const TOUCH_AFTER_MS = 60_000;

/** The cookie carries a random token; the database keeps only its HMAC. */
function sessionIdFor(token: string, secret: string): string {
  return createHmac("sha256", secret).update(token).digest("base64url");
}

/** For a sign-in through the identity provider: its subject and session, as keyed hashes. */
export interface ProviderSession {
  subject: string;
  sessionId: string | null;
}

export async function createSession(
  db: Executor,
  settings: SessionSettings,
  userId: string,
  organisationId: string,
  provider?: ProviderSession,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + settings.absoluteHours * 3_600_000);
  await db
    .insertInto("sessions")
    .values({
      id: sessionIdFor(token, settings.secret),
      user_id: userId,
      organisation_id: organisationId,
      last_seen_at: now,
      expires_at: expiresAt,
      provider_subject: provider?.subject ?? null,
      provider_session_id: provider?.sessionId ?? null,
    })
    .execute();
  return { token, expiresAt };
}

/** A session last used at or before this moment has ended by its idle limit. */
const idleSince = (settings: SessionSettings, now: Date) =>
  new Date(now.getTime() - settings.idleMinutes * 60_000);

/**
 * Which of these sessions are still valid (within their absolute and idle limits). Reads only:
 * asking does not count as activity, so a tab that only listens does not keep its session alive.
 */
export async function liveSessionIds(
  db: Executor,
  settings: SessionSettings,
  ids: string[],
  now = new Date(),
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("sessions")
    .select("id")
    .where("id", "in", [...new Set(ids)])
    .where("expires_at", ">", now)
    .where("last_seen_at", ">", idleSince(settings, now))
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Deletes every session past its absolute or idle limit (one that is used is deleted then). */
export async function pruneExpiredSessions(
  db: Executor,
  settings: SessionSettings,
  now = new Date(),
): Promise<void> {
  await db
    .deleteFrom("sessions")
    .where((eb) =>
      eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<=", idleSince(settings, now))]),
    )
    .execute();
}

export async function resolveSession(
  db: Executor,
  settings: SessionSettings,
  token: string | undefined,
  now = new Date(),
): Promise<SessionUser | null> {
  if (!token || token.length > 128) return null;
  const id = sessionIdFor(token, settings.secret);
  // The session and its person in one query, as a token finds its own (tokens.ts).
  const session = await activePeople(db)
    .innerJoin("sessions", (join) =>
      join
        .onRef("sessions.user_id", "=", "memberships.user_id")
        .onRef("sessions.organisation_id", "=", "memberships.organisation_id"),
    )
    .select(["sessions.last_seen_at", "sessions.expires_at"])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  const live =
    session &&
    now.getTime() < session.expires_at.getTime() &&
    session.last_seen_at.getTime() > idleSince(settings, now).getTime();
  if (!live) {
    // Expired, idle, or its person may no longer act (or there is no such session): gone.
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return null;
  }
  const touchedAfter = new Date(now.getTime() - TOUCH_AFTER_MS);
  if (session.last_seen_at < touchedAfter) {
    // Requests that come at once (a page's loaders, a reload) see the same old time: one writes.
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now })
      .where("id", "=", id)
      .where("last_seen_at", "<", touchedAfter)
      .execute();
  }
  return sessionUserOf(session, id);
}

/**
 * The people who may act: an active membership with a role, with its person and organisation.
 * Sessions and tokens narrow it to theirs, so both see the same person; each joins it in the
 * same query that finds the session or token.
 */
export function activePeople(db: Executor) {
  return (
    db
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.user_id")
      .innerJoin("organisations", "organisations.id", "memberships.organisation_id")
      .select([
        "memberships.user_id",
        "memberships.organisation_id",
        "users.email",
        "users.name",
        "users.locale",
        "users.must_change_password",
        "memberships.roles",
        "organisations.name as organisationName",
        sql<string[]>`coalesce(array(
        select ud.department_id::text from user_departments ud
        where ud.user_id = memberships.user_id and ud.organisation_id = memberships.organisation_id), '{}')`.as(
          "departmentIds",
        ),
      ])
      .where("memberships.deactivated_at", "is", null)
      // No role (waiting for an admin, or removed from every mapped group): no way in.
      .where(sql<boolean>`cardinality(memberships.roles) > 0`)
  );
}

type ActivePerson = Awaited<ReturnType<ReturnType<typeof activePeople>["executeTakeFirstOrThrow"]>>;

/** One of activePeople as the session or token `sessionId` acts for them. */
export function sessionUserOf(row: ActivePerson, sessionId: string): SessionUser {
  return {
    sessionId,
    userId: row.user_id,
    organisationId: row.organisation_id,
    organisationName: row.organisationName,
    email: row.email,
    name: row.name,
    locale: row.locale,
    roles: row.roles as Role[],
    departmentIds: row.departmentIds,
    mustChangePassword: row.must_change_password,
  };
}

export async function departmentIdsOf(
  db: Executor,
  userId: string,
  organisationId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("user_departments")
    .select("department_id")
    .where("user_id", "=", userId)
    .where("organisation_id", "=", organisationId)
    .execute();
  return rows.map((r) => r.department_id);
}

/** A logout: the session ends, and so do the live connections of its tabs (not the person's others). */
export async function destroySession(db: Executor, user: SessionUser): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom("sessions").where("id", "=", user.sessionId).execute();
    await recordEvent(trx, user, { type: "session.ended", sessionId: user.sessionId });
  });
}

/**
 * Back-channel logout: the provider ended its session, so the sessions that came from it end,
 * and (through `session.ended`) their open sockets. Returns how many ended.
 */
export async function destroyProviderSessions(
  trx: Tx,
  organisationId: string,
  match: { subject?: string; sessionId?: string },
): Promise<number> {
  let query = trx.deleteFrom("sessions").where("organisation_id", "=", organisationId);
  if (match.sessionId) query = query.where("provider_session_id", "=", match.sessionId);
  if (match.subject) query = query.where("provider_subject", "=", match.subject);
  if (!match.sessionId && !match.subject) return 0;
  const ended = await query.returning(["id", "user_id"]).execute();
  for (const session of ended)
    await recordEvent(
      trx,
      { organisationId, userId: session.user_id },
      { type: "session.ended", sessionId: session.id },
    );
  return ended.length;
}

/** Ends every session a person has in one organisation (deactivation, role change). */
export async function destroyUserSessions(
  db: Executor,
  userId: string,
  organisationId: string,
): Promise<void> {
  await db
    .deleteFrom("sessions")
    .where("user_id", "=", userId)
    .where("organisation_id", "=", organisationId)
    .execute();
}
