import { type ExpressionBuilder, sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction, type Tx } from "../../db";
import { type ActionStatus, ASSESSMENTS, type Assessment, type Database } from "../../db/schema";
import { assertNotArchived, getAction, recordActionChanged, updateAction } from "./actions";
import { recordAudit } from "./audit";
import { swedishToday } from "./dates";
import { BatchRefused, ConflictError, ValidationError } from "./errors";
import { recordEvent } from "./events";
import {
  currentPeriod,
  type DepartmentDeadlineState,
  departmentReportState,
  isReportComplete,
  type PeriodState,
  type PeriodView,
  periodState,
  reportingPeriod,
} from "./periods";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

export const FollowUpSchema = z.object({
  assessment: z.enum(ASSESSMENTS, "validation.assessment"),
  comment: freeText(
    z.string().trim().min(1, "validation.commentRequired").max(5000, "validation.tooLong"),
  ),
});

export interface FollowUpView {
  periodId: string;
  assessment: Assessment;
  comment: string;
  updatedAt: string;
  updatedByName: string | null;
  /** The action as it was when the department reported; null where that was not recorded. */
  reported: { status: ActionStatus; progress: number | null; dueDate: string | null } | null;
}

/** One of the actor's organisation's periods, or 404. */
export async function getPeriod(db: Executor, actor: Actor, periodId: string) {
  if (!z.uuid().safeParse(periodId).success) throw new NotFoundError();
  const period = await db
    .selectFrom("follow_up_periods")
    .selectAll()
    .where("id", "=", periodId)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!period) throw new NotFoundError();
  return period;
}

export async function listFollowUps(
  db: Executor,
  actor: Actor,
  actionId: string,
): Promise<FollowUpView[]> {
  await getAction(db, actor, actionId);
  const rows = await db
    .selectFrom("follow_ups")
    .leftJoin("users", "users.id", "follow_ups.updated_by")
    .select([
      "follow_ups.period_id",
      "follow_ups.assessment",
      "follow_ups.comment",
      "follow_ups.updated_at",
      "follow_ups.reported_status",
      "follow_ups.reported_progress",
      "follow_ups.reported_due_date",
      "users.name",
    ])
    .where("follow_ups.action_id", "=", actionId)
    .where("follow_ups.organisation_id", "=", actor.organisationId)
    .execute();
  return rows.map((r) => ({
    periodId: r.period_id,
    assessment: r.assessment,
    comment: r.comment,
    updatedAt: r.updated_at.toISOString(),
    updatedByName: r.name,
    reported: r.reported_status
      ? { status: r.reported_status, progress: r.reported_progress, dueDate: r.reported_due_date }
      : null,
  }));
}

/** Saves one action's assessment for one period (created or replaced); a comment is mandatory. */
export async function saveFollowUp(
  db: Executor,
  actor: Actor,
  actionId: string,
  periodId: string,
  input: unknown,
) {
  const action = await getAction(db, actor, actionId);
  assertCan(actor, "actions:update-progress", {
    organisationId: actor.organisationId,
    departmentId: action.departmentId,
  });
  assertNotArchived(action);
  await getPeriod(db, actor, periodId);
  const data = parseInput(FollowUpSchema, input);
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom("follow_ups")
      .select(["assessment", "comment"])
      .where("action_id", "=", actionId)
      .where("period_id", "=", periodId)
      .executeTakeFirst();
    // What the action is at this moment, read in the transaction: the period keeps it (ADR 0018).
    const reported = await trx
      .selectFrom("actions")
      .select([
        "status as reported_status",
        "progress as reported_progress",
        "due_date as reported_due_date",
      ])
      .where("id", "=", actionId)
      .executeTakeFirstOrThrow();
    const values = { ...data, ...reported, updated_by: actor.userId };
    await trx
      .insertInto("follow_ups")
      .values({
        organisation_id: actor.organisationId,
        action_id: actionId,
        period_id: periodId,
        ...values,
      })
      .onConflict((oc) =>
        oc.columns(["action_id", "period_id"]).doUpdateSet({ ...values, updated_at: new Date() }),
      )
      .execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "followup.saved",
      entityType: "action",
      entityId: actionId,
      before: before ? { periodId, ...before } : undefined,
      after: { periodId, ...data },
    });
    await recordActionChanged(trx, actor, action, "followup");
  });
}

