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
 * A refused sign-in of a known account (`reason`: wrong password, throttled, …). An unknown
 * address belongs to no organisation, so it has no audit log to go to.
 */
export async function recordSignInFailure(
  trx: Tx,
  signIn: SignIn & { reason: string },
): Promise<void> {
  const { organisationId, userId, ...details } = signIn;
  await recordAudit(trx, {
    organisationId,
    actorId: userId,
    action: "user.sign-in-failed",
    entityType: "user",
    entityId: userId,
    after: details,
  });
  await recordEvent(
    trx,
    { organisationId, userId },
    { type: "user.sign-in-failed", userId, method: signIn.method, reason: signIn.reason },
  );
}
