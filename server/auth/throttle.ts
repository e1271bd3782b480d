import type { Executor } from "../../db";

export interface ThrottleSettings {
  maxFailures: number;
  windowMinutes: number;
}

/**
 * Keyed on account *and* address together: one person guessing at a shared office address does
 * not lock out colleagues, and one account is not locked out from everywhere.
 * Returns the minutes left to wait, or 0 when another attempt is allowed.
 */
export async function minutesUntilLoginAllowed(
  db: Executor,
  settings: ThrottleSettings,
  email: string,
  ip: string,
  now = new Date(),
): Promise<number> {
  const windowStart = new Date(now.getTime() - settings.windowMinutes * 60_000);
  const lastSuccess = await db
    .selectFrom("login_attempts")
    .select((eb) => eb.fn.max("created_at").as("at"))
    .where("email", "=", email)
    .where("ip", "=", ip)
    .where("succeeded", "=", true)
    .executeTakeFirst();
  const since = lastSuccess?.at && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;
  const failures = await db
    .selectFrom("login_attempts")
    .select("created_at")
    .where("email", "=", email)
    .where("ip", "=", ip)
    .where("succeeded", "=", false)
    .where("created_at", ">", since)
    .orderBy("created_at", "desc")
    .limit(settings.maxFailures)
    .execute();
  if (failures.length < settings.maxFailures) return 0;
  const oldestCounted = failures[failures.length - 1].created_at;
  const releaseAt = oldestCounted.getTime() + settings.windowMinutes * 60_000;
  return Math.max(1, Math.ceil((releaseAt - now.getTime()) / 60_000));
}

/**
 * Forgets attempts older than the window: they no longer count, and an email with an address is
 * personal data, kept no longer than it is needed.
 */
export async function pruneLoginAttempts(
  db: Executor,
  settings: ThrottleSettings,
  now = new Date(),
): Promise<void> {
  const windowStart = new Date(now.getTime() - settings.windowMinutes * 60_000);
  await db.deleteFrom("login_attempts").where("created_at", "<", windowStart).execute();
}

export async function recordLoginAttempt(
  db: Executor,
  email: string,
  ip: string,
  succeeded: boolean,
): Promise<void> {
  await db.insertInto("login_attempts").values({ email, ip, succeeded }).execute();
}
