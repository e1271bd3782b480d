import { createHmac, randomBytes } from "node:crypto";
import type { Executor } from "../../db";
import type { Locale, Role } from "../../db/schema";
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
}

// Writing last_seen_at on every request would make reads cost a write; a minute is precise enough.
const TOUCH_AFTER_MS = 60_000;

/** The cookie carries a random token; the database keeps only its HMAC. */
function sessionIdFor(token: string, secret: string): string {
  return createHmac("sha256", secret).update(token).digest("base64url");
}

export async function createSession(
  db: Executor,
  settings: SessionSettings,
  userId: string,
  organisationId: string,
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
    })
    .execute();
  return { token, expiresAt };
}

export async function resolveSession(
  db: Executor,
  settings: SessionSettings,
  token: string | undefined,
  now = new Date(),
): Promise<SessionUser | null> {
  if (!token || token.length > 128) return null;
  const id = sessionIdFor(token, settings.secret);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .innerJoin("memberships", (join) =>
      join
        .onRef("memberships.user_id", "=", "sessions.user_id")
        .onRef("memberships.organisation_id", "=", "sessions.organisation_id"),
    )
    .innerJoin("organisations", "organisations.id", "sessions.organisation_id")
    .select([
      "sessions.id as sessionId",
      "sessions.last_seen_at as lastSeenAt",
      "sessions.expires_at as expiresAt",
      "users.id as userId",
      "users.email",
      "users.name",
      "users.locale",
      "memberships.organisation_id as organisationId",
      "memberships.roles",
      "memberships.deactivated_at as deactivatedAt",
      "organisations.name as organisationName",
    ])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!row) return null;

  const idleLimit = row.lastSeenAt.getTime() + settings.idleMinutes * 60_000;
  if (row.deactivatedAt || now.getTime() >= row.expiresAt.getTime() || now.getTime() >= idleLimit) {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await db.updateTable("sessions").set({ last_seen_at: now }).where("id", "=", id).execute();
  }
  return {
    sessionId: row.sessionId,
    userId: row.userId,
    organisationId: row.organisationId,
    organisationName: row.organisationName,
    email: row.email,
    name: row.name,
    locale: row.locale,
    roles: row.roles as Role[],
    departmentIds: await departmentIdsOf(db, row.userId, row.organisationId),
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

export async function destroySession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
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
