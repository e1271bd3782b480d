import { type Kysely, sql } from "kysely";

/**
 * Comments on a document's text and its review. A thread is anchored to a passage by two Yjs
 * relative positions (encoded), which follow the text through every edit; `quote` is the passage
 * as it read when the thread was started. Reviews name who is asked to review a document, and
 * when they marked it "Granskad".
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("document_comment_threads")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("document_id", "uuid", (c) =>
      c.notNull().references("documents.id").onDelete("cascade"),
    )
    .addColumn("anchor_start", "bytea", (c) => c.notNull())
    .addColumn("anchor_end", "bytea", (c) => c.notNull())
    .addColumn("quote", "text", (c) => c.notNull())
    .addColumn("resolved_at", "timestamptz")
    .addColumn("resolved_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("document_comment_threads_doc_idx")
    .on("document_comment_threads")
    .columns(["document_id", "created_at"])
    .execute();

  await db.schema
    .createTable("document_comments")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("thread_id", "uuid", (c) =>
      c.notNull().references("document_comment_threads.id").onDelete("cascade"),
    )
    .addColumn("author_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("mentioned_user_ids", sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("document_comments_thread_idx")
    .on("document_comments")
    .columns(["thread_id", "created_at"])
    .execute();

  await db.schema
    .createTable("document_reviews")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("document_id", "uuid", (c) =>
      c.notNull().references("documents.id").onDelete("cascade"),
    )
    .addColumn("reviewer_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("requested_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("requested_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("reviewed_at", "timestamptz")
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addUniqueConstraint("document_reviews_reviewer_key", ["document_id", "reviewer_id"])
    .execute();
  await db.schema
    .createIndex("document_reviews_reviewer_idx")
    .on("document_reviews")
    .columns(["reviewer_id", "reviewed_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("document_reviews").execute();
  await db.schema.dropTable("document_comments").execute();
  await db.schema.dropTable("document_comment_threads").execute();
}
