import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { ACTION_STATUSES, type ActionStatus } from "../../db/schema";
import {
  type ActionDetails,
  createAction,
  displayStatus,
  listActions,
  NewActionSchema,
} from "./actions";
import { readCsv, toExcelCsv } from "./csv";
import { ValidationError } from "./errors";
import { type Actor, assertCan } from "./policy";

/** Largest import accepted, in rows; the byte limit is BODY_LIMIT_BYTES. */
export const IMPORT_MAX_ROWS = 1000;

const STATUS_LABELS_SV: Record<string, string> = {
  not_started: "Ej påbörjad",
  in_progress: "Pågående",
  overdue: "Försenad",
  done: "Genomförd",
  paused: "Vilande",
  cancelled: "Avbruten",
};

/** Earlier exports wrote "Avförd"; such files still import. */
const FORMER_STATUS_LABELS: Record<string, ActionStatus> = { avförd: "cancelled" };

/** Column → accepted header spellings (Swedish as exported now and earlier, and English). */
const COLUMNS = {
  title: ["titel", "title"],
  description: ["beskrivning", "description"],
  goal: ["mål", "goal"],
  department: ["ansvarig förvaltning", "förvaltning", "department"],
  involved: ["medverkande förvaltningar", "involverade förvaltningar", "involved departments"],
  owner: ["ansvarig person", "ägare", "owner"],
  startDate: ["startdatum", "start date"],
  dueDate: ["slutdatum", "due date"],
  status: ["status"],
  progress: ["genomfört (%)", "genomfört", "framsteg (%)", "framsteg", "progress"],
} as const;
type Column = keyof typeof COLUMNS;

export const EXPORT_HEADER = [
  "Titel",
  "Beskrivning",
  "Mål",
  "Ansvarig förvaltning",
  "Medverkande förvaltningar",
  "Ansvarig person",
  "Startdatum",
  "Slutdatum",
  "Status",
  "Genomfört (%)",
  "Senast ändrad",
];

export function actionsToCsv(
  actions: ActionDetails[],
  departmentNames: Map<string, string>,
): string {
  return toExcelCsv(
    EXPORT_HEADER,
    actions.map((a) => [
      a.title,
      a.description,
      a.goalPosition,
      a.departmentName,
      a.involvedDepartmentIds.map((id) => departmentNames.get(id) ?? "").join(", "),
      a.ownerName,
      a.startDate,
      a.dueDate,
      STATUS_LABELS_SV[displayStatus(a)],
      a.progress,
      a.updatedAt.slice(0, 10),
    ]),
  );
}

export interface ImportRow {
  line: number;
  title: string;
  errors: Record<string, string>;
  input: Record<string, unknown>;
}

export interface ImportPreview {
  /** Problems with the file as a whole (unreadable, no title column, too many rows). */
  fileError: string | null;
  rows: ImportRow[];
}

async function lookups(db: Executor, actor: Actor) {
  const [goals, departments, members] = await Promise.all([
    db
      .selectFrom("goals")
      .innerJoin("strategies", "strategies.id", "goals.strategy_id")
      .select(["goals.id", "goals.position", "goals.title"])
      .where("goals.organisation_id", "=", actor.organisationId)
      .where("strategies.is_active", "=", true)
      .execute(),
    db
      .selectFrom("departments")
      .select(["id", "name"])
      .where("organisation_id", "=", actor.organisationId)
      .where("archived_at", "is", null)
      .execute(),
    db
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.user_id")
      .select(["users.id", "users.email", "users.name"])
      .where("memberships.organisation_id", "=", actor.organisationId)
      .where("memberships.deactivated_at", "is", null)
      .execute(),
  ]);
  const norm = (s: string) => s.trim().toLowerCase();
  return {
    goal(value: string) {
      const number = /^(?:mål\s*)?(\d+)\.?$/i.exec(value.trim())?.[1];
      return goals.find((g) =>
        number ? g.position === Number(number) : norm(g.title) === norm(value),
      )?.id;
    },
    department: (value: string) => departments.find((d) => norm(d.name) === norm(value))?.id,
    // The export writes the owner's name, so a re-imported export matches by name as well.
    owner: (value: string) =>
      members.find((m) => norm(m.email) === norm(value) || norm(m.name) === norm(value))?.id,
  };
}

