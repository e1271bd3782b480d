import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { sv } from "../../common/i18n/sv";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { exited, freePort, type ServerProcess, startServerProcess } from "../helpers/process";

/**
 * A server started as an operator would (`server/index.ts`, no HOST, no SEED_DEMO unless said):
 * demo accounts only on the embedded database unless asked for, said plainly at start and on the
 * login page, and the start-up line names the address really listened on.
 */

const DEMO_WARNING = "Demo accounts are active";
const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-defaults-"));
let running: ServerProcess | undefined;

afterEach(async () => {
  running?.child.kill("SIGTERM");
  if (running) await exited(running.child);
  running = undefined;
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(env: Record<string, string>) {
  const port = await freePort();
  running = await startServerProcess({
    NODE_ENV: "test",
    PORT: String(port),
    DATA_DIR: dataDir,
    SESSION_SECRET: "defaults-secret-defaults-secret-0123456",
    ...env,
  });
  return { port, server: running, url: `http://127.0.0.1:${port}` };
}

async function demoAdminSignsIn(url: string): Promise<number> {
  const response = await new HttpClient(url).postForm("/login", {
    email: "admin@kommun.test",
    password: "Samverkan-demo-1",
    redirectTo: "/",
  });
  return response.status;
}

async function loginPage(url: string): Promise<string> {
  return textOf(await (await fetch(`${url}/login`)).text());
}

describe("safe by default", { timeout: 240_000 }, () => {
  it("on the embedded database: demo accounts by default, said at start and on the login page; listens on loopback", async () => {
    const { port, server, url } = await start({});
    expect(server.output()).toContain(`Samverkan is listening on http://127.0.0.1:${port} (`);
    expect(server.output()).toContain(DEMO_WARNING);
    const page = await loginPage(url);
    expect(page).toContain(sv["login.demoTitle"]);
    expect(page).toContain(sv["login.demoWarning"]);
    expect(await demoAdminSignsIn(url)).toBe(303);
  });

  it("with SEED_DEMO=false the same data's demo accounts can no longer sign in, and nothing warns; on 0.0.0.0 the line says all interfaces", async () => {
    const { port, server, url } = await start({ SEED_DEMO: "false", HOST: "0.0.0.0" });
    expect(server.output()).toContain(
      `Samverkan is listening on http://0.0.0.0:${port} (all IPv4 interfaces)`,
    );
    expect(server.output()).toContain(
      "SEED_DEMO is off: the 6 demo accounts can no longer sign in",
    );
    expect(server.output()).not.toContain(DEMO_WARNING);
    expect(await loginPage(url)).not.toContain(sv["login.demoTitle"]);
    expect(await demoAdminSignsIn(url)).toBe(401);
  });

  it("switched on again, they sign in again", async () => {
    const { server, url } = await start({ SEED_DEMO: "true" });
    expect(server.output()).toContain(DEMO_WARNING);
    expect(await demoAdminSignsIn(url)).toBe(303);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "with DATABASE_URL: no demo accounts unless SEED_DEMO says so, and no warning",
    async () => {
      const serverUrl = process.env.DATABASE_URL as string;
      const name = `samverkan_defaults_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      try {
        const databaseUrl = new URL(serverUrl);
        databaseUrl.pathname = `/${name}`;
        const { server, url } = await start({ DATABASE_URL: databaseUrl.toString() });
        expect(server.output()).not.toContain(DEMO_WARNING);
        expect(await loginPage(url)).not.toContain(sv["login.demoTitle"]);
        expect(await demoAdminSignsIn(url)).toBe(401);
        const database = new pg.Client({ connectionString: databaseUrl.toString() });
        await database.connect();
        const { rows } = await database.query("select count(*)::int as users from users");
        await database.end();
        expect(rows[0].users).toBe(0);
      } finally {
        running?.child.kill("SIGTERM");
        if (running) await exited(running.child);
        running = undefined;
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  );
});
