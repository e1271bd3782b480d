import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, type DB, openDatabase } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import { type RunningApp, startApp } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createAction, updateAction } from "../../server/domain/actions";
import { createWebhook, WEBHOOK_EVENT_KINDS } from "../../server/domain/webhooks";
import { startWebhookWorker } from "../../server/webhooks";
import { refusedWebhookUrl } from "../../server/webhooks/address";
import { verifySignature } from "../../server/webhooks/signature";
import {
  actorFor,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  departmentIds,
  goalIds,
  type OtherOrganisation,
  seedOtherOrganisation,
} from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A real HTTP receiver on loopback: records each POST and answers with the next status given. */
async function startReceiver(statuses: number[] = [], delayMs = 0) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = statuses.shift() ?? 200;
      setTimeout(
        () => res.writeHead(status).end(status >= 300 ? "Fel hos mottagaren" : "ok"),
        delayMs,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const parsed = (received: Received) => JSON.parse(received.body);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
/** "METHOD /template STATUS" of every webhook answer seen, each checked against the document. */
const observed = new Set<string>();
let documentPaths: Record<string, Record<string, { responses: Record<string, unknown> }>>;

/** Calls the API and checks the answer against the served OpenAPI document. */
async function api(token: string | null, method: string, path: string, body?: unknown) {
  const response = await callApi(server.url, token, method, path, body);
  const template = Object.keys(documentPaths).find((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
  );
  if (!template) throw new Error(`${path} is not documented`);
  const what = `${method} ${template} ${response.status}`;
  const operation = documentPaths[template][method.toLowerCase()];
  expect(Object.keys(operation.responses), what).toContain(String(response.status));
  observed.add(what);
  if (response.status !== 204) {
    const pointer = encodeURIComponent(template.replace(/~/g, "~0").replace(/\//g, "~1"));
    const ref = `openapi.json#/paths/${pointer}/${method.toLowerCase()}/responses/${response.status}/content/application~1json/schema`;
    const check = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    if (!check(response.body))
      throw new Error(`${what} breaks the OpenAPI document: ${ajv.errorsText(check.errors)}`);
  }
  return response;
}

let server: TestServer;
let db: DB;
let adminToken: string;
let memberToken: string;
let other: OtherOrganisation;
let goals: string[];
let departments: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  const served = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
  ajv.addSchema(served, "openapi.json");
  documentPaths = served.paths;
  adminToken = await createTokenAs(server.url, DEMO_EMAILS.admin);
  memberToken = await createTokenAs(server.url, DEMO_EMAILS.member);
  other = await seedOtherOrganisation(db);
  goals = await goalIds(db, server.organisationId);
  departments = await departmentIds(db, server.organisationId);
});
afterAll(() => server?.close());

async function newAction(title: string) {
  const response = await callApi(server.url, memberToken, "POST", "/actions", {
    title,
    goalId: goals[0],
    departmentId: departments.Socialtjänst,
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; version: number };
}

async function register(receiver: Receiver, events: string[] = [...WEBHOOK_EVENT_KINDS]) {
  const response = await api(adminToken, "POST", "/webhooks", {
    url: receiver.url,
    events,
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; secret: string };
}

describe("managing webhooks", () => {
  it("admins only: other roles get 403 on every operation, and nothing is created", async () => {
    const created = await api(memberToken, "POST", "/webhooks", {
      url: "https://example.org/hook",
      events: ["action.changed"],
    });
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe("forbidden");
    expect((await api(memberToken, "GET", "/webhooks")).status).toBe(403);
    const observerToken = await createTokenAs(server.url, DEMO_EMAILS.observer);
    expect((await api(observerToken, "GET", "/webhooks")).status).toBe(403);
    const chiefToken = await createTokenAs(server.url, DEMO_EMAILS.chief);
    expect((await api(chiefToken, "GET", "/webhooks")).status).toBe(403);
    const stored = await db.selectFrom("webhooks").select("id").execute();
    expect(stored).toEqual([]);
    // The page too.
    const member = new HttpClient(server.url);
    await member.logIn(DEMO_EMAILS.member);
    expect((await member.get("/admin/webhooks")).status).toBe(403);
  });

  it("the secret is answered once, stored sealed, never listed; rotate, disable and delete", async () => {
    const created = await api(adminToken, "POST", "/webhooks", {
      url: "https://example.org/hook",
      events: ["report.adopted", "action.changed", "report.adopted"],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: "https://example.org/hook",
      events: ["action.changed", "report.adopted"],
      enabled: true,
      secret: expect.stringMatching(/^whsec_/),
    });
    const id = created.body.id;
    const row = await db
      .selectFrom("webhooks")
      .select("secret_encrypted")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).not.toContain(created.body.secret.slice(6));
    const listed = await api(adminToken, "GET", "/webhooks");
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const rotated = await api(adminToken, "POST", `/webhooks/${id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const disabled = await api(adminToken, "PATCH", `/webhooks/${id}`, {
      enabled: false,
    });
    expect(disabled.body.enabled).toBe(false);
    const unknown = await api(adminToken, "PATCH", `/webhooks/${id}`, {
      enabled: "false",
    });
    expect(unknown.status).toBe(400);
    expect((await api(adminToken, "DELETE", `/webhooks/${id}`)).status).toBe(204);
    expect((await api(adminToken, "GET", `/webhooks/${id}`)).status).toBe(404);
    const audited = await db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", id)
      .orderBy("created_at")
      .execute();
    expect(audited.map((a) => a.action)).toEqual([
      "webhook.created",
      "webhook.secret-rotated",
      "webhook.updated",
      "webhook.deleted",
    ]);
  });

  it("another organisation's admin sees none of them (404)", async () => {
    const created = await api(adminToken, "POST", "/webhooks", {
      url: "https://example.org/other",
      events: ["document.adopted"],
    });
    const otherAdmin = { ...other.user, roles: ["admin" as const] };
    const { listWebhooks, getWebhook } = await import("../../server/domain/webhooks");
    expect(await listWebhooks(db, otherAdmin)).toEqual([]);
    await expect(getWebhook(db, otherAdmin, created.body.id)).rejects.toThrow();
    await api(adminToken, "DELETE", `/webhooks/${created.body.id}`);
  });

  it("a bad address is refused with a specific Swedish message on the page, 400 in the API", async () => {
    const admin = new HttpClient(server.url);
    await admin.logIn(DEMO_EMAILS.admin);
    const cases: [string, string][] = [
      ["inte en adress", "Ange en fullständig adress"],
      ["ftp://example.org/hook", "Adressen måste börja med https://"],
      ["http://example.org/hook", "Adressen måste börja med https://"],
      ["https://user:pass@example.org/hook", "Ange en fullständig adress"],
    ];
    for (const [url, message] of cases) {
      const response = await admin.postForm("/admin/webhooks", {
        intent: "create",
        url,
        events: ["action.changed"],
      });
      expect(response.status, url).toBe(400);
      expect(textOf(await response.text())).toContain(message);
    }
    const noEvents = await admin.postForm("/admin/webhooks", {
      intent: "create",
      url: "https://example.org/hook",
    });
    expect(noEvents.status).toBe(400);
    expect(textOf(await noEvents.text())).toContain("Välj minst en händelse.");
    const refused = await api(adminToken, "POST", "/webhooks", {
      url: "ftp://example.org/hook",
      events: ["action.changed"],
    });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.fields)).toEqual(["url"]);
    expect(await db.selectFrom("webhooks").select("id").execute()).toEqual([]);
  });

  it("in production only public https addresses: loopback, private networks and local names are refused", () => {
    const production = false;
    expect(refusedWebhookUrl("https://example.org/hook", production)).toBeNull();
    for (const url of [
      "https://127.0.0.1/hook",
      "https://localhost:8443/hook",
      "https://10.1.2.3/hook",
      "https://192.168.0.10/hook",
      "https://172.20.0.1/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://[::ffff:10.0.0.1]/hook",
      "https://[fd00::1]/hook",
      "https://intranet/hook",
      "https://printer.local/hook",
    ])
      expect(refusedWebhookUrl(url, production), url).toBe("validation.webhookPrivate");
    expect(refusedWebhookUrl("http://127.0.0.1:8080/hook", production)).toBe(
      "validation.webhookHttps",
    );
    // Development and tests: loopback over http, nothing else over http.
    expect(refusedWebhookUrl("http://127.0.0.1:8080/hook", true)).toBeNull();
    expect(refusedWebhookUrl("http://localhost:8080/hook", true)).toBeNull();
    expect(refusedWebhookUrl("http://10.0.0.1/hook", true)).toBe("validation.webhookHttps");
  });
});

describe("deliveries", () => {
  let receiver: Receiver;
  let hook: { id: string; secret: string };
  beforeAll(async () => {
    receiver = await startReceiver();
    hook = await register(receiver);
  });
  afterAll(async () => {
    await api(adminToken, "DELETE", `/webhooks/${hook.id}`);
    await receiver.close();
  });

  it("each delivery is signed: the signature verifies with the secret and fails with another", async () => {
    const action = await newAction("Signerad leverans");
    await waitFor(
      () => receiver.received.some((r) => parsed(r).data.actionId === action.id),
      "the delivery",
    );
    const delivery = receiver.received.find((r) => parsed(r).data.actionId === action.id);
    if (!delivery) throw new Error("not received");
    const body = parsed(delivery);
    expect(body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: "action.changed",
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      organisationId: server.organisationId,
      data: {
        actionId: action.id,
        departmentId: departments.Socialtjänst,
        documentId: null,
        change: "created",
      },
    });
    expect(delivery.headers["samverkan-event-id"]).toBe(body.id);
    expect(delivery.headers["samverkan-event-type"]).toBe("action.changed");
    expect(delivery.headers["content-type"]).toBe("application/json");
    const signature = String(delivery.headers["samverkan-signature"]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(hook.secret, signature, delivery.body)).toBe(true);
    expect(verifySignature("whsec_another", signature, delivery.body)).toBe(false);
    expect(
      verifySignature(hook.secret, signature, delivery.body.replace("created", "updated")),
    ).toBe(false);
    // Too old a timestamp is refused (a replay).
    expect(
      verifySignature(hook.secret, signature, delivery.body, {
        nowSeconds: Math.floor(Date.now() / 1000) + 3600,
      }),
    ).toBe(false);
    const listed = await api(adminToken, "GET", `/webhooks/${hook.id}/deliveries`);
    expect(listed.status).toBe(200);
    const recorded = listed.body.items.find((d: { eventId: string }) => d.eventId === body.id);
    expect(recorded).toMatchObject({
      eventType: "action.changed",
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
      lastResponseExcerpt: "ok",
      nextAttemptAt: null,
    });
    expect(recorded.lastDurationMs).toBeGreaterThanOrEqual(0);
  });

  it("a follow-up is its own kind; changes of kinds the hook did not ask for are not sent", async () => {
    const narrow = await startReceiver();
    const only = await register(narrow, ["followup.reported"]);
    const action = await newAction("Bara uppföljningar");
    const periods = await db
      .selectFrom("follow_up_periods")
      .select("id")
      .where("organisation_id", "=", server.organisationId)
      .orderBy("start_date", "desc")
      .execute();
    const saved = await callApi(
      server.url,
      memberToken,
      "PUT",
      `/actions/${action.id}/followups/${periods[0].id}`,
      { assessment: "on_track", comment: "Går bra" },
    );
    expect(saved.status).toBe(200);
    await waitFor(() => narrow.received.length > 0, "the follow-up delivery");
    await server.webhooks.worker.runOnce();
    expect(narrow.received.map((r) => parsed(r).type)).toEqual(["followup.reported"]);
    expect(parsed(narrow.received[0]).data.actionId).toBe(action.id);
    await api(adminToken, "DELETE", `/webhooks/${only.id}`);
    await narrow.close();
  });

  it("another organisation's events never reach the hook", async () => {
    const before = receiver.received.length;
    const otherAction = await createAction(db, other.user, {
      title: "Grannkommunens nya åtgärd",
      goalId: other.goalId,
      departmentId: other.departmentId,
    });
    const own = await newAction("Egen åtgärd efter grannens");
    await waitFor(
      () => receiver.received.some((r) => parsed(r).data.actionId === own.id),
      "the own organisation's delivery",
    );
    await server.webhooks.worker.runOnce();
    const bodies = receiver.received.slice(before).map(parsed);
    expect(bodies.map((b) => b.data.actionId)).not.toContain(otherAction.id);
    expect(receiver.received.every((r) => parsed(r).organisationId === server.organisationId)).toBe(
      true,
    );
    const stored = await db
      .selectFrom("webhook_deliveries")
      .select("organisation_id")
      .distinct()
      .execute();
    expect(stored.map((r) => r.organisation_id)).toEqual([server.organisationId]);
  });

  it("a 500 is retried with backoff (not before it is due), then delivered; each attempt is recorded", async () => {
    receiver.statuses.push(500);
    const before = receiver.received.length;
    const action = await newAction("Mottagaren svarar 500 först");
    await waitFor(async () => {
      const row = await db
        .selectFrom("webhook_deliveries")
        .select("attempts")
        .where(sql<boolean>`data->>'actionId' = ${action.id}`)
        .executeTakeFirst();
      return row?.attempts === 1;
    }, "the first attempt");
    const first = await db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where(sql<boolean>`data->>'actionId' = ${action.id}`)
      .executeTakeFirstOrThrow();
    expect(first.status).toBe("pending");
    expect(first.last_status_code).toBe(500);
    const delay = (first.next_attempt_at?.getTime() ?? 0) - Date.now();
    expect(delay).toBeGreaterThan(50_000);
    expect(delay).toBeLessThanOrEqual(60_000);
    expect(first.attempt_log[0]).toMatchObject({ attempt: 1, statusCode: 500 });
    expect(first.attempt_log[0].excerpt).toBe("Fel hos mottagaren");

    // Half a minute later it is not yet due; a minute later it is.
    const later = (ms: number) => () => new Date(Date.now() + ms);
    const early = startWebhookWorker(db, server.config.webhooks, {
      now: later(30_000),
      pollMs: 1e9,
    });
    expect(await early.runOnce()).toBe(0);
    await early.close();
    const due = startWebhookWorker(db, server.config.webhooks, { now: later(61_000), pollMs: 1e9 });
    await due.runOnce();
    await due.close();
    const mine = receiver.received
      .slice(before)
      .filter((r) => parsed(r).data.actionId === action.id);
    expect(mine).toHaveLength(2);
    expect(parsed(mine[0]).id).toBe(parsed(mine[1]).id);
    const done = await db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("id", "=", first.id)
      .executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: "delivered", attempts: 2, last_status_code: 200 });
    expect(done.next_attempt_at).toBeNull();
    expect(done.attempt_log.map((a) => a.statusCode)).toEqual([500, 200]);
  });

  it("two workers on one database send each delivery once", async () => {
    const slow = await startReceiver([], 20);
    const target = await register(slow, ["document.adopted"]);
    // A second connection to the same database where there is a server (PostgreSQL).
    let second: DatabaseHandle | undefined;
    if (process.env.DATABASE_URL) {
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${rows[0].name}`;
      second = openDatabase({ databaseUrl: url.toString(), poolSize: 3 });
    }
    const count = 60;
    await db
      .insertInto("webhook_deliveries")
      .values(
        Array.from({ length: count }, (_, i) => ({
          webhook_id: target.id,
          organisation_id: server.organisationId,
          event_id: String(9_000_000 + i),
          event_type: "document.adopted",
          occurred_at: new Date(),
          data: JSON.stringify({ documentId: crypto.randomUUID() }),
          next_attempt_at: new Date(Date.now() - 1000),
        })),
      )
      .execute();
    const workers = [
      startWebhookWorker(db, server.config.webhooks, { pollMs: 1e9 }),
      startWebhookWorker(second?.db ?? db, server.config.webhooks, { pollMs: 1e9 }),
    ];
    await Promise.all([...workers, ...workers].map((worker) => worker.runOnce()));
    await Promise.all(workers.map((worker) => worker.close()));
    await server.webhooks.worker.runOnce();
    await second?.close();
    const ids = slow.received.map((r) => parsed(r).id);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    const delivered = await db
      .selectFrom("webhook_deliveries")
      .select(({ fn }) => fn.countAll<string>().as("n"))
      .where("webhook_id", "=", target.id)
      .where("status", "=", "delivered")
      .where("attempts", "=", 1)
      .executeTakeFirstOrThrow();
    expect(Number(delivered.n)).toBe(count);
    await api(adminToken, "DELETE", `/webhooks/${target.id}`);
    await slow.close();
  });
});

describe("exactly once across restarts", () => {
  let handle: DatabaseHandle;
  let receiver: Receiver;
  let app: RunningApp | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await app?.close();
    await receiver.close();
    await handle.close();
  });

  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: `/tmp/samverkan-webhooks-${process.pid}`,
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    SEED_DEMO: "true",
  });

  it("an event committed while the server was down is sent once after the start, and not again after another", async () => {
    const db = handle.db;
    app = await startApp(config, { database: handle });
    const admin = await actorFor(db, DEMO_EMAILS.admin);
    await createWebhook(db, admin, config.webhooks, {
      url: receiver.url,
      events: ["action.changed"],
    });
    await app.close();
    app = undefined;

    // Committed between two runs: no process heard of it.
    const member = await actorFor(db, DEMO_EMAILS.member);
    const [goalId] = await goalIds(db, admin.organisationId);
    const departments = await departmentIds(db, admin.organisationId);
    const action = await createAction(db, member, {
      title: "Medan servern var nere",
      goalId,
      departmentId: departments.Socialtjänst,
    });
    const undelivered = await db
      .selectFrom("domain_events")
      .select("id")
      .where("delivered_at", "is", null)
      .where("type", "=", "action.changed")
      .execute();
    expect(undelivered).toHaveLength(1);

    app = await startApp(config, { database: handle });
    await waitFor(() => receiver.received.length === 1, "the delivery after the restart");
    expect(parsed(receiver.received[0]).data.actionId).toBe(action.id);
    expect(parsed(receiver.received[0]).id).toBe(String(undelivered[0].id));
    await app.close();
    app = undefined;

    // The process stopped after the delivery row was written but before the event was marked
    // delivered: the next start hands the event on again, and it is still sent once.
    await db
      .updateTable("domain_events")
      .set({ delivered_at: null })
      .where("id", "=", undelivered[0].id)
      .execute();
    app = await startApp(config, { database: handle });
    await waitFor(async () => {
      const row = await db
        .selectFrom("domain_events")
        .select("delivered_at")
        .where("id", "=", undelivered[0].id)
        .executeTakeFirstOrThrow();
      return row.delivered_at !== null;
    }, "the event handed on again");
    await app.webhooks.worker.runOnce();
    // A change after that goes out as usual (so the worker is live), the old one not again.
    await updateAction(db, member, action.id, { version: action.version, progress: 10 });
    await waitFor(() => receiver.received.length === 2, "the later change");
    expect(receiver.received.map((r) => parsed(r).data.change)).toEqual(["created", "updated"]);
    const rows = await db.selectFrom("webhook_deliveries").select("event_id").execute();
    expect(rows).toHaveLength(2);
  });
});

describe("the OpenAPI document", () => {
  it("every webhook operation's success and refusal answers were seen and matched their schemas", () => {
    const expected = [
      "GET /webhooks 200",
      "GET /webhooks 403",
      "POST /webhooks 201",
      "POST /webhooks 400",
      "POST /webhooks 403",
      "GET /webhooks/{id} 404",
      "PATCH /webhooks/{id} 200",
      "PATCH /webhooks/{id} 400",
      "DELETE /webhooks/{id} 204",
      "POST /webhooks/{id}/secret 200",
      "GET /webhooks/{id}/deliveries 200",
    ];
    expect([...observed].filter((seen) => expected.includes(seen)).sort()).toEqual(expected.sort());
  });
});
