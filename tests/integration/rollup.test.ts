import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../server/auth/sessions";
import { loadDashboard } from "../../server/domain/dashboard";
import { getPeriod, reportableActions, saveFollowUp } from "../../server/domain/followups";
import { buildPeriodReport } from "../../server/domain/reports";
import { actorFor, DEMO_EMAILS, goalIds, periodIds } from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

/** The demo data seen in 2026: 2020 T3 is the latest period and nobody has reported on it yet. */
const TODAY = "2026-12-05";

describe("honest roll-ups on the demo data", () => {
  let server: TestServer;
  let admin: SessionUser;
  let chief: SessionUser;
  let goals: string[];
  let periods: Record<string, string>;
  let asChief: HttpClient;
  let asAdmin: HttpClient;
  const db = () => server.database.db;

  /** The goal's actions to report on in the period (those its roll-up counts), by title. */
  async function toReport(goalId: string, periodName: string) {
    const period = await getPeriod(db(), admin, periods[periodName]);
    const rows = await reportableActions(db(), server.organisationId, period)
      .select("actions.id")
      .where("actions.goal_id", "=", goalId)
      .orderBy("actions.title")
      .execute();
    return rows.map((r) => r.id);
  }

  async function assess(actionIds: string[], periodId: string) {
    for (const id of actionIds)
      await saveFollowUp(db(), admin, id, periodId, {
        assessment: "on_track",
        comment: "Arbetet följer planen.",
      });
  }

  beforeAll(async () => {
    server = await startTestServer();
    admin = await actorFor(db(), DEMO_EMAILS.admin);
    chief = await actorFor(db(), DEMO_EMAILS.chief);
    goals = await goalIds(db(), server.organisationId);
    periods = await periodIds(db(), server.organisationId);
    // As the departments might report 2020 T3: every action of Mål 1 "Enligt plan" (all five
    // are long past their due dates), one of Mål 2's three, and Mål 4's only one (its other three
    // were done in 2018–2019: nobody reports on them in 2020, so they are not counted).
    await assess(await toReport(goals[0], "T3 2020"), periods["T3 2020"]);
    await assess((await toReport(goals[1], "T3 2020")).slice(0, 1), periods["T3 2020"]);
    await assess(await toReport(goals[3], "T3 2020"), periods["T3 2020"]);
    // As the T2 2020 report was seen: of Mål 2's three actions only one had been assessed
    // (Enligt plan); the demo data has all three, so the other two are taken out again.
    const t2 = await buildPeriodReport(db(), chief, periods["T2 2020"], TODAY);
    const unassessed = t2.goals[1].actions.filter((a) => a.assessment !== "on_track");
    expect(unassessed).toHaveLength(2);
    await db()
      .deleteFrom("follow_ups")
      .where("period_id", "=", periods["T2 2020"])
      .where(
        "action_id",
        "in",
        unassessed.map((a) => a.id),
      )
      .execute();
    asChief = new HttpClient(server.url);
    asAdmin = new HttpClient(server.url);
    await Promise.all([asChief.logIn(DEMO_EMAILS.chief), asAdmin.logIn(DEMO_EMAILS.admin)]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("Översikt: Mål 1 is not Enligt plan while five of its actions are overdue", async () => {
    const dashboard = await loadDashboard(db(), chief, {}, TODAY);
    expect(dashboard.period?.name).toBe("T3 2020");
    const goal1 = dashboard.goals[0];
    expect(goal1.overdue).toBe(5);
    expect(goal1.rollUp).toEqual({
      result: "at_risk",
      counted: 5,
      assessed: 5,
      overdue: 5,
      threshold: 50,
    });
  });

  it("Översikt: Mål 2 with 1 of 3 actions assessed is Underlag saknas", async () => {
    const goal2 = (await loadDashboard(db(), chief, {}, TODAY)).goals[1];
    expect(goal2.rollUp).toMatchObject({ result: "insufficient", counted: 3, assessed: 1 });
  });

  it("Översikt: Mål 4, its one action assessed Enligt plan but overdue, is Risk för avvikelse", async () => {
    const goal4 = (await loadDashboard(db(), chief, {}, TODAY)).goals[3];
    // The three actions done years ago are in the status bar, not in the period's roll-up.
    expect(goal4.statusCounts.done).toBe(3);
    expect(goal4.rollUp).toEqual({
      result: "at_risk",
      counted: 1,
      assessed: 1,
      overdue: 1,
      threshold: 50,
    });
  });

  it("the T2 2020 report: Mål 2 with one action assessed is not Enligt plan", async () => {
    const report = await buildPeriodReport(db(), chief, periods["T2 2020"], TODAY);
    const goal2 = report.goals[1];
    expect(goal2.actions.filter((a) => a.assessment !== "not_assessed")).toHaveLength(1);
    expect(goal2.rollUp).toEqual({
      result: "insufficient",
      counted: 3,
      assessed: 1,
      overdue: 0,
      threshold: 50,
    });
    // The report counts what it lists: the actions reported on in the period.
    expect(goal2.actions).toHaveLength(3);
  });

  it("shows the coverage and the rule in words on Översikt", async () => {
    const response = await asChief.get("/");
    expect(response.status).toBe(200);
    const text = textOf(await response.text());
    expect(text).toContain("? Underlag saknas 1 av 3 bedömda (1 enligt plan), 3 försenade.");
    expect(text).toContain("▲ Risk för avvikelse 5 av 5 bedömda (5 enligt plan), 5 försenade.");
    expect(text).toContain(
      "en försenad åtgärd räknas som minst Risk för avvikelse. Mer än 50 % av åtgärderna",
    );
  });

  it("shows the coverage and the rule in words on the report page and in its exports", async () => {
    const url = `/rapporter/${periods["T2 2020"]}`;
    const page = textOf(await (await asChief.get(url)).text());
    expect(page).toContain("Samlad bedömning: ? Underlag saknas 1 av 3 bedömda (1 enligt plan).");
    expect(page).toContain("en försenad åtgärd räknas som minst Risk för avvikelse");

    const docx = unzipSync(
      new Uint8Array(await (await asChief.get(`${url}?format=docx`)).arrayBuffer()),
    );
    const documentXml = strFromU8(docx["word/document.xml"]);
    expect(documentXml).toContain("Underlag saknas");
    expect(documentXml).toContain("1 av 3 bedömda (1 enligt plan).");

    const json = await (await asChief.get(`${url}?format=json`)).json();
    expect(json.goals[1].rollUp).toMatchObject({ result: "insufficient", assessed: 1 });

    const csv = await (await asChief.get(`${url}?format=csv`)).text();
    expect(csv).toContain("Underlag saknas");
  });

  it("lets an admin set the organisation's coverage threshold, and uses it", async () => {
    const page = await asAdmin.get("/admin/organisation");
    expect(page.status).toBe(200);
    const refused = await asAdmin.postForm("/admin/organisation", { rollUpThreshold: "100" });
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain("mellan 0 och 99");
    const saved = await asAdmin.postForm("/admin/organisation", { rollUpThreshold: "20" });
    expect(saved.status).toBe(303);
    // 1 of 3 (33 %) is now enough for Mål 2; its overdue actions keep it from Enligt plan.
    const goal2 = (await loadDashboard(db(), chief, {}, TODAY)).goals[1];
    expect(goal2.rollUp).toMatchObject({ result: "at_risk", assessed: 1, threshold: 20 });
    const audit = await db()
      .selectFrom("audit_events")
      .select(["action", "before", "after"])
      .where("action", "=", "organisation.rollup-threshold-changed")
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      before: { rollUpThreshold: 50 },
      after: { rollUpThreshold: 20 },
    });
    expect((await asChief.get("/admin/organisation")).status).toBe(403);
  });

  it("shows a report adopted before the coverage rule as adopted, saying which rule gave it", async () => {
    const report = await buildPeriodReport(db(), chief, periods["T2 2020"], TODAY);
    // What adoption stored before: each goal's result alone.
    const stored = {
      ...report,
      goals: report.goals.map((goal) => ({ ...goal, rollUp: "on_track" })),
    };
    const { id } = await db()
      .insertInto("report_adoptions")
      .values({
        organisation_id: server.organisationId,
        period_id: periods["T2 2020"],
        data: JSON.stringify(stored),
        adopted_by: chief.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const response = await asChief.get(`/rapporter/${periods["T2 2020"]}?fastställd=${id}`);
    expect(response.status).toBe(200);
    const text = textOf(await response.text());
    expect(text).toContain("Samlad bedömning: ● Enligt plan 1 av 3 bedömda (1 enligt plan).");
    expect(text).toContain("Fastställd med den tidigare regeln");
  });
});
