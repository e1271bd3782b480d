import type { IncomingHttpHeaders } from "node:http";
import type { DB } from "../../db";
import type { Config } from "../config";
import { clearedSessionCookie, readSessionToken, sessionCookie } from "./cookie";
import { type LoginResult, logIn } from "./login";
import { liveSessionIds, resolveSession, type SessionSettings, type SessionUser } from "./sessions";
import { resolveApiToken } from "./tokens";

/** Request headers as Express and socket.io see them, or as the Fetch API (Remix) does. */
type RequestHeaders = Headers | IncomingHttpHeaders;

function header(headers: RequestHeaders, name: "cookie" | "authorization"): string | undefined {
  return headers instanceof Headers ? (headers.get(name) ?? undefined) : headers[name];
}

/** The token of `Authorization: Bearer …`; the scheme's name is case-insensitive (RFC 9110). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
}

/**
 * Who a request acts for, with two ways in: the session cookie (pages, sockets, creating a
 * token) and a bearer token (the JSON API). A request that carries an `Authorization` header is
 * never signed in by its cookie: whatever the header holds decides alone, so a script's wrong
 * token cannot fall back on the browser session it happens to run beside.
 */
export interface Authenticator {
  /**
   * The person signed in by the session cookie, also one who must first replace a temporary
   * password: only the page where they do that asks this.
   */
  sessionFromCookie(headers: RequestHeaders): Promise<SessionUser | null>;
  /** The person signed in by the session cookie, for everything else (pages, sockets, tokens). */
  fromCookie(headers: RequestHeaders): Promise<SessionUser | null>;
  fromBearerToken(headers: RequestHeaders): Promise<SessionUser | null>;
  /** Which of these sessions are still valid (reads only: asking is not activity). */
  liveSessionIds(sessionIds: string[]): Promise<Set<string>>;
  /** Checks a password (throttled) and opens a session. */
  logIn(credentials: { email: string; password: string }, ip: string): Promise<LoginResult>;
  sessionCookie(session: { token: string; expiresAt: Date }): string;
  clearedSessionCookie(): string;
}

/** A person who must replace a temporary password acts as nobody until they have. */
function untilPasswordChanged(user: SessionUser | null): SessionUser | null {
  return user?.mustChangePassword ? null : user;
}

/** The one place config becomes session settings. */
export function sessionSettingsOf(config: Config): SessionSettings {
  return {
    secret: config.sessionSecret,
    idleMinutes: config.sessionIdleMinutes,
    absoluteHours: config.sessionAbsoluteHours,
  };
}

/** Built once by the composition root (server/app.ts). */
export function createAuthenticator(db: DB, config: Config): Authenticator {
  const sessions = sessionSettingsOf(config);
  const throttle = {
    maxFailures: config.loginMaxFailures,
    windowMinutes: config.loginWindowMinutes,
  };
  const sessionFromCookie = async (headers: RequestHeaders) => {
    if (header(headers, "authorization") !== undefined) return null;
    const token = readSessionToken(header(headers, "cookie"), config.secureCookies);
    return resolveSession(db, sessions, token);
  };
  return {
    sessionFromCookie,
    fromCookie: async (headers) => untilPasswordChanged(await sessionFromCookie(headers)),
    async fromBearerToken(headers) {
      const token = bearerToken(header(headers, "authorization"));
      return untilPasswordChanged(await resolveApiToken(db, config.sessionSecret, token));
    },
    liveSessionIds: (sessionIds) => liveSessionIds(db, sessions, sessionIds),
    logIn: (credentials, ip) => logIn(db, { ...sessions, ...throttle }, credentials, ip),
    sessionCookie: ({ token, expiresAt }) => sessionCookie(token, expiresAt, config.secureCookies),
    clearedSessionCookie: () => clearedSessionCookie(config.secureCookies),
  };
}
