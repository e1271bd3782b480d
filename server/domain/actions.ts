import { type ExpressionBuilder, sql } from "kysely";
import { z } from "zod";
import type { ActionChange } from "../../common/live-events";
import { type Executor, inTransaction, type Tx } from "../../db";
import { ACTION_STATUSES, type ActionRow, type ActionStatus, type Database } from "../../db/schema";
import { ARCHIVED_FILTER, archivedCondition } from "./archived-filter";
import { recordAudit } from "./audit";
import { optionalDate, swedishToday } from "./dates";
import { ConflictError, ValidationError } from "./errors";
import { recordEvent } from "./events";
import { reopenForNewAction } from "./followups";
import { pageFields, readPage, type SortKey } from "./keyset";
import { type Actor, assertCan, can, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

/** What a list shows and filters by: the stored statuses plus the derived "overdue". */
export const DISPLAY_STATUSES = [
  "not_started",
  "in_progress",
  "overdue",
  "done",
  "paused",
  "cancelled",
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

const uuid = (key: string) => z.uuid(key);
const progress = z.coerce
  .number("validation.progress")
  .int("validation.progress")
  .min(0, "validation.progress")
  .max(100, "validation.progress");
const status = z.enum(ACTION_STATUSES, "validation.status");
/** A reference that may be left out: "" (an empty select) and null both mean none. */
const optionalRef = (key: string) =>
  z.union([z.literal(""), z.null(), uuid(key)]).transform((v) => v || null);

/** Every editable field, without defaults: a PATCH must leave unsent fields as they are. */
const ActionFields = z.object({
  title: freeText(z.string().trim().min(1, "validation.required").max(200, "validation.tooLong")),
  description: freeText(z.string().trim().max(10_000, "validation.tooLong")),
  goalId: uuid("validation.unknownGoal"),
  departmentId: uuid("validation.unknownDepartment"),
  involvedDepartmentIds: z.array(uuid("validation.unknownDepartment")),
  ownerId: optionalRef("validation.unknownOwner"),
  /** The document (e.g. a samverkansform) the action was created from. */
  documentId: optionalRef("validation.unknownDocument"),
  startDate: optionalDate,
  dueDate: optionalDate,
  status,
  progress,
});

function datesInOrder(a: { startDate: string | null; dueDate: string | null }) {
  return !a.startDate || !a.dueDate || a.startDate <= a.dueDate;
}

export const NewActionSchema = ActionFields.extend({
  description: ActionFields.shape.description.default(""),
  involvedDepartmentIds: ActionFields.shape.involvedDepartmentIds.default([]),
  ownerId: ActionFields.shape.ownerId.default(null),
  documentId: ActionFields.shape.documentId.default(null),
  startDate: optionalDate.default(null),
  dueDate: optionalDate.default(null),
  status: status.default("not_started"),
  progress: progress.default(0),
}).refine(datesInOrder, { path: ["dueDate"], message: "validation.dateOrder" });
export const ActionUpdateSchema = ActionFields.partial()
  .extend({
    version: z.coerce
      .number("validation.version")
      .int("validation.version")
      .min(1, "validation.version"),
  })
  .strict();
export type ActionUpdate = z.infer<typeof ActionUpdateSchema>;

/** Fields a department editor may change on their own department's actions. */
const PROGRESS_FIELDS = new Set(["status", "progress", "version"]);

export interface ActionView {
  id: string;
  title: string;
  description: string;
  goalId: string;
  departmentId: string;
  involvedDepartmentIds: string[];
  ownerId: string | null;
  documentId: string | null;
  startDate: string | null;
  dueDate: string | null;
  status: ActionStatus;
  overdue: boolean;
  progress: number;
  /** Archived: out of the lists, counts and searches unless asked for; kept and restorable. */
  archived: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An action as it goes over the wire (API and pages), with names for display. */
export interface ActionDetails extends ActionView {
  goalPosition: number;
  goalTitle: string;
  departmentName: string;
  ownerName: string | null;
  updatedByName: string | null;
  documentTitle: string | null;
}

export function isOverdue(
  action: { status: ActionStatus; dueDate: string | null },
  today = swedishToday(),
) {
  return (
    action.dueDate !== null &&
    action.dueDate < today &&
    action.status !== "done" &&
    action.status !== "cancelled"
  );
}

/** How status and progress can contradict each other (message keys `mismatch.*`). */
export type StatusProgressMismatch = "notStartedWithProgress" | "doneBelowFull" | "fullNotDone";

/**
 * The one statement of when status and progress disagree: "Ej påbörjad" with anything done,
 * "Genomförd" with less than 100 %, or 100 % without "Genomförd". A cancelled action keeps
 * whatever was done before it stopped. Such a pair is asked about, never refused: it can be true.
 */
export function statusProgressMismatch(action: {
  status: ActionStatus;
  progress: number;
}): StatusProgressMismatch | null {
  const { status, progress } = action;
  if (status === "not_started" && progress > 0) return "notStartedWithProgress";
  if (status === "done" && progress < 100) return "doneBelowFull";
  if (progress === 100 && status !== "done" && status !== "cancelled") return "fullNotDone";
  return null;
}

/**
 * What a change does with a contradicting status and progress: a form asks first ("ask": refused
 * with the question under `confirmMismatch` until the person confirms), the API saves ("accept")
 * and answers with a warning.
 */
export type MismatchHandling = "ask" | "accept";

export function displayStatus(action: { status: ActionStatus; overdue: boolean }): DisplayStatus {
  return action.overdue ? "overdue" : action.status;
}

function involved(eb: ExpressionBuilder<Database, "actions">) {
  return sql<
    string[]
  >`coalesce(array(select ad.department_id::text from action_departments ad where ad.action_id = ${eb.ref("actions.id")} order by ad.department_id), '{}')`;
}

/** The columns an action's view shows: not its search vector, as long as the text it indexes. */
const SHOWN_COLUMNS = [
  "id",
  "title",
  "description",
  "goal_id",
  "department_id",
  "owner_id",
  "document_id",
  "start_date",
  "due_date",
  "status",
  "progress",
  "archived_at",
  "version",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof ActionRow)[];

function detailsQuery(db: Executor, organisationId: string) {
  return (
    db
      .selectFrom("actions")
      .innerJoin("goals", "goals.id", "actions.goal_id")
      .innerJoin("departments", "departments.id", "actions.department_id")
      .leftJoin("users as owner", "owner.id", "actions.owner_id")
      .leftJoin("users as editor", "editor.id", "actions.updated_by")
      // The organisation too: no document's id or title reaches another organisation's people.
      .leftJoin("documents", (join) =>
        join
          .onRef("documents.id", "=", "actions.document_id")
          .onRef("documents.organisation_id", "=", "actions.organisation_id"),
      )
      .select(SHOWN_COLUMNS.map((column) => `actions.${column}` as const))
      .select((eb) => [
        involved(eb).as("involved_department_ids"),
        "goals.position as goal_position",
        "goals.title as goal_title",
        "departments.name as department_name",
        "owner.name as owner_name",
        "editor.name as updated_by_name",
        "documents.title as document_title",
      ])
      .where("actions.organisation_id", "=", organisationId)
  );
}

type DetailsRow = Pick<ActionRow, (typeof SHOWN_COLUMNS)[number]> & {
  involved_department_ids: string[];
  goal_position: number;
  goal_title: string;
  department_name: string;
  owner_name: string | null;
  updated_by_name: string | null;
  document_title: string | null;
};

function present(row: DetailsRow, today: string): ActionDetails {
  const view = {
    id: row.id,
    title: row.title,
    description: row.description,
    goalId: row.goal_id,
    departmentId: row.department_id,
    involvedDepartmentIds: row.involved_department_ids,
    ownerId: row.owner_id,
    documentId: row.document_title === null ? null : row.document_id,
    startDate: row.start_date,
    dueDate: row.due_date,
    status: row.status,
    progress: row.progress,
    archived: row.archived_at !== null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  return {
    ...view,
    overdue: isOverdue(view, today),
    goalPosition: row.goal_position,
    goalTitle: row.goal_title,
    departmentName: row.department_name,
    ownerName: row.owner_name,
    updatedByName: row.updated_by_name,
    documentTitle: row.document_title,
  };
}

/** An archived action is kept as it was: restored first, then changed. */
export function assertNotArchived(action: { archived: boolean }) {
  if (action.archived) throw new ValidationError({ form: "validation.actionArchived" });
}

/** The public JSON shape (docs/api): exactly the documented fields. */
export function toApiAction(a: ActionDetails): ActionView {
  const {
    goalPosition,
    goalTitle,
    departmentName,
    ownerName,
    updatedByName,
    documentTitle,
    ...view
  } = a;
  return view;
}

export const SORTS = ["title", "dueDate", "status", "updatedAt", "department", "goal"] as const;

export const ActionFilterSchema = z.object({
  goalId: z.uuid("validation.unknownGoal").optional(),
  departmentId: z.uuid("validation.unknownDepartment").optional(),
  status: z.enum(DISPLAY_STATUSES, "validation.status").optional(),
  ownerId: z.uuid("validation.unknownOwner").optional(),
  overdue: z
    .enum(["true", "false", "1", "0"], "validation.invalid")
    .transform((v) => v === "true" || v === "1")
    .optional(),
  q: z.string().trim().max(200, "validation.tooLong").optional(),
  archived: ARCHIVED_FILTER,
  sort: z.enum(SORTS, "validation.invalid").default("dueDate"),
  dir: z.enum(["asc", "desc"], "validation.invalid").default("asc"),
  ...pageFields(500),
});
export type ActionFilter = z.input<typeof ActionFilterSchema>;

/** Reads filters from URL search params, ignoring empty ones (as a GET form sends them). */
export function filterFromSearchParams(params: URLSearchParams): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [key, value] of params) if (value !== "") filter[key] = value;
  return filter;
}

export async function listActions(
  db: Executor,
  actor: Actor,
  rawFilter: unknown,
  today = swedishToday(),
): Promise<{ items: ActionDetails[]; nextCursor: string | null }> {
  assertCan(actor, "actions:read");
  const filter = parseInput(ActionFilterSchema, rawFilter);
  let query = detailsQuery(db, actor.organisationId);
  if (filter.goalId) query = query.where("actions.goal_id", "=", filter.goalId);
  if (filter.departmentId) query = query.where("actions.department_id", "=", filter.departmentId);
  if (filter.ownerId) query = query.where("actions.owner_id", "=", filter.ownerId);
  const archived = archivedCondition("actions.archived_at", filter.archived);
  if (archived) query = query.where(archived);
  // `is not null` first: without it an action without a due date is neither overdue nor not.
  const overdueSql = sql<boolean>`(actions.due_date is not null and actions.due_date < ${today}::date and actions.status not in ('done', 'cancelled'))`;
  if (filter.status === "overdue") query = query.where(overdueSql);
  else if (filter.status) {
    query = query
      .where("actions.status", "=", filter.status)
      .where(sql<boolean>`not ${overdueSql}`);
  }
  if (filter.overdue !== undefined)
    query = query.where(filter.overdue ? overdueSql : sql<boolean>`not ${overdueSql}`);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb("actions.title", "ilike", pattern), eb("actions.description", "ilike", pattern)]),
    );
  }
  const { page, nextCursor } = await readPage(
    query,
    {
      list: "actions",
      sort: ACTION_SORT_KEYS[filter.sort],
      direction: filter.dir,
      idColumn: sql`actions.id`,
    },
    filter,
  );
  return { items: page.map((row) => present(row as DetailsRow, today)), nextCursor };
}

