import type { Executor } from "../../db";
import type { Assessment } from "../../db/schema";
import { type ActionDetails, type DisplayStatus, displayStatus, listActions } from "./actions";
import { listDepartments } from "./departments";
import { actionsToReport, type PeriodReportStatus, periodReportStatus } from "./followups";
import { currentPeriod, type PeriodView } from "./periods";
import { type Actor, can } from "./policy";

/** One action a department reports on, with what it has reported so far this period. */
export type TodoItem = Pick<
  ActionDetails,
  "id" | "title" | "status" | "progress" | "version" | "dueDate"
> & {
  shownStatus: DisplayStatus;
  assessment: Assessment | null;
  comment: string;
};

/** One of the actor's departments: its actions to report on and whether its report is done. */
export interface TodoDepartment {
  department: { id: string; name: string };
  status: PeriodReportStatus;
  /** In a fixed order (by title): saving never moves a card. */
  items: TodoItem[];
  /** The items still lacking an assessment, named so the page can link them. */
  missing: Pick<TodoItem, "id" | "title">[];
  canUpdate: boolean;
  /** Whether the policy lets the actor move these actions' due dates. */
  canEditDueDate: boolean;
  canComplete: boolean;
}

export interface Todo {
  /** The actor's own departments; "Att göra" is about them only. */
  departmentIds: string[];
  period: PeriodView | null;
  reports: TodoDepartment[];
}

const assessed = (item: { assessment: Assessment | null }) =>
  item.assessment !== null && item.assessment !== "not_assessed";

/** A department's actions to report on in the period, by title. */
async function todoItems(
  db: Executor,
  actor: Actor,
  departmentId: string,
  period: PeriodView,
): Promise<TodoItem[]> {
  const [rows, { items }] = await Promise.all([
    actionsToReport(db, actor.organisationId, departmentId, {
      id: period.id,
      start_date: period.startDate,
      end_date: period.endDate,
    })
      .select(["actions.id", "follow_ups.assessment", "follow_ups.comment"])
      .execute(),
    listActions(db, actor, { departmentId, sort: "title" }),
  ]);
  const followUps = new Map(rows.map((row) => [row.id, row]));
  return items.flatMap((a) => {
    const followUp = followUps.get(a.id);
    if (!followUp) return [];
    const { id, title, status, progress, version, dueDate } = a;
    const { assessment, comment } = followUp;
    const shownStatus = displayStatus(a);
    return [
      {
        id,
        title,
        status,
        shownStatus,
        progress,
        version,
        dueDate,
        assessment,
        comment: comment ?? "",
      },
    ];
  });
}

/** "Att göra": what each of the actor's departments has left to report in the current period. */
export async function todoList(db: Executor, actor: Actor): Promise<Todo> {
  const period = await currentPeriod(db, actor);
  const departments = (await listDepartments(db, actor)).filter((d) =>
    actor.departmentIds.includes(d.id),
  );
  const reports = period
    ? await Promise.all(
        departments.map(async ({ id, name }) => {
          const resource = { organisationId: actor.organisationId, departmentId: id };
          const items = await todoItems(db, actor, id, period);
          return {
            department: { id, name },
            status: await periodReportStatus(db, actor, id, period.id),
            items,
            missing: items
              .filter((item) => !assessed(item))
              .map(({ id, title }) => ({ id, title })),
            canUpdate: can(actor, "actions:update-progress", resource),
            canEditDueDate: can(actor, "actions:edit", resource),
            canComplete: can(actor, "period-reports:complete", resource),
          };
        }),
      )
    : [];
  return { departmentIds: departments.map((d) => d.id), period, reports };
}
