import { CompiledQuery, type KyselyPlugin, type RootOperationNode } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sv } from "../../common/i18n/sv";
import type { DB } from "../../db";
import type { SessionUser } from "../../server/auth/sessions";
import { createAction, updateAction } from "../../server/domain/actions";
import { listAuditLog } from "../../server/domain/audit-log";
import { addComment, listCommentPage } from "../../server/domain/comments";
import { entityHistory } from "../../server/domain/history";
import { listNotifications } from "../../server/domain/notifications";
import {
  actorFor,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  departmentIds,
  goalIds,
} from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { forgedCursor, refusedFields, walkPages } from "../helpers/paging";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let db: DB;
let admin: SessionUser;
let member: SessionUser;
let goalId: string;
let departmentId: string;
let actionId: string;
let notificationsMade = 0;

/** An action of the member's own department, created as the member. */
const newAction = (title: string) =>
  createAction(db, member, { title, goalId, departmentId, status: "in_progress" });

/** Changes the action's progress once (one history entry). */
async function change(id: string, progress: number) {
  const { version } = await db
    .selectFrom("actions")
    .select("version")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  await updateAction(db, member, id, { version, progress });
}

/** Notifications for the member, as the notifier writes them (all in one moment: ties). */
async function notify(count: number) {
  const rows = Array.from({ length: count }, () => ({
    organisation_id: member.organisationId,
    user_id: member.userId,
    event_id: String(1_000_000 + notificationsMade++),
    kind: "assigned",
    params: JSON.stringify({ message: "assigned.owner", actor: "Sara Lind", title: "Sidning" }),
    link: `/atgarder/${actionId}`,
    in_app: true,
    email: "none" as const,
  }));
  await db.insertInto("notifications").values(rows).execute();
}

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  admin = await actorFor(db, DEMO_EMAILS.admin);
  member = await actorFor(db, DEMO_EMAILS.member);
  [goalId] = await goalIds(db, member.organisationId);
  departmentId = (await departmentIds(db, member.organisationId)).Kommunledning;
  actionId = (await newAction("Sidad historik")).id;
  for (let i = 1; i <= 11; i++) await change(actionId, i);
  for (let i = 0; i < 12; i++) await newAction(`Sidning ${i}`);
  for (let i = 0; i < 7; i++) await addComment(db, member, actionId, { body: `Kommentar ${i}` });
  await notify(13);
});
afterAll(() => server?.close());