/** The orders a list of actions can have (see keyset.ts for how pages follow each other). */
const ACTION_SORT_KEYS: Record<(typeof SORTS)[number], SortKey> = {
  title: { expression: sql`lower(actions.title)`, type: "text" },
  dueDate: { expression: sql`actions.due_date`, type: "date" },
  status: { expression: sql`actions.status`, type: "text" },
  updatedAt: { expression: sql`actions.updated_at`, type: "timestamptz", notNull: true },
  department: { expression: sql`lower(departments.name)`, type: "text" },
  goal: { expression: sql`goals.position`, type: "integer" },
};

export async function getAction(
  db: Executor,
  actor: Actor,
  actionId: string,
  today = swedishToday(),
): Promise<ActionDetails> {
  assertCan(actor, "actions:read");
  if (!z.uuid().safeParse(actionId).success) throw new NotFoundError();
  const row = await detailsQuery(db, actor.organisationId)
    .where("actions.id", "=", actionId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return present(row as DetailsRow, today);
}

/** The actions created from a document, by title: for its page and its API answer. */
export async function actionsFromDocument(
  db: Executor,
  actor: Actor,
  documentId: string,
  today = swedishToday(),
): Promise<ActionDetails[]> {
  assertCan(actor, "actions:read");
  if (!z.uuid().safeParse(documentId).success) throw new NotFoundError();
  const rows = await detailsQuery(db, actor.organisationId)
    .where("actions.document_id", "=", documentId)
    .orderBy(sql`lower(actions.title)`)
    .orderBy("actions.id")
    .execute();
  return rows.map((row) => present(row as DetailsRow, today));
}

/**
 * Goal, departments, owner and document must all be the organisation's own; a document also one
 * the actor may read. Another organisation's id is as unknown as one that does not exist.
 */
async function assertReferences(
  trx: Tx,
  actor: Actor,
  refs: {
    goalId?: string;
    departmentId?: string;
    involvedDepartmentIds?: string[];
    ownerId?: string | null;
    documentId?: string | null;
  },
) {
  const { organisationId } = actor;
  const errors: Record<string, string> = {};
  if (refs.goalId) {
    const goal = await trx
      .selectFrom("goals")
      .select("id")
      .where("id", "=", refs.goalId)
      .where("organisation_id", "=", organisationId)
      .executeTakeFirst();
    if (!goal) errors.goalId = "validation.unknownGoal";
  }
  const departmentIds = [
    ...(refs.departmentId ? [refs.departmentId] : []),
    ...(refs.involvedDepartmentIds ?? []),
  ];
  if (departmentIds.length > 0) {
    const found = await trx
      .selectFrom("departments")
      .select("id")
      .where("organisation_id", "=", organisationId)
      .where("archived_at", "is", null)
      .where("id", "in", departmentIds)
      .execute();
    const known = new Set(found.map((d) => d.id));
    if (refs.departmentId && !known.has(refs.departmentId))
      errors.departmentId = "validation.unknownDepartment";
    if (refs.involvedDepartmentIds?.some((id) => !known.has(id)))
      errors.involvedDepartmentIds = "validation.unknownDepartment";
  }
  if (refs.ownerId) {
    const owner = await trx
      .selectFrom("memberships")
      .select("user_id")
      .where("user_id", "=", refs.ownerId)
      .where("organisation_id", "=", organisationId)
      .where("deactivated_at", "is", null)
      .executeTakeFirst();
    if (!owner) errors.ownerId = "validation.unknownOwner";
  }
  if (refs.documentId) {
    const document = can(actor, "documents:read")
      ? await trx
          .selectFrom("documents")
          .select("id")
          .where("id", "=", refs.documentId)
          .where("organisation_id", "=", organisationId)
          .executeTakeFirst()
      : undefined;
    if (!document) errors.documentId = "validation.unknownDocument";
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

async function setInvolved(
  trx: Tx,
  organisationId: string,
  actionId: string,
  departmentIds: string[],
) {
  await trx.deleteFrom("action_departments").where("action_id", "=", actionId).execute();
  const unique = [...new Set(departmentIds)];
  if (unique.length === 0) return;
  await trx
    .insertInto("action_departments")
    .values(
      unique.map((department_id) => ({
        action_id: actionId,
        department_id,
        organisation_id: organisationId,
      })),
    )
    .execute();
}

/** The audited state of an action: every field a person can change. */
function snapshot(a: Omit<ActionView, "id" | "overdue" | "archived" | "createdAt" | "updatedAt">) {
  return {
    title: a.title,
    description: a.description,
    goalId: a.goalId,
    departmentId: a.departmentId,
    involvedDepartmentIds: [...a.involvedDepartmentIds].sort(),
    ownerId: a.ownerId,
    documentId: a.documentId,
    startDate: a.startDate,
    dueDate: a.dueDate,
    status: a.status,
    progress: a.progress,
    version: a.version,
  };
}

export async function createAction(
  db: Executor,
  actor: Actor,
  input: unknown,
): Promise<ActionDetails> {
  const data = parseInput(NewActionSchema, input);
  assertCan(actor, "actions:create", {
    organisationId: actor.organisationId,
    departmentId: data.departmentId,
  });
  const id = await inTransaction(db, async (trx) => {
    await assertReferences(trx, actor, data);
    const { id } = await trx
      .insertInto("actions")
      .values({
        organisation_id: actor.organisationId,
        goal_id: data.goalId,
        department_id: data.departmentId,
        owner_id: data.ownerId,
        document_id: data.documentId,
        title: data.title,
        description: data.description,
        start_date: data.startDate,
        due_date: data.dueDate,
        status: data.status,
        progress: data.progress,
        created_by: actor.userId,
        updated_by: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await setInvolved(
      trx,
      actor.organisationId,
      id,
      data.involvedDepartmentIds.filter((d) => d !== data.departmentId),
    );
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "action.created",
      entityType: "action",
      entityId: id,
      after: snapshot({ ...data, version: 1 }),
    });
    await recordActionChanged(trx, actor, { id, ...data }, "created");
    await recordAssignment(trx, actor, null, { id, ...data });
    await reopenForNewAction(trx, actor, {
      id,
      title: data.title,
      departmentId: data.departmentId,
    });
    return id;
  });
  return getAction(db, actor, id);
}

/** Records, in the change's transaction, that an action changed (every open page hears of it). */
export function recordActionChanged(
  trx: Tx,
  actor: Actor,
  action: { id: string; departmentId: string; documentId: string | null },
  change: ActionChange,
) {
  return recordEvent(trx, actor, {
    type: "action.changed",
    actionId: action.id,
    departmentId: action.departmentId,
    documentId: action.documentId,
    change,
  });
}

/** Records that an action got a new owner or department (for their notifications), if it did. */
async function recordAssignment(
  trx: Tx,
  actor: Actor,
  before: { ownerId: string | null; departmentId: string } | null,
  next: { id: string; ownerId: string | null; departmentId: string },
) {
  const ownerChanged = next.ownerId !== null && next.ownerId !== before?.ownerId;
  const departmentChanged = next.departmentId !== before?.departmentId;
  if (!ownerChanged && !departmentChanged) return;
  await recordEvent(trx, actor, {
    type: "action.assigned",
    actionId: next.id,
    departmentId: next.departmentId,
    ownerId: next.ownerId,
    ownerChanged,
    departmentChanged,
  });
}

/** Who changed a stale row, and which fields, since the version the person started from. */
async function conflictDetails(
  db: Executor,
  organisationId: string,
  actionId: string,
  fromVersion: number,
) {
  const events = await db
    .selectFrom("audit_events")
    .leftJoin("users", "users.id", "audit_events.actor_id")
    .select(["audit_events.before", "audit_events.after", "audit_events.created_at", "users.name"])
    .where("audit_events.organisation_id", "=", organisationId)
    .where("audit_events.entity_type", "=", "action")
    .where("audit_events.entity_id", "=", actionId)
    .where(sql<boolean>`(audit_events.after->>'version')::int > ${fromVersion}`)
    .orderBy("audit_events.created_at")
    .execute();
  const fields = new Set<string>();
  for (const event of events) {
    const before = (event.before ?? {}) as Record<string, unknown>;
    const after = (event.after ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(after)) {
      if (key !== "version" && JSON.stringify(before[key]) !== JSON.stringify(after[key]))
        fields.add(key);
    }
  }
  const last = events.at(-1);
  return {
    changedBy: last?.name ?? null,
    changedAt: last?.created_at ?? null,
    changedFields: [...fields],
  };
}

/**
 * Updates an action if `version` is still current. Working-group members may change every
 * field; a department editor only status and progress of their own department's actions.
 */
export async function updateAction(
  db: Executor,
  actor: Actor,
  actionId: string,
  input: unknown,
  { onMismatch = "accept" }: { onMismatch?: MismatchHandling } = {},
): Promise<ActionDetails> {
  const before = await getAction(db, actor, actionId);
  assertNotArchived(before);
  const data = parseInput(ActionUpdateSchema, input);
  const resource = { organisationId: actor.organisationId, departmentId: before.departmentId };
  const onlyProgress = Object.keys(data).every((key) => PROGRESS_FIELDS.has(key));
  assertCan(actor, onlyProgress ? "actions:update-progress" : "actions:edit", resource);
  const next = { ...before, ...data, version: data.version + 1 };
  if (!datesInOrder(next)) throw new ValidationError({ dueDate: "validation.dateOrder" });
  // Only a change of the pair is asked about: an old contradiction does not block other edits.
  const pairChanged = next.status !== before.status || next.progress !== before.progress;
  const mismatch = pairChanged && statusProgressMismatch(next);
  if (mismatch && onMismatch === "ask")
    throw new ValidationError({ confirmMismatch: `mismatch.${mismatch}` });

  await inTransaction(db, async (trx) => {
    await assertReferences(trx, actor, data);
    const updated = await trx
      .updateTable("actions")
      .set({
        title: next.title,
        description: next.description,
        goal_id: next.goalId,
        department_id: next.departmentId,
        owner_id: next.ownerId,
        document_id: next.documentId,
        start_date: next.startDate,
        due_date: next.dueDate,
        status: next.status,
        progress: next.progress,
        version: next.version,
        updated_by: actor.userId,
        updated_at: new Date(),
      })
      .where("id", "=", actionId)
      .where("version", "=", data.version)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      const current = await trx
        .selectFrom("actions")
        .select("version")
        .where("id", "=", actionId)
        .executeTakeFirstOrThrow();
      throw new ConflictError({
        version: current.version,
        ...(await conflictDetails(trx, actor.organisationId, actionId, data.version)),
      });
    }
    if (data.involvedDepartmentIds) {
      await setInvolved(
        trx,
        actor.organisationId,
        actionId,
        data.involvedDepartmentIds.filter((d) => d !== next.departmentId),
      );
    }
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "action.updated",
      entityType: "action",
      entityId: actionId,
      before: snapshot(before),
      after: snapshot(next),
    });
    await recordActionChanged(trx, actor, next, "updated");
    await recordAssignment(trx, actor, before, next);
    if (next.departmentId !== before.departmentId) await reopenForNewAction(trx, actor, next);
  });
  return getAction(db, actor, actionId);
}
