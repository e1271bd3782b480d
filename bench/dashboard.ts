/**
 * npm run bench:dashboard — the overview's loader on a large organisation, and its JavaScript.
 * Seeds 10 000 actions across 8 departments and 12 periods (with follow-ups), then times
 * loadDashboard on PGlite and (when reachable) PostgreSQL, and sums the gzip size of the
 * JavaScript the "/" route loads from the production build. Prints numbers; asserts nothing.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { sql } from "kysely";
import pg from "pg";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db";
import { ACTION_STATUSES, ASSESSMENTS } from "../db/schema";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { loadDashboard } from "../server/domain/dashboard";
import { ensurePeriods } from "../server/domain/periods";

const ACTIONS = 10_000;
const DEPARTMENTS = 8;
const YEARS = [2017, 2018, 2019, 2020]; // 12 tertials
const RUNS = 200;

export async function seed(database: DatabaseHandle) {
  const { db } = database;
  const org = await db
    .insertInto("organisations")
    .values({ name: "Benchkommun", slug: `bench-${randomUUID()}` })
    .returning("id")
    .executeTakeFirstOrThrow();
  const organisationId = org.id;
  const user = await db
    .insertInto("users")
    .values({ email: `bench-${randomUUID()}@kommun.test`, name: "Bench", password_hash: "x" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("memberships")
    .values({ user_id: user.id, organisation_id: organisationId, roles: ["chief"] })
    .execute();
  const departments = await db
    .insertInto("departments")
    .values(
      Array.from({ length: DEPARTMENTS }, (_, i) => ({
        organisation_id: organisationId,
        name: `Förvaltning ${i + 1}`,
      })),
    )
    .returning("id")
    .execute();
  const strategy = await db
    .insertInto("strategies")
    .values({
      organisation_id: organisationId,
      name: "Benchstrategi",
      valid_from: 2017,
      valid_to: 2020,
      is_active: true,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const goals = await db
    .insertInto("goals")
    .values(
      [1, 2, 3, 4].map((position) => ({
        organisation_id: organisationId,
        strategy_id: strategy.id,
        position,
        title: `Mål ${position}`,
      })),
    )
    .returning("id")
    .execute();
  await ensurePeriods(db, organisationId, YEARS, "tertial");
  const periods = await db
    .selectFrom("follow_up_periods")
    .select(["id", "start_date"])
    .where("organisation_id", "=", organisationId)
    .orderBy("start_date")
    .execute();

  const batch = 1000;
  for (let start = 0; start < ACTIONS; start += batch) {
    const rows = Array.from({ length: batch }, (_, k) => {
      const i = start + k;
      const due = `${2017 + (i % 5)}-${String((i % 12) + 1).padStart(2, "0")}-15`;
      return {
        organisation_id: organisationId,
        goal_id: goals[i % goals.length].id,
        department_id: departments[i % DEPARTMENTS].id,
        title: `Åtgärd ${i}`,
        description: "Benchmarkdata",
        start_date: "2017-01-01",
        due_date: due,
        status: ACTION_STATUSES[i % ACTION_STATUSES.length],
        progress: i % 101,
      };
    });
    const inserted = await db.insertInto("actions").values(rows).returning("id").execute();
    const followUps = inserted.flatMap((action, k) =>
      periods
        .filter((_, p) => (start + k + p) % 3 !== 0)
        .map((period, p) => ({
          organisation_id: organisationId,
          action_id: action.id,
          period_id: period.id,
          assessment: ASSESSMENTS[(start + k + p) % ASSESSMENTS.length],
          comment: "Uppföljning",
        })),
    );
    for (let f = 0; f < followUps.length; f += 2000)
      await db
        .insertInto("follow_ups")
        .values(followUps.slice(f, f + 2000))
        .execute();
  }
  // A live database has planner statistics (autovacuum analyses); freshly bulk-loaded tables have none.
  await sql`analyze`.execute(db);
  return {
    userId: user.id,
    organisationId,
    roles: ["chief" as const],
    departmentIds: [] as string[],
    periodId: periods[10].id,
  };
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeLoader(label: string, database: DatabaseHandle) {
  await migrateToLatest(database.db);
  const seedStart = performance.now();
  const actor = await seed(database);
  const seeded = performance.now() - seedStart;
  const filter = { periodId: actor.periodId };
  for (let i = 0; i < 10; i++) await loadDashboard(database.db, actor, filter, "2020-06-01"); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await loadDashboard(database.db, actor, filter, "2020-06-01");
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    label,
    seededSeconds: seeded / 1000,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times.at(-1) ?? 0,
  };
}

async function postgresDatabase(): Promise<{
  handle: DatabaseHandle;
  drop: () => Promise<void>;
} | null> {
  const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `samverkan_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase({ databaseUrl: url.toString() });
  return {
    handle,
    async drop() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Every JavaScript file "/" loads: the entry, root and route modules with their imports. */
/**
 * Every JavaScript file "/" loads on a first visit: the client entry, the root route and the
 * index route with their imports, as Remix's own asset manifest (in the server build) lists them.
 */
async function dashboardJavaScript() {
  const serverBuild = path.resolve(import.meta.dirname, "../build/server/index.js");
  if (!existsSync(serverBuild)) return null;
  const { assets } = (await import(serverBuild)) as {
    assets: {
      entry: { module: string; imports: string[] };
      routes: Record<string, { module: string; imports?: string[] }>;
    };
  };
  const files = new Set<string>([assets.entry.module, ...assets.entry.imports]);
  for (const id of ["root", "routes/_index"]) {
    const route = assets.routes[id];
    for (const file of [route.module, ...(route.imports ?? [])]) files.add(file);
  }
  // The header's live connection (socket.io) is imported lazily on every page: it counts too.
  const assetsDir = path.resolve(import.meta.dirname, "../build/client/assets");
  for (const file of readdirSync(assetsDir))
    if (file.startsWith("realtime.client")) files.add(`/assets/${file}`);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const content = readFileSync(path.resolve(import.meta.dirname, "../build/client", `.${file}`));
    raw += content.length;
    gzip += gzipSync(content).length;
  }
  return {
    files: [...files],
    raw,
    gzip,
    editorIncluded: [...files].some((f) => /lexical|Editor|yjs/i.test(f)),
  };
}

async function main() {
  const results = [];
  const pglite = openDatabase({});
  results.push(await timeLoader("PGlite (in memory)", pglite));
  await pglite.close();
  const postgres = await postgresDatabase();
  if (postgres) {
    results.push(await timeLoader("PostgreSQL 15 (127.0.0.1)", postgres.handle));
    await postgres.drop();
  } else {
    console.log("PostgreSQL not reachable: only PGlite measured.");
  }

  await buildIfNeeded();
  const js = await dashboardJavaScript();

  console.log(
    `\nDashboard loader, ${ACTIONS} actions, ${DEPARTMENTS} departments, 12 periods, ${RUNS} runs`,
  );
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log("| database | p50 ms | p95 ms | max ms | seeding s |");
  console.log("|---|---|---|---|---|");
  for (const r of results)
    console.log(
      `| ${r.label} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.seededSeconds.toFixed(1)} |`,
    );
  if (js) {
    console.log(
      `\nJavaScript for "/": ${(js.gzip / 1024).toFixed(1)} KB gzip (${(js.raw / 1024).toFixed(1)} KB raw) in ${js.files.length} files; editor code included: ${js.editorIncluded ? "yes" : "no"}`,
    );
  }
}

// Run as a script; imported (e.g. to profile a query), it only offers `seed`.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) await main();
