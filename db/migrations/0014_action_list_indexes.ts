import { type Kysely, sql } from "kysely";

/**
 * The action list pages by keyset (sort key, id) within one organisation: an index per sort
 * order lets a page start at its cursor instead of reading everything before it.
 */
const INDEXES: [name: string, key: string][] = [
  ["actions_org_due_idx", "organisation_id, due_date, id"],
  ["actions_org_title_idx", "organisation_id, lower(title), id"],
  ["actions_org_updated_idx", "organisation_id, updated_at, id"],
  ["actions_org_status_idx", "organisation_id, status, id"],
  ["actions_org_owner_idx", "organisation_id, owner_id"],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, key] of INDEXES)
    await sql`create index ${sql.id(name)} on actions (${sql.raw(key)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
}
