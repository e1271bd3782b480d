import { sql } from "kysely";
import { z } from "zod";
import type { Executor } from "../../db";
import { auditedId } from "./audit";
import { type ListOrder, pageFields, readPage } from "./keyset";
import { type Actor, assertCan } from "./policy";
import { parseInput } from "./validation";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation.date");
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" || value === null ? undefined : value), schema.optional());

export const AuditLogFilterSchema = z.object({
  kind: optional(z.string().max(100, "validation.tooLong")),
  personId: optional(z.uuid("validation.invalid")),
  from: optional(isoDate),
  to: optional(isoDate),
  ...pageFields(50, 200),
});

export interface AuditLogEntry {
  id: string;
  at: string;
  action: string;
  actorName: string | null;
  /** The person an entry is about, when it is about a person (a sign-in, a password, roles). */
  subjectName: string | null;
  entityType: string;
  details: Record<string, string>;
}

// What the log shows of an entry's own data: how someone signed in and why it was refused.
const DETAIL_KEYS = ["method", "provider", "reason", "address", "by", "temporary"];

const NEWEST_FIRST: ListOrder = {
  list: "audit-log",
  sort: { expression: sql`audit_events.created_at`, type: "timestamptz", notNull: true },
  direction: "desc",
  idColumn: sql`audit_events.id`,
};

/**
 * The organisation's audit log for admins, newest first, a page at a time (by keyset), filtered
 * by kind, person (who did it or whom it is about) and days (Swedish time).
 */
export async function listAuditLog(db: Executor, actor: Actor, input: unknown) {
  assertCan(actor, "users:manage");
  const filter = parseInput(AuditLogFilterSchema, input);
  let query = db
    .selectFrom("audit_events")
    .leftJoin("users as doer", "doer.id", "audit_events.actor_id")
    .leftJoin("users as subject", (join) => join.on("subject.id", "=", auditedId("user")))
    .select([
      "audit_events.id",
      "audit_events.action",
      "audit_events.entity_type",
      "audit_events.after",
      "audit_events.created_at",
      "doer.name as actorName",
      "subject.name as subjectName",
    ])
    .where("audit_events.organisation_id", "=", actor.organisationId);
  if (filter.kind) query = query.where("audit_events.action", "=", filter.kind);
  if (filter.personId) {
    const personId = filter.personId;
    query = query.where((eb) =>
      eb.or([
        eb("audit_events.actor_id", "=", personId),
        eb.and([
          eb("audit_events.entity_type", "=", "user"),
          eb("audit_events.entity_id", "=", personId),
        ]),
      ]),
    );
  }
  if (filter.from)
    query = query.where(
      sql<boolean>`audit_events.created_at >= (${filter.from}::date)::timestamp at time zone 'Europe/Stockholm'`,
    );
  if (filter.to)
    query = query.where(
      sql<boolean>`audit_events.created_at < (${filter.to}::date + 1)::timestamp at time zone 'Europe/Stockholm'`,
    );
  const { page, nextCursor } = await readPage(query, NEWEST_FIRST, filter);
  const entries: AuditLogEntry[] = page.map((row) => {
    const after = (row.after ?? {}) as Record<string, unknown>;
    const details: Record<string, string> = {};
    for (const key of DETAIL_KEYS)
      if (["string", "boolean"].includes(typeof after[key])) details[key] = String(after[key]);
    return {
      id: row.id,
      at: row.created_at.toISOString(),
      action: row.action,
      actorName: row.actorName,
      subjectName: row.subjectName,
      entityType: row.entity_type,
      details,
    };
  });
  const { limit: _limit, cursor: _cursor, ...applied } = filter;
  return { filter: applied, entries, nextCursor };
}

/** The kinds of entry the organisation's log holds and its people: the log's filter choices. */
export async function auditLogChoices(db: Executor, actor: Actor) {
  assertCan(actor, "users:manage");
  const org = actor.organisationId;
  const [kinds, people] = await Promise.all([
    // Each kind once by skipping from one to the next in the index (migration 0026), not by
    // reading every entry the organisation ever logged.
    sql<{ action: string }>`
      with recursive kinds(action) as (
        (select action from audit_events where organisation_id = ${org} order by action limit 1)
        union all
        select (select a.action from audit_events a
                where a.organisation_id = ${org} and a.action > kinds.action
                order by a.action limit 1)
        from kinds where kinds.action is not null
      )
      select action from kinds where action is not null`.execute(db),
    db
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.user_id")
      .select(["users.id", "users.name"])
      .where("memberships.organisation_id", "=", org)
      .orderBy(sql`lower(users.name)`)
      .execute(),
  ]);
  return { kinds: kinds.rows.map((row) => row.action), people };
}
