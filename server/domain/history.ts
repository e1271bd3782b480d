import { sql } from "kysely";
import { z } from "zod";
import type { Executor } from "../../db";
import { pageFields, readPage } from "./keyset";
import { type Actor, assertCan } from "./policy";
import { parseInput } from "./validation";

export interface HistoryEntry {
  id: string;
  action: string;
  actorName: string | null;
  at: string;
  /** The follow-up period a change concerns (follow-ups are saved per period). */
  periodId?: string;
  /** Field name → [before, after], only for fields that changed. */
  changes: Record<string, [unknown, unknown]>;
}

export const HistoryPageSchema = z.object(pageFields(50, 200));

/**
 * Who changed what and when on one entity, newest first, from the append-only audit log, a page
 * at a time (by keyset; a cursor is bound to the entity).
 */
export async function entityHistory(
  db: Executor,
  actor: Actor,
  entityType: string,
  entityId: string,
  input: unknown = {},
): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
  assertCan(actor, "actions:read");
  const page = parseInput(HistoryPageSchema, input);
  const query = db
    .selectFrom("audit_events")
    .leftJoin("users", "users.id", "audit_events.actor_id")
    .select([
      "audit_events.id",
      "audit_events.action",
      "audit_events.before",
      "audit_events.after",
      "audit_events.created_at",
      "users.name",
    ])
    .where("audit_events.organisation_id", "=", actor.organisationId)
    .where("audit_events.entity_type", "=", entityType)
    .where("audit_events.entity_id", "=", entityId);
  const { page: rows, nextCursor } = await readPage(
    query,
    {
      list: "history",
      sort: { expression: sql`audit_events.created_at`, type: "timestamptz", notNull: true },
      direction: "desc",
      idColumn: sql`audit_events.id`,
    },
    { ...page, entityType, entityId },
  );
  const items = rows.map((row): HistoryEntry => {
    const before = (row.before ?? {}) as Record<string, unknown>;
    const after = (row.after ?? {}) as Record<string, unknown>;
    const changes: Record<string, [unknown, unknown]> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (key === "version" || key === "periodId") continue;
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
        changes[key] = [before[key] ?? null, after[key] ?? null];
    }
    return {
      id: row.id,
      action: row.action,
      actorName: row.name,
      at: row.created_at.toISOString(),
      ...(typeof after.periodId === "string" ? { periodId: after.periodId } : {}),
      changes,
    };
  });
  return { items, nextCursor };
}
