import { createHmac, timingSafeEqual } from "node:crypto";
import { parse, serialize } from "cookie";
import type { PendingSignIn } from "./flow";

/** Time to sign in at the provider; after it the sign-in starts over. */
const PENDING_MINUTES = 10;

/** A sign-in under way: the flow's secrets, the organisation and where to go afterwards. */
export interface PendingCookie extends PendingSignIn {
  organisationId: string;
  redirectTo: string;
}

const cookieName = (secure: boolean) => (secure ? "__Host-samverkan_oidc" : "samverkan_oidc");

const sign = (secret: string, body: string) =>
  createHmac("sha256", secret).update(`oidc-pending:${body}`).digest("base64url");

/**
 * Kept in the browser, signed (not stored server-side): nothing to clean up, and it is bound to
 * the browser that started, so a callback from anywhere else has no `state` to match. HttpOnly,
 * SameSite=Lax: it comes along on the provider's top-level redirect back, and never to scripts.
 */
export function pendingCookie(
  secret: string,
  secure: boolean,
  pending: PendingCookie,
  now = Date.now(),
) {
  const body = Buffer.from(
    JSON.stringify({ ...pending, expiresAt: now + PENDING_MINUTES * 60_000 }),
  ).toString("base64url");
  return serialize(cookieName(secure), `${body}.${sign(secret, body)}`, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: PENDING_MINUTES * 60,
  });
}

export function clearedPendingCookie(secure: boolean) {
  return serialize(cookieName(secure), "", {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    expires: new Date(0),
  });
}

/** The sign-in this browser started, or null when it has none, it was altered or it is too old. */
export function readPendingCookie(
  secret: string,
  secure: boolean,
  cookieHeader: string | undefined,
  now = Date.now(),
): PendingCookie | null {
  const value = cookieHeader ? parse(cookieHeader)[cookieName(secure)] : undefined;
  if (!value) return null;
  const [body, signature = ""] = value.split(".");
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const pending = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  return pending.expiresAt > now ? (pending as PendingCookie) : null;
}
