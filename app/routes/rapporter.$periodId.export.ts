import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "../../common/i18n";
import { ForbiddenError, NotFoundError } from "../../server/domain/policy";
import { buildPeriodReport, getAdoptedReport } from "../../server/domain/reports";
import { exportReport } from "../../server/reports/export";
import { EXPORT_FORMATS, isExportFormat } from "../../server/reports/outline";
import { requirePermission } from "../utils/auth.server";
import { orUnavailablePage } from "../utils/unavailable.server";

const plain = (status: number, message: string) =>
  new Response(`${message}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });

/**
 * The report's downloads. People ask for them at `/rapporter/:periodId?format=docx` (with
 * `&fastställd=<id>` for an adopted version); the server hands such requests to this route,
 * since Remix routes by path and the report page itself renders HTML.
 */
export const loader = orUnavailablePage(
  async ({ request, params, context }: LoaderFunctionArgs) => {
    const user = await requirePermission(request, context, "reports:read-adopted");
    const t = translator(user.locale);
    const search = new URL(request.url).searchParams;
    const format = search.get("format") ?? "";
    if (!isExportFormat(format))
      return plain(400, t("reports.unknownFormat", { format, formats: EXPORT_FORMATS.join(", ") }));
    const periodId = params.periodId ?? "";
    const adoptionId = search.get("fastställd");
    try {
      const report =
        adoptionId === null
          ? await buildPeriodReport(context.db, user, periodId)
          : await getAdoptedReport(context.db, user, periodId, adoptionId);
      return await exportReport(report, format);
    } catch (error) {
      if (error instanceof NotFoundError) return plain(404, t("reports.exportNotFound"));
      if (error instanceof ForbiddenError) return plain(403, t("reports.exportForbidden"));
      throw error;
    }
  },
);
