import { formatPeriod } from "../../common/format";
import type { Executor } from "../../db";
import type { FollowUpPeriod, PeriodKind } from "../../db/schema";
import { addDays, swedishToday } from "./dates";
import { type Actor, assertCan } from "./policy";

export interface PeriodView {
  id: string;
  name: string;
  startDate: string;
  endDate: string;
  reportDeadline: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The periods of one year: tertial T1 jan–apr, T2 maj–aug, T3 sep–dec; or quarters; or the year. */
export function periodsOfYear(year: number, kind: PeriodKind) {
  const months = kind === "tertial" ? 4 : kind === "quarter" ? 3 : 12;
  const periods = [];
  for (let first = 1; first <= 12; first += months) {
    const last = first + months - 1;
    const startDate = `${year}-${pad(first)}-01`;
    const endDate = `${year}-${pad(last)}-${pad(new Date(Date.UTC(year, last, 0)).getUTCDate())}`;
    periods.push({
      name: formatPeriod(startDate, endDate),
      start_date: startDate,
      end_date: endDate,
      // Departments report in the two weeks after a period ends.
      report_deadline: addDays(endDate, 14),
    });
  }
  return periods;
}

/** Creates the organisation's periods for the given years (skipping those that exist). */
export async function ensurePeriods(
  db: Executor,
  organisationId: string,
  years: number[],
  kind: PeriodKind,
) {
  const rows = years
    .flatMap((year) => periodsOfYear(year, kind))
    .map((p) => ({ ...p, organisation_id: organisationId }));
  if (rows.length === 0) return;
  await db
    .insertInto("follow_up_periods")
    .values(rows)
    .onConflict((oc) => oc.columns(["organisation_id", "start_date"]).doNothing())
    .execute();
}

/** The name is written from the dates, so periods stored as "2020 T3" read "T3 2020" too. */
export function presentPeriod(p: FollowUpPeriod): PeriodView {
  return {
    id: p.id,
    name: formatPeriod(p.start_date, p.end_date),
    startDate: p.start_date,
    endDate: p.end_date,
    reportDeadline: p.report_deadline,
  };
}

export async function listPeriods(db: Executor, actor: Actor): Promise<PeriodView[]> {
  assertCan(actor, "organisation:read");
  const rows = await db
    .selectFrom("follow_up_periods")
    .selectAll()
    .where("organisation_id", "=", actor.organisationId)
    .orderBy("start_date")
    .execute();
  return rows.map(presentPeriod);
}

/**
 * The period being reported on: the one whose report deadline is the next to come (a period
 * that ended last week is still being reported), else the latest one.
 */
export async function currentPeriod(
  db: Executor,
  actor: Actor,
  today = swedishToday(),
): Promise<PeriodView | null> {
  assertCan(actor, "organisation:read");
  // An organisation has a few periods a year: one read of them all answers in one round trip.
  const periods = await db
    .selectFrom("follow_up_periods")
    .selectAll()
    .where("organisation_id", "=", actor.organisationId)
    .execute();
  const period = currentOf(periods, today);
  return period ? presentPeriod(period) : null;
}

/** currentPeriod's rule among periods already read. */
export function currentOf<P extends Pick<FollowUpPeriod, "start_date" | "report_deadline">>(
  periods: readonly P[],
  today: string,
): P | undefined {
  const begun = periods
    .filter((p) => p.start_date <= today)
    .sort((a, b) => a.start_date.localeCompare(b.start_date));
  return begun.find((p) => p.report_deadline >= today) ?? begun.at(-1);
}

/**
 * A period as its report treats it. Once a later period is being reported on, its reporting is
 * closed (`closed_on`, its report deadline): its report shows what departments recorded then,
 * and actions created after it closed are not part of it. The current period and later ones are
 * live (`closed_on` null).
 */
export async function reportingPeriod<P extends FollowUpPeriod>(
  db: Executor,
  actor: Actor,
  period: P,
  today = swedishToday(),
): Promise<P & { closed_on: string | null }> {
  const current = await currentPeriod(db, actor, today);
  const closed = current !== null && period.start_date < current.startDate;
  return { ...period, closed_on: closed ? period.report_deadline : null };
}

/** From this many days before the deadline, a period's reports are due soon. */
export const DUE_SOON_DAYS = 7;

/**
 * Where a period's reporting stands on a given day: not begun ("Kommande"), reports being written
 * ("Rapporteras nu"), due within a week ("Rapporteras snart"), every department klarmarkerad
 * before the deadline ("Rapporterad"), the deadline passed with reports missing ("Försenad
 * rapport"), or done with ("Avslutad": adopted, or past the deadline with every report in).
 */
export const PERIOD_STATES = [
  "upcoming",
  "reporting",
  "due_soon",
  "reported",
  "late",
  "closed",
] as const;
export type PeriodState = (typeof PERIOD_STATES)[number];

export function periodState(
  period: Pick<PeriodView, "startDate" | "reportDeadline">,
  today: string,
  { complete, adopted }: { complete: boolean; adopted: boolean },
): PeriodState {
  if (adopted) return "closed";
  if (today < period.startDate) return "upcoming";
  if (today > period.reportDeadline) return complete ? "closed" : "late";
  if (complete) return "reported";
  return today >= addDays(period.reportDeadline, -DUE_SOON_DAYS) ? "due_soon" : "reporting";
}

/** A department's report for a period: what it has done and how much it had to report. */
export interface DepartmentReportFacts {
  completedAt: string | null;
  /** Its actions reported on in the period. */
  toReport: number;
}

export const DEPARTMENT_DEADLINE_STATES = [
  "completed",
  "nothing_to_report",
  "open",
  "due_soon",
  "late",
] as const;
export type DepartmentDeadlineState = (typeof DEPARTMENT_DEADLINE_STATES)[number];

/** A department with nothing to report is never "missing"; one that has not klarmarkerat follows the deadline. */
export function departmentReportState(
  department: DepartmentReportFacts,
  period: PeriodState,
): DepartmentDeadlineState {
  if (department.completedAt) return "completed";
  if (department.toReport === 0) return "nothing_to_report";
  if (period === "late" || period === "closed") return "late";
  return period === "due_soon" ? "due_soon" : "open";
}

/** Every department that had actions to report has klarmarkerat. */
export function isReportComplete(departments: DepartmentReportFacts[]): boolean {
  return departments.every((d) => d.completedAt !== null || d.toReport === 0);
}
