import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, DB } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import type { SessionUser } from "../../server/auth/sessions";
import { createDocument, listDocumentPage, listDocuments } from "../../server/domain/documents";
import { ValidationError } from "../../server/domain/errors";
import { actorFor, DEMO_EMAILS } from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";

let handle: DatabaseHandle;
let db: DB;
let member: SessionUser;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await seedDemo(db);
  member = await actorFor(db, DEMO_EMAILS.member);
  for (let i = 0; i < 17; i++)
    await createDocument(db, member, {
      title: `Sidning ${String(i).padStart(2, "0")}`,
      kind: i % 2 === 0 ? "handlingsplan" : "ovrigt",
    });
  // Documents edited at the same moment: the id must break the tie.
  await db
    .updateTable("documents")
    .set({ content_updated_at: new Date("2026-01-01T10:00:00Z") })
    .where("title", "in", ["Sidning 03", "Sidning 04", "Sidning 05"])
    .execute();
});
afterAll(() => handle?.close());

type Filter = Record<string, string>;

/** Every page of the list, following nextCursor; `between` runs after each page. */
async function walk(filter: Filter, between: () => Promise<void> = async () => {}) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await listDocumentPage(db, member, { ...filter, limit: "4", cursor });
    ids.push(...result.items.map((d) => d.id));
    if (!result.nextCursor) return ids;
    cursor = result.nextCursor;
    await between();
  }
  throw new Error("More than 100 pages");
}

describe("keyset paging of documents", () => {
  it.each<Filter>([{}, { kind: "handlingsplan" }, { q: "Sidning" }])(
    "with the filter %j, the pages hold every document once, in the one-list order",
    async (filter) => {
      const all = (await listDocuments(db, member, filter)).map((d) => d.id);
      expect(all.length).toBeGreaterThan(4);
      expect(await walk(filter)).toEqual(all);
    },
  );

  it("while others add documents, none that was there is skipped or repeated", async () => {
    const before = (await listDocuments(db, member)).map((d) => d.id);
    let added = 0;
    const seen = await walk({}, async () => {
      await createDocument(db, member, { title: `Ny under läsning ${added++}`, kind: "ovrigt" });
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => before.includes(id))).toEqual(before);
  });

  it("a cursor made for another filter is refused; a tampered one too", async () => {
    const first = await listDocumentPage(db, member, { kind: "handlingsplan", limit: "2" });
    expect(first.nextCursor).toBeTruthy();
    const refused = async (filter: Filter) => {
      const error = await listDocumentPage(db, member, filter).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).fields;
    };
    expect(await refused({ kind: "ovrigt", cursor: first.nextCursor as string })).toEqual({
      cursor: "validation.cursorOtherFilter",
    });
    expect(await refused({ cursor: "inte-en-markör" })).toEqual({ cursor: "validation.cursor" });
  });
});