/** A department's report on one action in "Att göra", as its form sends it. */
export interface ActionReport {
  version: unknown;
  status: string;
  progress: string;
  /** Sent only where the policy lets the person change it (`actions:edit`); "" removes it. */
  dueDate?: string;
  assessment: unknown;
  comment: string;
  /** The person confirmed a status and progress that contradict each other. */
  confirmMismatch?: boolean;
}

/**
 * A department's report on one action in "Att göra": its status, progress (and due date where
 * the role may), and the period's assessment. Both or neither: a refused change must not leave
 * a half-saved report behind. Every refused field is named at once.
 */
export async function reportOnAction(
  db: Executor,
  actor: Actor,
  actionId: string,
  periodId: string,
  input: ActionReport,
): Promise<void> {
  const action = await getAction(db, actor, actionId);
  const { version, status, progress, dueDate, assessment, comment, confirmMismatch } = input;
  const dueDateChanged = dueDate !== undefined && (dueDate || null) !== action.dueDate;
  const changed =
    dueDateChanged || status !== action.status || progress !== String(action.progress);
  const fields: Record<string, string> = {};
  const collecting = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      Object.assign(fields, error.fields);
    }
  };
  await inTransaction(db, async (trx) => {
    if (changed) {
      const changes = { version, status, progress, ...(dueDateChanged && { dueDate }) };
      const onMismatch = confirmMismatch ? "accept" : "ask";
      await collecting(() => updateAction(trx, actor, actionId, changes, { onMismatch }));
    }
    await collecting(() => saveFollowUp(trx, actor, actionId, periodId, { assessment, comment }));
    if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  });
}

/**
 * "Spara alla ändrade": several reports in one transaction. Every report is tried, so each
 * refusal can be shown on its own card; if any is refused, none is saved.
 */
export async function reportOnActions(
  db: Executor,
  actor: Actor,
  periodId: string,
  reports: { actionId: string; input: ActionReport }[],
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const failures = new Map<string, ValidationError | ConflictError>();
    for (const { actionId, input } of reports) {
      try {
        await reportOnAction(trx, actor, actionId, periodId, input);
      } catch (error) {
        if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
        failures.set(actionId, error);
      }
    }
    if (failures.size > 0) throw new BatchRefused(failures);
  });
}

export interface PeriodReportStatus {
  departmentId: string;
  periodId: string;
  completedAt: string | null;
  completedByName: string | null;
  /** Actions that still need an assessment before the report can be marked done. */
  missing: number;
  /** Why a klarmarkerad report is open again, until it is klarmarkerad anew. */
  reopened: Reopening | null;
}

/** A report reopened because an action it must cover was added or moved to the department. */
export interface Reopening {
  actionId: string;
  actionTitle: string;
  at: string;
}

/** An action with no assessment for the period (in a query joining its follow-up). */
function lacksAssessment(eb: ExpressionBuilder<Database, "follow_ups">) {
  return eb.or([eb("follow_ups.id", "is", null), eb("follow_ups.assessment", "=", "not_assessed")]);
}

/**
 * The actions a department reports on in a period: its own, not cancelled, not finished before
 * the period began, and started by the period's end.
 */
export function actionsToReport(
  db: Executor,
  organisationId: string,
  departmentId: string,
  period: ReportedPeriod,
) {
  return reportableActions(db, organisationId, period).where(
    "actions.department_id",
    "=",
    departmentId,
  );
}

/** A period to report on; `closed_on` once its reporting is over (periods.reportingPeriod). */
type ReportedPeriod = {
  id: string;
  start_date: string;
  end_date: string;
  closed_on?: string | null;
};

/** The rule behind actionsToReport for every department at once (the dashboard groups by department). */
export function reportableActions(db: Executor, organisationId: string, period: ReportedPeriod) {
  return db
    .selectFrom("actions")
    .leftJoin("follow_ups", (join) =>
      join
        .onRef("follow_ups.action_id", "=", "actions.id")
        .on("follow_ups.period_id", "=", period.id),
    )
    .where("actions.organisation_id", "=", organisationId)
    .where((eb) => isReportable(eb, period))
    .where((eb) => unarchivedWhileOpen(eb, period.closed_on))
    .$if(Boolean(period.closed_on), (query) =>
      query.where((eb) => existedWhileOpen(eb, period.closed_on!)),
    );
}

/**
 * In a period whose reporting has closed, an action created after that is not part of it,
 * unless it was reported on there all the same: a report done then stays done.
 */
