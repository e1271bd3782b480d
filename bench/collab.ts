/**
 * `npm run bench:collab`: our co-editing server next to y-websocket 2.1 and Hocuspocus 3.4, in
 * the same run on the same machine, driven by the same Yjs clients. One writer types single
 * characters at 20 edits/s into a shared Y.Text while N observers watch; every client has an
 * awareness state and the writer moves its cursor on every edit. Prints, per N, propagation
 * latency writer → observers, join time, server CPU and RSS, lost updates and (ours) the
 * edit → acknowledgement-after-COMMIT latency. A fourth row, not part of the target, is a bare
 * socket.io relay driven by our client: what the transport alone costs. Method and caveats:
 * docs/benchmarks.md.
 *
 * Each server runs in its own child process (bench/servers.ts) so /proc gives its own CPU and
 * memory; the clients run here. To spread the machine's background noise evenly, each N is
 * measured in several short rounds that alternate between the servers in rotating order.
 *
 * BENCH_CROSS=1 measures across two processes instead: ours as two app processes on one fresh
 * PostgreSQL database (socket.io's PostgreSQL adapter, as in production) next to two Hocuspocus
 * instances with its Redis extension (Redis on 127.0.0.1:6379); the writer talks to the first
 * process, the observers to the second. CPU and RSS are then both processes' added up.
 *
 * Environment: DATABASE_URL (ours on PostgreSQL instead of PGlite; with BENCH_CROSS the server the
 * shared database is made on, 127.0.0.1:5432 unless set), BENCH_OBSERVERS ("1,10,50"),
 * BENCH_ROUNDS (3), BENCH_ROUND_SECONDS (20), BENCH_CPU_PROF (a folder: each server writes a
 * V8 .cpuprofile there when it stops), BENCH_SERVER_FLAGS (Node flags for every server, such as
 * "--trace-gc").
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import * as Y from "yjs";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { createScratchDatabase } from "../tests/helpers/database";
import { type AckProbe, type BenchClient, connectClient, signIn } from "./clients";
import {
  BENCH_TEXT,
  PEERS,
  type ServerKind,
  type ServerReady,
  type ServerReply,
  type ServerRequest,
} from "./protocol";

const OBSERVER_COUNTS = (process.env.BENCH_OBSERVERS ?? "1,10,50").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// 20 s: 400 edits per round, so that p99 over the rounds is not decided by two or three samples.
const ROUND_MS = Number(process.env.BENCH_ROUND_SECONDS ?? 20) * 1000;
const EDIT_INTERVAL_MS = 50; // 20 edits/s
const WARM_UP_MS = 2_000;
const WARM_UP_OBSERVERS = 10;
const PRESENCE_QUIET_MS = 500;
const SETTLE_MS = 5_000;
const AFTER_ROUND_MS = 2_500;
const JOIN_TIMEOUT_MS = 30_000;
const CROSS = process.env.BENCH_CROSS === "1";
const KINDS: ServerKind[] = CROSS
  ? ["ours", "hocuspocus-redis"]
  : ["ours", ...PEERS, "socket.io-relay"];
/** What ours is held against: the peers on one process, Hocuspocus with Redis across two. */
const COMPARED: ServerKind[] = CROSS ? ["hocuspocus-redis"] : PEERS;
const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const WRITER_EMAIL = "arbetsgrupp@kommun.test";
// Observers sign in as a second user who may edit, so that their presence is broadcast as on the
// peers (a read-only user's awareness is dropped by our server, which would flatter it).
const OBSERVER_EMAIL = "admin@kommun.test";
// Linux reports process CPU time in USER_HZ ticks, which is 100 on every mainstream kernel.
const CLOCK_TICKS_PER_SECOND = 100;

interface ServerProcess {
  pid: number;
  port: number;
  database?: string;
  request(request: ServerRequest): Promise<string>;
  stop(): Promise<void>;
}

/** One server under test: one process, or two when measuring across processes. */
interface RunningServer {
  kind: ServerKind;
  pids: number[];
  /** Where the writer connects. */
  writerPort: number;
  /** Where the observers connect: another process than the writer's when crossing. */
  observerPort: number;
  database?: string;
  /** Asks the writer's process (ours: a new document, the stored text). */
  request(request: ServerRequest): Promise<string>;
  stop(): Promise<void>;
}

