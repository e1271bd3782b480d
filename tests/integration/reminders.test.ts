import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, type DB, openDatabase } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import { type RunningApp, startApp } from "../../server/app";
import type { DomainEvent } from "../../server/bus";
import { createAction } from "../../server/domain/actions";
import { ensurePeriods } from "../../server/domain/periods";
import type { Reminder } from "../../server/domain/reminders";
import type { SchedulerOptions } from "../../server/scheduler";
import { seedOtherOrganisation } from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";
import { testConfig } from "../helpers/server";

const REMINDER_EVENTS = [
  "period.deadline-approaching",
  "period.deadline-passed",
  "action.overdue",
  "digest.due",
];

let handle: DatabaseHandle;
let db: DB;
let now = new Date();
const clock = () => now;
const names = new Map<string, string>();
const heard: DomainEvent[] = [];
const running: RunningApp[] = [];

/** A server on `database` whose scheduler runs only when told, by the fake clock. */
async function startServer(
  database: DatabaseHandle,
  afterRecording?: SchedulerOptions["afterRecording"],
) {
  const app = await startApp(testConfig(), { database, scheduler: { clock, afterRecording } });
  app.bus.subscribe((event) => {
    if (REMINDER_EVENTS.includes(event.type)) heard.push(event);
  });
  running.push(app);
  return app;
}

/** A reminder as a line a person reads: kind, organisation or department, period, occasion. */
function describeReminder({ event, occasion }: Reminder): string {
  switch (event.type) {
    case "period.deadline-approaching":
      return `${names.get(event.departmentId)} ${names.get(event.periodId)}: ${event.daysLeft} days left (${occasion})`;
    case "period.deadline-passed":
      return `${names.get(event.departmentId)} ${names.get(event.periodId)}: passed`;
    case "action.overdue":
      return `overdue: ${names.get(event.actionId)} (${occasion})`;
    case "digest.due":
      return `digest ${event.week}`;
    default:
      return event.type;
  }
}

async function runAt(app: RunningApp, at: string): Promise<string[]> {
  now = new Date(at);
  const { recorded } = await app.scheduler.runNow();
  return recorded.map(describeReminder).sort();
}

async function reminderEventsByPayload() {
  const rows = await db
    .selectFrom("domain_events")
    .select(["type", "payload", "organisation_id"])
    .where("type", "in", REMINDER_EVENTS)
    .execute();
  return rows.map((r) => `${r.organisation_id} ${r.type} ${JSON.stringify(r.payload)}`);
}

const duplicates = (items: string[]) => items.filter((item, i) => items.indexOf(item) !== i);

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  const demo = await seedDemo(db);
  // Grannkommun reports quarterly: Q1 2017's deadline is Långfredagen, 2017-04-14.
  const other = await seedOtherOrganisation(db);
  await ensurePeriods(db, other.organisationId, [2017], "quarter");
  const action = await createAction(db, other.user, {
    title: "Handlingsplan mot våld i nära relationer",
    goalId: other.goalId,
    departmentId: other.departmentId,
    startDate: "2017-01-10",
    dueDate: "2017-04-10",
    status: "in_progress",
  });
  // Created when it started (a closed period's report counts the actions that existed then).
  await sql`update actions set created_at = '2017-01-10T08:00:00Z', updated_at = '2017-01-10T08:00:00Z'
    where id = ${action.id}`.execute(db);
  // In the demo organisation Socialtjänst has not klarmarkerat T3 2017; Kommunledning (with
  // actions to report) and the departments with none have.
  const periods = await db.selectFrom("follow_up_periods").select(["id", "start_date"]).execute();
  const departments = await db
    .selectFrom("departments")
    .select(["id", "name", "organisation_id"])
    .execute();
  for (const p of periods) names.set(p.id, p.start_date);
  for (const d of departments)
    names.set(d.id, d.organisation_id === demo ? d.name : `Grannkommun ${d.name}`);
  names.set(action.id, "Handlingsplan");
  const t3 = periods.find((p) => p.start_date === "2017-09-01" && names.has(p.id))!;
  const socialtjanst = departments.find(
    (d) => d.organisation_id === demo && d.name === "Socialtjänst",
  )!;
  await db
    .deleteFrom("period_reports")
    .where("period_id", "=", t3.id)
    .where("department_id", "=", socialtjanst.id)
    .execute();
  const klarmarkerade = await db
    .selectFrom("period_reports")
    .innerJoin("departments", "departments.id", "period_reports.department_id")
    .select("departments.name")
    .where("period_id", "=", t3.id)
    .orderBy("departments.name")
    .execute();
  expect(klarmarkerade.map((r) => r.name)).toEqual([
    "Barn och utbildning",
    "Kommunledning",
    "Kultur och teknik",
  ]);
});

