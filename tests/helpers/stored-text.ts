import { sql } from "kysely";
import type { Executor } from "../../db";

export interface StoredRow {
  table: string;
  /** PostgreSQL's text form of the whole row (`t::text`), bytea columns as `\x…` hex. */
  row: string;
  /** The same without the hex of bytea columns, whose digits could look like anything. */
  text: string;
}

/** Every row of every table of the current schema, as text. */
export async function everyStoredRow(db: Executor): Promise<StoredRow[]> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const rows: StoredRow[] = [];
  for (const { name } of tables.rows) {
    const result = await sql<{
      row: string;
    }>`select t::text as row from ${sql.table(name)} t`.execute(db);
    for (const { row } of result.rows)
      rows.push({ table: name, row, text: row.replace(/\\+x[0-9a-f]+/g, "\\x…") });
  }
  return rows;
}
