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
  /**
   * The key is never null (a NOT NULL column): the rows after a cursor then start at a bound an
   * index can seek to, instead of being found by reading the index from its start.
   */
  notNull?: boolean;
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

/**
 * What a key of each type must be for the database to take it: a cursor is only base64 of JSON,
 * and a key made up to fail the cast (a NUL in text, hour 99) must be refused here, not fail there.
 */
const KEY_FORMATS: Record<SortKey["type"], (key: string) => boolean> = {
  // PostgreSQL's text holds any character but NUL.
  text: (key) => !key.includes("\u0000"),
  // A real day (2027-02-30 is not one).
  date: (key) => /^\d{4}-\d{2}-\d{2}$/.test(key) && isoDay(key) === key,
  timestamptz: isTimestampText,
  integer: (key) => /^-?\d{1,9}$/.test(key),
};

/** A timestamp as PostgreSQL writes one as text ("2026-12-06 10:00:00.123456+00"), and a real one. */
function isTimestampText(key: string): boolean {
  const parts =
    /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?$/.exec(key);
  if (!parts) return false;
  const [, day, hour, minute, second, , offsetHours, offsetMinutes = "00"] = parts;
  return (
    isoDay(day) === day &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetHours) <= 15 &&
    Number(offsetMinutes) <= 59
  );
}

function isoDay(key: string): string | null {
  const time = Date.parse(`${key}T00:00:00Z`);
  return Number.isNaN(time) ? null : new Date(time).toISOString().slice(0, 10);
}

/** A short fingerprint of a filter (without its cursor and page size). */
function filterFingerprint(filter: Record<string, unknown>): string {
  const { cursor: _cursor, limit: _limit, ...rest } = filter;
  const canonical = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** Reads a cursor made for `fingerprint` with keys of `type`; anything else is a 400 on `cursor`. */
function decodeCursor(raw: string, fingerprint: string, type: SortKey["type"]): Cursor {
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
function afterCursor(
  sort: SortKey,
  direction: "asc" | "desc",
  idColumn: RawBuilder<unknown>,
  cursor: Cursor,
): RawBuilder<boolean> {
  const { expression } = sort;
  const id = sql`cast(${cursor.id} as uuid)`;
  if (cursor.key === null) return sql<boolean>`(${expression} is null and ${idColumn} > ${id})`;
  const key = sql`cast(${cursor.key} as ${sql.raw(sort.type)})`;
  const [beyond, from] =
    direction === "asc"
      ? [sql`${expression} > ${key}`, sql`${expression} >= ${key}`]
      : [sql`${expression} < ${key}`, sql`${expression} <= ${key}`];
  const rest = sql`(${beyond} or (${expression} = ${key} and ${idColumn} > ${id}))`;
  return sort.notNull
    ? sql<boolean>`(${from} and ${rest})`
    : sql<boolean>`(${rest} or ${expression} is null)`;
}

/** The sort key of a row as SQL text, to put in the next cursor. */
const sortKeyText = (sort: SortKey) => sql<string | null>`cast(${sort.expression} as text)`;

/** The page size and cursor of a keyset-paged list's input, `limit` up to `max`. */
export const pageFields = (defaultLimit: number, max = 500) => ({
  limit: z.coerce
    .number("validation.invalid")
    .int("validation.invalid")
    .min(1, "validation.invalid")
    .max(max, "validation.invalid")
    .default(defaultLimit),
  // Opaque to callers: where the next page starts, as the previous page wrote it into nextCursor.
  cursor: z.string("validation.cursor").max(600, "validation.cursor").optional(),
});

/** How a list is ordered: which list (cursors of one are refused by another), key, direction. */
export interface ListOrder {
  list: string;
  sort: SortKey;
  direction: "asc" | "desc";
  idColumn: RawBuilder<unknown>;
}

/**
 * One page of `query` in `order`, starting after `filter.cursor`: the rows and the cursor of the
 * next page. `filter` is everything that chose the rows (parsed input and any path ids), so the
 * cursor is bound to it.
 */
export async function readPage<DB, TB extends keyof DB, O extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: ListOrder,
  filter: Record<string, unknown> & { limit: number; cursor?: string },
): Promise<{ page: O[]; nextCursor: string | null }> {
  const { list, sort, direction, idColumn } = order;
  const fingerprint = filterFingerprint({ ...filter, list });
  let paged = query;
  if (filter.cursor) {
    const after = decodeCursor(filter.cursor, fingerprint, sort.type);
    paged = paged.where(() => afterCursor(sort, direction, idColumn, after));
  }
  const rows = (await paged
    .select(() => sortKeyText(sort).as("sort_key"))
    .orderBy(sql`${sort.expression} ${sql.raw(direction)} nulls last`)
    .orderBy(idColumn)
    .limit(filter.limit + 1)
    .execute()) as (O & { sort_key: string | null })[];
  const { page, nextCursor } = pageOf(rows, filter.limit, fingerprint);
  return { page: page.map(({ sort_key: _key, ...row }) => row as unknown as O), nextCursor };
}

/**
 * Splits the `limit + 1` rows a page query read into the page and the cursor of the next page
 * (null when the extra row did not come, so this is the last page).
 */
function pageOf<R extends { id: string; sort_key: string | null }>(
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