afterEach(async () => {
  for (const app of running.splice(0)) await app.close();
});
afterAll(() => handle?.close());

describe("the reminders scheduler", () => {
  it("records the 2017 deadlines 14 and 3 days before, and passed on the next working day", async () => {
    const app = await startServer(handle);
    // Thursday: the week's digest for both organisations; Q1 2017 is 15 days off.
    expect(await runAt(app, "2017-03-30T10:00:00+02:00")).toEqual([
      "digest 2017-W13",
      "digest 2017-W13",
    ]);
    expect(await runAt(app, "2017-03-31T10:00:00+02:00")).toEqual([
      "Grannkommun Socialtjänst 2017-01-01: 14 days left (14)",
    ]);
    // Monday before 07:00: no digest yet; the action is due today, not yet overdue.
    expect(await runAt(app, "2017-04-10T06:30:00+02:00")).toEqual([]);
    expect(await runAt(app, "2017-04-10T07:05:00+02:00")).toEqual([
      "digest 2017-W15",
      "digest 2017-W15",
    ]);
    expect(await runAt(app, "2017-04-11T08:00:00+02:00")).toEqual([
      "Grannkommun Socialtjänst 2017-01-01: 3 days left (3)",
      "overdue: Handlingsplan (2017-04-10)",
    ]);
    // Långfredagen is the deadline; Påskdagen and Annandag påsk are not working days.
    expect(await runAt(app, "2017-04-14T09:00:00+02:00")).toEqual([]);
    expect(await runAt(app, "2017-04-15T09:00:00+02:00")).toEqual([]);
    expect(await runAt(app, "2017-04-17T09:00:00+02:00")).toEqual([
      "digest 2017-W16",
      "digest 2017-W16",
    ]);
    expect(await runAt(app, "2017-04-18T09:00:00+02:00")).toEqual([
      "Grannkommun Socialtjänst 2017-01-01: passed",
    ]);
    expect(await runAt(app, "2017-04-19T09:00:00+02:00")).toEqual([]);

    // T3 2017's deadline is Sunday 2018-01-14: of the demo organisation only Socialtjänst has
    // not klarmarkerat; Grannkommun's Q4 2017 has the same deadline.
    expect(await runAt(app, "2017-12-30T09:00:00+01:00")).toEqual([
      "digest 2017-W52",
      "digest 2017-W52",
    ]);
    expect(await runAt(app, "2017-12-31T09:00:00+01:00")).toEqual([
      "Grannkommun Socialtjänst 2017-10-01: 14 days left (14)",
      "Socialtjänst 2017-09-01: 14 days left (14)",
    ]);
    expect(await runAt(app, "2018-01-10T09:00:00+01:00")).toEqual([
      "digest 2018-W02",
      "digest 2018-W02",
    ]);
    expect(await runAt(app, "2018-01-11T09:00:00+01:00")).toEqual([
      "Grannkommun Socialtjänst 2017-10-01: 3 days left (3)",
      "Socialtjänst 2017-09-01: 3 days left (3)",
    ]);
    expect(await runAt(app, "2018-01-14T18:00:00+01:00")).toEqual([]);
    expect(await runAt(app, "2018-01-15T08:00:00+01:00")).toEqual([
      "Grannkommun Socialtjänst 2017-10-01: passed",
      "Socialtjänst 2017-09-01: passed",
      "digest 2018-W03",
      "digest 2018-W03",
    ]);
    expect(await runAt(app, "2018-01-15T08:05:00+01:00")).toEqual([]);

    // Each one recorded once, with its event, and delivered once.
    const events = await reminderEventsByPayload();
    expect(events).toHaveLength(22);
    expect(duplicates(events)).toEqual([]);
    await app.close();
    expect(heard).toHaveLength(22);
    expect(duplicates(heard.map((e) => e.eventId))).toEqual([]);
  });

  it("records nothing twice when a run stops in the middle and the server starts again", async () => {
    heard.length = 0;
    const before = await reminderEventsByPayload();
    // A run in Q2 2017's last days: the 3-day reminder and the week's digests are due at once.
    const stopAtSecond = async (_: Reminder, n: number) => {
      if (n === 2) throw new Error("the process stopped");
    };
    const first = await startServer(handle, stopAtSecond);
    await expect(runAt(first, "2017-07-11T09:00:00+02:00")).rejects.toThrow("the process stopped");
    // The run's transaction rolled back: neither reminder nor event is left.
    expect(await reminderEventsByPayload()).toEqual(before);
    await first.close();

    const second = await startServer(handle);
    expect(await runAt(second, "2017-07-11T09:00:00+02:00")).toEqual([
      "Grannkommun Socialtjänst 2017-04-01: 3 days left (3)",
      "digest 2017-W28",
      "digest 2017-W28",
    ]);
    expect(await runAt(second, "2017-07-11T09:30:00+02:00")).toEqual([]);
    await second.close();
    const after = await reminderEventsByPayload();
    expect(after).toHaveLength(before.length + 3);
    expect(duplicates(after)).toEqual([]);
    expect(heard).toHaveLength(3);
  });

  it("two servers on one database record and announce each reminder once", async () => {
    heard.length = 0;
    // On PostgreSQL each server has its own connection pool, as two processes would.
    const separate = process.env.DATABASE_URL
      ? await sameDatabaseAgain(handle)
      : { database: handle, close: async () => {} };
    const [a, b] = [await startServer(handle), await startServer(separate.database)];
    const before = await reminderEventsByPayload();
    now = new Date("2017-09-30T09:00:00+02:00");
    const runs = await Promise.all([
      a.scheduler.runNow(),
      b.scheduler.runNow(),
      a.scheduler.runNow(),
      b.scheduler.runNow(),
    ]);
    const recorded = runs.flatMap((run) => run.recorded.map(describeReminder)).sort();
    expect(recorded).toEqual([
      "Grannkommun Socialtjänst 2017-07-01: 14 days left (14)",
      "digest 2017-W39",
      "digest 2017-W39",
    ]);
    await a.close();
    await b.close();
    await separate.close();
    const after = await reminderEventsByPayload();
    expect(after).toHaveLength(before.length + 3);
    expect(duplicates(after)).toEqual([]);
    // Each process delivers what it recorded; on PGlite both servers share one process's outbox.
    const delivered = heard.map((e) => e.eventId);
    if (process.env.DATABASE_URL) expect(duplicates(delivered)).toEqual([]);
    expect(new Set(delivered).size).toBe(3);
    const { rows } = await sql<{
      runs: number;
    }>`select runs from scheduled_jobs where name = 'reminders'`.execute(db);
    expect(rows[0].runs).toBeGreaterThan(0);
  });
});

/** A second connection pool on the test's PostgreSQL database. */
async function sameDatabaseAgain(database: DatabaseHandle) {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(
    database.db,
  );
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${rows[0].name}`;
  const other = openDatabase({ databaseUrl: url.toString(), poolSize: 3 });
  return { database: other, close: () => other.close() };
}
