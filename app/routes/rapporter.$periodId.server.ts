import { translator } from "../../common/i18n";
import type { Executor } from "../../db";
import type { Locale } from "../../db/schema";
import { periodDeadlines } from "../../server/domain/followups";
import { listPeriods } from "../../server/domain/periods";
import { type Actor, can, NotFoundError } from "../../server/domain/policy";
import {
  adoptionGaps,
  buildPeriodReport,
  getAdoptedReport,
  listAdoptions,
  type PeriodReport,
} from "../../server/domain/reports";
import {
  APPENDIX_HEADING_LEVEL,
  adoptionStatus,
  departmentStatus,
  nestHeadings,
  reportRollUpRule,
  rollUpBasis,
  valuesNote,
} from "../../server/reports/outline";

/** The page speaks the reader's language. */
type Reader = Actor & { locale: Locale };

/** The report as the page shows it: sentences in the reader's language, appendix headings nested. */
function presentReport(report: PeriodReport, actor: Reader) {
  const t = translator(actor.locale);
  return {
    adoptionId: report.adoption?.id ?? null,
    status: adoptionStatus(report, t),
    adoptionReason: report.adoption?.reason
      ? t("reports.adoptionReason", { reason: report.adoption.reason })
      : null,
    organisation: report.organisation.name,
    strategy: report.strategy?.name ?? null,
    actionCount: report.goals.reduce((n, g) => n + g.actions.length, 0),
    valuesNote: valuesNote(report, t),
    rollUpRule: reportRollUpRule(report, t),
    goals: report.goals.map((goal) => ({ ...goal, basis: rollUpBasis(goal, t) })),
    departments: report.departments.map((d) => ({ ...d, status: departmentStatus(d, t) })),
    appendices: report.appendices.map(({ text: _text, ...a }) => ({
      ...a,
      html: nestHeadings(a.html, APPENDIX_HEADING_LEVEL),
    })),
  };
}

export type ReportView = ReturnType<typeof presentReport>;

/**
 * A period's report page: the live report, or the adopted version asked for (`adoptionId`).
 * Observers read adopted versions only: the latest unless they asked for another.
 */
export async function periodReportPage(
  db: Executor,
  actor: Reader,
  periodId: string,
  requestedAdoptionId: string | null,
) {
  const canReadLive = can(actor, "reports:read-live");
  const [adoptions, periods] = await Promise.all([
    listAdoptions(db, actor, periodId),
    listPeriods(db, actor),
  ]);
  const period = periods.find((p) => p.id === periodId);
  if (!period) throw new NotFoundError();
  const adoptionId = requestedAdoptionId ?? (canReadLive ? null : (adoptions[0]?.id ?? null));
  const report = adoptionId
    ? await getAdoptedReport(db, actor, periodId, adoptionId)
    : canReadLive
      ? await buildPeriodReport(db, actor, periodId)
      : null;
  const deadlines = await periodDeadlines(db, actor, [period]);
  const shownIndex = adoptions.findIndex((a) => a.id === report?.adoption?.id);
  return {
    period,
    adoptions,
    canReadLive,
    canAdopt: can(actor, "reports:adopt"),
    supersededBy: shownIndex > 0 ? adoptions[shownIndex - 1] : null,
    latestAdoption: adoptions[0] ?? null,
    report: report && presentReport(report, actor),
    periodState: deadlines[period.id].state,
    /** Before adopting the live report: what it still lacks. */
    gaps: report && !report.adoption ? adoptionGaps(report) : null,
  };
}