export function existedWhileOpen(
  eb: ExpressionBuilder<Database, "actions" | "follow_ups">,
  closedOn: string,
) {
  return eb.or([
    eb("actions.created_at", "<", sql<Date>`${closedOn}::date + 1`),
    eb("follow_ups.id", "is not", null),
  ]);
}

/**
 * An archived action leaves every period still open (ADR 0031); a period whose reporting has
 * closed keeps the actions archived only after that, as its report was then.
 */
export function unarchivedWhileOpen(
  eb: ExpressionBuilder<Database, "actions">,
  closedOn: string | null | undefined,
) {
  const unarchived = eb("actions.archived_at", "is", null);
  return closedOn
    ? eb.or([unarchived, eb("actions.archived_at", ">=", sql<Date>`${closedOn}::date + 1`)])
    : unarchived;
}

/**
 * The rule itself, as an SQL condition on `actions`: reported on in a period are the actions
 * not cancelled, not finished before the period began, and started by its end.
 */
export function isReportable(
  eb: ExpressionBuilder<Database, "actions">,
  period: { start_date: string; end_date: string },
) {
  return eb.and([
    eb("actions.status", "!=", "cancelled"),
    eb.or([
      eb("actions.status", "!=", "done"),
      eb("actions.updated_at", ">=", sql<Date>`${period.start_date}::date`),
    ]),
    eb.or([eb("actions.start_date", "is", null), eb("actions.start_date", "<=", period.end_date)]),
  ]);
}

/** A department's report in a period (klarmarkerad or not, what it lacks); 404 for a stranger's. */
export async function periodReportStatus(
  db: Executor,
  actor: Actor,
  departmentId: string,
  periodId: string,
): Promise<PeriodReportStatus> {
  assertCan(actor, "actions:read");
  await assertDepartment(db, actor, departmentId);
  const period = await reportingPeriod(db, actor, await getPeriod(db, actor, periodId));
  const missing = await actionsToReport(db, actor.organisationId, departmentId, period)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where((eb) => lacksAssessment(eb))
    .executeTakeFirstOrThrow();
  const [report, reopenedOf] = await Promise.all([
    db
      .selectFrom("period_reports")
      .leftJoin("users", "users.id", "period_reports.completed_by")
      .select(["period_reports.completed_at", "users.name"])
      .where("period_reports.department_id", "=", departmentId)
      .where("period_reports.period_id", "=", periodId)
      .where("period_reports.organisation_id", "=", actor.organisationId)
      .executeTakeFirst(),
    reopenings(db, actor.organisationId, periodId),
  ]);
  return {
    departmentId,
    periodId,
    completedAt: report?.completed_at.toISOString() ?? null,
    completedByName: report?.name ?? null,
    missing: Number(missing.n),
    reopened: report ? null : reopenedOf(departmentId),
  };
}

/**
 * For one period, each department's latest reopening by a new action, from the audit log: it
 * explains the report's state only while nothing has happened to the report since.
 */
async function reopenings(db: Executor, organisationId: string, periodId: string) {
  const rows = await db
    .selectFrom("audit_events")
    .select(["entity_id", "action", "after", "created_at"])
    .distinctOn("entity_id")
    .where("organisation_id", "=", organisationId)
    .where("entity_type", "=", "period_report")
    .where("entity_id", "like", `%:${periodId}`)
    .orderBy("entity_id")
    .orderBy("created_at", "desc")
    .execute();
  return (departmentId: string): Reopening | null => {
    const row = rows.find((r) => r.entity_id === `${departmentId}:${periodId}`);
    const after = (row?.after ?? {}) as {
      actionId?: string;
      actionTitle?: string;
    };
    if (row?.action !== "period-report.reopened" || !after.actionId) return null;
    return {
      actionId: after.actionId,
      actionTitle: after.actionTitle ?? "",
      at: row.created_at.toISOString(),
    };
  };
}

/**
 * Klarmarkering stays true: an action a department must now report on, in a period it has
 * klarmarkerat that is still open (the current one or later), reopens that report, audited with
 * the action as the reason. Called in the transaction that creates the action or moves it.
 */
