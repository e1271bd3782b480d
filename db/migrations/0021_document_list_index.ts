import { type Kysely, sql } from "kysely";

/**
 * The document list pages by keyset (last content edit, id), newest first, within one
 * organisation: the index lets a page start at its cursor instead of reading the whole list.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index documents_org_content_updated_idx on documents (organisation_id, content_updated_at desc nulls last, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("documents_org_content_updated_idx").execute();
}
