import { parse, serialize } from "cookie";

/** `__Host-` binds the cookie to this exact origin over HTTPS; plain HTTP (development) cannot use it. */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-samverkan_session" : "samverkan_session";
}

export function readSessionToken(
  cookieHeader: string | null | undefined,
  secure: boolean,
): string | undefined {
  if (!cookieHeader) return undefined;
  return parse(cookieHeader)[sessionCookieName(secure)];
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return serialize(sessionCookieName(secure), token, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    expires: expiresAt,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(sessionCookieName(secure), "", {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    expires: new Date(0),
  });
}
