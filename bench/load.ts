/**
 * npm run bench:load — the server under HTTP load. For each database (PGlite on disk, and
 * PostgreSQL when reachable) and each number of actions, starts a fresh server in its own process
 * (bench/load-server.ts), bulk-loads the actions into the demo organisation and drives it with
 * autocannon: the overview "/" as the kommunchef, the API's list of 100 actions, and a PATCH mix
 * (read an action, then change its progress with the version just read). Prints req/s, p50/p99
 * latency, timeouts, non-2xx answers, errors, each process's share of the requests and the CPU
 * cores each part used (the server processes, PostgreSQL, nginx, the load generator, and what
 * was left idle) per run, and the server's RSS at rest, right after the load and after 20 s idle
 * (time for the collection once requests stop, see server/memory.ts). Prints numbers; asserts
 * nothing.
 *
 * The `cluster` target is production's scale-out (ADR 0029) on this machine: two processes on one
 * fresh PostgreSQL database behind Debian's nginx with deploy/nginx.conf, driven through nginx
 * with the same scenarios; its memory columns show each process ("A + B"), its peak the two added
 * up. Next to `postgres` (one process, no proxy) it shows what the second process buys on the
 * same cores.
 *
 * A smaller matrix for a quick check, through the environment:
 *   BENCH_DATABASES=pglite,postgres,cluster  BENCH_ACTIONS=10000,100000  BENCH_CONNECTIONS=20,100
 *   BENCH_SCENARIOS=dashboard,list,patch  BENCH_DURATION=10 (seconds per run)
 *   BENCH_SERVER_FLAGS="--heapsnapshot-signal=SIGUSR2" (extra node flags for the server)
 */
import { type ChildProcess, fork } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import pg from "pg";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { createScratchDatabase } from "../tests/helpers/database";
import { startNginx } from "../tests/helpers/nginx";
import { freePort } from "../tests/helpers/process";
import type { LoadServerReady } from "./load-server";

type Kind = "pglite" | "postgres" | "cluster";
type Scenario = "dashboard" | "list" | "patch";

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
const DATABASES = list("BENCH_DATABASES", "pglite,postgres") as Kind[];
const ACTIONS = list("BENCH_ACTIONS", "10000,100000").map(Number);
const CONNECTIONS = list("BENCH_CONNECTIONS", "20,100").map(Number);
const SCENARIOS = list("BENCH_SCENARIOS", "dashboard,list,patch") as Scenario[];
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

interface ServerProcess extends LoadServerReady {
  child: ChildProcess;
}

/** What the load is sent to (`port`: the process's own, or nginx's in front of the cluster). */
interface Server extends LoadServerReady {
  processes: ServerProcess[];
  stop(): Promise<void>;
}

function startProcess(
  kind: Kind | "shared",
  actions: number,
  databaseUrl = POSTGRES_URL,
): Promise<ServerProcess> {
  const child = fork(path.join(import.meta.dirname, "load-server.ts"), [kind, String(actions)], {
    execArgv: ["--import", "tsx"],
    // As `npm start` runs it: React's production build (its development build allocates more).
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.once("message", (message: LoadServerReady) => resolve({ ...message, child }));
  });
}

