import { createHash } from "node:crypto";
import { type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import { z } from "zod";
import { ValidationError } from "./errors";

/**
 * Keyset paging: a cursor names the last row of a page by its sort key and id, so the next page
 * starts right after it however many rows were added or removed before it meanwhile (an offset
 * would skip or repeat them), and costs the same on page 1 000 as on page 1. A cursor is bound
 * to the filter and sort it was made for: used with another, it is refused, not misread.
 */

/** One way to sort: the SQL expression and the type its key is read back as. */
export interface SortKey {
  expression: RawBuilder<unknown>;
  /** The SQL type to compare a cursor's key as; timestamps travel as text to keep microseconds. */
  type: "text" | "date" | "timestamptz" | "integer";
}

interface Cursor {
  /** The last row's sort key as SQL text (null sorts last). */
  key: string | null;
  id: string;
  /** Which filter and sort the cursor belongs to. */
  filter: string;
}

const CursorSchema = z.object({
  key: z.string().max(400).nullable(),
  id: z.uuid(),
  filter: z.string(),
});

const KEY_FORMATS: Record<SortKey["type"], (key: string) => boolean> = {
  text: () => true,
  // A real day (2027-02-30 is not one): the database would fail on it, not refuse it.
  date: (key) => /^\d{4}-\d{2}-\d{2}$/.test(key) && isoDay(key) === key,
  timestamptz: (key) => /^\d{4}-\d{2}-\d{2} [\d:.]+[+-]\d{2}(:\d{2})?$/.test(key),
  integer: (key) => /^-?\d{1,9}$/.test(key),
};

function isoDay(key: string): string | null {
  const time = Date.parse(`${key}T00:00:00Z`);
  return Number.isNaN(time) ? null : new Date(time).toISOString().slice(0, 10);
}

/** A short fingerprint of a filter (without its cursor and page size). */
export function filterFingerprint(filter: Record<string, unknown>): string {
  const { cursor: _cursor, limit: _limit, ...rest } = filter;
  const canonical = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** Reads a cursor made for `fingerprint` with keys of `type`; anything else is a 400 on `cursor`. */
export function decodeCursor(raw: string, fingerprint: string, type: SortKey["type"]): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new ValidationError({ cursor: "validation.cursor" });
  }
  const cursor = CursorSchema.safeParse(parsed);
  if (!cursor.success) throw new ValidationError({ cursor: "validation.cursor" });
  if (cursor.data.filter !== fingerprint)
    throw new ValidationError({ cursor: "validation.cursorOtherFilter" });
  if (cursor.data.key !== null && !KEY_FORMATS[type](cursor.data.key))
    throw new ValidationError({ cursor: "validation.cursor" });
  return cursor.data;
}

/**
 * Rows after the cursor in the order `key dir nulls last, id asc`: a greater (or, descending,
 * smaller) key, the same key and a greater id, or a null key (nulls come last either way).
 */
export function afterCursor(
  sort: SortKey,
  direction: "asc" | "desc",
  idColumn: RawBuilder<unknown>,
  cursor: Cursor,
): RawBuilder<boolean> {
  const { expression } = sort;
  const id = sql`cast(${cursor.id} as uuid)`;
  if (cursor.key === null) return sql<boolean>`(${expression} is null and ${idColumn} > ${id})`;
  const key = sql`cast(${cursor.key} as ${sql.raw(sort.type)})`;
  const beyond = direction === "asc" ? sql`${expression} > ${key}` : sql`${expression} < ${key}`;
  return sql<boolean>`(${beyond} or (${expression} = ${key} and ${idColumn} > ${id}) or ${expression} is null)`;
}

/** The sort key of a row as SQL text, to put in the next cursor. */
export const sortKeyText = (sort: SortKey) => sql<string | null>`cast(${sort.expression} as text)`;

/**
 * Splits the `limit + 1` rows a page query read into the page and the cursor of the next page
 * (null when the extra row did not come, so this is the last page).
 */
export function pageOf<R extends { id: string; sort_key: string | null }>(
  rows: R[],
  limit: number,
  fingerprint: string,
): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ key: last.sort_key, id: last.id, filter: fingerprint })
      : null;
  return { page, nextCursor };
}

/**
 * Reads one page of `query` by keyset: the rows after the filter's cursor, `limit` of them, in
 * the order of `sort` then `idColumn`, and the cursor of the next page.
 */
export async function readPage<DB, TB extends keyof DB, O extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, O>,
  sort: SortKey,
  direction: "asc" | "desc",
  idColumn: string,
  filter: Record<string, unknown> & { cursor?: string; limit: number },
): Promise<{ page: O[]; nextCursor: string | null }> {
  const fingerprint = filterFingerprint(filter);
  const id = sql.ref(idColumn);
  let paged = query;
  if (filter.cursor) {
    const after = decodeCursor(filter.cursor, fingerprint, sort.type);
    paged = paged.where(afterCursor(sort, direction, id, after));
  }
  const rows = await paged
    .select(sortKeyText(sort).as("sort_key"))
    .orderBy(sql`${sort.expression} ${sql.raw(direction)} nulls last`)
    .orderBy(id)
    .limit(filter.limit + 1)
    .execute();
  return pageOf(rows as (O & { sort_key: string | null })[], filter.limit, fingerprint);
}
