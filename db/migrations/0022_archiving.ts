import { type Kysely, sql } from "kysely";

/**
 * Actions and documents can be archived: out of the lists, counts and searches, readable by
 * their link, restorable. The lists read only unarchived rows unless asked, so the partial
 * indexes keep their pages as cheap as before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ["actions", "documents"]) {
    await db.schema.alterTable(table).addColumn("archived_at", "timestamptz").execute();
    await sql`create index ${sql.id(`${table}_org_archived_idx`)} on ${sql.table(table)} (organisation_id, archived_at) where archived_at is not null`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["actions", "documents"]) {
    await db.schema.dropIndex(`${table}_org_archived_idx`).execute();
    await db.schema.alterTable(table).dropColumn("archived_at").execute();
  }
}
