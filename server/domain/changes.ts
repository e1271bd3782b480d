import { sql } from "kysely";
import { formatPeriod } from "../../common/format";
import type { Executor } from "../../db";
import { auditedId } from "./audit";
import { type Actor, assertCan, can, type Permission } from "./policy";

/**
 * What happened in the organisation, read from the audit log and said as a change: who, to what,
 * for which department and period, and each changed value old → new. Översikt shows these as
 * "Sedan ditt senaste besök" and "Senaste händelser".
 */

/** The values a change shows old → new (others are named without values, e.g. the description). */
export type ChangedField =
  | "assessment"
  | "status"
  | "progress"
  | "dueDate"
  | "startDate"
  | "title"
  | "description"
  | "owner"
  | "department"
  | "goal"
  | "involvedDepartments"
  | "document"
  | "kind";

export interface FieldChange {
  field: ChangedField;
  from: string | number | null;
  to: string | number | null;
}

/** Each kind of audit row a change is made from, and who may see it. */
const KINDS = {
  "action.created": "actions:read",
  "action.updated": "actions:read",
  "followup.saved": "actions:read",
  "comment.added": "actions:read",
  "document.created": "documents:read",
  "document.updated": "documents:read",
  "document.adopted": "documents:read",
  "document.version-created": "documents:read",
  "document.version-restored": "documents:read",
  "period-report.completed": "dashboard:read",
  "period-report.reopened": "dashboard:read",
  "report.adopted": "reports:read-adopted",
} as const satisfies Record<string, Permission>;
export type ChangeKind = keyof typeof KINDS;

/** What the kommunchef checks for news: assessments, statuses, new actions, reports. */
const NEWS: readonly ChangeKind[] = [
  "action.created",
  "action.updated",
  "followup.saved",
  "period-report.completed",
  "period-report.reopened",
  "report.adopted",
];
/** The action fields that make an edit news (a reworded description is not). */
const NEWS_FIELDS: ReadonlySet<ChangedField> = new Set(["status", "progress", "dueDate"]);

export interface ChangeItem {
  id: string;
  kind: ChangeKind;
  at: string;
  actorName: string | null;
  /** The department concerned: the action's owner, or the department that reported. */
  departmentName: string | null;
  /** The action or document changed; null for a department's report or an adoption. */
  subject: { type: "action" | "document"; id: string; title: string | null } | null;
  periodId: string | null;
  periodName: string | null;
  fields: FieldChange[];
}

/** An action's or document's audit snapshot key → the field it shows as, in the order listed. */
const SNAPSHOT_FIELDS: [string, ChangedField, "value" | "named"][] = [
  ["status", "status", "value"],
  ["progress", "progress", "value"],
  ["startDate", "startDate", "value"],
  ["dueDate", "dueDate", "value"],
  ["title", "title", "value"],
  ["description", "description", "named"],
  ["ownerId", "owner", "named"],
  ["departmentId", "department", "named"],
  ["goalId", "goal", "named"],
  ["involvedDepartmentIds", "involvedDepartments", "named"],
  ["documentId", "document", "named"],
  ["kind", "kind", "value"],
];

type Snapshot = Record<string, unknown>;
const shown = (value: unknown): string | number | null =>
  typeof value === "string" || typeof value === "number" ? value : null;

/** The fields that differ between two audit snapshots; a first assessment counts from "Ej bedömd". */
function changedFields(kind: ChangeKind, before: Snapshot | null, after: Snapshot | null) {
  if (kind === "followup.saved") {
    return [
      {
        field: "assessment" as const,
        from: shown(before?.assessment) ?? "not_assessed",
        to: shown(after?.assessment),
      },
    ];
  }
  if (!before || !after) return [];
  const fields: FieldChange[] = [];
  for (const [key, field, how] of SNAPSHOT_FIELDS) {
    if (!(key in before || key in after)) continue;
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null)) continue;
    fields.push(
      how === "value"
        ? { field, from: shown(before[key]), to: shown(after[key]) }
        : { field, from: null, to: null },
    );
  }
  return fields;
}

interface ChangeQuery {
  after?: string;
  excludeActorId?: string;
  kinds: readonly ChangeKind[];
  limit: number;
}

async function readChanges(db: Executor, actor: Actor, query: ChangeQuery) {
  const kinds = query.kinds.filter((kind) => can(actor, KINDS[kind]));
  if (kinds.length === 0) return [];
  // Reports and klarmarkeringar name their department and period in the audit row itself.
  const recorded = (key: string) =>
    sql<string>`coalesce(audit_events.after, audit_events.before) ->> ${key}`;
  const rows = await db
    .selectFrom("audit_events")
    .leftJoin("users", "users.id", "audit_events.actor_id")
    .leftJoin("actions", (join) => join.on("actions.id", "=", auditedId("action")))
    .leftJoin("documents", (join) => join.on("documents.id", "=", auditedId("document")))
    .leftJoin("departments", (join) =>
      join.on(
        sql`departments.id::text`,
        "=",
        sql`coalesce(actions.department_id::text, ${recorded("departmentId")})`,
      ),
    )
    .leftJoin("follow_up_periods as periods", (join) =>
      join.on(sql`periods.id::text`, "=", recorded("periodId")),
    )
    .select([
      "audit_events.id",
      "audit_events.action",
      "audit_events.entity_type",
      "audit_events.entity_id",
      "audit_events.before",
      "audit_events.after",
      "audit_events.created_at",
      "users.name as actorName",
      "departments.name as departmentName",
      "periods.id as periodId",
      "periods.start_date as periodStart",
      "periods.end_date as periodEnd",
      sql<string | null>`coalesce(actions.title, documents.title)`.as("subjectTitle"),
    ])
    .where("audit_events.organisation_id", "=", actor.organisationId)
    .where("audit_events.action", "in", kinds)
    .$if(query.after !== undefined, (q) =>
      q.where("audit_events.created_at", ">", new Date(query.after!)),
    )
    .$if(query.excludeActorId !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb("audit_events.actor_id", "is", null),
          eb("audit_events.actor_id", "!=", query.excludeActorId!),
        ]),
      ),
    )
    .orderBy("audit_events.created_at", "desc")
    .orderBy("audit_events.id")
    .limit(query.limit)
    .execute();
  return rows.map((row): ChangeItem => {
    const kind = row.action as ChangeKind;
    return {
      id: row.id,
      kind,
      at: row.created_at.toISOString(),
      actorName: row.actorName,
      departmentName: row.departmentName,
      subject:
        row.entity_type === "action" || row.entity_type === "document"
          ? { type: row.entity_type, id: row.entity_id, title: row.subjectTitle }
          : null,
      periodId: row.periodId,
      periodName:
        row.periodStart && row.periodEnd ? formatPeriod(row.periodStart, row.periodEnd) : null,
      fields: changedFields(kind, row.before as Snapshot | null, row.after as Snapshot | null),
    };
  });
}

