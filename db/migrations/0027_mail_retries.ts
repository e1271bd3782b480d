import { type Kysely, sql } from "kysely";

/**
 * An e-mail the SMTP server did not take is tried again with backoff: `attempts` so far, and
 * `next_attempt_at` while one is due — also set during a send, so a message whose process died
 * mid-send is taken up again. Null once it is sent, kept (no SMTP server) or given up. The
 * addressee's name as it was written, so a later try says it the same way.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("mail_outbox")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("next_attempt_at", "timestamptz")
    .addColumn("to_name", "text")
    .execute();
  await sql`create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where next_attempt_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("mail_outbox_due_idx").execute();
  await db.schema
    .alterTable("mail_outbox")
    .dropColumn("attempts")
    .dropColumn("next_attempt_at")
    .dropColumn("to_name")
    .execute();
}
