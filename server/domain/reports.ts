import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import type { ActionStatus, Assessment } from "../../db/schema";
import { safeHtml } from "../collab/safe-html";
import { type DisplayStatus, isOverdue } from "./actions";
import { recordAudit } from "./audit";
import { addDays, swedishToday } from "./dates";
import { ValidationError } from "./errors";
import { recordEvent } from "./events";
import {
  departmentReportStates,
  existedWhileOpen,
  getPeriod,
  isReportable,
  type Reopening,
  unarchivedWhileOpen,
} from "./followups";
import { rollUpThreshold } from "./organisations";
import { type PeriodView, presentPeriod, reportingPeriod } from "./periods";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { type RollUp, rollUp } from "./rollup";
import { freeText, parseInput } from "./validation";

/** A period report as data: what the page shows, what the exports write, what adoption freezes. */
export interface PeriodReport {
  organisation: { id: string; name: string };
  period: PeriodView;
  strategy: { id: string; name: string } | null;
  generatedAt: string;
  adoption: {
    id: string;
    adoptedAt: string;
    adoptedByName: string | null;
    /** Why it was adopted although something was missing (see adoptionGaps). */
    reason: string | null;
  } | null;
  /** Status and progress as the departments reported them (a past period), or as they are now. */
  asReported: boolean;
  goals: {
    id: string;
    position: number;
    title: string;
    rollUp: RollUp;
    actions: {
      id: string;
      title: string;
      departmentName: string;
      /** In a past period as reported then; null: nothing was recorded ("Ej registrerat"). */
      status: DisplayStatus | null;
      progress: number | null;
      dueDate: string | null;
      assessment: Assessment;
      comment: string | null;
    }[];
  }[];
  departments: {
    id: string;
    name: string;
    completedAt: string | null;
    completedByName: string | null;
    missing: number;
    /** Open again because an action was added: shown beside "Ej klarmarkerad". */
    reopened?: Reopening | null;
  }[];
  appendices: {
    documentId: string;
    title: string;
    kind: string;
    adoptedAt: string;
    html: string;
    text: string;
  }[];
}

/** The live report, generated from the data as it is now. */
export async function buildPeriodReport(
  db: Executor,
  actor: Actor,
  periodId: string,
  today = swedishToday(),
): Promise<PeriodReport> {
  assertCan(actor, "reports:read-live");
  const periodRow = await reportingPeriod(db, actor, await getPeriod(db, actor, periodId), today);
  const org = actor.organisationId;
  const [organisation, strategy] = await Promise.all([
    db
      .selectFrom("organisations")
      .select(["id", "name"])
      .where("id", "=", org)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("strategies")
      .select(["id", "name"])
      .where("organisation_id", "=", org)
      .where("is_active", "=", true)
      .executeTakeFirst(),
  ]);
  const goals = strategy
    ? await db
        .selectFrom("goals")
        .select(["id", "position", "title"])
        .where("strategy_id", "=", strategy.id)
        .orderBy("position")
        .execute()
    : [];
  const goalIds = goals.map((g) => g.id);
  const [actionRows, departments, stateOf, appendices, threshold] = await Promise.all([
    goalIds.length === 0
      ? Promise.resolve([])
      : // The actions reported on in the period: those the roll-up counts.
        db
          .selectFrom("actions")
          .innerJoin("departments", "departments.id", "actions.department_id")
          .leftJoin("follow_ups", (join) =>
            join
              .onRef("follow_ups.action_id", "=", "actions.id")
              .on("follow_ups.period_id", "=", periodId),
          )
          .select([
            "actions.id",
            "actions.goal_id",
            "actions.title",
            "actions.status",
            "actions.progress",
            "actions.due_date",
            "departments.name as departmentName",
            "follow_ups.assessment",
            "follow_ups.comment",
            "follow_ups.reported_status",
            "follow_ups.reported_progress",
            "follow_ups.reported_due_date",
          ])
          .where("actions.organisation_id", "=", org)
          .where("actions.goal_id", "in", goalIds)
          // What the departments report on, and what they did report on (since cancelled, say).
          .where((eb) => eb.or([isReportable(eb, periodRow), eb("follow_ups.id", "is not", null)]))
          .where((eb) => unarchivedWhileOpen(eb, periodRow.closed_on))
          .$if(Boolean(periodRow.closed_on), (query) =>
            query.where((eb) => existedWhileOpen(eb, periodRow.closed_on!)),
          )
          .orderBy("departments.name")
          .orderBy("actions.title")
          .execute(),
    db
      .selectFrom("departments")
      .select(["id", "name"])
      .where("organisation_id", "=", org)
      .where("archived_at", "is", null)
      .orderBy("name")
      .execute(),
    departmentReportStates(db, org, periodRow),
    adoptedDocuments(db, org),
    rollUpThreshold(db, org),
  ]);
  const asReported = periodRow.closed_on !== null;
  const stateOfAction = actionStateInPeriod(periodRow, asReported, today);

  return {
    organisation,
    period: presentPeriod(periodRow),
    strategy: strategy ?? null,
    generatedAt: new Date().toISOString(),
    adoption: null,
    asReported,
    goals: goals.map((goal) => {
      const actions = actionRows
        .filter((a) => a.goal_id === goal.id)
        .map((a) => ({
          id: a.id,
          title: a.title,
          departmentName: a.departmentName,
          ...stateOfAction(a),
          assessment: (a.assessment ?? "not_assessed") as Assessment,
          comment: a.comment ?? null,
        }));
      return {
        id: goal.id,
        position: goal.position,
        title: goal.title,
        rollUp: rollUp(actions, threshold),
        actions,
      };
    }),
    departments: departments.map((d) => ({ id: d.id, name: d.name, ...stateOf(d.id) })),
    appendices,
  };
}

