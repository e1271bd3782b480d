import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { providerLogoutUrl } from "../../server/auth/oidc/sign-in";
import { destroySession } from "../../server/auth/sessions";
import { expectedOrigin } from "../../server/http/security";
import { getSession } from "../utils/auth.server";
import { orUnavailablePage } from "../utils/unavailable.server";

export const action = orUnavailablePage(async ({ request, context }: ActionFunctionArgs) => {
  // Also the session of someone who has yet to replace a temporary password.
  const session = await getSession(request, context);
  let next = "/login";
  if (session) {
    const { db, config } = context;
    // Signed in through the provider: signed out there too (RP-initiated logout).
    const origin = expectedOrigin(Object.fromEntries(request.headers), context.secure, config);
    next = (await providerLogoutUrl({ db, config }, session, origin)) ?? next;
    await destroySession(db, session);
  }
  return redirect(next, {
    status: 303,
    headers: { "Set-Cookie": context.auth.clearedSessionCookie() },
  });
});

/** Logging out changes state, so it is a POST; a plain visit goes to the login page. */
export async function loader() {
  return redirect("/login");
}