function startProcess(kind: ServerKind, env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, "servers.ts"), [kind], {
    env: { ...process.env, ...env },
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.BENCH_CPU_PROF
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
      ...(process.env.BENCH_SERVER_FLAGS?.split(" ").filter(Boolean) ?? []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (value: string) => void>();
  let nextId = 1;
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.on("message", (message: ServerReady | ServerReply) => {
      if ("type" in message) {
        resolve({
          pid: child.pid!,
          port: message.port,
          database: message.database,
          request: (request) =>
            new Promise((done) => {
              const id = nextId++;
              waiting.set(id, done);
              child.send({ ...request, id });
            }),
          stop: () =>
            new Promise((done) => {
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
        return;
      }
      waiting.get(message.id)?.(message.value);
      waiting.delete(message.id);
    });
  });
}

/**
 * The server of `kind`: one process, or with BENCH_CROSS two started one after the other (ours
 * migrates and seeds in the first) on the shared database or Redis prefix.
 */
async function startServer(kind: ServerKind, sharedDatabaseUrl?: string): Promise<RunningServer> {
  const env: Record<string, string> = {};
  if (kind === "ours" && sharedDatabaseUrl) env.BENCH_SHARED_DATABASE_URL = sharedDatabaseUrl;
  if (kind === "hocuspocus-redis") env.BENCH_REDIS_PREFIX = `bench-${process.pid}-${Date.now()}`;
  const processes = [await startProcess(kind, env)];
  if (CROSS) processes.push(await startProcess(kind, env));
  const [writerSide, observerSide] = [processes[0], processes.at(-1)!];
  return {
    kind,
    pids: processes.map((p) => p.pid),
    writerPort: writerSide.port,
    observerPort: observerSide.port,
    database: writerSide.database,
    request: writerSide.request,
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/** CPU time of the processes, added up. */
function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
}

function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after "(name) ": state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of the processes, added up. */
function rssMb(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return sum + (match ? Number(match[1]) / 1024 : Number.NaN);
  }, 0);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What one round of one server at one N measured; rounds of the same pair are added up. */
interface Measurement {
  edits: number;
  latencies: number[];
  /** Each round's p99: how far one server's tail moves from round to round on this machine. */
  roundP99s: number[];
  joins: number[];
  acks: number[];
  failedAcks: number;
  cpuMs: number;
  /** CPU of this process, where all the clients run: near 100 % the clients are the bottleneck. */
  clientCpuMs: number;
  wallMs: number;
  rssMb: number;
  /** Edits some observer never received (or received garbled) after the settle period. */
  lostObserved: number;
  /** Ours: edits acknowledged to the writer but missing from the database. */
  lostStored: number;
}

const emptyMeasurement = (): Measurement => ({
  edits: 0,
  latencies: [],
  roundP99s: [],
  joins: [],
  acks: [],
  failedAcks: 0,
  cpuMs: 0,
  clientCpuMs: 0,
  wallMs: 0,
  rssMb: 0,
  lostObserved: 0,
  lostStored: 0,
});

interface Cookies {
  writer: string;
  observer: string;
}

async function runRound(
  server: RunningServer,
  observerCount: number,
  typingMs: number,
  cookies: Cookies | undefined,
  round: number,
): Promise<Measurement> {
  const result = emptyMeasurement();
  const documentName =
    server.kind === "ours"
      ? await server.request({ type: "newDocument" })
      : `bench-${observerCount}-${round}-${Date.now()}`;
  const sentAt: number[] = [];
  let typing: number | undefined;
  let highestAcked = -1;
  // Called synchronously from the provider's send, inside the writer's insert of edit `typing`.
  const ackProbe: AckProbe = () => {
    const edit = typing;
    if (edit === undefined) return undefined;
    return (ack) => {
      if (!ack?.ok) {
        result.failedAcks++;
        return;
      }
      result.acks.push(performance.now() - sentAt[edit]);
      highestAcked = Math.max(highestAcked, edit);
    };
  };

  const open = (port: number, cookie: string | undefined, name: string, probe?: AckProbe) => {
    const startedAt = performance.now();
    const client = connectClient(
      { kind: server.kind, port, documentName, cookie, ackProbe: probe },
      { user: { name, color: "#1f6feb" } },
    );
    const joined = client.synced.then(() => result.joins.push(performance.now() - startedAt));
    return { client, joined };
  };

  const writer = open(server.writerPort, cookies?.writer, "Writer", ackProbe);
  await within(writer.joined, JOIN_TIMEOUT_MS, `${server.kind} writer join`);
  const observers = Array.from({ length: observerCount }, (_, i) =>
    open(server.observerPort, cookies?.observer, `Observer ${i + 1}`),
  );
  await within(
    Promise.all(observers.map((o) => o.joined)),
    JOIN_TIMEOUT_MS,
    `${server.kind} join of ${observerCount} observers`,
  );
  const clients: BenchClient[] = [writer.client, ...observers.map((o) => o.client)];

  // An observer has edit k once its text is k + 1 long: one writer appends, and Yjs applies a
  // writer's edits in order. The text itself is compared after settling.
  const seen = observers.map(() => 0);
  observers.forEach(({ client }, i) => {
    const text = client.doc.getText(BENCH_TEXT);
    client.doc.on("update", () => {
      const now = performance.now();
      while (seen[i] < text.length) result.latencies.push(now - sentAt[seen[i]++]);
    });
  });
  // Let the join's presence broadcasts die down before timing.
  await sleep(PRESENCE_QUIET_MS);

  const text = writer.client.doc.getText(BENCH_TEXT);
  const cpuBefore = cpuMs(server.pids);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const rssTimer = setInterval(() => {
    result.rssMb = Math.max(result.rssMb, rssMb(server.pids));
  }, 250);
  for (let edit = 0; edit * EDIT_INTERVAL_MS < typingMs; edit++) {
    const wait = started + edit * EDIT_INTERVAL_MS - performance.now();
    if (wait > 0) await sleep(wait);
    typing = edit;
    sentAt[edit] = performance.now();
    text.insert(edit, String.fromCharCode(97 + (edit % 26)));
    typing = undefined;
    const cursor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, edit + 1));
    writer.client.awareness.setLocalStateField("cursor", { anchor: cursor, head: cursor });
    result.edits++;
  }
  const settleBy = performance.now() + SETTLE_MS;
  const settled = () =>
    seen.every((n) => n === result.edits) &&
    (server.kind !== "ours" || result.acks.length + result.failedAcks === result.edits);
  while (!settled() && performance.now() < settleBy) await sleep(10);
  clearInterval(rssTimer);
  result.rssMb = Math.max(result.rssMb, rssMb(server.pids));
  result.cpuMs = cpuMs(server.pids) - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  result.clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
  result.wallMs = performance.now() - started;

  const written = text.toString();
  for (const { client } of observers) {
    const received = commonPrefixLength(client.doc.getText(BENCH_TEXT).toString(), written);
    result.lostObserved = Math.max(result.lostObserved, result.edits - received);
  }
  if (server.kind === "ours") {
    const stored = await server.request({ type: "storedText", documentId: documentName });
    result.lostStored = Math.max(0, highestAcked + 1 - commonPrefixLength(stored, written));
  }
  for (const client of clients) client.close();
  // Let the server finish what follows a session (the disconnects; ours renders the document
  // 2 s after its last edit) before the next server's round is timed.
  await sleep(AFTER_ROUND_MS);
  return result;
}

function add(total: Measurement, round: Measurement) {
  total.edits += round.edits;
  total.latencies.push(...round.latencies);
  total.roundP99s.push(percentile(round.latencies, 99));
  total.joins.push(...round.joins);
  total.acks.push(...round.acks);
  total.failedAcks += round.failedAcks;
  total.cpuMs += round.cpuMs;
  total.clientCpuMs += round.clientCpuMs;
  total.wallMs += round.wallMs;
  total.rssMb = Math.max(total.rssMb, round.rssMb);
  total.lostObserved += round.lostObserved;
  total.lostStored += round.lostStored;
}

const ms = (value: number) => (Number.isNaN(value) ? "–" : value.toFixed(1));
const pcts = (values: number[]) => [50, 95, 99].map((p) => ms(percentile(values, p))).join(" / ");

const COLUMNS = [
  "server",
  "edits",
  "deliveries",
  "latency p50 / p95 / p99 (ms)",
  "p99 of each round (ms)",
  "join p50 / p95 (ms)",
  "server CPU (% of a core)",
  "server RSS max (MB)",
  "client CPU (% of a core)",
  "lost: not received",
  "lost: acked, not stored",
  "ack after COMMIT p50 / p95 / p99 (ms)",
];

function table(observerCount: number, rows: [ServerKind, string, Measurement][]): string {
  const percent = (cpu: number, wall: number) => ((100 * cpu) / wall).toFixed(0);
  const lines = [
    `N = ${observerCount} observer${observerCount === 1 ? "" : "s"}`,
    "",
    `| ${COLUMNS.join(" | ")} |`,
    `|---|${"--:|".repeat(COLUMNS.length - 1)}`,
  ];
  for (const [kind, label, m] of rows) {
    const ours = kind === "ours";
    const cells = [
      label,
      m.edits,
      m.latencies.length,
      pcts(m.latencies),
      m.roundP99s.map(ms).join(", "),
      `${ms(percentile(m.joins, 50))} / ${ms(percentile(m.joins, 95))}`,
      percent(m.cpuMs, m.wallMs),
      m.rssMb.toFixed(0),
      percent(m.clientCpuMs, m.wallMs),
      m.lostObserved,
      ours ? `${m.lostStored}${m.failedAcks ? ` (${m.failedAcks} refused)` : ""}` : "n/a",
      ours ? pcts(m.acks) : "n/a (no ack)",
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function machine(database: string | undefined): string {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  const memory = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  const where = CROSS
    ? "one fresh PostgreSQL database shared by two processes; writer on the first, observers on the second"
    : database === "postgres"
      ? "PostgreSQL (DATABASE_URL)"
      : "PGlite in a temp dir";
  return [
    `Date: ${new Date().toISOString().slice(0, 10)}`,
    `Machine: ${os.cpus().length} cores (${model ?? "unknown CPU"}), ${memory} GiB RAM, load average ${load}`,
    `Node ${process.version}; ours on ${where}`,
    `${ROUNDS} rounds × ${ROUND_MS / 1000} s of typing per server and N (after a ${WARM_UP_MS / 1000} s warm-up per server)`,
  ].join("\n");
}

async function main() {
  // y-websocket's provider adds a process "exit" listener per client in Node.
  process.setMaxListeners(Math.max(WARM_UP_OBSERVERS, ...OBSERVER_COUNTS) + 10);
  await buildIfNeeded();
  const shared = CROSS ? await createScratchDatabase(POSTGRES_URL, "samverkan_bench") : undefined;
  const servers = await Promise.all(KINDS.map((kind) => startServer(kind, shared?.url)));
  const ours = servers.find((s) => s.kind === "ours")!;
  console.log(
    `Servers up: ours on ${ours.database === "postgres" ? "PostgreSQL" : "PGlite"} (pid ${ours.pids.join(", ")}), ${servers
      .filter((s) => s !== ours)
      .map((s) => `${s.kind} (pid ${s.pids.join(", ")})`)
      .join(", ")}`,
  );
  const processes = CROSS ? ", 2 processes" : "";
  const labels: Record<ServerKind, string> = {
    ours: `ours (socket.io, ${ours.database === "postgres" ? "PostgreSQL" : "PGlite"}${processes})`,
    "y-websocket": "y-websocket 2.1",
    hocuspocus: "Hocuspocus 3.4.3",
    "socket.io-relay": "socket.io relay (reference: no checks, no saving)",
    "hocuspocus-redis": "Hocuspocus 3.4 + Redis extension, 2 instances",
  };

  try {
    const cookies: Cookies = {
      writer: await signIn(ours.writerPort, WRITER_EMAIL),
      observer: await signIn(ours.writerPort, OBSERVER_EMAIL),
    };
    const cookiesFor = (server: RunningServer) => (server.kind === "ours" ? cookies : undefined);
    for (const server of servers)
      await runRound(server, WARM_UP_OBSERVERS, WARM_UP_MS, cookiesFor(server), -1);
    const verdicts: string[] = [];
    for (const [index, observerCount] of OBSERVER_COUNTS.entries()) {
      const totals = new Map(KINDS.map((kind) => [kind, emptyMeasurement()]));
      for (let round = 0; round < ROUNDS; round++) {
        const shift = (round + index) % servers.length;
        for (const server of [...servers.slice(shift), ...servers.slice(0, shift)]) {
          add(
            totals.get(server.kind)!,
            await runRound(server, observerCount, ROUND_MS, cookiesFor(server), round),
          );
        }
      }
      const rows = KINDS.map(
        (kind) => [kind, labels[kind], totals.get(kind)!] as [ServerKind, string, Measurement],
      );
      console.log(`\n${table(observerCount, rows)}`);
      const ourResult = totals.get("ours")!;
      const oursP99 = percentile(ourResult.latencies, 99);
      const bestPeerP99 = Math.min(
        ...COMPARED.map((k) => percentile(totals.get(k)!.latencies, 99)),
      );
      const lost = ourResult.lostObserved + ourResult.lostStored + ourResult.failedAcks;
      verdicts.push(
        `N = ${observerCount}: ours p99 ${ms(oursP99)} ms vs best peer ${ms(bestPeerP99)} ms, ${lost} lost → ${oursP99 <= bestPeerP99 && lost === 0 ? "target met" : "target NOT met"}`,
      );
    }
    console.log(`\n${machine(ours.database)}\n\n${verdicts.join("\n")}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await shared?.drop();
  }
}

await main();