export async function reopenForNewAction(
  trx: Tx,
  actor: Actor,
  action: { id: string; title: string; departmentId: string },
) {
  const current = await currentPeriod(trx, actor);
  if (!current) return;
  const { departmentId } = action;
  const completed = await trx
    .selectFrom("period_reports")
    .innerJoin("follow_up_periods", "follow_up_periods.id", "period_reports.period_id")
    .select(["follow_up_periods.id", "follow_up_periods.start_date", "follow_up_periods.end_date"])
    .where("period_reports.organisation_id", "=", actor.organisationId)
    .where("period_reports.department_id", "=", departmentId)
    .where("follow_up_periods.start_date", ">=", current.startDate)
    .execute();
  for (const period of completed) {
    const missing = await actionsToReport(trx, actor.organisationId, departmentId, period)
      .select("actions.id")
      .where("actions.id", "=", action.id)
      .where(lacksAssessment)
      .executeTakeFirst();
    if (!missing) continue;
    await trx
      .deleteFrom("period_reports")
      .where("department_id", "=", departmentId)
      .where("period_id", "=", period.id)
      .execute();
    const facts = { departmentId, periodId: period.id };
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "period-report.reopened",
      entityType: "period_report",
      entityId: `${departmentId}:${period.id}`,
      before: facts,
      after: { ...facts, actionId: action.id, actionTitle: action.title },
    });
    await recordEvent(trx, actor, { type: "period-report.changed", ...facts, completed: false });
  }
}

/** One of the actor's organisation's departments, or 404. */
async function assertDepartment(db: Executor, actor: Actor, departmentId: string) {
  if (!z.uuid().safeParse(departmentId).success) throw new NotFoundError();
  const department = await db
    .selectFrom("departments")
    .select("id")
    .where("id", "=", departmentId)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!department) throw new NotFoundError();
}

async function assertOwnDepartment(db: Executor, actor: Actor, departmentId: string) {
  await assertDepartment(db, actor, departmentId);
  assertCan(actor, "period-reports:complete", {
    organisationId: actor.organisationId,
    departmentId,
  });
}

/** Klarmarkera: allowed once every action to report has an assessment. */
export async function completePeriodReport(
  db: Executor,
  actor: Actor,
  departmentId: string,
  periodId: string,
) {
  await assertOwnDepartment(db, actor, departmentId);
  const status = await periodReportStatus(db, actor, departmentId, periodId);
  if (status.missing > 0) throw new ValidationError({ form: "validation.reportIncomplete" });
  await inTransaction(db, async (trx) => {
    if (!status.completedAt) {
      await trx
        .insertInto("period_reports")
        .values({
          organisation_id: actor.organisationId,
          department_id: departmentId,
          period_id: periodId,
          completed_at: new Date(),
          completed_by: actor.userId,
        })
        .execute();
      await recordAudit(trx, {
        organisationId: actor.organisationId,
        actorId: actor.userId,
        action: "period-report.completed",
        entityType: "period_report",
        entityId: `${departmentId}:${periodId}`,
        after: { departmentId, periodId },
      });
    }
    // Also when it was done already (a click in a second tab): open pages show it as it is.
    await recordEvent(trx, actor, {
      type: "period-report.changed",
      departmentId,
      periodId,
      completed: true,
    });
  });
}

export async function reopenPeriodReport(
  db: Executor,
  actor: Actor,
  departmentId: string,
  periodId: string,
) {
  await assertOwnDepartment(db, actor, departmentId);
  await getPeriod(db, actor, periodId);
  await inTransaction(db, async (trx) => {
    const removed = await trx
      .deleteFrom("period_reports")
      .where("department_id", "=", departmentId)
      .where("period_id", "=", periodId)
      .where("organisation_id", "=", actor.organisationId)
      .executeTakeFirst();
    if (removed.numDeletedRows > 0n) {
      await recordAudit(trx, {
        organisationId: actor.organisationId,
        actorId: actor.userId,
        action: "period-report.reopened",
        entityType: "period_report",
        entityId: `${departmentId}:${periodId}`,
        before: { departmentId, periodId },
      });
    }
    await recordEvent(trx, actor, {
      type: "period-report.changed",
      departmentId,
      periodId,
      completed: false,
    });
  });
}

/** How many of the actor's departments' actions still lack an assessment this period ("Att göra"). */
export async function countAwaitingFollowUp(
  db: Executor,
  actor: Actor,
  period: { id: string; startDate: string; endDate: string } | null,
): Promise<number> {
  if (!period || actor.departmentIds.length === 0) return 0;
  let total = 0;
  for (const departmentId of actor.departmentIds) {
    const row = await actionsToReport(db, actor.organisationId, departmentId, {
      id: period.id,
      start_date: period.startDate,
      end_date: period.endDate,
    })
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where((eb) => lacksAssessment(eb))
      .executeTakeFirstOrThrow();
    total += Number(row.n);
  }
  return total;
}

