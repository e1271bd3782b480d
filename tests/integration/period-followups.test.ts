import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, DB } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import type { SessionUser } from "../../server/auth/sessions";
import { createAction, getAction, updateAction } from "../../server/domain/actions";
import {
  completePeriodReport,
  periodReportStatus,
  reportOnAction,
  saveFollowUp,
} from "../../server/domain/followups";
import { buildPeriodReport, type PeriodReport } from "../../server/domain/reports";
import { departmentStatus } from "../../server/reports/outline";
import { actorFor, DEMO_EMAILS, departmentIds, goalIds } from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";

/** The demo's periods end in 2020, so T3 2020 is the period being reported on "today". */
const TODAY = "2026-12-05";

let handle: DatabaseHandle;
let db: DB;
let organisationId: string;
let member: SessionUser;
let editor: SessionUser;
let admin: SessionUser;
let chief: SessionUser;
let departments: Record<string, string>;
let goals: string[];
const periods: Record<"T2" | "T3", string> = { T2: "", T3: "" };

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  organisationId = await seedDemo(db);
  member = await actorFor(db, DEMO_EMAILS.member);
  editor = await actorFor(db, DEMO_EMAILS.editor);
  admin = await actorFor(db, DEMO_EMAILS.admin);
  chief = await actorFor(db, DEMO_EMAILS.chief);
  departments = await departmentIds(db, organisationId);
  goals = await goalIds(db, organisationId);
  for (const [key, start] of [
    ["T2", "2020-05-01"],
    ["T3", "2020-09-01"],
  ] as const) {
    const row = await db
      .selectFrom("follow_up_periods")
      .select("id")
      .where("organisation_id", "=", organisationId)
      .where("start_date", "=", start)
      .executeTakeFirstOrThrow();
    periods[key] = row.id;
  }
});
afterAll(() => handle?.close());

const report = (period: "T2" | "T3") => buildPeriodReport(db, chief, periods[period], TODAY);
const rowOf = (r: PeriodReport, actionId: string) =>
  r.goals.flatMap((g) => g.actions).find((a) => a.id === actionId);

async function newAction(title: string, departmentName = "Socialtjänst", extra = {}) {
  return createAction(db, member, {
    title,
    goalId: goals[0],
    departmentId: departments[departmentName],
    startDate: "2020-05-01",
    dueDate: "2020-12-31",
    status: "in_progress",
    progress: 30,
    ...extra,
  });
}

describe("the demo data (T2 and T3 2020)", () => {
  it("shows each period's own status and progress", async () => {
    const [t2, t3] = await Promise.all([report("T2"), report("T3")]);
    const recorded = await db
      .selectFrom("follow_ups")
      .select(["action_id", "reported_status", "reported_progress"])
      .where("period_id", "=", periods.T2)
      .where("reported_status", "is not", null)
      .execute();
    expect(recorded.length).toBeGreaterThan(5);
    let differing = 0;
    for (const followUp of recorded) {
      const past = rowOf(t2, followUp.action_id);
      const now = rowOf(t3, followUp.action_id);
      if (!past || !now) continue;
      expect(past.progress).toBe(followUp.reported_progress);
      if (past.progress !== now.progress) differing++;
    }
    expect(differing).toBeGreaterThan(2);
  });

  it("marks a department's T2 2020 report done only when every action of it is assessed", async () => {
    const t2 = await report("T2");
    for (const department of t2.departments)
      if (department.completedAt) expect(department, department.name).toMatchObject({ missing: 0 });
    expect(t2.departments.some((d) => d.completedAt)).toBe(true);
  });
});