/**
 * Status, progress and due date as a period's report shows them (ADR 0018): the live period shows
 * the action as it is now; a past one what its follow-up recorded when the department reported,
 * overdue when the recorded due date had passed by the period's end, or nothing where nothing was
 * recorded.
 */
function actionStateInPeriod(period: { end_date: string }, past: boolean, today: string) {
  const endOfPeriod = addDays(period.end_date, 1);
  const shown = (status: ActionStatus, dueDate: string | null, on: string): DisplayStatus =>
    isOverdue({ status, dueDate }, on) ? "overdue" : status;
  return (a: {
    status: ActionStatus;
    progress: number;
    due_date: string | null;
    reported_status: ActionStatus | null;
    reported_progress: number | null;
    reported_due_date: string | null;
  }) => {
    if (!past)
      return {
        status: shown(a.status, a.due_date, today),
        progress: a.progress,
        dueDate: a.due_date,
      };
    if (a.reported_status === null) return { status: null, progress: null, dueDate: null };
    return {
      status: shown(a.reported_status, a.reported_due_date, endOfPeriod),
      progress: a.reported_progress,
      dueDate: a.reported_due_date,
    };
  };
}

/** Each adopted document's latest adopted version (e.g. the samverkansformer), as appendices. */
async function adoptedDocuments(db: Executor, org: string) {
  const rows = await db
    .selectFrom("document_versions")
    .innerJoin("documents", "documents.id", "document_versions.document_id")
    .select([
      "documents.id as documentId",
      "documents.title",
      "documents.kind",
      "document_versions.created_at",
      "document_versions.rendered_html as html",
      "document_versions.rendered_text as text",
    ])
    .distinctOn("documents.id")
    .where("document_versions.organisation_id", "=", org)
    .where("document_versions.adopted", "=", true)
    .orderBy("documents.id")
    .orderBy("document_versions.created_at", "desc")
    .execute();
  return rows
    .map((r) => ({
      documentId: r.documentId,
      title: r.title,
      kind: r.kind,
      adoptedAt: r.created_at.toISOString(),
      // Rendered when adopted, possibly before content was checked: shown only within the allow-list.
      html: safeHtml(r.html),
      text: r.text,
    }))
    .sort((a, b) => a.title.localeCompare(b.title, "sv"));
}

/** What a report still lacks: departments not klarmarkerade, actions without an assessment. */
export interface AdoptionGaps {
  complete: boolean;
  departments: { id: string; name: string }[];
  actions: { id: string; title: string; departmentName: string }[];
}

export function adoptionGaps(report: PeriodReport): AdoptionGaps {
  const departments = report.departments
    .filter((d) => d.completedAt === null)
    .map(({ id, name }) => ({ id, name }));
  const actions = report.goals
    .flatMap((g) => g.actions)
    .filter((a) => a.assessment === "not_assessed")
    .map(({ id, title, departmentName }) => ({ id, title, departmentName }));
  return { complete: departments.length === 0 && actions.length === 0, departments, actions };
}

export const AdoptionSchema = z.object({
  reason: freeText(z.string().trim().max(2000, "validation.tooLong")).optional(),
});

/**
 * Fastställa: freezes the report as it is now. Later changes to actions do not alter it; a new
 * adoption supersedes it (both are kept), and neither is ever edited. A report with something
 * missing (adoptionGaps) is adopted only with a written reason, kept with it.
 */
