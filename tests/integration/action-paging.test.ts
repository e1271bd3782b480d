import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, DB } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import type { SessionUser } from "../../server/auth/sessions";
import { createAction, listActions, SORTS, updateAction } from "../../server/domain/actions";
import { actorFor, DEMO_EMAILS, departmentIds, goalIds } from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";
import { forgedCursor, refusedFields, walkPages } from "../helpers/paging";

let handle: DatabaseHandle;
let db: DB;
let member: SessionUser;
let departments: Record<string, string>;
let goals: string[];

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await seedDemo(db);
  member = await actorFor(db, DEMO_EMAILS.member);
  departments = await departmentIds(db, member.organisationId);
  goals = await goalIds(db, member.organisationId);
  // Ties on every sort key (same title, same due date, no due date) so the id must break them.
  for (let i = 0; i < 24; i++)
    await createAction(db, member, {
      title: i % 3 === 0 ? "Samma titel" : `Sidning ${String(i).padStart(2, "0")}`,
      goalId: goals[i % goals.length],
      departmentId: Object.values(departments)[i % 4],
      dueDate: i % 4 === 0 ? null : `2027-0${(i % 3) + 1}-15`,
      status: i % 5 === 0 ? "done" : "in_progress",
    });
});
afterAll(() => handle?.close());

type Filter = Record<string, string>;

const walk = (filter: Filter, between?: (page: number) => Promise<void>) =>
  walkPages((cursor) => listActions(db, member, { ...filter, limit: "5", cursor }), between);
const refused = (filter: Filter) => refusedFields(listActions(db, member, filter));

describe("keyset paging of actions", () => {
  it.each(SORTS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => [sort, dir])))(
    "sorted by %s %s, the pages hold every action once, in the one-page order",
    async (sort, dir) => {
      const whole = await listActions(db, member, { sort, dir, limit: "500" });
      expect(whole.nextCursor).toBeNull();
      expect(await walk({ sort, dir })).toEqual(whole.items.map((a) => a.id));
    },
  );

  it("while others add and change actions, no action is skipped or repeated", async () => {
    const before = (await listActions(db, member, { sort: "title", limit: "500" })).items;
    const walked = await walk({ sort: "title" }, async (page) => {
      // Someone adds actions that sort before and after the reader's position…
      await createAction(db, member, {
        title: `A ny ${page}`,
        goalId: goals[0],
        departmentId: departments.Socialtjänst,
      });
      await createAction(db, member, {
        title: `Ö ny ${page}`,
        goalId: goals[0],
        departmentId: departments.Socialtjänst,
      });
      // …and another changes one not yet read (its title, so it moves).
      const unread = before[before.length - 1 - page];
      const current = (await listActions(db, member, { limit: "500" })).items.find(
        (a) => a.id === unread.id,
      );
      if (current)
        await updateAction(db, member, current.id, { version: current.version, progress: 7 });
    });
    expect(new Set(walked).size).toBe(walked.length);
    for (const action of before) expect(walked).toContain(action.id);
  });

  it("a cursor made for another filter or sort is refused; a tampered one too", async () => {
    const first = await listActions(db, member, { sort: "title", limit: "3" });
    const cursor = first.nextCursor as string;
    expect(cursor).toBeTruthy();
    expect(await refused({ sort: "dueDate", cursor })).toEqual({
      cursor: "validation.cursorOtherFilter",
    });
    expect(await refused({ sort: "title", dir: "desc", cursor })).toEqual({
      cursor: "validation.cursorOtherFilter",
    });
    expect(await refused({ sort: "title", status: "done", cursor })).toEqual({
      cursor: "validation.cursorOtherFilter",
    });
    // The page size may change between pages.
    expect(
      (await listActions(db, member, { sort: "title", limit: "7", cursor })).items,
    ).toHaveLength(7);
    for (const bad of ["MTA", "not base64 {", forgedCursor(5), "x".repeat(601)])
      expect(await refused({ sort: "title", cursor: bad })).toEqual({
        cursor: "validation.cursor",
      });
    const dated = await listActions(db, member, { sort: "dueDate", limit: "3" });
    const decoded = JSON.parse(Buffer.from(dated.nextCursor as string, "base64url").toString());
    const badDate = Buffer.from(JSON.stringify({ ...decoded, key: "2027-02-30" })).toString(
      "base64url",
    );
    expect(await refused({ sort: "dueDate", cursor: badDate })).toEqual({
      cursor: "validation.cursor",
    });
    // A real cursor's filter with a key made up to fail in the database: refused before it.
    const keyed = (from: string | null | undefined, key: string) => {
      const real = JSON.parse(Buffer.from(from as string, "base64url").toString());
      return Buffer.from(JSON.stringify({ ...real, key })).toString("base64url");
    };
    const byTitle = keyed(first.nextCursor, "Möte\u0000");
    expect(await refused({ sort: "title", cursor: byTitle })).toEqual({
      cursor: "validation.cursor",
    });
    const changed = await listActions(db, member, { sort: "updatedAt", limit: "3" });
    for (const key of [
      "2020-01-01 99:99:99+00",
      "2020-01-01 1.2.3+99",
      "2020-02-30 10:00:00+00",
      "2020-01-01 10:00:00+99",
    ])
      expect(await refused({ sort: "updatedAt", cursor: keyed(changed.nextCursor, key) })).toEqual({
        cursor: "validation.cursor",
      });
    // A well-made key of the same filter is a place in the list like any other.
    const fromMidnight = await listActions(db, member, {
      sort: "updatedAt",
      limit: "3",
      cursor: keyed(changed.nextCursor, "2020-01-01 00:00:00.5+01:30"),
    });
    expect(fromMidnight.items.length).toBeGreaterThan(0);
  });
});
