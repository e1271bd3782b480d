import { type Kysely, sql } from "kysely";

/**
 * Webhooks: the addresses an organisation's admins registered, with the event kinds each wants,
 * and one delivery per (event × webhook), unique so that an event redelivered after a restart
 * is not sent twice. Each attempt's answer is kept with the delivery (30 days).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("event_kinds", sql`text[]`, (c) => c.notNull())
    /** AES-256-GCM under a key derived from WEBHOOK_SECRET_KEY (or the session secret). */
    .addColumn("secret_encrypted", "text", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("webhooks_organisation_idx")
    .on("webhooks")
    .column("organisation_id")
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("webhook_id", "uuid", (c) =>
      c.notNull().references("webhooks.id").onDelete("cascade"),
    )
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    /** The outbox row's id (domain_events.id; that row goes after 7 days, so no reference). */
    .addColumn("event_id", "bigint", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull())
    /** pending → delivered, or failed after the last attempt. */
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz")
    /** A worker sending it now; another may take it over once this has passed. */
    .addColumn("claimed_until", "timestamptz")
    .addColumn("last_status_code", "integer")
    .addColumn("last_duration_ms", "integer")
    .addColumn("last_error", "text")
    /** [{ attempt, at, statusCode, durationMs, excerpt, error }] */
    .addColumn("attempt_log", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("delivered_at", "timestamptz")
    .addUniqueConstraint("webhook_deliveries_once", ["webhook_id", "event_id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due_idx")
    .on("webhook_deliveries")
    .columns(["next_attempt_at"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_recent_idx")
    .on("webhook_deliveries")
    .columns(["webhook_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhooks").execute();
}
