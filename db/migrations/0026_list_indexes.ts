import { type Kysely, sql } from "kysely";

/**
 * Every list pages by keyset (sort key, id): each gets an index in exactly its order, newest
 * first with the id rising, after its equality filters, so a page starts at its cursor and reads
 * only its own rows however long the list has grown. Each replaces an index that was a prefix of
 * it (same columns, no id), so nothing is indexed twice.
 */
const INDEXES: { name: string; table: string; key: string; replaces?: [string, string] }[] = [
  // The audit log, newest first, and the overview's recent changes (which read it from a moment).
  {
    name: "audit_events_org_newest_idx",
    table: "audit_events",
    key: "organisation_id, created_at desc nulls last, id",
    replaces: ["audit_events_recent_idx", "organisation_id, created_at"],
  },
  // The log filtered by kind; also how its kinds are listed, skipping from one to the next.
  {
    name: "audit_events_org_action_idx",
    table: "audit_events",
    key: "organisation_id, action, created_at desc nulls last, id",
  },
  // The log filtered by person: what someone did (what was done to them is the entity index).
  {
    name: "audit_events_org_actor_idx",
    table: "audit_events",
    key: "organisation_id, actor_id, created_at desc nulls last, id",
  },
  // One entity's history, newest first.
  {
    name: "audit_events_entity_newest_idx",
    table: "audit_events",
    key: "organisation_id, entity_type, entity_id, created_at desc nulls last, id",
    replaces: ["audit_events_entity_idx", "organisation_id, entity_type, entity_id, created_at"],
  },
  {
    name: "notifications_user_newest_idx",
    table: "notifications",
    key: "user_id, organisation_id, created_at desc nulls last, id",
    replaces: ["notifications_user_idx", "user_id, organisation_id, created_at"],
  },
  {
    name: "webhook_deliveries_newest_idx",
    table: "webhook_deliveries",
    key: "webhook_id, created_at desc nulls last, id",
    replaces: ["webhook_deliveries_recent_idx", "webhook_id, created_at"],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const { name, table, key, replaces } of INDEXES) {
    await sql`create index ${sql.id(name)} on ${sql.table(table)} (${sql.raw(key)})`.execute(db);
    if (replaces) await db.schema.dropIndex(replaces[0]).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { name, table, replaces } of INDEXES.toReversed()) {
    if (replaces)
      await sql`create index ${sql.id(replaces[0])} on ${sql.table(table)} (${sql.raw(replaces[1])})`.execute(
        db,
      );
    await db.schema.dropIndex(name).execute();
  }
}
