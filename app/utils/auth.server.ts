import { type AppLoadContext, redirect } from "@remix-run/node";
import { readSessionToken } from "../../server/auth/cookie";
import { resolveSession, type SessionUser } from "../../server/auth/sessions";
import { assertCan, type Permission } from "../../server/domain/policy";

export function sessionSettings(context: AppLoadContext) {
  const { config } = context;
  return {
    secret: config.sessionSecret,
    idleMinutes: config.sessionIdleMinutes,
    absoluteHours: config.sessionAbsoluteHours,
  };
}

/** Resolved once per request and shared by every loader that asks. */
const cache = new WeakMap<Request, Promise<SessionUser | null>>();

export function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  let user = cache.get(request);
  if (!user) {
    const token = readSessionToken(request.headers.get("Cookie"), context.config.secureCookies);
    user = resolveSession(context.db, sessionSettings(context), token);
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
