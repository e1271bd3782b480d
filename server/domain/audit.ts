import { sql } from "kysely";
import type { Executor } from "../../db";

export interface AuditEntry {
  organisationId: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Append-only: written in the same transaction as the change it describes. */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      organisation_id: entry.organisationId,
      actor_id: entry.actorId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

/**
 * The id of the entity an audit entry is about, as a uuid, when it is of `entityType` (else
 * null): joined with `table.id = auditedId(…)`, the entity is found by its primary key. The other
 * way round (`table.id::text = entity_id`) reads the whole table for every entry.
 */
export const auditedId = (entityType: "action" | "document" | "user") =>
  sql<
    string | null
  >`case when audit_events.entity_type = ${entityType} then audit_events.entity_id::uuid end`;
