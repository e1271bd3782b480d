import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import { createSession, pruneExpiredSessions, type SessionSettings } from "./sessions";
import { recordSignIn, recordSignInFailure } from "./sign-in-audit";
import {
  markLoginSucceeded,
  pruneLoginAttempts,
  reserveLoginAttempt,
  type ThrottleSettings,
} from "./throttle";

export const LoginSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "validation.required")
    .max(254, "validation.tooLong"),
  password: z.string().min(1, "validation.required").max(256, "validation.tooLong"),
});

export type LoginResult =
  | { ok: true; token: string; expiresAt: Date; mustChangePassword: boolean }
  | { ok: false; reason: "invalid" }
  /** The right password, but the organisation signs in through its identity provider only. */
  | { ok: false; reason: "passwordsOff" }
  | { ok: false; reason: "throttled"; minutes: number };

/** Checks a password and opens a fresh session; the same answer for an unknown email as a wrong password. */
export async function logIn(
  db: Executor,
  settings: SessionSettings & ThrottleSettings,
  credentials: { email: string; password: string },
  ip: string,
): Promise<LoginResult> {
  const { email, password } = credentials;
  // Every sign-in tidies up, so neither table grows without end (no scheduler needed).
  await pruneLoginAttempts(db, settings);
  await pruneExpiredSessions(db, settings);
  const account = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .innerJoin("organisations", "organisations.id", "memberships.organisation_id")
    .select([
      "users.id as userId",
      "users.password_hash",
      "users.must_change_password",
      "memberships.organisation_id as organisationId",
      "organisations.password_sign_in",
    ])
    .where(sql`lower(users.email)`, "=", email)
    .where("memberships.deactivated_at", "is", null)
    .orderBy("memberships.created_at")
    .executeTakeFirst();
  const signIn = account && {
    organisationId: account.organisationId,
    userId: account.userId,
    method: "password" as const,
    address: ip,
  };
  const reservation = await reserveLoginAttempt(db, settings, email, ip);
  if ("minutesToWait" in reservation) {
    if (signIn)
      await inTransaction(db, (trx) =>
        recordSignInFailure(trx, { ...signIn, reason: "throttled" }),
      );
    return { ok: false, reason: "throttled", minutes: reservation.minutesToWait };
  }
  const valid = account
    ? await verifyPassword(account.password_hash, password)
    : await verifyAgainstDummy(password);
  // A failure is already counted by the reservation.
  if (!signIn || !valid) {
    if (signIn)
      await inTransaction(db, (trx) =>
        recordSignInFailure(trx, { ...signIn, reason: "wrong-password" }),
      );
    return { ok: false, reason: "invalid" };
  }
  // Said only to whoever knows the password, so it tells a guesser nothing.
  if (!account.password_sign_in) {
    await inTransaction(db, (trx) =>
      recordSignInFailure(trx, { ...signIn, reason: "passwords-off" }),
    );
    return { ok: false, reason: "passwordsOff" };
  }
  return inTransaction(db, async (trx) => {
    await markLoginSucceeded(trx, reservation.attemptId);
    const session = await createSession(trx, settings, signIn.userId, signIn.organisationId);
    await recordSignIn(trx, signIn);
    return { ok: true, ...session, mustChangePassword: account.must_change_password };
  });
}
