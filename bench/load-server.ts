/**
 * One Samverkan server for bench/load.ts, run as `npm start` runs it: the compiled server
 * (build/node/start.js) under plain node, in a process of its own whose memory bench/load.ts
 * reads from /proc. This process, `node --import tsx bench/load-server.ts
 * <pglite|postgres|shared> <actions>`, prepares the database first (migrations, the demo
 * organisation and the actions bulk-loaded into it, a session of the kommunchef for "/" and an
 * API token of the admin), then starts the server on it with BENCH_SERVER_FLAGS as node flags,
 * and reports over IPC the server's pid and port, the cookie, the token and the ids of the
 * actions to PATCH.
 *
 * `shared` is one process of a cluster, as `npm run start:cluster` runs them: on the database
 * DATABASE_URL names (made and dropped by the benchmark), with socket.io's PostgreSQL adapter and
 * behind a proxy. The first is started with the actions to load, the others with 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db";
import { seedDemo } from "../db/seed/demo";
import { SERVER_ENTRY } from "../scripts/build-if-needed";
import { sessionSettingsOf } from "../server/auth/authenticator";
import { sessionCookieName } from "../server/auth/cookie";
import { createSession } from "../server/auth/sessions";
import { createApiToken } from "../server/auth/tokens";
import { loadConfig } from "../server/config";
import { createScratchDatabase } from "../tests/helpers/database";
import { freePort } from "../tests/helpers/process";

/** Lets the benchmark read the server's heap from /metrics. */
const METRICS_TOKEN = "bench-metrics-bench-metrics-bench-metrics";

export interface LoadServerReady {
  type: "ready";
  /** The server's process, not this one. */
  pid: number;
  port: number;
  cookie: string;
  token: string;
  metricsToken: string;
  actionIds: string[];
  seconds: number;
}

const [kind, actionsArg] = process.argv.slice(2);
const actions = Number(actionsArg);
const root = path.resolve(import.meta.dirname, "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-load-"));
const { DATABASE_URL: postgresUrl = "", ...inherited } = process.env;
const shared = kind === "shared";
// On PostgreSQL a new database on the server of DATABASE_URL, dropped again at the end; in a
// cluster, the database DATABASE_URL names.
const scratch =
  kind === "postgres" ? await createScratchDatabase(postgresUrl, "samverkan_load") : null;
const databaseUrl = shared ? postgresUrl : scratch?.url;
const serverEnv: NodeJS.ProcessEnv = {
  NODE_ENV: "production",
  SECURE_COOKIES: "false",
  PORT: String(await freePort()),
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  SESSION_SECRET: "bench-secret-bench-secret-bench-secret-0",
  SEED_DEMO: "true",
  LOG_LEVEL: "warn",
  API_RATE_LIMIT_PER_MINUTE: "100000000",
  METRICS_TOKEN: METRICS_TOKEN,
  ...(databaseUrl && { DATABASE_URL: databaseUrl }),
  ...(shared && { TRUST_PROXY: "true" }),
};
const config = loadConfig(serverEnv);
// PGlite's data folder is one process's: this one closes it before the server opens it.
const database: DatabaseHandle = openDatabase({
  databaseUrl: config.databaseUrl,
  pgliteDir: path.join(dataDir, "pglite"),
});
const { db } = database;
await migrateToLatest(db);
await seedDemo(db);

const started = performance.now();
const memberOf = (email: string) =>
  db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "memberships.organisation_id", "memberships.roles"])
    .where("users.email", "=", email)
    .executeTakeFirstOrThrow();
const admin = await memberOf("admin@kommun.test");
const chief = await memberOf("kommunchef@kommun.test");
const org = admin.organisation_id;

// One statement: generated actions spread over the demo organisation's goals, departments and
// due dates, with a follow-up in each period for two of three of them. A cluster's other
// processes find them loaded.
if (actions > 0) {
  await sql`
  insert into actions (organisation_id, goal_id, department_id, title, description, start_date,
                       due_date, status, progress, created_by, updated_by)
  select ${org}, g.ids[1 + i % array_length(g.ids, 1)], d.ids[1 + i % array_length(d.ids, 1)],
         'Lastprov ' || i, 'Genererad för lastprovet', date '2019-01-01',
         date '2019-01-15' + (i % 1500), (array['not_started','in_progress','done','paused','cancelled'])[1 + i % 5],
         i % 101, ${admin.id}, ${admin.id}
  from generate_series(1, ${actions}) as i,
       (select array_agg(id order by position) as ids from goals where organisation_id = ${org}) as g,
       (select array_agg(id order by name) as ids from departments where organisation_id = ${org}) as d
`.execute(db);
  await sql`
  insert into follow_ups (organisation_id, action_id, period_id, assessment, comment, updated_by)
  select ${org}, a.id, p.id,
         (array['on_track','at_risk','off_track','not_assessed'])[1 + abs(hashtext(a.id::text || p.id::text)) % 4],
         'Uppföljning', ${admin.id}
  from actions a cross join follow_up_periods p
  where a.organisation_id = ${org} and p.organisation_id = ${org} and a.title like 'Lastprov %'
    and p.start_date <= current_date and abs(hashtext(p.id::text || a.id::text)) % 3 <> 0
  on conflict do nothing
`.execute(db);
  // Vacuumed as well, as autovacuum would have done before anyone reads a database kept that
  // way: the bulk load leaves a dead version of a maintained count row per follow-up (0005),
  // which every read of the counts would otherwise step over.
  await sql`vacuum analyze`.execute(db);
}
const seconds = (performance.now() - started) / 1000;

const settings = sessionSettingsOf(config);
const session = await createSession(db, settings, chief.id, org);
const adminActor = {
  userId: admin.id,
  organisationId: org,
  roles: admin.roles,
  departmentIds: [] as string[],
};
const { token } = await createApiToken(db, adminActor, config.sessionSecret, { name: "Lastprov" });
const patched = await db
  .selectFrom("actions")
  .select("id")
  .where("organisation_id", "=", org)
  .where("title", "like", "Lastprov %")
  .orderBy("id")
  .limit(5000)
  .execute();

await database.close();

const server: ChildProcess = spawn(
  process.execPath,
  [...(process.env.BENCH_SERVER_FLAGS?.split(" ").filter(Boolean) ?? []), SERVER_ENTRY],
  { cwd: root, env: { ...inherited, ...serverEnv }, stdio: ["ignore", "inherit", "inherit"] },
);
const exited = new Promise((resolve) => server.once("exit", resolve));
const healthy = () =>
  fetch(`http://127.0.0.1:${serverEnv.PORT}/healthz`).then(
    (response) => response.ok,
    () => false,
  );
while (!(await healthy())) {
  if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
  await sleep(200);
}

const ready: LoadServerReady = {
  type: "ready",
  pid: server.pid ?? 0,
  port: Number(serverEnv.PORT),
  cookie: `${sessionCookieName(false)}=${session.token}`,
  token,
  metricsToken: METRICS_TOKEN,
  actionIds: patched.map((row) => row.id),
  seconds,
};
process.send?.(ready);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  try {
    server.kill("SIGTERM");
    await exited;
    await scratch?.drop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
};
process.on("SIGTERM", shutdown);
process.on("disconnect", shutdown);
