import { expect } from "vitest";
import { ValidationError } from "../../server/domain/errors";

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

/**
 * The ids of every page of a list, following nextCursor from the first page; `between` runs
 * after each page but the last (someone else writing while the reader pages).
 */
export async function walkPages(
  read: (cursor: string | undefined) => Promise<Page>,
  between: (page: number) => Promise<void> = async () => {},
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await read(cursor);
    ids.push(...result.items.map((item) => item.id));
    if (!result.nextCursor) return ids;
    cursor = result.nextCursor;
    await between(page);
  }
  throw new Error("More than 100 pages");
}

/** The fields a domain call refused (it must refuse, with a ValidationError). */
export async function refusedFields(call: Promise<unknown>): Promise<Record<string, string>> {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields;
}

/** A cursor of the right shape but made up: for a filter nobody asked for, and any `key`. */
export const forgedCursor = (key: unknown) =>
  Buffer.from(JSON.stringify({ key, id: crypto.randomUUID(), filter: "x" })).toString("base64url");
