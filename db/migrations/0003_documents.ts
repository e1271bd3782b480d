import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("documents")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('samverkansform', 'handlingsplan', 'motesanteckningar', 'yttrande', 'ovrigt')`,
        ),
    )
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("draft").check(sql`status in ('draft', 'review', 'adopted')`),
    )
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("content_updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("rendered_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("rendered_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("rendered_json", "jsonb")
    .addColumn("rendered_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("documents_org_idx")
    .on("documents")
    .columns(["organisation_id", "kind", "status"])
    .execute();

  await db.schema
    .createTable("document_departments")
    .addColumn("document_id", "uuid", (c) =>
      c.notNull().references("documents.id").onDelete("cascade"),
    )
    .addColumn("department_id", "uuid", (c) =>
      c.notNull().references("departments.id").onDelete("restrict"),
    )
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("document_departments_pkey", ["document_id", "department_id"])
    .execute();

  // The append-only log of Yjs updates; each row is committed before its author is told "saved".
  await db.schema
    .createTable("document_updates")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("document_id", "uuid", (c) =>
      c.notNull().references("documents.id").onDelete("cascade"),
    )
    .addColumn("update", "bytea", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("document_updates_doc_idx")
    .on("document_updates")
    .columns(["document_id", "id"])
    .execute();

  // Compaction folds the log into this snapshot: state = snapshot + updates with id > last_update_id.
  await db.schema
    .createTable("document_snapshots")
    .addColumn("document_id", "uuid", (c) =>
      c.primaryKey().references("documents.id").onDelete("cascade"),
    )
    .addColumn("state", "bytea", (c) => c.notNull())
    .addColumn("last_update_id", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("document_versions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("document_id", "uuid", (c) =>
      c.notNull().references("documents.id").onDelete("cascade"),
    )
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", "bytea", (c) => c.notNull())
    .addColumn("rendered_json", "jsonb", (c) => c.notNull())
    .addColumn("rendered_html", "text", (c) => c.notNull())
    .addColumn("rendered_text", "text", (c) => c.notNull())
    .addColumn("adopted", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("document_versions_doc_idx")
    .on("document_versions")
    .columns(["document_id", "created_at"])
    .execute();

  await db.schema
    .alterTable("actions")
    .addColumn("document_id", "uuid", (c) => c.references("documents.id").onDelete("set null"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("actions").dropColumn("document_id").execute();
  for (const table of [
    "document_versions",
    "document_snapshots",
    "document_updates",
    "document_departments",
    "documents",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