/** The latest changes of every kind the actor may see ("Senaste händelser"). */
export async function recentChanges(db: Executor, actor: Actor, limit = 10) {
  assertCan(actor, "dashboard:read");
  return readChanges(db, actor, { kinds: Object.keys(KINDS) as ChangeKind[], limit });
}

/**
 * What others changed after `since` that the kommunchef checks for: assessments, status,
 * progress and due dates, new actions, klarmarkeringar and adoptions. Newest first.
 */
export async function changesSince(db: Executor, actor: Actor, since: string, limit = 50) {
  assertCan(actor, "dashboard:read");
  const changes = await readChanges(db, actor, {
    after: since,
    excludeActorId: actor.userId,
    kinds: NEWS,
    limit,
  });
  return netChanges(
    changes.map((change) =>
      change.kind === "action.updated"
        ? { ...change, fields: change.fields.filter((f) => NEWS_FIELDS.has(f.field)) }
        : change,
    ),
  );
}

/**
 * One line per action and period for what changed in between, oldest value → newest (a status
 * set twice is one change; one set and set back is none). `changes` is newest first.
 */
function netChanges(changes: ChangeItem[]): ChangeItem[] {
  const newest = new Map<string, ChangeItem>();
  const result: ChangeItem[] = [];
  for (const change of changes) {
    if (change.kind !== "action.updated" && change.kind !== "followup.saved") {
      result.push(change);
      continue;
    }
    const key = `${change.kind}:${change.subject?.id}:${change.periodId}`;
    const later = newest.get(key);
    if (!later) {
      const copy = { ...change, fields: change.fields.map((f) => ({ ...f })) };
      newest.set(key, copy);
      result.push(copy);
      continue;
    }
    // An earlier change of the same thing: its old value is where the net change starts.
    for (const field of change.fields) {
      const merged = later.fields.find((f) => f.field === field.field);
      if (merged) merged.from = field.from;
      else later.fields.push({ ...field });
    }
  }
  return result
    .map((change) => ({ ...change, fields: change.fields.filter((f) => f.from !== f.to) }))
    .filter(
      (change) =>
        (change.kind !== "action.updated" && change.kind !== "followup.saved") ||
        change.fields.length > 0,
    );
}

/** A pause this long between two views of Översikt starts a new visit. */
export const VISIT_GAP_MINUTES = 30;

/**
 * A view this soon after the recorded one is not written down: one reading instead of a write
 * and its COMMIT per view (a live overview reloads its data on every change). The visit's end
 * may then be recorded up to this much early, which moves a gap or the starting point by as much.
 */
const VISIT_RECORD_SECONDS = 60;

/**
 * Records that the actor is looking at Översikt now and returns where their previous visit
 * ended (null on the first visit). Views less than VISIT_GAP_MINUTES apart are one visit — a
 * filter change or a live update does not empty the list the person is reading.
 */
export async function recordOverviewVisit(
  db: Executor,
  actor: Actor,
  now = new Date(),
): Promise<string | null> {
  assertCan(actor, "dashboard:read");
  const recorded = () =>
    db
      .selectFrom("overview_visits")
      .select(["seen_at", "since"])
      .where("user_id", "=", actor.userId)
      .where("organisation_id", "=", actor.organisationId)
      .executeTakeFirst();
  const startOf = (visit?: { since: Date | null }) => visit?.since?.toISOString() ?? null;
  const before = await recorded();
  const recordedAfter = new Date(now.getTime() - VISIT_RECORD_SECONDS * 1000);
  if (before && before.seen_at >= recordedAfter && before.seen_at <= now) return startOf(before);
  const row = await db
    .insertInto("overview_visits")
    .values({
      user_id: actor.userId,
      organisation_id: actor.organisationId,
      seen_at: now,
      since: null,
    })
    .onConflict((oc) =>
      oc
        .columns(["user_id", "organisation_id"])
        .doUpdateSet({
          since: sql`case when overview_visits.seen_at < excluded.seen_at - ${sql.lit(VISIT_GAP_MINUTES)} * interval '1 minute' then overview_visits.seen_at else overview_visits.since end`,
          seen_at: sql`greatest(overview_visits.seen_at, excluded.seen_at)`,
        })
        // Many views at once (a tab per screen, a reload after a live change) write it once.
        .where("overview_visits.seen_at", "<", recordedAfter),
    )
    .returning("since")
    .executeTakeFirst();
  // Written by a view a moment ago: its starting point holds for this one.
  return row ? startOf(row) : startOf(await recorded());
}
