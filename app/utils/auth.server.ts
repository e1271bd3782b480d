import { type AppLoadContext, redirect } from "@remix-run/node";
import type { SessionUser } from "../../server/auth/sessions";
import { assertCan, type Permission } from "../../server/domain/policy";

// Browsers keep a Secure cookie over plain HTTP on these hosts only.
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * With SECURE_COOKIES on, a browser drops the session cookie sent over plain HTTP to a real host
 * name: signing in would silently show the login page again, so the page says why instead.
 */
export function sessionCookieWillBeDropped(request: Request, context: AppLoadContext): boolean {
  const { hostname } = new URL(request.url);
  return context.config.secureCookies && !context.secure && !LOCAL_HOSTS.has(hostname);
}

/**
 * Resolved once per request and shared by every loader that asks: keyed by the load context,
 * made once per request, because each loader gets a Request of its own. Only loaders (GET) share
 * it: an action may change the session, and the loaders after it in the same request (a form
 * posted without JavaScript) then read it afresh.
 */
const cache = new WeakMap<AppLoadContext, Promise<SessionUser | null>>();

/**
 * Whose session cookie the request carries (pages take no bearer tokens), also a person who
 * must first replace a temporary password: for the pages that serve them (changing it, logout).
 */
export function getSession(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  if (request.method !== "GET") return context.auth.sessionFromCookie(request.headers);
  let session = cache.get(context);
  if (!session) {
    session = context.auth.sessionFromCookie(request.headers);
    cache.set(context, session);
  }
  return session;
}

/** The signed-in person; nobody while they still have to replace a temporary password. */
export async function getUser(
  request: Request,
  context: AppLoadContext,
): Promise<SessionUser | null> {
  const session = await getSession(request, context);
  return session?.mustChangePassword ? null : session;
}

/** A page that must come first (signing in, choosing one's own password), then back to `back`. */
export function firstTo(page: "/login" | "/byt-losenord", back: string): string {
  return back === "/" ? page : `${page}?redirectTo=${encodeURIComponent(back)}`;
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const session = await getSession(request, context);
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  if (!session) throw redirect(firstTo("/login", back));
  if (session.mustChangePassword) throw redirect(firstTo("/byt-losenord", back));
  return session;
}

/** Signed in and allowed by the policy module, or a 403 page. */
export async function requirePermission(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
): Promise<SessionUser> {
  const user = await requireUser(request, context);
  try {
    assertCan(user, permission);
  } catch {
    throw new Response("Forbidden", { status: 403 });
  }
  return user;
}