async function stopProcess({ child }: ServerProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function startServer(kind: Kind, actions: number): Promise<Server> {
  if (kind !== "cluster") {
    const one = await startProcess(kind, actions);
    return { ...one, processes: [one], stop: () => stopProcess(one) };
  }
  // One after the other, as start:cluster does: the first migrates, seeds and loads the actions.
  const database = await createScratchDatabase(POSTGRES_URL, "samverkan_load");
  const first = await startProcess("shared", actions, database.url);
  const second = await startProcess("shared", 0, database.url);
  const proxy = await startNginx(await freePort(), [first.port, second.port]);
  return {
    ...first,
    port: Number(new URL(proxy.url).port),
    processes: [first, second],
    async stop() {
      await proxy.stop();
      await Promise.all([first, second].map(stopProcess));
      await database.drop();
    },
  };
}

/** The processes' resident memory in MB, from /proc, added up. */
function rssMb(server: Server): number {
  return server.processes.reduce((sum, one) => sum + processRssMb(one), 0);
}

function processRssMb(server: LoadServerReady): number {
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/**
 * Where the memory is: each process's RSS, V8's heap in use, and memory outside the heap that
 * JavaScript objects hold (Buffers), in MB, as the server's /metrics reports them.
 */
async function memoryOf(server: Server): Promise<string> {
  const each = await Promise.all(server.processes.map(processMemoryOf));
  return each.join(" + ");
}

async function metricsOf(server: ServerProcess): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`, {
    headers: { authorization: `Bearer ${server.metricsToken}` },
  });
  return response.text();
}

/** How many requests each process has answered so far, from its own /metrics. */
function requestsAnswered(server: Server): Promise<number[]> {
  return Promise.all(
    server.processes.map(async (member) =>
      [
        ...(await metricsOf(member)).matchAll(
          /^samverkan_http_request_duration_seconds_count\{[^}]*\} (\S+)$/gm,
        ),
      ].reduce((sum, match) => sum + Number(match[1]), 0),
    ),
  );
}

async function processMemoryOf(server: ServerProcess): Promise<string> {
  const text = await metricsOf(server);
  const mb = (name: string) => {
    const value = new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1];
    return value ? Math.round(Number(value) / 2 ** 20) : "?";
  };
  return `${processRssMb(server)} / ${mb("nodejs_heap_size_used_bytes")} / ${mb("nodejs_external_memory_bytes")}`;
}

/** Linux's clock ticks per second (USER_HZ), the unit of /proc's CPU times. */
const TICKS = 100;

/** Every process's name and CPU time so far, in seconds, by pid. */
function processTimes(): Map<number, { name: string; seconds: number }> {
  const times = new Map<number, { name: string; seconds: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // it ended meanwhile
    }
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    times.set(Number(entry), {
      name: stat.slice(stat.indexOf("(") + 1, close),
      seconds: (Number(fields[11]) + Number(fields[12])) / TICKS,
    });
  }
  return times;
}

/** The machine's idle time so far, in seconds summed over its cores. */
function idleSeconds(): number {
  const [, , , , idle, iowait] = readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/);
  return (Number(idle) + Number(iowait)) / TICKS;
}

/**
 * Measures how many cores each part used while `run` ran: the server processes, PostgreSQL's
 * processes, nginx's, the load generator (this process, autocannon included) and what was idle.
 * On a machine where they all share the cores, it shows whether a second server process had any
 * core left to use.
 */
async function measureCores<T>(server: Server, run: () => Promise<T>) {
  const before = processTimes();
  const idleBefore = idleSeconds();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const wall = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownBefore);
  const idle = idleSeconds() - idleBefore;
  const servers = new Set(server.processes.map((one) => one.pid));
  const used = { server: 0, postgres: 0, nginx: 0 };
  for (const [pid, { name, seconds }] of processTimes()) {
    const part = servers.has(pid)
      ? "server"
      : name === "postgres" || name === "nginx"
        ? name
        : null;
    if (part) used[part] += seconds - (before.get(pid)?.seconds ?? 0);
  }
  const cores = (seconds: number) => (seconds / wall).toFixed(2);
  return {
    result,
    cores: [used.server, used.postgres, used.nginx, (own.user + own.system) / 1e6, idle]
      .map(cores)
      .join(" / "),
  };
}

function requestsFor(scenario: Scenario, server: Server): autocannon.Request[] {
  if (scenario === "dashboard") return [{ method: "GET", path: "/" }];
  if (scenario === "list") return [{ method: "GET", path: "/api/v1/actions?limit=100" }];
  // Each connection reads an action and then changes it with the version it read.
  let next = 0;
  type Context = { id?: string; version?: number };
  return [
    {
      method: "GET",
      setupRequest: (request, context: Context) => {
        context.id = server.actionIds[next++ % server.actionIds.length];
        return { ...request, path: `/api/v1/actions/${context.id}` };
      },
      onResponse: (status, body, context: Context) => {
        if (status === 200) context.version = (JSON.parse(body) as { version: number }).version;
      },
    },
    {
      method: "PATCH",
      setupRequest: (request, context: Context) => ({
        ...request,
        path: `/api/v1/actions/${context.id}`,
        body: JSON.stringify({ progress: next % 101, version: context.version ?? 1 }),
      }),
    },
  ];
}

interface Run {
  database: Kind;
  actions: number;
  scenario: Scenario;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  timeouts: number;
  non2xx: number;
  errors: number;
  /** Each process's part of the requests, in per cent ("100" for one process). */
  shares: string;
  /** Cores used: server processes / PostgreSQL / nginx / load generator / idle. */
  cores: string;
}

async function drive(server: Server, scenario: Scenario, connections: number) {
  const headers: Record<string, string> =
    scenario === "dashboard"
      ? { cookie: server.cookie }
      : { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections,
    duration: DURATION,
    timeout: 10,
    headers,
    requests: requestsFor(scenario, server),
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function main() {
  await buildIfNeeded();
  const runs: Run[] = [];
  const memory: string[] = [];
  for (const database of DATABASES) {
    if (database !== "pglite" && !(await postgresReachable())) {
      console.log(`PostgreSQL not reachable at ${POSTGRES_URL}: skipped.`);
      continue;
    }
    for (const actions of ACTIONS) {
      const server = await startServer(database, actions);
      await sleep(3000);
      const rest = await memoryOf(server);
      let peak = rssMb(server);
      // One short warm-up of each page, so the first run does not pay for cold caches alone.
      for (const scenario of SCENARIOS) await drive(server, scenario, 1).catch(() => {});
      for (const connections of CONNECTIONS)
        for (const scenario of SCENARIOS) {
          const before = await requestsAnswered(server);
          const { result, cores } = await measureCores(server, () =>
            drive(server, scenario, connections),
          );
          const answered = (await requestsAnswered(server)).map((n, i) => n - before[i]);
          const total = answered.reduce((sum, n) => sum + n, 0);
          const shares = answered.map((n) => Math.round((100 * n) / total)).join(" / ");
          peak = Math.max(peak, rssMb(server));
          const run = { database, actions, scenario, connections, ...result, shares, cores };
          runs.push(run);
          console.log(JSON.stringify(run));
        }
      const afterLoad = await memoryOf(server);
      await sleep(20_000);
      const idle = await memoryOf(server);
      memory.push(
        `| ${database} | ${actions} | ${server.seconds.toFixed(1)} | ${rest} | ${peak} | ${afterLoad} | ${idle} |`,
      );
      await server.stop();
    }
  }

  console.log(
    `\nbench:load, ${DURATION} s per run; ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    "| database | actions | scenario | connections | req/s | p50 ms | p99 ms | timeouts | non-2xx | errors | % per process | cores: server / PostgreSQL / nginx / load / idle |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of runs)
    console.log(
      `| ${r.database} | ${r.actions} | ${r.scenario} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.timeouts} | ${r.non2xx} | ${r.errors} | ${r.shares} | ${r.cores} |`,
    );
  console.log(
    "\n| database | actions | seeding s | at rest: RSS / heap / external MB | peak RSS MB | after load | after 20 s idle |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const line of memory) console.log(line);
}

await main();
