import { sql } from "kysely";
import type { Executor } from "../../db";

/** Every row of every table of the current schema as PostgreSQL's text form (`t::text`). */
export async function everyStoredRow(db: Executor): Promise<{ table: string; row: string }[]> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const rows: { table: string; row: string }[] = [];
  for (const { name } of tables.rows) {
    const result = await sql<{
      row: string;
    }>`select t::text as row from ${sql.table(name)} t`.execute(db);
    for (const { row } of result.rows) rows.push({ table: name, row });
  }
  return rows;
}
