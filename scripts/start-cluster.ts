import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { buildIfNeeded, SERVER_ENTRY } from "./build-if-needed";

/**
 * `npm run start:cluster`: several server processes on one PostgreSQL database, for a reverse
 * proxy in front (deploy/nginx.conf; README, "Flera processer"). PROCESSES (default 2) servers
 * listen on CLUSTER_PORT, CLUSTER_PORT + 1, … (default 3001), on 127.0.0.1 unless HOST says
 * otherwise, with TRUST_PROXY on unless set. They start one after the other (the first migrates
 * and keeps the session secret beside DATA_DIR for the rest). A process that ends unexpectedly
 * is started again; SIGHUP restarts them one at a time (a rolling restart: the others keep
 * serving, the tabs reconnect to them); SIGTERM or SIGINT stops them all.
 */
const root = path.resolve(import.meta.dirname, "..");
const count = Number(process.env.PROCESSES ?? 2);
const firstPort = Number(process.env.CLUSTER_PORT ?? 3001);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
if (!process.env.DATABASE_URL)
  fail(
    "start:cluster needs DATABASE_URL: several processes share PostgreSQL (the embedded database is one process's).",
  );
if (!Number.isInteger(count) || count < 1) fail("PROCESSES must be a whole number of at least 1.");
if (!Number.isInteger(firstPort) || firstPort < 1 || firstPort + count > 65_536)
  fail("CLUSTER_PORT must be a port number.");

process.env.NODE_ENV ??= "production";
await buildIfNeeded();

interface Member {
  port: number;
  child?: ChildProcess;
  /** Set while it is being stopped on purpose (not to be started again by the watcher). */
  stopping?: boolean;
}
const members: Member[] = Array.from({ length: count }, (_, i) => ({ port: firstPort + i }));
let shuttingDown = false;

/** Whether the process on `port` answers /healthz with 200 (listening, migrated, database up). */
async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts one process and resolves once it answers /healthz (rejects if it ends first). */
function start(member: Member): Promise<void> {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(member.port),
      HOST: process.env.HOST ?? "127.0.0.1",
      TRUST_PROXY: process.env.TRUST_PROXY ?? "true",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  member.child = child;
  member.stopping = false;
  return new Promise((resolve, reject) => {
    let started = false;
    const poll = setInterval(async () => {
      if (started || !(await healthy(member.port))) return;
      started = true;
      clearInterval(poll);
      resolve();
    }, 250);
    child.once("exit", (code, signal) => {
      clearInterval(poll);
      if (!started) return reject(new Error(`The process on port ${member.port} ended (${code}).`));
      if (shuttingDown || member.stopping) return;
      console.error(
        `The process on port ${member.port} ended (${signal ?? code}); starting it again.`,
      );
      setTimeout(() => void start(member).catch((error) => console.error(error.message)), 1_000);
    });
  });
}

function stop(member: Member): Promise<void> {
  const { child } = member;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  member.stopping = true;
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

try {
  for (const member of members) await start(member);
} catch (error) {
  shuttingDown = true;
  await Promise.all(members.map(stop));
  fail(error instanceof Error ? error.message : String(error));
}
console.log(
  `${count} Samverkan processes listen on ports ${firstPort}–${firstPort + count - 1} (pid ${process.pid}; SIGHUP restarts them one at a time).`,
);

let restarting = false;
process.on("SIGHUP", async () => {
  if (restarting || shuttingDown) return;
  restarting = true;
  try {
    for (const member of members) {
      await stop(member);
      await start(member);
    }
    console.log("Rolling restart done.");
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
  } finally {
    restarting = false;
  }
});
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, async () => {
    shuttingDown = true;
    await Promise.all(members.map(stop));
    process.exit(0);
  });