function statusFrom(value: string): ActionStatus | undefined {
  const v = value.trim().toLowerCase();
  if (!v) return "not_started";
  if ((ACTION_STATUSES as readonly string[]).includes(v)) return v as ActionStatus;
  const code =
    Object.entries(STATUS_LABELS_SV).find(([, label]) => label.toLowerCase() === v)?.[0] ??
    FORMER_STATUS_LABELS[v];
  // The export shows the derived Försenad: an action under way whose due date has passed.
  if (code === "overdue" || v === "overdue") return "in_progress";
  return code as ActionStatus | undefined;
}

/** Reads and checks every row without saving anything: what the preview shows. */
export async function previewActionImport(
  db: Executor,
  actor: Actor,
  text: string,
): Promise<ImportPreview> {
  assertCan(actor, "actions:import");
  let csv: ReturnType<typeof readCsv>;
  try {
    csv = readCsv(text);
  } catch {
    return { fileError: "import.unreadable", rows: [] };
  }
  const index = {} as Record<Column, number>;
  for (const [column, names] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    index[column] = csv.header.findIndex((h) => names.includes(h.toLowerCase()));
  }
  if (index.title < 0 || index.goal < 0 || index.department < 0)
    return { fileError: "import.missingColumns", rows: [] };
  if (csv.rows.length === 0) return { fileError: "import.noRows", rows: [] };
  if (csv.rows.length > IMPORT_MAX_ROWS) return { fileError: "import.tooManyRows", rows: [] };

  const find = await lookups(db, actor);
  const rows = csv.rows.map(({ line, cells }): ImportRow => {
    const cell = (column: Column) =>
      index[column] >= 0 ? (cells[index[column]] ?? "").trim() : "";
    const errors: Record<string, string> = {};
    const goalId = find.goal(cell("goal"));
    if (!goalId) errors.goalId = "validation.unknownGoal";
    const departmentId = find.department(cell("department"));
    if (!departmentId) errors.departmentId = "validation.unknownDepartment";
    const involvedNames = cell("involved")
      .split(/[,|]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const involvedDepartmentIds = involvedNames.map((name) => find.department(name));
    if (involvedDepartmentIds.some((id) => !id))
      errors.involvedDepartmentIds = "validation.unknownDepartment";
    const ownerId = cell("owner") ? find.owner(cell("owner")) : null;
    if (ownerId === undefined) errors.ownerId = "validation.unknownOwner";
    const status = statusFrom(cell("status"));
    if (!status) errors.status = "validation.status";
    const input = {
      title: cell("title"),
      description: cell("description"),
      goalId,
      departmentId,
      involvedDepartmentIds,
      ownerId,
      startDate: cell("startDate"),
      dueDate: cell("dueDate"),
      status,
      progress: cell("progress") || "0",
    };
    const parsed = NewActionSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors[String(issue.path[0])] ??= issue.message.startsWith("validation.")
          ? issue.message
          : "validation.invalid";
    }
    return { line, title: input.title, errors, input };
  });
  return { fileError: null, rows };
}

/** Saves every row in one transaction, or none: a file with any bad row changes nothing. */
export async function importActions(
  db: Executor,
  actor: Actor,
  text: string,
): Promise<ActionDetails[]> {
  const preview = await previewActionImport(db, actor, text);
  if (preview.fileError) throw new ValidationError({ file: preview.fileError });
  if (preview.rows.some((row) => Object.keys(row.errors).length > 0))
    throw new ValidationError({ file: "import.rowsHaveErrors" });
  return inTransaction(db, async (trx) => {
    const created: ActionDetails[] = [];
    for (const row of preview.rows) created.push(await createAction(trx, actor, row.input));
    return created;
  });
}

/** Department id → name, for the involved-departments column. */
export async function departmentNameMap(
  db: Executor,
  organisationId: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("departments")
    .select(["id", "name"])
    .where("organisation_id", "=", organisationId)
    .orderBy(sql`lower(name)`)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The filtered list (every page of it) as the Excel-friendly CSV the portal's list downloads. */
export async function exportActionsCsv(
  db: Executor,
  actor: Actor,
  filter: Record<string, unknown>,
): Promise<string> {
  const actions: ActionDetails[] = [];
  let cursor: string | undefined;
  do {
    const page = await listActions(db, actor, { ...filter, limit: "500", cursor });
    actions.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return actionsToCsv(actions, await departmentNameMap(db, actor.organisationId));
}

/** The API's import: the CSV text, checked only (`dryRun`) or saved all or nothing. */
export const ActionImportSchema = z.object({
  csv: z
    .string("validation.invalid")
    .describe("The file's text: semicolon- or comma-separated, a header row (Titel, Mål, …)"),
  dryRun: z
    .boolean("validation.invalid")
    .default(false)
    .describe("Only check every row and answer what would be saved or refused"),
});
