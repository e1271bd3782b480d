import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import { type RunningApp, startApp } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createTokenAs } from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * PostgreSQL becomes unreachable: the server runs against a TCP proxy of the test's own in
 * front of the real PostgreSQL, which the test stops and starts again (never the server itself,
 * which others share).
 */
class PostgresProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private frozen = false;
  port = 0;

  constructor(private readonly target: URL) {}

  async start() {
    if (this.server?.listening) return;
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 5432), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
      if (this.frozen) for (const socket of [client, upstream]) socket.pause();
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /**
   * Takes connections but passes nothing on, either way, as a hung server (or a stopped proxy
   * before it) does; `start` lets everything through again.
   */
  freeze() {
    this.frozen = true;
    for (const socket of this.sockets) socket.pause();
  }

  thaw() {
    this.frozen = false;
    for (const socket of this.sockets) socket.resume();
  }

  /** Refuses new connections and cuts the open ones, as a stopped server does. */
  async stop() {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  url(database: string): string {
    const url = new URL(this.target);
    url.host = `127.0.0.1:${this.port}`;
    url.pathname = `/${database}`;
    return url.toString();
  }
}

// An empty DATABASE_URL means PGlite (as in .ci/run), like an unset one.
const serverUrl = process.env.DATABASE_URL || undefined;

