import type { AppLoadContext } from "@remix-run/node";
import { parse } from "cookie";
import { translator } from "../../common/i18n";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../../db/unavailable";

/**
 * The page for a request that found the database unreachable: 503 with `Retry-After`, in the
 * language of the `lang` cookie (the person's own setting is in the database). Plain HTML: it
 * must not need anything that is down.
 */
export function databaseUnavailablePage(request: Request): Response {
  const locale = parse(request.headers.get("Cookie") ?? "").lang === "en" ? "en" : "sv";
  const t = translator(locale);
  const title = t("errors.unavailableTitle");
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – ${t("app.name")}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}</style>
</head>
<body>
<main>
<h1>${title}</h1>
<p>${t("errors.unavailable")}</p>
<p><a href="">${t("errors.tryAgain")}</a></p>
</main>
</body>
</html>
`;
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      // No Cache-Control: a 503 is not stored unless it says so, and a signed-in person's
      // answers already carry "no-store" (server/http/security.ts); twice would repeat it.
      "Retry-After": String(RETRY_AFTER_SECONDS),
    },
  });
}

/**
 * A resource route's loader or action (a download, a sign-out) that answers the same page when
 * the database is unreachable: Remix answers an error there with a bare 500, not through
 * `handleRequest` as for pages.
 */
export function orUnavailablePage<Args extends { request: Request; context: AppLoadContext }, R>(
  handler: (args: Args) => Promise<R>,
): (args: Args) => Promise<R | Response> {
  return async (args) => {
    try {
      return await handler(args);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      args.context.reportError(error);
      return databaseUnavailablePage(args.request);
    }
  };
}
