import { z } from "zod";
import { type Executor, inTransaction, type Tx } from "../../db";
import { assertStrongPassword } from "../auth/password-policy";
import { hashPassword, verifyPassword } from "../auth/passwords";
import type { SessionUser } from "../auth/sessions";
import { recordAudit } from "./audit";
import { ValidationError } from "./errors";
import { recordEvent } from "./events";
import { type Actor, assertCan } from "./policy";
import { getUser, passwordSchema } from "./users";
import { parseInput } from "./validation";

export const OwnPasswordSchema = z.object({
  currentPassword: z.string().min(1, "validation.required").max(256, "validation.tooLong"),
  newPassword: passwordSchema,
  confirmPassword: z.string().max(256, "validation.tooLong"),
});

export const TemporaryPasswordSchema = z.object({ password: passwordSchema });

/**
 * Stores a new password hash and ends the person's sessions except `keptSessionId` (every one of
 * them, in every organisation, when null); their open sockets close with them (the event).
 */
export async function replacePassword(
  trx: Tx,
  userId: string,
  passwordHash: string,
  { mustChange, keptSessionId }: { mustChange: boolean; keptSessionId: string | null },
) {
  await trx
    .updateTable("users")
    .set({
      password_hash: passwordHash,
      must_change_password: mustChange,
      password_changed_at: new Date(),
    })
    .where("id", "=", userId)
    .execute();
  let sessions = trx.deleteFrom("sessions").where("user_id", "=", userId);
  if (keptSessionId) sessions = sessions.where("id", "!=", keptSessionId);
  await sessions.execute();
}

/**
 * A person changes their own password: the current one proves it is them (a session left open
 * is not enough), and every other session of theirs ends, this one stays. Also how a temporary
 * password is replaced.
 */
export async function changeOwnPassword(db: Executor, actor: SessionUser, input: unknown) {
  assertCan(actor, "settings:update-own");
  const data = parseInput(OwnPasswordSchema, input);
  const person = await db
    .selectFrom("users")
    .innerJoin("organisations", (join) => join.on("organisations.id", "=", actor.organisationId))
    .select(["users.password_hash", "users.name", "users.email", "organisations.name as org"])
    .where("users.id", "=", actor.userId)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(person.password_hash, data.currentPassword)))
    throw new ValidationError({ currentPassword: "validation.currentPasswordWrong" });
  if (data.confirmPassword !== data.newPassword)
    throw new ValidationError({ confirmPassword: "validation.passwordMismatch" });
  if (data.newPassword === data.currentPassword)
    throw new ValidationError({ newPassword: "validation.passwordUnchanged" });
  assertStrongPassword(data.newPassword, [person.name, person.email, person.org], "newPassword");
  const passwordHash = await hashPassword(data.newPassword);
  await inTransaction(db, async (trx) => {
    await replacePassword(trx, actor.userId, passwordHash, {
      mustChange: false,
      keptSessionId: actor.sessionId,
    });
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "user.password-changed",
      entityType: "user",
      entityId: actor.userId,
      after: { by: "self", replacedTemporary: actor.mustChangePassword },
    });
    await recordEvent(trx, actor, {
      type: "user.password-changed",
      userId: actor.userId,
      keptSessionId: actor.sessionId,
    });
  });
}

/**
 * One password opens every organisation a person belongs to: an admin of one must not be able
 * to choose (or have the person choose through a link) the password that signs in to another.
 */
export async function assertPasswordOnlyHere(
  db: Executor,
  actor: Actor,
  userId: string,
  field: string,
) {
  const elsewhere = await db
    .selectFrom("memberships")
    .select("organisation_id")
    .where("user_id", "=", userId)
    .where("organisation_id", "!=", actor.organisationId)
    .executeTakeFirst();
  if (elsewhere) throw new ValidationError({ [field]: "validation.passwordOtherOrganisation" });
}

/**
 * An admin gives a person a temporary password (they forgot theirs, or it may be known to
 * someone else): every session of theirs ends, and at the next sign-in they must choose their
 * own before anything else. The admin's own password is changed in Inställningar.
 */
export async function setTemporaryPassword(
  db: Executor,
  actor: Actor,
  userId: string,
  input: unknown,
) {
  const person = await getUser(db, actor, userId);
  if (userId === actor.userId)
    throw new ValidationError({ password: "validation.ownPasswordHere" });
  await assertPasswordOnlyHere(db, actor, userId, "password");
  const { password } = parseInput(TemporaryPasswordSchema, input);
  assertStrongPassword(password, [person.name, person.email], "password");
  const passwordHash = await hashPassword(password);
  await inTransaction(db, async (trx) => {
    await replacePassword(trx, userId, passwordHash, { mustChange: true, keptSessionId: null });
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "user.password-reset",
      entityType: "user",
      entityId: userId,
      after: { temporary: true },
    });
    await recordEvent(trx, actor, {
      type: "user.password-changed",
      userId,
      keptSessionId: null,
    });
  });
}
