import { sql } from "kysely";
import { z } from "zod";
import type { Executor } from "../../db";
import type { Assessment } from "../../db/schema";
import type { DisplayStatus } from "./actions";
import { type ChangeItem, recentChanges } from "./changes";
import { swedishToday } from "./dates";
import { isReportable, periodDeadlines, periodReportCompletions } from "./followups";
import { rollUpThreshold } from "./organisations";
import {
  currentOf,
  type DepartmentDeadlineState,
  type PeriodState,
  type PeriodView,
  presentPeriod,
} from "./periods";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { type RollUp, rollUp } from "./rollup";
import { parseInput } from "./validation";

export const DashboardFilterSchema = z.object({
  strategyId: z.uuid("validation.unknownStrategy").optional(),
  periodId: z.uuid("validation.unknownPeriod").optional(),
  departmentId: z.uuid("validation.unknownDepartment").optional(),
  goalId: z.uuid("validation.unknownGoal").optional(),
});

export interface GoalSummary {
  id: string;
  position: number;
  title: string;
  statusCounts: Record<DisplayStatus, number>;
  total: number;
  doneShare: number;
  overdue: number;
  /** The period's assessments of the actions its roll-up counts. */
  assessmentCounts: Record<Assessment, number>;
  rollUp: RollUp;
}

export interface DepartmentSummary {
  id: string;
  name: string;
  owned: number;
  overdue: number;
  /** Actions still lacking an assessment this period. */
  missing: number;
  completedAt: string | null;
  completedByName: string | null;
  /** This period's report as its deadline judges it (followups.periodDeadlines). */
  reportState: ReportState;
}

export type ReportState = DepartmentDeadlineState | "none";

export interface TrendPoint {
  periodId: string;
  goalId: string;
  counts: Record<Assessment, number>;
}

export interface Dashboard {
  strategy: { id: string; name: string; validFrom: number; validTo: number } | null;
  strategies: { id: string; name: string }[];
  period: PeriodView | null;
  /** The chosen period's deadline state. */
  periodState: PeriodState | null;
  periods: PeriodView[];
  /** Every active department, for the department filter (also when one is chosen). */
  departmentOptions: { id: string; name: string }[];
  /** Every goal of the strategy, for the goal filter (also when one goal is chosen). */
  goalOptions: { id: string; position: number }[];
  goals: GoalSummary[];
  departments: DepartmentSummary[];
  trend: TrendPoint[];
  activity: ChangeItem[];
  today: string;
}

/** Matches no period: used when the organisation has none yet. */
const NO_PERIOD = "00000000-0000-0000-0000-000000000000";

const emptyStatusCounts = (): Record<DisplayStatus, number> => ({
  not_started: 0,
  in_progress: 0,
  overdue: 0,
  done: 0,
  paused: 0,
  cancelled: 0,
});
const emptyAssessments = (): Record<Assessment, number> => ({
  on_track: 0,
  at_risk: 0,
  off_track: 0,
  not_assessed: 0,
});

/**
 * Everything the kommunchef's overview shows, from a handful of grouped SQL queries (never by
 * loading every action): per goal, per department, the trend across periods, recent activity.
 */
