import type { LoaderFunctionArgs } from "@remix-run/node";
import { actionsToCsv, departmentNameMap } from "../../server/domain/action-csv";
import { swedishToday } from "../../server/domain/dates";
import { actionsForUrl } from "../utils/actions.server";
import { requirePermission } from "../utils/auth.server";
import { orUnavailablePage } from "../utils/unavailable.server";

/**
 * "attachment" with the Swedish name for browsers that read RFC 5987 `filename*`, and the
 * same name without diacritics (Åtgärder → Atgarder) for those that do not.
 */
function attachment(name: string): string {
  const ascii = name.normalize("NFD").replace(/[^\x20-\x7e]/g, "");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** GET /atgarder.csv?…the list's filters: the filtered list for Excel; ?mall=1 only the header. */
export const loader = orUnavailablePage(async ({ request, context }: LoaderFunctionArgs) => {
  const user = await requirePermission(request, context, "actions:read");
  const url = new URL(request.url);
  const template = url.searchParams.has("mall");
  const [actions, departmentNames] = await Promise.all([
    template
      ? []
      : actionsForUrl(context.db, user, url, { everyPage: true }).then((result) => result.items),
    departmentNameMap(context.db, user.organisationId),
  ]);
  const name = template ? "Åtgärder-mall.csv" : `Åtgärder-${swedishToday()}.csv`;
  return new Response(actionsToCsv(actions, departmentNames), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": attachment(name),
      "Cache-Control": "private, no-store",
    },
  });
});