describe("keyset paging of the audit log, histories and notifications", () => {
  it("the audit log's pages hold every entry once, in the one-page order, also filtered", async () => {
    for (const filter of [{}, { kind: "action.created" }, { personId: member.userId }]) {
      const whole = await listAuditLog(db, admin, { ...filter, limit: 200 });
      expect(whole.nextCursor).toBeNull();
      expect(whole.entries.length).toBeGreaterThan(6);
      const pages = await walkPages(async (cursor) => {
        const { entries, nextCursor } = await listAuditLog(db, admin, {
          ...filter,
          limit: 6,
          cursor,
        });
        return { items: entries, nextCursor };
      });
      expect(pages).toEqual(whole.entries.map((entry) => entry.id));
    }
  });

  it("while others write, no entry, change or notification that was there is skipped or repeated", async () => {
    const lists = {
      log: async (cursor?: string, limit = 5) => {
        const { entries, nextCursor } = await listAuditLog(db, admin, { limit, cursor });
        return { items: entries, nextCursor };
      },
      history: (cursor?: string, limit = 3) =>
        entityHistory(db, member, "action", actionId, { limit, cursor }),
      notifications: (cursor?: string, limit = 4) =>
        listNotifications(db, member, { limit, cursor }),
      // Oldest first: what others write arrives after the reader's position.
      comments: (cursor?: string, limit = 3) =>
        listCommentPage(db, member, actionId, { limit, cursor }),
    };
    for (const read of Object.values(lists)) {
      const before = (await read(undefined, 200)).items.map((item) => item.id);
      let written = 0;
      const seen = await walkPages(read, async () => {
        // Newer entries arrive above the reader's position as it pages down.
        await change(actionId, 50 + written++);
        await notify(2);
        await addComment(db, member, actionId, { body: `Under läsning ${written}` });
      });
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => before.includes(id))).toEqual(before);
    }
  });

  it("a cursor made for another filter, entity or person is refused; a forged one too", async () => {
    const log = await listAuditLog(db, admin, { kind: "action.created", limit: 2 });
    const logCursor = log.nextCursor as string;
    expect(await refusedFields(listAuditLog(db, admin, { cursor: logCursor }))).toEqual({
      cursor: "validation.cursorOtherFilter",
    });
    const history = await entityHistory(db, member, "action", actionId, { limit: 2 });
    const other = (await newAction("Annan historik")).id;
    const historyCursor = history.nextCursor as string;
    expect(
      await refusedFields(entityHistory(db, member, "action", other, { cursor: historyCursor })),
    ).toEqual({ cursor: "validation.cursorOtherFilter" });
    // A cursor of one list is no place in another, even with the same (empty) filter.
    const notifications = await listNotifications(db, member, { limit: 2 });
    expect(
      await refusedFields(listAuditLog(db, admin, { cursor: notifications.nextCursor })),
    ).toEqual({ cursor: "validation.cursorOtherFilter" });
    const chief = await actorFor(db, DEMO_EMAILS.chief);
    expect(
      await refusedFields(listNotifications(db, chief, { cursor: notifications.nextCursor })),
    ).toEqual({ cursor: "validation.cursorOtherFilter" });
    for (const bad of ["inte-en-markör", forgedCursor("2026-12-06 10:00:00+00")])
      expect(await refusedFields(listAuditLog(db, admin, { cursor: bad }))).toEqual({
        cursor: expect.stringMatching(/^validation\.cursor/),
      });
  });

  it("a page after a cursor starts at the cursor in the list's index, with no sort", async () => {
    const first = await listAuditLog(db, admin, { limit: 2 });
    // Capture the SQL of the next page as the domain writes it, then ask the planner about it.
    let node: RootOperationNode | undefined;
    const capture: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === "SelectQueryNode") node ??= args.node;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    await listAuditLog(db.withPlugin(capture), admin, { limit: 2, cursor: first.nextCursor });
    const compiled = db.getExecutor().compileQuery(node as RootOperationNode, {
      queryId: "explain",
    });
    const plan = await db.connection().execute(async (connection) => {
      // A handful of rows reads fastest without an index; the question is whether it can.
      await connection.executeQuery(CompiledQuery.raw("set enable_seqscan = off"));
      await connection.executeQuery(CompiledQuery.raw("set enable_sort = off"));
      try {
        const { rows } = await connection.executeQuery<{ "QUERY PLAN": string }>(
          CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
        );
        return rows.map((row) => row["QUERY PLAN"]).join("\n");
      } finally {
        await connection.executeQuery(CompiledQuery.raw("reset enable_seqscan"));
        await connection.executeQuery(CompiledQuery.raw("reset enable_sort"));
      }
    });
    expect(plan).toMatch(/Index Scan using audit_events_org_newest_idx/);
    expect(plan).toMatch(/Index Cond: \(\(organisation_id = .*\) AND \(created_at <= /);
    expect(plan).not.toMatch(/Sort/);
  });
});

describe("the API pages the audit log, a history and notifications by nextCursor", () => {
  let adminToken: string;
  let memberToken: string;
  beforeAll(async () => {
    adminToken = await createTokenAs(server.url, DEMO_EMAILS.admin);
    memberToken = await createTokenAs(server.url, DEMO_EMAILS.member);
  });
  const get = (token: string, path: string) => callApi(server.url, token, "GET", path);

  /** Every item of an API list, following nextCursor. */
  const walkApi = (token: string, path: string) =>
    walkPages(async (cursor) => {
      const separator = path.includes("?") ? "&" : "?";
      const page = await get(token, cursor ? `${path}${separator}cursor=${cursor}` : path);
      expect(page.status).toBe(200);
      return { items: page.body.items, nextCursor: page.body.nextCursor ?? null };
    });

  it("GET /audit-log: admins page it with the page's filters; others may not", async () => {
    const whole = await get(adminToken, "/audit-log?kind=action.updated&limit=200");
    expect(whole.status).toBe(200);
    expect(whole.body.nextCursor).toBeUndefined();
    expect(whole.body.items[0]).toMatchObject({
      action: "action.updated",
      actorName: "Anna Berg",
      entityType: "action",
    });
    const ids = whole.body.items.map((item: { id: string }) => item.id);
    expect(await walkApi(adminToken, "/audit-log?kind=action.updated&limit=4")).toEqual(ids);
    expect((await get(memberToken, "/audit-log")).status).toBe(403);
  });

  it("a history, comments and the notifications page the same way", async () => {
    const history = await get(memberToken, `/actions/${actionId}/history?limit=200`);
    expect(await walkApi(memberToken, `/actions/${actionId}/history?limit=4`)).toEqual(
      history.body.items.map((item: { id: string }) => item.id),
    );
    const comments = await get(memberToken, `/actions/${actionId}/comments`);
    expect(await walkApi(memberToken, `/actions/${actionId}/comments?limit=3`)).toEqual(
      comments.body.items.map((item: { id: string }) => item.id),
    );
    const notifications = await get(memberToken, "/notifications?limit=200");
    expect(await walkApi(memberToken, "/notifications?limit=5")).toEqual(
      notifications.body.items.map((item: { id: string }) => item.id),
    );
  });

  it("a cursor of another filter, or none of ours, is 400 naming `cursor`", async () => {
    const first = await get(adminToken, "/audit-log?kind=action.created&limit=1");
    const mismatched = await get(
      adminToken,
      `/audit-log?kind=action.updated&cursor=${first.body.nextCursor}`,
    );
    expect(mismatched.status).toBe(400);
    expect(mismatched.body).toEqual({
      error: {
        code: "invalid_input",
        message: "The request has invalid fields.",
        fields: {
          cursor:
            "The page cursor belongs to another filter or sort. Start again from the first page.",
        },
      },
    });
    const forged = await get(memberToken, `/notifications?cursor=${forgedCursor(null)}`);
    expect(forged.status).toBe(400);
    expect(Object.keys(forged.body.error.fields)).toEqual(["cursor"]);
  });
});