export async function loadDashboard(
  db: Executor,
  actor: Actor,
  rawFilter: unknown,
  today = swedishToday(),
): Promise<Dashboard> {
  assertCan(actor, "dashboard:read");
  const filter = parseInput(DashboardFilterSchema, rawFilter);
  const org = actor.organisationId;

  const [strategies, periods, activeDepartments] = await Promise.all([
    db
      .selectFrom("strategies")
      .select(["id", "name", "valid_from", "valid_to", "is_active"])
      .where("organisation_id", "=", org)
      .orderBy("is_active", "desc")
      .orderBy("valid_from", "desc")
      .execute(),
    db
      .selectFrom("follow_up_periods")
      .selectAll()
      .where("organisation_id", "=", org)
      .orderBy("start_date")
      .execute(),
    db
      .selectFrom("departments")
      .select(["id", "name"])
      .where("organisation_id", "=", org)
      .where("archived_at", "is", null)
      .orderBy(sql`lower(name)`)
      .execute(),
  ]);
  const strategy = filter.strategyId
    ? strategies.find((s) => s.id === filter.strategyId)
    : strategies[0];
  if (filter.strategyId && !strategy) throw new NotFoundError();
  const period = filter.periodId ? periods.find((p) => p.id === filter.periodId) : undefined;
  if (filter.periodId && !period) throw new NotFoundError();
  const shownPeriod = period ?? currentOf(periods, today);
  const activePeriod = shownPeriod ? presentPeriod(shownPeriod) : null;
  const departments = filter.departmentId
    ? activeDepartments.filter((d) => d.id === filter.departmentId)
    : activeDepartments;

  const base = {
    strategy: strategy
      ? {
          id: strategy.id,
          name: strategy.name,
          validFrom: strategy.valid_from,
          validTo: strategy.valid_to,
        }
      : null,
    strategies: strategies.map((s) => ({ id: s.id, name: s.name })),
    period: activePeriod,
    periods: periods.map(presentPeriod),
    departmentOptions: activeDepartments,
    today,
  };
  if (!strategy)
    return {
      ...base,
      periodState: null,
      goalOptions: [],
      goals: [],
      departments: [],
      trend: [],
      activity: [],
    };

  const allGoals = await db
    .selectFrom("goals")
    .select(["id", "position", "title"])
    .where("strategy_id", "=", strategy.id)
    .orderBy("position")
    .execute();
  const goalOptions = allGoals.map((g) => ({ id: g.id, position: g.position }));
  const goals = filter.goalId ? allGoals.filter((g) => g.id === filter.goalId) : allGoals;
  if (filter.goalId && goals.length === 0) throw new NotFoundError();
  const goalIds = goals.map((g) => g.id);
  if (goalIds.length === 0) {
    return {
      ...base,
      goalOptions,
      goals: [],
      periodState: null,
      departments: [],
      trend: [],
      activity: await recentChanges(db, actor),
    };
  }

  const overdue = sql<boolean>`(actions.due_date < ${today}::date and actions.status not in ('done', 'cancelled'))`;
  let actionsInScope = db
    .selectFrom("actions")
    .where("actions.organisation_id", "=", org)
    .where("actions.goal_id", "in", goalIds)
    // Archived actions count nowhere on the overview (ADR 0031).
    .where("actions.archived_at", "is", null);
  if (filter.departmentId)
    actionsInScope = actionsInScope.where("actions.department_id", "=", filter.departmentId);
  // No period: a join that matches nothing, so every action counts as not assessed.
  const periodForJoin = activePeriod ?? {
    id: NO_PERIOD,
    startDate: "0001-01-01",
    endDate: "0001-01-01",
  };

  const [breakdown, completionOf, trendRows, activity, threshold, deadlines] = await Promise.all([
    // One grouped scan answers the goals, the departments and the statuses together.
    actionsInScope
      .leftJoin("follow_ups", (join) =>
        join
          .onRef("follow_ups.action_id", "=", "actions.id")
          .on("follow_ups.period_id", "=", periodForJoin.id),
      )
      .select((eb) => [
        "actions.goal_id as goalId",
        "actions.department_id as departmentId",
        sql<DisplayStatus>`case when ${overdue} then 'overdue' else actions.status end`.as(
          "status",
        ),
        sql<Assessment>`coalesce(follow_ups.assessment, 'not_assessed')`.as("assessment"),
        isReportable(eb, {
          start_date: periodForJoin.startDate,
          end_date: periodForJoin.endDate,
        }).as("reportable"),
        eb.fn.countAll<string>().as("n"),
      ])
      .groupBy([sql`1`, sql`2`, sql`3`, sql`4`, sql`5`])
      .execute(),
    activePeriod ? periodReportCompletions(db, org, activePeriod.id) : null,
    // The trend reads the counts the database keeps per period, goal and department (0005).
    db
      .selectFrom("assessment_counts")
      .select((eb) => [
        "period_id as periodId",
        "goal_id as goalId",
        "assessment",
        eb.fn.sum<string>("n").as("n"),
      ])
      .where("organisation_id", "=", org)
      .where("goal_id", "in", goalIds)
      .$if(Boolean(filter.departmentId), (q) => q.where("department_id", "=", filter.departmentId!))
      .groupBy(["period_id", "goal_id", "assessment"])
      .having((eb) => eb.fn.sum("n"), ">", 0)
      .execute(),
    recentChanges(db, actor),
    rollUpThreshold(db, org),
    activePeriod ? periodDeadlines(db, actor, [activePeriod], today) : null,
  ]);
  const deadline = activePeriod ? deadlines?.[activePeriod.id] : undefined;
  const rows = breakdown.map((row) => ({ ...row, n: Number(row.n) }));
  const sum = (keep: (row: (typeof rows)[number]) => boolean) =>
    rows.reduce((total, row) => (keep(row) ? total + row.n : total), 0);

  const summaries = goals.map((goal): GoalSummary => {
    const statusCounts = emptyStatusCounts();
    const assessmentCounts = emptyAssessments();
    const goalRows = rows.filter((r) => r.goalId === goal.id);
    // The roll-up counts the actions reported on in the period (none when there is no period).
    const counted = activePeriod ? goalRows.filter((r) => r.reportable) : [];
    for (const row of goalRows) statusCounts[row.status] += row.n;
    for (const row of counted) assessmentCounts[row.assessment] += row.n;
    const total = Object.values(statusCounts).reduce((a, b) => a + b, 0);
    const notCancelled = total - statusCounts.cancelled;
    return {
      id: goal.id,
      position: goal.position,
      title: goal.title,
      statusCounts,
      total,
      doneShare: notCancelled > 0 ? statusCounts.done / notCancelled : 0,
      overdue: statusCounts.overdue,
      assessmentCounts,
      rollUp: rollUp(counted, threshold),
    };
  });

  const departmentRows = departments.map((d): DepartmentSummary => {
    const completion = completionOf
      ? completionOf(d.id)
      : { completedAt: null, completedByName: null };
    return {
      id: d.id,
      name: d.name,
      owned: sum((r) => r.departmentId === d.id),
      overdue: sum((r) => r.departmentId === d.id && r.status === "overdue"),
      missing: activePeriod
        ? sum(
            (r) =>
              r.departmentId === d.id && Boolean(r.reportable) && r.assessment === "not_assessed",
          )
        : 0,
      ...completion,
      reportState: deadline?.departments[d.id] ?? "none",
    };
  });

  const trendByKey = new Map<string, TrendPoint>();
  for (const row of trendRows) {
    const key = `${row.periodId}:${row.goalId}`;
    const point = trendByKey.get(key) ?? {
      periodId: row.periodId,
      goalId: row.goalId,
      counts: emptyAssessments(),
    };
    point.counts[row.assessment] += Number(row.n);
    trendByKey.set(key, point);
  }

  return {
    ...base,
    goalOptions,
    goals: summaries,
    periodState: deadline?.state ?? null,
    departments: departmentRows,
    trend: [...trendByKey.values()],
    activity,
  };
}
