import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, DB } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import type { SessionUser } from "../../server/auth/sessions";
import { createDocument, listDocumentPage, listDocuments } from "../../server/domain/documents";
import { actorFor, DEMO_EMAILS } from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";
import { refusedFields, walkPages } from "../helpers/paging";

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

const walk = (filter: Filter, between?: () => Promise<void>) =>
  walkPages((cursor) => listDocumentPage(db, member, { ...filter, limit: "4", cursor }), between);

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
    const refused = (filter: Filter) => refusedFields(listDocumentPage(db, member, filter));
    expect(await refused({ kind: "ovrigt", cursor: first.nextCursor as string })).toEqual({
      cursor: "validation.cursorOtherFilter",
    });
    expect(await refused({ cursor: "inte-en-markör" })).toEqual({ cursor: "validation.cursor" });
  });
});
