import type { Kysely } from "kysely";

/**
 * When each person last looked at Översikt, so it can list what changed since then ("Sedan ditt
 * senaste besök"), and an index for reading the organisation's audit log from a moment on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("overview_visits")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    /** The last time the page was served in this visit. */
    .addColumn("seen_at", "timestamptz", (c) => c.notNull())
    /** Where the previous visit ended: what changed after it is news. Null on the first visit. */
    .addColumn("since", "timestamptz")
    .addPrimaryKeyConstraint("overview_visits_pkey", ["user_id", "organisation_id"])
    .execute();
  await db.schema
    .createIndex("audit_events_recent_idx")
    .on("audit_events")
    .columns(["organisation_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_events_recent_idx").execute();
  await db.schema.dropTable("overview_visits").execute();
}
