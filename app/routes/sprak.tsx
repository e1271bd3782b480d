import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { serialize } from "cookie";
import { LOCALES, type Locale } from "../../db/schema";
import { setOwnLocale } from "../../server/domain/users";
import { getUser } from "../utils/auth.server";
import { readForm, safeRedirect } from "../utils/route.server";
import { orUnavailablePage } from "../utils/unavailable.server";

/** Switches language: stored on the account when signed in, in a cookie for everyone. */
export const action = orUnavailablePage(async ({ request, context }: ActionFunctionArgs) => {
  const form = await readForm(request);
  const requested = String(form.get("locale"));
  const locale: Locale = LOCALES.includes(requested as Locale) ? (requested as Locale) : "sv";
  const user = await getUser(request, context);
  if (user) await setOwnLocale(context.db, user, { locale });
  return redirect(safeRedirect(form.get("redirectTo")), {
    status: 303,
    headers: {
      "Set-Cookie": serialize("lang", locale, { path: "/", sameSite: "lax", maxAge: 31_536_000 }),
    },
  });
});

export async function loader() {
  return redirect("/");
}
