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
      version: 1,
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
