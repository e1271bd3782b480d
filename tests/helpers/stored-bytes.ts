import { sql } from "kysely";
import type { DB } from "../../db";

/**
 * Where any of `needles` is stored, in any table: every row as text (`select t::text`), and every
 * bytea column decoded (a Yjs update keeps its strings as UTF-8). Returns "table: needle" places.
 */
export async function storedPlaces(db: DB, needles: string[]): Promise<string[]> {
  const places: string[] = [];
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  for (const { name } of tables.rows) {
    const rows = await sql<{
      row: string;
    }>`select t::text as row from ${sql.table(name)} t`.execute(db);
    for (const { row } of rows.rows)
      for (const needle of needles) if (row.includes(needle)) places.push(`${name}: ${needle}`);
  }
  const columns = await sql<{ tableName: string; column: string }>`
    select table_name as "tableName", column_name as "column" from information_schema.columns
    where table_schema = current_schema() and data_type = 'bytea'`.execute(db);
  for (const { tableName, column } of columns.rows) {
    const rows = await sql<{ value: Uint8Array }>`
      select ${sql.ref(column)} as value from ${sql.table(tableName)}`.execute(db);
    for (const { value } of rows.rows) {
      if (!value) continue;
      const bytes = Buffer.from(value);
      for (const needle of needles)
        if (bytes.includes(Buffer.from(needle))) places.push(`${tableName}.${column}: ${needle}`);
    }
  }
  return places;
}
