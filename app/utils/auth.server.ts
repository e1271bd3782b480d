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

/** Resolved once per request and shared by every loader that asks. */
const cache = new WeakMap<Request, Promise<SessionUser | null>>();

/** The person whose session cookie the request carries (pages take no bearer tokens). */
export function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  let user = cache.get(request);
  if (!user) {
    user = context.auth.fromCookie(request.headers);
    cache.set(request, user);
  }
  return user;
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
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
