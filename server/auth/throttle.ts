import { sql } from "kysely";
import { type Executor, inTransaction } from "../../db";

export interface ThrottleSettings {
  maxFailures: number;
  windowMinutes: number;
}

/**
 * Keyed on account *and* address together: one person guessing at a shared office address does
 * not lock out colleagues, and one account is not locked out from everywhere.
 * Returns the minutes left to wait, or 0 when another attempt is allowed.
 */
async function minutesUntilLoginAllowed(
  db: Executor,
  settings: ThrottleSettings,
  email: string,
  ip: string,
  now: Date,
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

export type Reservation = { attemptId: string } | { minutesToWait: number };

/**
 * Takes one attempt from the allowance of this account at this address, or says how long to
 * wait. The attempt is recorded as failed *before* the password is checked and turned into a
 * success afterwards (`markLoginSucceeded`): checking and recording are one step under a lock on
 * the pair, so a parallel burst of guesses cannot all pass the check before any is counted.
 */
export function reserveLoginAttempt(
  db: Executor,
  settings: ThrottleSettings,
  email: string,
  ip: string,
  now = new Date(),
): Promise<Reservation> {
  return inTransaction(db, async (trx) => {
    // Held until COMMIT; the same on PGlite (one connection) and on PostgreSQL.
    await sql`select pg_advisory_xact_lock(hashtext(${`login:${email}:${ip}`}))`.execute(trx);
    const minutesToWait = await minutesUntilLoginAllowed(trx, settings, email, ip, now);
    if (minutesToWait > 0) return { minutesToWait };
    const { id } = await trx
      .insertInto("login_attempts")
      .values({ email, ip, succeeded: false })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { attemptId: id };
  });
}

export async function markLoginSucceeded(db: Executor, attemptId: string): Promise<void> {
  await db
    .updateTable("login_attempts")
    .set({ succeeded: true })
    .where("id", "=", attemptId)
    .execute();
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
