import { sql } from "kysely";
import { z } from "zod";

/** Which rows a list or search shows: the current ones (the default), the archived ones, or all. */
export const ARCHIVED_FILTER = z
  .enum(["false", "true", "all"], "validation.invalid")
  .default("false")
  .describe("Archived ones: false leaves them out (the default), true lists only them, all both");

/** The condition ARCHIVED_FILTER's value puts on a table's `archived_at`; none for "all". */
export function archivedCondition(column: string, archived: z.output<typeof ARCHIVED_FILTER>) {
  if (archived === "all") return null;
  return sql<boolean>`${sql.ref(column)} ${sql.raw(archived === "true" ? "is not" : "is")} null`;
}
