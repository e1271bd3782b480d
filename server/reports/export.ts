import { z } from "zod";
import type { PeriodReport } from "../domain/reports";
import { reportToCsv } from "./csv";
import { reportToDocx } from "./docx";
import { reportToJson } from "./json";
import { contentDisposition, type ExportFormat, exportFileName } from "./outline";
import { reportToPdf } from "./pdf";

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

const RENDERERS: Record<ExportFormat, (report: PeriodReport) => Promise<Buffer> | string> = {
  docx: reportToDocx,
  pdf: reportToPdf,
  csv: reportToCsv,
  json: (report) => reportToJson(report),
};

/** The API's downloads (`?format=docx|pdf|csv`): the report as JSON is GET /periods/{id}/report. */
export const ReportExportQuery = z.object({
  format: z
    .enum(["docx", "pdf", "csv"], "validation.reportExportFormat")
    .describe("docx (Word), pdf (PDF/A-2a) or csv (one row per action, semicolons, UTF-8)"),
  adoptionId: z
    .string()
    .optional()
    .describe("An adopted version (GET /periods/{id}/adoptions); the live report if left out"),
});

/** The report as a download: body, type and a Swedish file name with the period. */
export async function exportReport(report: PeriodReport, format: ExportFormat): Promise<Response> {
  const body = await RENDERERS[format](report);
  return new Response(typeof body === "string" ? body : new Uint8Array(body), {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": contentDisposition(exportFileName(report, format)),
      // Reports may be for a restricted audience and the live one changes: never cache.
      "Cache-Control": "private, no-store",
    },
  });
}
