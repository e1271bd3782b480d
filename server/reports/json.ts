import type { PeriodReport } from "../domain/reports";

/**
 * All of the report's data for archives and other systems: codes as stored (status, assessment)
 * plus who adopted it and when, and when it was generated and exported.
 */
export function reportToJson(report: PeriodReport, exportedAt = new Date()): string {
  const { adoption, organisation, period, generatedAt, ...content } = report;
  return JSON.stringify(
    {
      kind: "samverkan.period-report",
      // 2: a goal's rollUp is { result, counted, assessed, overdue, threshold } (was the result).
      version: 2,
      organisation,
      period,
      adopted: adoption !== null,
      adoptionId: adoption?.id ?? null,
      adoptedAt: adoption?.adoptedAt ?? null,
      adoptedBy: adoption?.adoptedByName ?? null,
      adoptionReason: adoption?.reason ?? null,
      generatedAt,
      exportedAt: exportedAt.toISOString(),
      ...content,
    },
    null,
    2,
  );
}
