import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { destroySession } from "../../server/auth/sessions";
import { getSession } from "../utils/auth.server";

export async function action({ request, context }: ActionFunctionArgs) {
  // Also the session of someone who has yet to replace a temporary password.
  const session = await getSession(request, context);
  if (session) await destroySession(context.db, session);
  return redirect("/login", {
    status: 303,
    headers: { "Set-Cookie": context.auth.clearedSessionCookie() },
  });
}

/** Logging out changes state, so it is a POST; a plain visit goes to the login page. */
export async function loader() {
  return redirect("/login");
}
