import { sql } from "kysely";
import { z } from "zod";
import type { Executor } from "../../db";
import { type Actor, assertCan } from "./policy";
import { parseInput } from "./validation";

const PAGE_SIZE = 50;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation.date");
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" || value === null ? undefined : value), schema.optional());

export const AuditLogFilterSchema = z.object({
  kind: optional(z.string().max(100, "validation.tooLong")),
  personId: optional(z.uuid("validation.invalid")),
  from: optional(isoDate),
  to: optional(isoDate),
  /** Where the previous page ended: `<created_at>|<id>` of its last entry. */
  after: optional(
    z
      .string()
      .max(100)
      .regex(/^[^|]+\|[0-9a-f-]{36}$/, "validation.invalid"),
  ),
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

/**
 * The organisation's audit log for admins, newest first, a page at a time, filtered by kind,
 * person (who did it or whom it is about) and days (Swedish time).
 */
export async function listAuditLog(db: Executor, actor: Actor, input: unknown) {
  assertCan(actor, "users:manage");
  const filter = parseInput(AuditLogFilterSchema, input);
  let query = db
    .selectFrom("audit_events")
    .leftJoin("users as doer", "doer.id", "audit_events.actor_id")
    .leftJoin("users as subject", (join) =>
      join
        .on("audit_events.entity_type", "=", "user")
        .on(sql`subject.id::text`, "=", sql.ref("audit_events.entity_id")),
    )
    .select([
      "audit_events.id",
      "audit_events.action",
      "audit_events.entity_type",
      "audit_events.after",
      sql<string>`audit_events.created_at::text`.as("cursorAt"),
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
  if (filter.after) {
    const [at, id] = filter.after.split("|");
    query = query.where(
      sql<boolean>`(audit_events.created_at, audit_events.id) < (${at}::timestamptz, ${id}::uuid)`,
    );
  }
  const rows = await query
    .orderBy("audit_events.created_at", "desc")
    .orderBy("audit_events.id", "desc")
    .limit(PAGE_SIZE + 1)
    .execute();
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
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
  const [kinds, people] = await Promise.all([
    db
      .selectFrom("audit_events")
      .select("action")
      .distinct()
      .where("organisation_id", "=", actor.organisationId)
      .orderBy("action")
      .execute(),
    db
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.user_id")
      .select(["users.id", "users.name"])
      .where("memberships.organisation_id", "=", actor.organisationId)
      .orderBy(sql`lower(users.name)`)
      .execute(),
  ]);
  return {
    filter,
    entries,
    nextCursor: rows.length > PAGE_SIZE && last ? `${last.cursorAt}|${last.id}` : null,
    kinds: kinds.map((row) => row.action),
    people,
  };
}
