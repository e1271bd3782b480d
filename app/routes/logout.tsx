import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { destroySession } from "../../server/auth/sessions";
import { getUser } from "../utils/auth.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getUser(request, context);
  if (user) {
    await destroySession(context.db, user.sessionId);
    // The tabs of this session stop receiving at once; the person's other sessions stay.
    context.bus.publish({
      type: "session.ended",
      organisationId: user.organisationId,
      sessionId: user.sessionId,
    });
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
