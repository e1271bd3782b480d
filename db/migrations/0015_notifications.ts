import { type Kysely, sql } from "kysely";

/**
 * E-mail and in-app notifications: every e-mail the server composes (kept here, and sent when
 * SMTP_URL is set), each person's notifications (one per event and recipient) and their choices.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    /** The person it is for, when it is for one of ours (an invitation's is not yet). */
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("to_address", "text", (c) => c.notNull())
    /** A notification kind, `digest`, or what else sent it (`invitation`, `password-reset`). */
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    /** The unsubscribe link it carried, if any. */
    .addColumn("unsubscribe_url", "text")
    /** `kept`: no SMTP server configured; `sending`, `sent` or `failed` (with `error`). */
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("mail_outbox_recent_idx")
    .on("mail_outbox")
    .columns(["organisation_id", "created_at"])
    .execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    /** The domain event it came from (its outbox id): one notification per event and person. */
    .addColumn("event_id", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    /** What the text needs: names and titles as they were, e.g. {actor, title}. */
    .addColumn("params", "jsonb", (c) => c.notNull())
    /** Where it leads, a path in the portal. */
    .addColumn("link", "text", (c) => c.notNull())
    /** Shown in the bell and the list (the person's in-app choice for the kind). */
    .addColumn("in_app", "boolean", (c) => c.notNull())
    /** `none`, `sent` (its own e-mail), or `digest` until the weekly digest takes it, then `sent`. */
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("read_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("notifications_event_user_key", ["event_id", "user_id"])
    .execute();
  await db.schema
    .createIndex("notifications_user_idx")
    .on("notifications")
    .columns(["user_id", "organisation_id", "created_at"])
    .execute();

  await db.schema
    .createTable("notification_preferences")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("in_app", "boolean", (c) => c.notNull())
    .addColumn("email", "boolean", (c) => c.notNull())
    .addPrimaryKeyConstraint("notification_preferences_pkey", ["user_id", "kind"])
    .execute();
  await db.schema
    .alterTable("users")
    .addColumn("weekly_digest", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("weekly_digest").execute();
  await db.schema.dropTable("notification_preferences").execute();
  await db.schema.dropTable("notifications").execute();
  await db.schema.dropTable("mail_outbox").execute();
}