describe.skipIf(!serverUrl)("while PostgreSQL is unreachable", () => {
  const name = `samverkan_outage_${randomBytes(6).toString("hex")}`;
  const proxy = new PostgresProxy(new URL(serverUrl ?? "postgres://localhost"));
  const logLines: Record<string, unknown>[] = [];
  let database: DatabaseHandle;
  let app: RunningApp;
  let token: string;
  let member: HttpClient;

  async function admin(query: string) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(query);
    await client.end();
  }

  beforeAll(async () => {
    await admin(`create database ${name}`);
    await proxy.start();
    database = openDatabase({ databaseUrl: proxy.url(name), poolSize: 5 });
    await migrateToLatest(database.db);
    await seedDemo(database.db);
    const config = loadConfig({
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "samverkan-outage-")),
      SESSION_SECRET: "outage-secret-outage-secret-outage-01234",
      SEED_DEMO: "true",
      ERROR_LOG_INTERVAL_SECONDS: "1",
      SCHEDULER_INTERVAL_SECONDS: "0",
    });
    const logDestination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean))
          logLines.push(JSON.parse(line));
        done();
      },
    });
    // Webhooks wait for their next run for as long as the test takes: its outage counts only
    // the requests' errors.
    app = await startApp(config, { database, logDestination, webhooks: { pollMs: 3_600_000 } });
    token = await createTokenAs(app.url, "arbetsgrupp@kommun.test");
    member = new HttpClient(app.url);
    await member.logIn("arbetsgrupp@kommun.test");
  });

  afterAll(async () => {
    await proxy.start();
    await app?.close();
    await database?.close();
    await admin(`drop database if exists ${name} with (force)`);
  });

  const api = (pathname: string, init: RequestInit = {}) =>
    fetch(`${app.url}/api/v1${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });

  let acknowledgedId: string;

  it("answers the API with 503, Retry-After and its error shape; pages say so in Swedish or English", async () => {
    const goals = (await (await api("/goals")).json()) as { items: { id: string }[] };
    const departments = (await (await api("/departments")).json()) as {
      items: { id: string }[];
    };
    const created = await api("/actions", {
      method: "POST",
      body: JSON.stringify({
        title: "Sparad före avbrottet",
        goalId: goals.items[0].id,
        departmentId: departments.items[0].id,
        startDate: "2026-01-01",
        dueDate: "2026-12-31",
      }),
    });
    expect(created.status).toBe(201);
    acknowledgedId = ((await created.json()) as { id: string }).id;

    await proxy.stop();

    const listed = await api("/actions");
    expect(listed.status).toBe(503);
    expect(listed.headers.get("retry-after")).toBe("5");
    expect(listed.headers.get("x-request-id")).toMatch(/^[\w-]{36}$/);
    expect(await listed.json()).toEqual({
      error: { code: "unavailable", message: "The database is unavailable; try again shortly." },
    });

    const page = await member.get("/");
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
    const swedish = await page.text();
    expect(swedish).toContain('<html lang="sv">');
    expect(swedish).toContain("Samverkan är inte tillgänglig just nu");
    expect(swedish).toContain("Databasen går inte att nå för tillfället.");

    const english = await fetch(`${app.url}/atgarder`, {
      headers: { Cookie: `${member.cookieHeader}; lang=en` },
    });
    expect(english.status).toBe(503);
    expect(await english.text()).toContain("Samverkan is unavailable right now");

    // Downloads and signing out (routes Remix answers without a page) say so too.
    const download = await member.get("/atgarder.csv");
    expect(download.status).toBe(503);
    expect(download.headers.get("retry-after")).toBe("5");
    expect(await download.text()).toContain("Databasen går inte att nå för tillfället.");
    const logout = await member.request("/logout", { method: "POST" });
    expect(logout.status).toBe(503);
    expect(page.headers.get("cache-control")).toBe("no-store");

    // A client-side navigation reloads the whole page, which then says so.
    const data = await member.get("/atgarder.data");
    expect(data.headers.get("x-remix-reload-document")).toBe("true");

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    expect(health.headers.get("retry-after")).toBe("5");
  });

  it("logs the outage once per interval with a count, not a stack trace per request", async () => {
    // The previous test's requests are summed up after the 1 s interval.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = logLines.length;
    for (let i = 0; i < 20; i++) expect((await api("/actions")).status).toBe(503);
    const outage = () =>
      logLines.slice(before).filter((line) => line.kind === "database_unavailable");
    const counted = () => outage().reduce((sum, line) => sum + Number(line.count ?? 1), 0);
    await expect.poll(counted, { timeout: 5_000 }).toBe(20);
    // One line, then one line with the count, per second (the requests may straddle two).
    expect(outage().length).toBeLessThanOrEqual(4);
    expect(outage()[0]).toMatchObject({
      level: 50,
      requestId: expect.any(String),
      msg: expect.stringContaining("The database is unavailable: "),
    });
    expect(outage().find((line) => line.count)).toMatchObject({ intervalSeconds: 1 });
    expect(logLines.slice(before).some((line) => "err" in line)).toBe(false);
  });

  it("recovers at once when PostgreSQL is back, with nothing acknowledged lost", async () => {
    await proxy.start();
    const action = await api(`/actions/${acknowledgedId}`);
    expect(action.status).toBe(200);
    expect(((await action.json()) as { title: string }).title).toBe("Sparad före avbrottet");
    expect((await member.get("/")).status).toBe(200);
  });

  it("answers 503 while the database does not accept connections", async () => {
    await admin(`alter database ${name} allow_connections false`);
    await admin(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`,
    );
    try {
      const listed = await api("/actions");
      expect(listed.status).toBe(503);
      expect(listed.headers.get("retry-after")).toBe("5");
      const page = await member.get("/atgarder");
      expect(page.status).toBe(503);
      expect(await page.text()).toContain("Samverkan är inte tillgänglig just nu");
    } finally {
      await admin(`alter database ${name} allow_connections true`);
    }
    await expect.poll(async () => (await api("/actions")).status, { timeout: 10_000 }).toBe(200);
  });

  it("says it is unavailable at /healthz when the database takes connections but answers nothing", async () => {
    proxy.freeze();
    try {
      const started = Date.now();
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(503);
      expect(health.headers.get("retry-after")).toBe("5");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      proxy.thaw();
    }
    await expect.poll(async () => (await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("request ids and metrics", () => {
  const METRICS_TOKEN = "metrics-token-metrics-token-metrics-0123";
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN });
  });
  afterAll(() => server.close());

  it("echoes a given X-Request-Id and makes one otherwise", async () => {
    const given = await fetch(`${server.url}/login`, { headers: { "X-Request-Id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await fetch(`${server.url}/login`, {
      headers: { "X-Request-Id": "no spaces or <html> allowed" },
    });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves /metrics only with the bearer token", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: "Bearer not-the-token" },
    });
    expect(wrong.status).toBe(401);
    // The scheme's name is case-insensitive (RFC 9110).
    const lowercase = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: `bearer ${METRICS_TOKEN}` },
    });
    expect(lowercase.status).toBe(200);
    await (await fetch(`${server.url}/api/v1/openapi.json`)).text();
    const scrape = async () => {
      const metrics = await fetch(`${server.url}/metrics`, {
        headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(metrics.status).toBe(200);
      return metrics.text();
    };
    // A request is timed when its response has finished, which a busy server may do just after
    // the client has read it.
    await expect
      .poll(scrape)
      .toContain(
        'samverkan_http_request_duration_seconds_count{method="GET",route="/api/v1/openapi.json",status="200"} 1',
      );
    const text = await scrape();
    expect(text).toMatch(/^samverkan_socket_connections 0$/m);
    expect(text).toMatch(/^samverkan_collab_saves_total \d+$/m);
    expect(text).toContain("samverkan_db_pool_connections");
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("has no /metrics without METRICS_TOKEN", async () => {
    const plain = await startTestServer();
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
