import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { destroySession } from "../../server/auth/sessions";
import { getUser } from "../utils/auth.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getUser(request, context);
  if (user) {
    await destroySession(context.db, user);
  }
  return redirect("/login", {
    status: 303,
    headers: { "Set-Cookie": context.auth.clearedSessionCookie() },
  });
}

/** Logging out changes state, so it is a POST; a plain visit goes to the login page. */
export async function loader() {
  return redirect("/login");
}
