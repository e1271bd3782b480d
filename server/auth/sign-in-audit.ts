import type { Tx } from "../../db";
import { recordAudit } from "../domain/audit";
import { recordEvent, type SignInMethod } from "../domain/events";

export interface SignIn {
  organisationId: string;
  userId: string;
  method: SignInMethod;
  /** The address the request came from (as TRUST_PROXY lets us see it). */
  address: string;
  /** Which identity provider, for `oidc`. */
  provider?: string;
}

/** A sign-in of a known account, in the audit log an admin reads, with its domain event. */
export async function recordSignIn(trx: Tx, signIn: SignIn): Promise<void> {
  const { organisationId, userId, ...details } = signIn;
  await recordAudit(trx, {
    organisationId,
    actorId: userId,
    action: "user.signed-in",
    entityType: "user",
    entityId: userId,
    after: details,
  });
  await recordEvent(
    trx,
    { organisationId, userId },
    { type: "user.signed-in", userId, method: signIn.method },
  );
}

/**
 * A refused sign-in (`reason`: wrong password, throttled, a tampered state, …) of a known account,
 * or, through the identity provider, of someone the organisation's provider sent (`userId` null,
 * with the `email` it gave when it gave one). An unknown address at the password form belongs
 * to no organisation, so it has no audit log to go to.
 */
export async function recordSignInFailure(
  trx: Tx,
  signIn: Omit<SignIn, "userId"> & { userId: string | null; reason: string; email?: string },
): Promise<void> {
  const { organisationId, userId, ...details } = signIn;
  await recordAudit(trx, {
    organisationId,
    actorId: userId,
    action: "user.sign-in-failed",
    entityType: userId ? "user" : "organisation",
    entityId: userId ?? organisationId,
    after: details,
  });
  await recordEvent(
    trx,
    { organisationId, userId },
    { type: "user.sign-in-failed", userId, method: signIn.method, reason: signIn.reason },
  );
}
