import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "../../db";
import type { SessionUser } from "../../server/auth/sessions";
import { updateAction } from "../../server/domain/actions";
import {
  type ChangeItem,
  changesSince,
  recentChanges,
  recordOverviewVisit,
} from "../../server/domain/changes";
import { completePeriodReport, saveFollowUp } from "../../server/domain/followups";
import { currentPeriod, type PeriodView } from "../../server/domain/periods";
import { adoptPeriodReport } from "../../server/domain/reports";
import { actorFor, DEMO_EMAILS, departmentIds } from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const minutes = (n: number) => n * 60_000;
const later = (from: Date, n: number) => new Date(from.getTime() + minutes(n));

/** What a change says, in the shape the page renders it from (no ids or times). */
const said = (change: ChangeItem) => ({
  kind: change.kind,
  departmentName: change.departmentName,
  subject: change.subject?.title ?? null,
  periodName: change.periodName,
  fields: change.fields,
});

describe("what changed since the person last opened Översikt", () => {
  let server: TestServer;
  let db: Executor;
  let chief: SessionUser;
  let editor: SessionUser;
  let admin: SessionUser;
  let observer: SessionUser;
  let period: PeriodView;
  let action: { id: string; title: string; version: number };
  let departments: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    db = server.database.db;
    [chief, editor, admin, observer] = await Promise.all(
      [DEMO_EMAILS.chief, DEMO_EMAILS.editor, DEMO_EMAILS.admin, DEMO_EMAILS.observer].map(
        (email) => actorFor(db, email),
      ),
    );
    period = (await currentPeriod(db, chief))!;
    departments = await departmentIds(db, server.organisationId);
    action = await db
      .selectFrom("actions")
      .select(["id", "title", "version"])
      .where("department_id", "=", departments.Socialtjänst)
      .where("status", "=", "in_progress")
      .orderBy("title")
      .executeTakeFirstOrThrow();
  });
  afterAll(() => server?.close());

  it("lists another person's changes after the first visit with old → new, not those before it", async () => {
    // Before the chief has ever opened Översikt: a first assessment.
    await saveFollowUp(db, editor, action.id, period.id, {
      assessment: "on_track",
      comment: "Arbetet följer planen.",
    });
    const first = new Date();
    expect(await recordOverviewVisit(db, chief, first)).toBeNull();

    await saveFollowUp(db, editor, action.id, period.id, {
      assessment: "at_risk",
      comment: "Utbildningen har skjutits upp.",
    });
    await updateAction(db, editor, action.id, {
      version: action.version,
      status: "done",
      progress: 100,
    });
    await completePeriodReport(db, admin, departments.Kommunledning, period.id);
    await adoptPeriodReport(db, admin, period.id, {
      reason: "Kommunstyrelsen behöver rapporten nu.",
    });

    // Back after a break: everything since the first visit, newest first.
    const second = later(first, 45);
    const since = await recordOverviewVisit(db, chief, second);
    expect(since).toBe(first.toISOString());
    const changes = (await changesSince(db, chief, since!)).map(said);
    expect(changes).toEqual([
      {
        kind: "report.adopted",
        departmentName: null,
        subject: null,
        periodName: period.name,
        fields: [],
      },
      {
        kind: "period-report.completed",
        departmentName: "Kommunledning",
        subject: null,
        periodName: period.name,
        fields: [],
      },
      {
        kind: "action.updated",
        departmentName: "Socialtjänst",
        subject: action.title,
        periodName: null,
        fields: [
          { field: "status", from: "in_progress", to: "done" },
          { field: "progress", from: expect.any(Number), to: 100 },
        ],
      },
      {
        kind: "followup.saved",
        departmentName: "Socialtjänst",
        subject: action.title,
        periodName: period.name,
        fields: [{ field: "assessment", from: "on_track", to: "at_risk" }],
      },
    ]);
  });

  it("keeps the same starting point while the visit goes on, and starts afresh after a break", async () => {
    const now = new Date();
    const during = await recordOverviewVisit(db, chief, later(now, 50));
    expect(during).not.toBeNull();
    expect(await changesSince(db, chief, during!)).toHaveLength(4);
    const afterBreak = await recordOverviewVisit(db, chief, later(now, 200));
    expect(await changesSince(db, chief, afterBreak!)).toEqual([]);
  });

  it("leaves out the person's own changes", async () => {
    const own = await changesSince(db, editor, new Date(0).toISOString());
    // Only the demo data's creation of the action is someone else's.
    expect(own.filter((c) => c.subject?.id === action.id).map((c) => c.kind)).toEqual([
      "action.created",
    ]);
    expect(own.map((c) => c.kind)).toContain("period-report.completed");
  });

  it("shows observers klarmarkeringar and adoptions, never what happens to actions", async () => {
    const kinds = (await changesSince(db, observer, new Date(0).toISOString())).map((c) => c.kind);
    expect(new Set(kinds)).toEqual(new Set(["report.adopted", "period-report.completed"]));
  });

  it("says what changed in Senaste händelser, klarmarkeringar and adoptions included", async () => {
    const recent = (await recentChanges(db, chief)).map(said);
    expect(recent.slice(0, 4)).toEqual([
      expect.objectContaining({ kind: "report.adopted", periodName: period.name }),
      expect.objectContaining({ kind: "period-report.completed", departmentName: "Kommunledning" }),
      expect.objectContaining({
        kind: "action.updated",
        fields: expect.arrayContaining([{ field: "status", from: "in_progress", to: "done" }]),
      }),
      expect.objectContaining({
        kind: "followup.saved",
        fields: [{ field: "assessment", from: "on_track", to: "at_risk" }],
      }),
    ]);
  });

  it("tells several changes of one thing as one, oldest value → newest", async () => {
    const [, other] = await db
      .selectFrom("actions")
      .select(["id", "version"])
      .where("department_id", "=", departments.Socialtjänst)
      .where("status", "=", "in_progress")
      .orderBy("title")
      .limit(2)
      .execute();
    const since = new Date().toISOString();
    for (const assessment of ["on_track", "at_risk", "off_track"] as const)
      await saveFollowUp(db, editor, other.id, period.id, { assessment, comment: "Läget." });
    // Paused and resumed: no net change of status.
    await updateAction(db, editor, other.id, { version: other.version, status: "paused" });
    await updateAction(db, editor, other.id, { version: other.version + 1, status: "in_progress" });
    const changes = await changesSince(db, chief, since);
    expect(changes.map(said)).toEqual([
      expect.objectContaining({
        kind: "followup.saved",
        fields: [{ field: "assessment", from: "not_assessed", to: "off_track" }],
      }),
    ]);
  });

  it("shows the list on the page, worded old → new", async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.schoolEditor);
    const firstPage = textOf(await (await client.get("/")).text());
    expect(firstPage).toContain("Sedan ditt senaste besök");
    expect(firstPage).toContain("första gången");
    // An hour passes.
    await db
      .updateTable("overview_visits")
      .set({ seen_at: new Date(Date.now() - minutes(60)) })
      .execute();
    await saveFollowUp(db, editor, action.id, period.id, {
      assessment: "on_track",
      comment: "Åter enligt plan.",
    });
    const page = textOf(await (await client.get("/")).text());
    expect(page).toContain(`Socialtjänst bedömde ” ${action.title} ” för ${period.name}`);
    expect(page).toContain("Risk för avvikelse → Enligt plan");
  });
});