describe("a follow-up records the action as it was (domain)", () => {
  it("saving a follow-up records the action's status, progress and due date then", async () => {
    const action = await newAction("Uppföljning som minns läget");
    await saveFollowUp(db, editor, action.id, periods.T2, {
      assessment: "on_track",
      comment: "Arbetet går enligt plan.",
    });
    const row = await db
      .selectFrom("follow_ups")
      .select(["reported_status", "reported_progress", "reported_due_date"])
      .where("action_id", "=", action.id)
      .where("period_id", "=", periods.T2)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      reported_status: "in_progress",
      reported_progress: 30,
      reported_due_date: "2020-12-31",
    });
  });

  it("a past period's report keeps what was reported; the current period shows the action now", async () => {
    const action = await newAction("Åtgärd som blir klar efter rapporten");
    await saveFollowUp(db, editor, action.id, periods.T2, {
      assessment: "at_risk",
      comment: "Lite efter.",
    });
    const { version } = await getAction(db, member, action.id);
    await updateAction(db, member, action.id, {
      status: "done",
      progress: 100,
      dueDate: "2021-03-31",
      version,
    });
    expect(rowOf(await report("T2"), action.id)).toMatchObject({
      status: "in_progress",
      progress: 30,
      dueDate: "2020-12-31",
      assessment: "at_risk",
    });
    expect(rowOf(await report("T3"), action.id)).toMatchObject({
      status: "done",
      progress: 100,
      dueDate: "2021-03-31",
    });
  });

  it("a past period shows an action as overdue when its recorded due date had passed by the period's end", async () => {
    const action = await newAction("Försenad redan under perioden", "Socialtjänst", {
      dueDate: "2020-06-30",
    });
    await saveFollowUp(db, editor, action.id, periods.T2, {
      assessment: "off_track",
      comment: "Försenad.",
    });
    expect(rowOf(await report("T2"), action.id)).toMatchObject({
      status: "overdue",
      progress: 30,
    });
  });

  it("a past period shows no status or progress for an action nobody reported on then", async () => {
    const action = await newAction("Aldrig rapporterad");
    // It existed while T2 2020 was being reported.
    await sql`update actions set created_at = '2020-06-01T08:00:00Z' where id = ${action.id}`.execute(
      db,
    );
    const row = rowOf(await report("T2"), action.id);
    expect(row).toMatchObject({ status: null, progress: null, assessment: "not_assessed" });
    // Live, as it is today: its due date has passed.
    expect(rowOf(await report("T3"), action.id)).toMatchObject({
      status: "overdue",
      progress: 30,
    });
  });

  it("an action created after a past period's reporting closed is not part of that period", async () => {
    const action = await newAction("Tillkom långt senare");
    expect(rowOf(await report("T2"), action.id)).toBeUndefined();
    expect(rowOf(await report("T3"), action.id)).toBeDefined();
  });

  it("a report from Att göra records the status and progress it sets", async () => {
    const action = await newAction("Rapporteras från Att göra");
    await reportOnAction(db, editor, action.id, periods.T2, {
      version: action.version,
      status: "paused",
      progress: "45",
      assessment: "at_risk",
      comment: "Pausad i väntan på budget.",
    });
    expect(rowOf(await report("T2"), action.id)).toMatchObject({
      status: "paused",
      progress: 45,
    });
  });
});

describe("klarmarkering stays true (domain)", () => {
  /** Assesses every action Kultur och teknik reports on in T3 2020, then klarmarkerar it. */
  async function completeCulture() {
    const departmentId = departments["Kultur och teknik"];
    const todo = await buildPeriodReport(db, chief, periods.T3, TODAY);
    for (const action of todo.goals.flatMap((g) => g.actions))
      if (action.departmentName === "Kultur och teknik" && action.assessment === "not_assessed")
        await saveFollowUp(db, admin, action.id, periods.T3, {
          assessment: "on_track",
          comment: "Enligt plan.",
        });
    await completePeriodReport(db, admin, departmentId, periods.T3);
    expect((await periodReportStatus(db, chief, departmentId, periods.T3)).completedAt).not.toBe(
      null,
    );
    return departmentId;
  }

  async function reopenings(departmentId: string) {
    return db
      .selectFrom("audit_events")
      .select(["after"])
      .where("entity_type", "=", "period_report")
      .where("entity_id", "=", `${departmentId}:${periods.T3}`)
      .where("action", "=", "period-report.reopened")
      .execute();
  }

  it("a new action for a department that klarmarkerade the open period reopens its report, with a note", async () => {
    const departmentId = await completeCulture();
    const before = (await reopenings(departmentId)).length;
    const action = await newAction("Ny belysning i parken", "Kultur och teknik");
    const status = await periodReportStatus(db, chief, departmentId, periods.T3);
    expect(status).toMatchObject({ completedAt: null, missing: 1 });
    expect(status.reopened).toMatchObject({ actionId: action.id, actionTitle: action.title });
    const audits = await reopenings(departmentId);
    expect(audits.length).toBe(before + 1);
    const event = await db
      .selectFrom("domain_events")
      .select("payload")
      .where("type", "=", "period-report.changed")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ departmentId, periodId: periods.T3, completed: false });
    // The period report says so too.
    const department = (await report("T3")).departments.find((d) => d.id === departmentId);
    expect(department?.reopened).toMatchObject({ actionTitle: action.title });
    // As the page and the exports write it.
    expect(department && departmentStatus(department)).toMatch(
      /^Ej klarmarkerad\. Återöppnad \d{4}-\d{2}-\d{2}: ny åtgärd ”Ny belysning i parken” tillkom\.$/,
    );
  });

  it("an action moved to a department that klarmarkerade the open period reopens its report", async () => {
    const departmentId = await completeCulture();
    const action = await newAction("Flyttas till kultur och teknik", "Socialtjänst");
    await updateAction(db, member, action.id, { departmentId, version: action.version });
    const status = await periodReportStatus(db, chief, departmentId, periods.T3);
    expect(status.completedAt).toBe(null);
    expect(status.reopened).toMatchObject({ actionTitle: action.title });
  });

  it("klarmarkering again clears the note; a past period's klarmarkering stays", async () => {
    const departmentId = await completeCulture();
    expect((await periodReportStatus(db, chief, departmentId, periods.T3)).reopened).toBe(null);
    const t2Before = (await report("T2")).departments.find((d) => d.id === departmentId);
    await newAction("Tillkom efter T2", "Kultur och teknik");
    const t2After = (await report("T2")).departments.find((d) => d.id === departmentId);
    expect(t2After?.completedAt).toBe(t2Before?.completedAt);
  });
});
