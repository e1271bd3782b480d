import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oidc from "openid-client";

/** What the server needs to talk to an identity provider on an organisation's behalf. */
export interface ProviderConnection {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
}

/** Why a sign-in through the provider was refused; each has its own Swedish message. */
export const SIGN_IN_FAILURES = [
  "state",
  "nonce",
  "code",
  "audience",
  "issuer",
  "provider-refused",
  "provider-unreachable",
  "invalid-response",
  "no-email",
  "email-unverified",
  "unknown-account",
  "deactivated",
  "no-role",
  "not-configured",
] as const;
export type SignInFailure = (typeof SIGN_IN_FAILURES)[number];

export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    cause?: unknown,
  ) {
    super(`Sign-in refused: ${reason}`, { cause });
  }
}

/** What the browser carries between leaving for the provider and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

const DISCOVERY_TTL_MS = 60 * 60_000;
const discovered = new Map<string, { at: number; configuration: Promise<oidc.Configuration> }>();

// A provider on this machine (a test's, a developer's) speaks plain HTTP; any other must use HTTPS.
const isLoopback = (url: URL) =>
  url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);

/** The provider's metadata (discovery), kept an hour; a failed look-up is tried again next time. */
function configurationOf(connection: ProviderConnection): Promise<oidc.Configuration> {
  const key = JSON.stringify([connection.issuer, connection.clientId, connection.clientSecret]);
  const cached = discovered.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
  const issuer = new URL(connection.issuer);
  const configuration = oidc
    .discovery(issuer, connection.clientId, connection.clientSecret, undefined, {
      execute: isLoopback(issuer) ? [oidc.allowInsecureRequests] : [],
      timeout: 10,
    })
    .catch((error) => {
      discovered.delete(key);
      throw refusal(error);
    });
  discovered.set(key, { at: Date.now(), configuration });
  return configuration;
}

/** The first `claim` or `attribute` named along an error's causes (openid-client nests them). */
function comparedField(error: unknown): string | undefined {
  for (let e = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const named = e as { claim?: unknown; attribute?: unknown };
    if (typeof named.claim === "string") return named.claim;
    if (typeof named.attribute === "string") return named.attribute;
    if (e === (e as { cause?: unknown }).cause) break;
  }
  return undefined;
}

/** The library's refusal as one of ours, so the person gets a specific message. */
function refusal(error: unknown): SignInError {
  if (error instanceof SignInError) return error;
  if (error instanceof oidc.ResponseBodyError)
    return new SignInError(error.error === "invalid_grant" ? "code" : "provider-refused", error);
  if (error instanceof oidc.AuthorizationResponseError)
    return new SignInError("provider-refused", error);
  const code = (error as { code?: string }).code;
  if (
    code === "OAUTH_JWT_CLAIM_COMPARISON_FAILED" ||
    code === "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED"
  ) {
    const field = comparedField(error);
    if (field === "nonce") return new SignInError("nonce", error);
    if (field === "aud" || field === "azp") return new SignInError("audience", error);
    if (field === "iss" || field === "issuer") return new SignInError("issuer", error);
  }
  if (error instanceof oidc.ClientError) return new SignInError("invalid-response", error);
  return new SignInError("provider-unreachable", error);
}

/** Where to send the browser, and what to keep (server-side or signed) until it comes back. */
export async function authorizationRedirect(
  connection: ProviderConnection,
  redirectUri: string,
): Promise<{ url: URL; pending: PendingSignIn }> {
  const configuration = await configurationOf(connection);
  const pending: PendingSignIn = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
  };
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: connection.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: "S256",
  });
  return { url, pending };
}

/**
 * Exchanges the code (PKCE) and returns the ID token's claims once the library has checked its
 * signature, issuer, audience, expiry, state and nonce.
 */
export async function completeAuthorization(
  connection: ProviderConnection,
  callbackUrl: URL,
  pending: PendingSignIn,
): Promise<{ claims: oidc.IDToken }> {
  const configuration = await configurationOf(connection);
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new SignInError("invalid-response");
    return { claims };
  } catch (error) {
    throw refusal(error);
  }
}

/** RP-initiated logout: the provider's end-session address, or null when it has none. */
export async function endSessionUrl(
  connection: ProviderConnection,
  postLogoutRedirectUri: string,
): Promise<URL | null> {
  const configuration = await configurationOf(connection);
  if (!configuration.serverMetadata().end_session_endpoint) return null;
  return oidc.buildEndSessionUrl(configuration, {
    client_id: connection.clientId,
    post_logout_redirect_uri: postLogoutRedirectUri,
  });
}

const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/**
 * A back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6): signed by
 * the provider's keys (jose, the JWT library openid-client itself is built on), for our client,
 * recent, carrying the logout event and a `sub` or `sid`, and never a `nonce`.
 */
export async function verifyLogoutToken(
  connection: ProviderConnection,
  token: string,
): Promise<{ subject?: string; sessionId?: string }> {
  const metadata = (await configurationOf(connection)).serverMetadata();
  if (!metadata.jwks_uri) throw new SignInError("invalid-response");
  let keys = keySets.get(metadata.jwks_uri);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(metadata.jwks_uri));
    keySets.set(metadata.jwks_uri, keys);
  }
  const { payload } = await jwtVerify(token, keys, {
    issuer: metadata.issuer,
    audience: connection.clientId,
    maxTokenAge: "5 minutes",
    requiredClaims: ["iat", "jti", "events"],
  });
  const events = payload.events as Record<string, unknown> | undefined;
  const event = events?.[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== "object" || event === null) throw new Error("not a logout token");
  if ("nonce" in payload) throw new Error("a logout token carries no nonce");
  const subject = typeof payload.sub === "string" ? payload.sub : undefined;
  const sessionId = typeof payload.sid === "string" ? payload.sid : undefined;
  if (!subject && !sessionId) throw new Error("a logout token names a sub or a sid");
  return { subject, sessionId };
}