export interface DepartmentReportState {
  /** Actions still lacking an assessment for the period. */
  missing: number;
  completedAt: string | null;
  completedByName: string | null;
  reopened: Reopening | null;
}

/**
 * For one period, every department's reporting state in two grouped queries (the overview and
 * the period report use it): `stateOf(departmentId)` answers for each department.
 */
export async function departmentReportStates(
  db: Executor,
  organisationId: string,
  period: ReportedPeriod,
  goalIds?: string[],
) {
  let missingQuery = reportableActions(db, organisationId, period).where((eb) =>
    lacksAssessment(eb),
  );
  if (goalIds) missingQuery = missingQuery.where("actions.goal_id", "in", goalIds);
  const [missing, completionOf, reopenedOf] = await Promise.all([
    missingQuery
      .select((eb) => ["actions.department_id as departmentId", eb.fn.countAll<string>().as("n")])
      .groupBy("actions.department_id")
      .execute(),
    periodReportCompletions(db, organisationId, period.id),
    reopenings(db, organisationId, period.id),
  ]);
  return (departmentId: string): DepartmentReportState => {
    const completion = completionOf(departmentId);
    return {
      missing: Number(missing.find((m) => m.departmentId === departmentId)?.n ?? 0),
      ...completion,
      reopened: completion.completedAt ? null : reopenedOf(departmentId),
    };
  };
}

/** Which departments marked a period's report done (klarmarkerad), when and by whom. */
export async function periodReportCompletions(
  db: Executor,
  organisationId: string,
  periodId: string,
) {
  const reports = await db
    .selectFrom("period_reports")
    .leftJoin("users", "users.id", "period_reports.completed_by")
    .select([
      "period_reports.department_id as departmentId",
      "period_reports.completed_at",
      "users.name",
    ])
    .where("period_reports.organisation_id", "=", organisationId)
    .where("period_reports.period_id", "=", periodId)
    .execute();
  return (departmentId: string) => {
    const report = reports.find((r) => r.departmentId === departmentId);
    return {
      completedAt: report?.completed_at.toISOString() ?? null,
      completedByName: report?.name ?? null,
    };
  };
}

export interface PeriodDeadline {
  state: PeriodState;
  /** Every active department's report state in the period, by department id. */
  departments: Record<string, DepartmentDeadlineState>;
}

/**
 * Where each period's reporting stands on `today`, and each department's report in it: the one
 * rule (periods.periodState, departmentReportState) behind Rapporter, the report page, Översikt
 * and Att göra. A department with no actions to report in a period is never missing.
 */
export async function periodDeadlines(
  db: Executor,
  actor: Actor,
  periods: PeriodView[],
  today = swedishToday(),
): Promise<Record<string, PeriodDeadline>> {
  assertCan(actor, "organisation:read");
  const org = actor.organisationId;
  const [current, departments, adoptions] = await Promise.all([
    currentPeriod(db, actor, today),
    db
      .selectFrom("departments")
      .select("id")
      .where("organisation_id", "=", org)
      .where("archived_at", "is", null)
      .execute(),
    db
      .selectFrom("report_adoptions")
      .select("period_id")
      .distinct()
      .where("organisation_id", "=", org)
      .execute(),
  ]);
  const adopted = new Set(adoptions.map((a) => a.period_id));
  const entries = await Promise.all(
    periods.map(async (period): Promise<[string, PeriodDeadline]> => {
      const closed = current !== null && period.startDate < current.startDate;
      const reported = {
        id: period.id,
        start_date: period.startDate,
        end_date: period.endDate,
        closed_on: closed ? period.reportDeadline : null,
      };
      const [toReport, completionOf] = await Promise.all([
        reportableActions(db, org, reported)
          .select((eb) => [
            "actions.department_id as departmentId",
            eb.fn.countAll<string>().as("n"),
          ])
          .groupBy("actions.department_id")
          .execute(),
        periodReportCompletions(db, org, period.id),
      ]);
      const facts = departments.map((d) => ({
        id: d.id,
        completedAt: completionOf(d.id).completedAt,
        toReport: Number(toReport.find((r) => r.departmentId === d.id)?.n ?? 0),
      }));
      const state = periodState(period, today, {
        complete: isReportComplete(facts),
        adopted: adopted.has(period.id),
      });
      return [
        period.id,
        {
          state,
          departments: Object.fromEntries(
            facts.map((f) => [f.id, departmentReportState(f, state)]),
          ),
        },
      ];
    }),
  );
  return Object.fromEntries(entries);
}
