import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  exited,
  freePort,
  runToEnd,
  type ServerProcess,
  startServerProcess,
} from "../helpers/process";

/**
 * Real processes on one embedded database folder: a second server or script is refused while
 * the first runs, a lock left by a killed process is taken over, and a server whose port is
 * taken stops before touching the data. (PGlite only: PostgreSQL has locks of its own.)
 */

const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-lock-"));
const lockFile = path.join(dataDir, "pglite.lock");
const running: { server: ServerProcess; url: string }[] = [];

afterAll(async () => {
  for (const {
    server: { child },
  } of running) {
    child.kill("SIGKILL");
    await exited(child);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function serverEnv(port: number, folder = dataDir): Record<string, string> {
  return {
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: folder,
    SEED_DEMO: "true",
  };
}

async function startServer(): Promise<{ server: ServerProcess; url: string }> {
  const port = await freePort();
  const started = {
    server: await startServerProcess(serverEnv(port)),
    url: `http://127.0.0.1:${port}`,
  };
  running.push(started);
  return started;
}

/** A server that is expected to refuse to start: its exit code and output. */
async function refusedServer(env: Record<string, string>) {
  return runToEnd(process.execPath, ["--import", "tsx", "server/index.ts"], env);
}

async function healthy(url: string): Promise<boolean> {
  const response = await fetch(`${url}/healthz`);
  return response.status === 200;
}

/** One line, no stack trace. */
function expectOneLine(stderr: string) {
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe("one process per embedded database", { timeout: 240_000 }, () => {
  it("refuses a second server, naming the first one's pid, and the first keeps working", async () => {
    const { server, url } = await startServer();
    const second = await refusedServer(serverEnv(await freePort()));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by another process (pid ${server.child.pid})`);
    expectOneLine(second.stderr);
    expect(await healthy(url)).toBe(true);
    const login = await fetch(`${url}/login`);
    expect(login.status).toBe(200);
  });

  it("refuses npm run db:migrate, db:seed and user:create against the held folder", async () => {
    const { server, url } = running[0];
    for (const script of ["db-migrate", "db-seed", "user-create"]) {
      const args = script === "user-create" ? ["--email", "a@kommun.se", "--role", "admin"] : [];
      const result = await runToEnd("npx", ["tsx", `scripts/${script}.ts`, ...args], {
        DATA_DIR: dataDir,
      });
      expect(result.code, script).toBe(1);
      expect(result.stderr, script).toContain(
        `in use by another process (pid ${server.child.pid})`,
      );
      expectOneLine(result.stderr);
    }
    expect(await healthy(url)).toBe(true);
  });

  it("takes over the lock of a server killed with SIGKILL", async () => {
    const [{ server: killed }] = running.splice(0, 1);
    killed.child.kill("SIGKILL");
    await exited(killed.child);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).pid).toBe(killed.child.pid);

    const { server, url } = await startServer();
    expect(await healthy(url)).toBe(true);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).pid).toBe(server.child.pid);
    const login = await fetch(`${url}/login`);
    expect(login.status).toBe(200);
  });

  it("releases the lock on SIGTERM", async () => {
    const [{ server }] = running.splice(0, 1);
    server.child.kill("SIGTERM");
    await exited(server.child);
    expect(server.child.exitCode).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it("takes over a lock whose pid now belongs to another process (pid reuse)", async () => {
    // A live pid (this test runner's) with a start time that is not its own.
    writeFileSync(
      lockFile,
      JSON.stringify({ pid: process.pid, host: hostname(), started: "old-boot:1", token: "x" }),
    );
    const result = await runToEnd("npx", ["tsx", "scripts/db-migrate.ts"], { DATA_DIR: dataDir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });
});

describe("a port already in use", { timeout: 120_000 }, () => {
  it("stops the server before it creates or touches the data folder, in one line", async () => {
    const occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, "127.0.0.1", resolve));
    const { port } = occupied.address() as { port: number };
    const untouched = path.join(dataDir, "never-created");
    try {
      const result = await refusedServer(serverEnv(port, untouched));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).not.toContain("EADDRINUSE");
      expectOneLine(result.stderr);
      expect(existsSync(untouched)).toBe(false);
    } finally {
      occupied.close();
    }
  });

  it("names HOST in one line when it is not an address of this machine", async () => {
    const untouched = path.join(dataDir, "never-created-either");
    // 192.0.2.0/24 is for documentation (RFC 5737): no machine has it.
    const result = await refusedServer({
      ...serverEnv(await freePort(), untouched),
      HOST: "192.0.2.1",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("HOST 192.0.2.1 is not an address of this machine");
    expectOneLine(result.stderr);
    expect(existsSync(untouched)).toBe(false);
  });
});
