import { decodeJwt } from "jose";
import { type Executor, inTransaction } from "../../../db";
import type { Config } from "../../config";
import {
  CALLBACK_PATH,
  type IdentityProvider,
  identityProviderOf,
} from "../../domain/identity-provider";
import { accountForProviderSignIn, providerReference } from "../../domain/provider-accounts";
import {
  createSession,
  destroyProviderSessions,
  type SessionSettings,
  type SessionUser,
} from "../sessions";
import { recordSignIn, recordSignInFailure } from "../sign-in-audit";
import {
  authorizationRedirect,
  completeAuthorization,
  endSessionUrl,
  SignInError,
  verifyLogoutToken,
} from "./flow";
import type { PendingCookie } from "./pending-cookie";

export interface ProviderSignInDeps {
  db: Executor;
  config: Config;
  sessions: SessionSettings;
}

/** Step one: where the browser goes to sign in, and the pending sign-in it keeps meanwhile. */
export async function startProviderSignIn(
  { db, config }: ProviderSignInDeps,
  organisationId: string,
  origin: string,
  redirectTo: string,
): Promise<{ url: URL; pending: PendingCookie }> {
  const provider = await identityProviderOf(db, config, organisationId);
  if (!provider) throw new SignInError("not-configured");
  const { url, pending } = await authorizationRedirect(provider, origin + CALLBACK_PATH);
  return { url, pending: { ...pending, organisationId, redirectTo } };
}

export type ProviderSignInResult =
  | { outcome: "signed-in"; token: string; expiresAt: Date; redirectTo: string }
  /** The account exists but has no role (yet, or any longer): no session. */
  | { outcome: "no-role" };

/**
 * Step two, the provider's redirect back: the state must be the one this browser was given,
 * the library checks the code exchange and the ID token, then the account is found or created
 * and a session opened. Every refusal with a known organisation is audited with its reason.
 */
export async function finishProviderSignIn(
  deps: ProviderSignInDeps,
  pending: PendingCookie | null,
  callbackUrl: URL,
  address: string,
): Promise<ProviderSignInResult> {
  // Without the browser's pending sign-in there is no organisation to audit under.
  if (!pending) throw new SignInError("state");
  const { db, config, sessions } = deps;
  const provider = await identityProviderOf(db, config, pending.organisationId);
  let userId: string | null = null;
  let email: string | undefined;
  try {
    if (!provider) throw new SignInError("not-configured");
    if (callbackUrl.searchParams.get("state") !== pending.state) throw new SignInError("state");
    const { claims } = await completeAuthorization(provider, callbackUrl, pending);
    const claimedEmail = claims[provider.emailClaim];
    if (typeof claimedEmail === "string") email = claimedEmail.trim().toLowerCase();
    const result = await inTransaction(db, async (trx) => {
      const account = await accountForProviderSignIn(
        trx,
        provider,
        { subject: claims.sub, sessionId: stringClaim(claims.sid), claims },
        config.oidcSecretKey,
      );
      userId = account.userId;
      email = account.email;
      if (account.roles.length === 0) return { outcome: "no-role" } as const;
      const session = await createSession(trx, sessions, account.userId, provider.organisationId, {
        subject: providerReference(config.oidcSecretKey, provider.issuer, claims.sub),
        sessionId: stringClaim(claims.sid)
          ? providerReference(config.oidcSecretKey, provider.issuer, String(claims.sid))
          : null,
      });
      await recordSignIn(trx, {
        organisationId: provider.organisationId,
        userId: account.userId,
        method: "oidc",
        provider: provider.displayName,
        address,
      });
      return { outcome: "signed-in", ...session, redirectTo: pending.redirectTo } as const;
    });
    if (result.outcome === "no-role") throw new SignInError("no-role");
    return result;
  } catch (error) {
    const refusal =
      error instanceof SignInError ? error : new SignInError("invalid-response", error);
    await inTransaction(db, (trx) =>
      recordSignInFailure(trx, {
        organisationId: pending.organisationId,
        userId,
        method: "oidc",
        provider: provider?.displayName,
        address,
        reason: refusal.reason,
        ...(userId || !email ? {} : { email }),
      }),
    );
    if (refusal.reason === "no-role") return { outcome: "no-role" };
    throw refusal;
  }
}

const stringClaim = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * RP-initiated logout: for a session that came from the provider, its end-session address (the
 * provider then signs the person out there too and sends them back to our login page).
 */
export async function providerLogoutUrl(
  { db, config }: Pick<ProviderSignInDeps, "db" | "config">,
  user: SessionUser,
  origin: string,
): Promise<string | null> {
  const session = await db
    .selectFrom("sessions")
    .select("provider_subject")
    .where("id", "=", user.sessionId)
    .executeTakeFirst();
  if (!session?.provider_subject) return null;
  const provider = await identityProviderOf(db, config, user.organisationId);
  if (!provider) return null;
  try {
    return (await endSessionUrl(provider, `${origin}/login?utloggad=1`))?.href ?? null;
  } catch {
    // The provider cannot be reached: our session still ends.
    return null;
  }
}

/**
 * Back-channel logout: the provider says one of its sessions (or every session of a subject)
 * ended. The token is verified against each organisation whose provider issued it for our
 * client; the matching sessions end and their open sockets close at once.
 */
export async function backchannelLogout(
  { db, config }: ProviderSignInDeps,
  logoutToken: string,
): Promise<number> {
  const unverified = decodeJwt(logoutToken);
  const organisations = await db.selectFrom("organisations").select("id").execute();
  let ended = 0;
  let verified = false;
  for (const { id } of organisations) {
    const provider: IdentityProvider | null = await identityProviderOf(db, config, id);
    if (!provider || !audienceIncludes(unverified.aud, provider.clientId)) continue;
    if (!sameIssuer(unverified.iss, provider.issuer)) continue;
    const { subject, sessionId } = await verifyLogoutToken(provider, logoutToken);
    verified = true;
    ended += await inTransaction(db, (trx) =>
      destroyProviderSessions(trx, id, {
        subject: subject && providerReference(config.oidcSecretKey, provider.issuer, subject),
        sessionId: sessionId && providerReference(config.oidcSecretKey, provider.issuer, sessionId),
      }),
    );
  }
  if (!verified) throw new Error("no provider issued this logout token");
  return ended;
}

// As discovery compares them: "https://idp.example" and "https://idp.example/" are one issuer.
const sameIssuer = (iss: unknown, issuer: string) =>
  typeof iss === "string" && URL.canParse(iss) && new URL(iss).href === new URL(issuer).href;

const audienceIncludes = (aud: unknown, clientId: string) =>
  aud === clientId || (Array.isArray(aud) && aud.includes(clientId));