describe("the pages' next-page links work without JavaScript", () => {
  const signedIn = async (email: string) => {
    const client = new HttpClient(server.url);
    await client.logIn(email);
    return client;
  };
  /** The href of the link with `text`, unescaped. */
  const linkTo = (html: string, text: string) =>
    html
      .match(new RegExp(`<a [^>]*href="([^"]*)"[^>]*>${text}</a>`))?.[1]
      ?.replaceAll("&amp;", "&");

  it("Notiser: Äldre notiser leads to the next page", async () => {
    const client = await signedIn(DEMO_EMAILS.member);
    const first = await (await client.get("/notiser")).text();
    const next = linkTo(first, sv["notifications.older"]);
    expect(next).toMatch(/^\/notiser\?cursor=/);
    const second = await client.get(next as string);
    expect(second.status).toBe(200);
    expect(textOf(await second.text())).toContain("gjorde dig ansvarig för åtgärden ”Sidning”");
    expect((await client.get("/notiser?cursor=trasig")).status).toBe(400);
  });

  it("Åtgärder: Visa fler åtgärder leads to the next 100, in the list and on the board", async () => {
    const total = await db
      .selectFrom("actions")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("organisation_id", "=", member.organisationId)
      .where("archived_at", "is", null)
      .executeTakeFirstOrThrow();
    for (let i = Number(total.n); i < 130; i++) await newAction(`Fler ${i}`);
    const client = await signedIn(DEMO_EMAILS.member);
    const actionIds = (html: string) =>
      new Set(html.match(/(?<=href="\/atgarder\/)[0-9a-f-]{36}(?=")/g) ?? []);
    for (const start of ["/atgarder?sort=title", "/atgarder?sort=title&vy=tavla"]) {
      const first = await (await client.get(start)).text();
      const next = linkTo(first, sv["actionList.more"]);
      expect(next).toMatch(/^\/atgarder\?sort=title.*cursor=/);
      const second = await client.get(next as string);
      expect(second.status).toBe(200);
      const html = await second.text();
      expect(linkTo(html, sv["actionList.more"])).toBeUndefined();
      const [a, b] = [actionIds(first), actionIds(html)];
      expect(a.size).toBe(100);
      expect(b.size).toBeGreaterThanOrEqual(30);
      expect([...b].filter((id) => a.has(id))).toEqual([]);
    }
    const stale = await client.get("/atgarder?sort=title&cursor=trasig");
    expect(stale.status).toBe(200);
    expect(textOf(await stale.text())).toContain(sv["validation.cursor"]);
  });

  it("the action page: Visa äldre ändringar shows the older changes", async () => {
    // More changes than a page holds, so the creation is on a later page.
    const long = (await newAction("Lång historik")).id;
    for (let i = 1; i <= 55; i++) await change(long, i);
    const client = await signedIn(DEMO_EMAILS.member);
    const page = `/atgarder/${long}`;
    const first = await (await client.get(page)).text();
    const next = linkTo(first, sv["history.older"]);
    expect(next).toMatch(new RegExp(`^${page}\\?historik=`));
    const older = await client.get(next as string);
    expect(older.status).toBe(200);
    // The oldest change, the creation, is on a later page, not the first.
    const created = sv["history.created"].replace("{name}", "Anna Berg");
    expect(textOf(first)).not.toContain(created);
    let html = await older.text();
    for (let hops = 0; !textOf(html).includes(created) && hops < 10; hops++) {
      const further = linkTo(html, sv["history.older"]);
      expect(further).toBeDefined();
      html = await (await client.get(further as string)).text();
    }
    expect(textOf(html)).toContain(created);
    expect((await client.get(`${page}?historik=trasig`)).status).toBe(400);
  });
});