export async function adoptPeriodReport(
  db: Executor,
  actor: Actor,
  periodId: string,
  input: unknown = {},
): Promise<string> {
  assertCan(actor, "reports:adopt");
  const report = await buildPeriodReport(db, actor, periodId);
  const { reason } = parseInput(AdoptionSchema, input);
  const incomplete = !adoptionGaps(report).complete;
  if (incomplete && !reason) throw new ValidationError({ reason: "validation.adoptionReason" });
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto("report_adoptions")
      .values({
        organisation_id: actor.organisationId,
        period_id: periodId,
        data: JSON.stringify(report),
        reason: incomplete ? reason : null,
        adopted_by: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "report.adopted",
      entityType: "report",
      entityId: id,
      after: { periodId, period: report.period.name, ...(incomplete ? { reason } : {}) },
    });
    await recordEvent(trx, actor, { type: "period-report.adopted", periodId, adoptionId: id });
    return id;
  });
}

export interface AdoptionSummary {
  id: string;
  adoptedAt: string;
  adoptedByName: string | null;
}

export async function listAdoptions(
  db: Executor,
  actor: Actor,
  periodId: string,
): Promise<AdoptionSummary[]> {
  assertCan(actor, "reports:read-adopted");
  await getPeriod(db, actor, periodId);
  const rows = await db
    .selectFrom("report_adoptions")
    .leftJoin("users", "users.id", "report_adoptions.adopted_by")
    .select(["report_adoptions.id", "report_adoptions.adopted_at", "users.name"])
    .where("report_adoptions.organisation_id", "=", actor.organisationId)
    .where("report_adoptions.period_id", "=", periodId)
    .orderBy("report_adoptions.adopted_at", "desc")
    .execute();
  return rows.map(presentAdoption);
}

function presentAdoption(row: { id: string; adopted_at: Date; name: string | null }) {
  return { id: row.id, adoptedAt: row.adopted_at.toISOString(), adoptedByName: row.name };
}

/** Per period id: its latest adoption and how many there are, for the list of reports. */
export async function adoptionsByPeriod(
  db: Executor,
  actor: Actor,
): Promise<Record<string, { latest: AdoptionSummary; count: number }>> {
  assertCan(actor, "reports:read-adopted");
  const rows = await db
    .selectFrom("report_adoptions")
    .leftJoin("users", "users.id", "report_adoptions.adopted_by")
    .select([
      "report_adoptions.id",
      "report_adoptions.period_id",
      "report_adoptions.adopted_at",
      "users.name",
    ])
    .where("report_adoptions.organisation_id", "=", actor.organisationId)
    .orderBy("report_adoptions.adopted_at", "desc")
    .execute();
  const byPeriod: Record<string, { latest: AdoptionSummary; count: number }> = {};
  for (const row of rows) {
    const entry = byPeriod[row.period_id];
    if (entry) entry.count++;
    else byPeriod[row.period_id] = { latest: presentAdoption(row), count: 1 };
  }
  return byPeriod;
}

/** An adopted report exactly as it was frozen, with who adopted it and when. */
export async function getAdoptedReport(
  db: Executor,
  actor: Actor,
  periodId: string,
  adoptionId: string,
): Promise<PeriodReport> {
  assertCan(actor, "reports:read-adopted");
  if (!z.uuid().safeParse(adoptionId).success) throw new NotFoundError();
  const row = await db
    .selectFrom("report_adoptions")
    .leftJoin("users", "users.id", "report_adoptions.adopted_by")
    .select([
      "report_adoptions.id",
      "report_adoptions.data",
      "report_adoptions.reason",
      "report_adoptions.adopted_at",
      "users.name",
    ])
    .where("report_adoptions.id", "=", adoptionId)
    .where("report_adoptions.period_id", "=", periodId)
    .where("report_adoptions.organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  const data = row.data as PeriodReport;
  return {
    ...data,
    goals: data.goals.map((goal) => ({ ...goal, rollUp: adoptedRollUp(goal) })),
    adoption: { ...presentAdoption(row), reason: row.reason },
  };
}

/**
 * Reports adopted before roll-ups stated their coverage stored the result alone. It stays as
 * adopted; what it rested on is counted from the frozen actions, and `threshold: null` says the
 * earlier rule (the worst assessment) gave it.
 */
function adoptedRollUp(goal: {
  rollUp: RollUp | Assessment;
  actions: PeriodReport["goals"][number]["actions"];
}): RollUp {
  if (typeof goal.rollUp !== "string") return goal.rollUp;
  return { ...rollUp(goal.actions), result: goal.rollUp, threshold: null };
}
