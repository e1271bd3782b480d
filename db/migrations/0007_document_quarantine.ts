import { type Kysely, sql } from "kysely";

/**
 * Co-editing updates set aside because the document they produce is outside the editor's schema
 * (stored before the server checked content): kept for an administrator to see, out of the
 * document's log so the document opens again. Removed with the document.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("document_quarantine")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("document_id", "uuid", (c) =>
      c.notNull().references("documents.id").onDelete("cascade"),
    )
    .addColumn("update", "bytea", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("reason", "text", (c) => c.notNull())
    /** When the update was first stored. */
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("quarantined_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("document_quarantine_doc_idx")
    .on("document_quarantine")
    .column("document_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("document_quarantine").execute();
}
