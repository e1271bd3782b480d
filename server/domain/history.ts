import type { Executor } from "../../db";
import { type Actor, assertCan } from "./policy";

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

/** Who changed what and when on one entity, newest first, from the append-only audit log. */
export async function entityHistory(
  db: Executor,
  actor: Actor,
  entityType: string,
  entityId: string,
): Promise<HistoryEntry[]> {
  assertCan(actor, "actions:read");
  const rows = await db
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
    .where("audit_events.entity_id", "=", entityId)
    .orderBy("audit_events.created_at", "desc")
    .limit(200)
    .execute();
  return rows.map((row) => {
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
}
