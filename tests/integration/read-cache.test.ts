import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import type { SessionUser } from "../../server/auth/sessions";
import { createAction, updateAction } from "../../server/domain/actions";
import { ForbiddenError } from "../../server/domain/policy";
import { createReadCache } from "../../server/read-cache";
import {
  actorFor,
  callApi,
  conditionalGet,
  createTokenAs,
  DEMO_EMAILS,
  departmentIds,
  goalIds,
  type OtherOrganisation,
  seedOtherOrganisation,
} from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let db: DB;
let member: SessionUser;
let other: OtherOrganisation;
let token: string;
let goalId: string;
let departmentId: string;

const versionOf = async (organisationId: string) =>
  (
    await db
      .selectFrom("organisation_data_versions")
      .select("version")
      .where("organisation_id", "=", organisationId)
      .executeTakeFirst()
  )?.version ?? "0";

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  member = await actorFor(db, DEMO_EMAILS.member);
  other = await seedOtherOrganisation(db);
  [goalId] = await goalIds(db, member.organisationId);
  departmentId = (await departmentIds(db, member.organisationId)).Kommunledning;
  token = await createTokenAs(server.url, DEMO_EMAILS.member);
});
afterAll(() => server?.close());

describe("an organisation's data version", () => {
  it("moves with every command, in its transaction, and only in its own organisation", async () => {
    const before = await versionOf(member.organisationId);
    const otherBefore = await versionOf(other.organisationId);
    await createAction(db, member, { title: "Räknas", goalId, departmentId });
    expect(BigInt(await versionOf(member.organisationId))).toBeGreaterThan(BigInt(before));
    expect(await versionOf(other.organisationId)).toBe(otherBefore);
  });

  it("does not move when the change rolls back", async () => {
    const before = await versionOf(member.organisationId);
    await expect(
      db.transaction().execute(async (trx) => {
        await createAction(trx, member, { title: "Ångras", goalId, departmentId });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await versionOf(member.organisationId)).toBe(before);
  });
});

describe("the read cache", () => {
  it("computes once per version and again after a change", async () => {
    const cache = createReadCache();
    let computed = 0;
    const read = () =>
      cache.read(db, member, "actions:read", "test", async () => {
        computed++;
        return { computed };
      });
    const [a, b] = await Promise.all([read(), read()]);
    expect(a).toEqual({ computed: 1 });
    expect(b).toBe(a);
    expect(await read()).toBe(a);
    await createAction(db, member, { title: "Ny version", goalId, departmentId });
    expect(await read()).toEqual({ computed: 2 });
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, entries: 1 });
  });

  it("asks the policy on every read, also when the answer is kept", async () => {
    const cache = createReadCache();
    await cache.read(db, member, "actions:read", "policy", async () => "kept");
    const withoutRoles = { ...member, roles: [] };
    await expect(
      cache.read(db, withoutRoles, "actions:read", "policy", async () => "kept"),
    ).rejects.toThrow(ForbiddenError);
  });

  it("keeps each organisation's answers apart under the same key", async () => {
    const cache = createReadCache();
    const mine = await cache.read(db, member, "actions:read", "same", async () => "mine");
    const theirs = await cache.read(db, other.user, "actions:read", "same", async () => "theirs");
    expect([mine, theirs]).toEqual(["mine", "theirs"]);
  });

  it("keeps no failure: the next read computes again", async () => {
    const cache = createReadCache();
    await expect(
      cache.read(db, member, "actions:read", "fails", async () => {
        throw new Error("the database went away");
      }),
    ).rejects.toThrow("went away");
    expect(await cache.read(db, member, "actions:read", "fails", async () => "now")).toBe("now");
  });

  it("forgets the least used answers beyond its size", async () => {
    const cache = createReadCache({ maxBytes: 10 });
    await cache.read(db, member, "actions:read", "a", async () => "123456");
    await cache.read(db, member, "actions:read", "b", async () => "123456");
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 6 });
  });
});

describe("kept answers over HTTP", () => {
  it("the API's list shows a change at once, with a new ETag, and 304 while unchanged", async () => {
    const action = await createAction(db, member, { title: "Syns direkt", goalId, departmentId });
    const path = `/actions?departmentId=${departmentId}&sort=updatedAt&dir=desc&limit=5`;
    const first = await callApi(server.url, token, "GET", path);
    expect(first.body.items[0]).toMatchObject({ id: action.id, progress: 0 });
    const etag = first.headers.get("etag");
    const unchanged = await conditionalGet(server.url, token, path, etag ?? "");
    expect(unchanged.status).toBe(304);

    await updateAction(db, member, action.id, { version: action.version, progress: 40 });
    const after = await callApi(server.url, token, "GET", path);
    expect(after.body.items[0]).toMatchObject({ id: action.id, progress: 40 });
    expect(after.headers.get("etag")).not.toBe(etag);
  });

  it("a kept overview page gets a fresh nonce each time and shows what its loaders read afresh", async () => {
    const chief = new HttpClient(server.url);
    await chief.logIn(DEMO_EMAILS.chief);
    const page = async () => {
      const response = await chief.request("/");
      expect(response.status).toBe(200);
      const csp = response.headers.get("content-security-policy") ?? "";
      return { html: await response.text(), nonce: /'nonce-([^']+)'/.exec(csp)?.[1] };
    };
    const first = await page();
    const second = await page();
    expect(first.nonce).toBeTruthy();
    expect(second.nonce).not.toBe(first.nonce);
    for (const { html, nonce } of [first, second]) {
      const nonces = [...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);
      expect(nonces.length).toBeGreaterThan(0);
      expect(new Set(nonces)).toEqual(new Set([nonce]));
    }

    // An unread notification is no change to the organisation's data, but the page shows it.
    const chiefUser = await actorFor(db, DEMO_EMAILS.chief);
    const unread = /aria-label="Notiser, (\d+) oläst/;
    const countBefore = Number(unread.exec(second.html)?.[1] ?? 0);
    await db
      .insertInto("notifications")
      .values({
        organisation_id: chiefUser.organisationId,
        user_id: chiefUser.userId,
        event_id: "9900001",
        kind: "assigned",
        params: JSON.stringify({ message: "assigned.owner", actor: "Sara Lind", title: "Ny" }),
        link: "/",
        in_app: true,
        email: "none" as const,
      })
      .execute();
    const third = await page();
    expect(Number(unread.exec(third.html)?.[1] ?? 0)).toBe(countBefore + 1);
  });
});
