import { type Kysely, sql } from "kysely";

/**
 * Reminders recorded by the scheduler, each once (unique kind × subject × occasion), the
 * scheduler's job rows that one process at a time claims (FOR UPDATE SKIP LOCKED), and the
 * one-time links of invitations and password resets (only their hashes are kept).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("reminders")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) => c.notNull())
    /** What it is about, e.g. '<periodId>:<departmentId>', '<actionId>', or the organisation. */
    .addColumn("subject", "text", (c) => c.notNull())
    /** Which of its times, e.g. '14' days before, the due date, or the ISO week. */
    .addColumn("occasion", "text", (c) => c.notNull())
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("reminders_once", ["organisation_id", "kind", "subject", "occasion"])
    .execute();
  await db.schema
    .createTable("scheduled_jobs")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("last_run_at", "timestamptz")
    /** The clock's time the last run computed for. */
    .addColumn("last_run_for", "timestamptz")
    .addColumn("runs", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("one_time_links")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    /** 'invitation' or 'password-reset'. */
    .addColumn("purpose", "text", (c) => c.notNull())
    /** SHA-256 of the secret in the link; the secret itself is never stored. */
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("one_time_links_user_idx")
    .on("one_time_links")
    .columns(["user_id", "purpose"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("one_time_links").execute();
  await db.schema.dropTable("scheduled_jobs").execute();
  await db.schema.dropTable("reminders").execute();
}
