import { type Kysely, sql } from "kysely";

/**
 * The outbox of domain events: a command writes its events here in its own transaction, so an
 * event exists exactly when its change committed. The dispatcher (server/events/dispatcher.ts)
 * delivers them after COMMIT and marks them delivered; at start it delivers what a crash left.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("domain_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("actor_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    // As the actor was named when it happened (what a live view says: "Anna Berg saved …").
    .addColumn("actor_name", "text")
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("delivered_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("domain_events_undelivered_idx")
    .on("domain_events")
    .column("id")
    .where(sql.ref("delivered_at"), "is", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("domain_events").execute();
}
