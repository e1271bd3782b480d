import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db";
import type { ActionStatus, Assessment, Role } from "../../db/schema";
import { loadDashboard } from "../../server/domain/dashboard";
import { ensurePeriods } from "../../server/domain/periods";
import { createTestDatabase } from "../helpers/database";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * A small organisation whose numbers are worked out by hand: two goals, two departments,
 * "today" = 2018-06-01 (inside T2 2018), so due dates before that are overdue unless done.
 */
describe("the overview's aggregates", () => {
  let database: DatabaseHandle;
  let actor: { userId: string; organisationId: string; roles: Role[]; departmentIds: string[] };
  let ids: { goal1: string; goal2: string; social: string; school: string; t1: string; t2: string };
  const today = "2018-06-01";

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    const org = await db
      .insertInto("organisations")
      .values({ name: "Provkommun", slug: "prov" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const user = await db
      .insertInto("users")
      .values({ email: "chef@prov.test", name: "Chef", password_hash: "x" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("memberships")
      .values({ user_id: user.id, organisation_id: org.id, roles: ["chief"] })
      .execute();
    actor = { userId: user.id, organisationId: org.id, roles: ["chief"], departmentIds: [] };
    const [social, school] = await db
      .insertInto("departments")
      .values([
        { organisation_id: org.id, name: "Socialtjänst" },
        { organisation_id: org.id, name: "Skola" },
      ])
      .returning("id")
      .execute();
    const strategy = await db
      .insertInto("strategies")
      .values({
        organisation_id: org.id,
        name: "Provstrategi",
        valid_from: 2018,
        valid_to: 2018,
        is_active: true,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const [goal1, goal2] = await db
      .insertInto("goals")
      .values([
        { organisation_id: org.id, strategy_id: strategy.id, position: 1, title: "Förebygga" },
        { organisation_id: org.id, strategy_id: strategy.id, position: 2, title: "Upptäcka" },
      ])
      .returning("id")
      .execute();
    await ensurePeriods(db, org.id, [2018], "tertial");
    const periods = await db
      .selectFrom("follow_up_periods")
      .select("id")
      .where("organisation_id", "=", org.id)
      .orderBy("start_date")
      .execute();
    ids = {
      goal1: goal1.id,
      goal2: goal2.id,
      social: social.id,
      school: school.id,
      t1: periods[0].id,
      t2: periods[1].id,
    };

    const action = async (
      goal: string,
      department: string,
      status: ActionStatus,
      due: string | null,
      assessments: [string, Assessment][] = [],
    ) => {
      const row = await db
        .insertInto("actions")
        .values({
          organisation_id: org.id,
          goal_id: goal,
          department_id: department,
          title: `${status} ${due}`,
          status,
          due_date: due,
          start_date: "2018-01-01",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const [period, assessment] of assessments) {
        await db
          .insertInto("follow_ups")
          .values({
            organisation_id: org.id,
            action_id: row.id,
            period_id: period,
            assessment,
            comment: "k",
          })
          .execute();
      }
    };
    // Goal 1: social has 3 (one overdue, one done, one in progress on track), school 1 cancelled.
    await action(goal1.id, social.id, "in_progress", "2018-03-31", [
      [ids.t1, "on_track"],
      [ids.t2, "off_track"],
    ]); // overdue
    await action(goal1.id, social.id, "done", "2018-02-28", [[ids.t2, "on_track"]]); // done, never overdue
    await action(goal1.id, social.id, "in_progress", "2018-12-31", [[ids.t2, "at_risk"]]);
    await action(goal1.id, school.id, "cancelled", "2018-01-31"); // cancelled, never overdue
    // Goal 2: school has 2 without assessments this period.
    await action(goal2.id, school.id, "not_started", null, [[ids.t1, "at_risk"]]);
    await action(goal2.id, school.id, "paused", "2018-12-31");
    // Socialtjänst marked its T2 report done.
    await db
      .insertInto("period_reports")
      .values({
        organisation_id: org.id,
        department_id: social.id,
        period_id: ids.t2,
        completed_at: "2018-09-10T10:00:00Z",
        completed_by: user.id,
      })
      .execute();
  });
  afterAll(() => database?.close());

  it("counts actions per goal by status, with Försenad derived from the due date", async () => {
    const dashboard = await loadDashboard(database.db, actor, { periodId: ids.t2 }, today);
    const [goal1, goal2] = dashboard.goals;
    expect(goal1.statusCounts).toEqual({
      not_started: 0,
      in_progress: 1,
      overdue: 1,
      done: 1,
      paused: 0,
      cancelled: 1,
    });
    expect(goal1.total).toBe(4);
    expect(goal1.overdue).toBe(1);
    // Share done leaves cancelled actions out: 1 of 3.
    expect(goal1.doneShare).toBeCloseTo(1 / 3);
    expect(goal2.statusCounts).toEqual({
      not_started: 1,
      in_progress: 0,
      overdue: 0,
      done: 0,
      paused: 1,
      cancelled: 0,
    });
  });

  it("rolls this period's assessments up by the rule (server/domain/rollup.ts), with coverage", async () => {
    const [goal1, goal2] = (await loadDashboard(database.db, actor, { periodId: ids.t2 }, today))
      .goals;
    // The cancelled action is not counted.
    expect(goal1.assessmentCounts).toEqual({
      on_track: 1,
      at_risk: 1,
      off_track: 1,
      not_assessed: 0,
    });
    expect(goal1.rollUp).toEqual({
      result: "off_track",
      counted: 3,
      assessed: 3,
      overdue: 1,
      threshold: 50,
    });
    expect(goal2.assessmentCounts).toEqual({
      on_track: 0,
      at_risk: 0,
      off_track: 0,
      not_assessed: 2,
    });
    expect(goal2.rollUp).toMatchObject({ result: "not_assessed", counted: 2, assessed: 0 });
    // In T1 goal 2's only assessment was "at risk", but the paused action was not assessed:
    // 1 of 2 is not more than half.
    const t1 = await loadDashboard(database.db, actor, { periodId: ids.t1 }, today);
    expect(t1.goals[1].rollUp).toMatchObject({ result: "insufficient", counted: 2, assessed: 1 });
  });

  it("shows per department what it owns, what is overdue and whether it reported", async () => {
    const { departments } = await loadDashboard(database.db, actor, { periodId: ids.t2 }, today);
    const social = departments.find((d) => d.id === ids.social)!;
    const school = departments.find((d) => d.id === ids.school)!;
    expect(social).toMatchObject({
      owned: 3,
      overdue: 1,
      missing: 0,
      completedAt: "2018-09-10T10:00:00.000Z",
      completedByName: "Chef",
    });
    expect(school).toMatchObject({ owned: 3, overdue: 0, missing: 2, completedAt: null });
  });

  it("gives the trend per goal and period, and narrows by department and goal", async () => {
    const dashboard = await loadDashboard(database.db, actor, { periodId: ids.t2 }, today);
    const point = (period: string, goal: string) =>
      dashboard.trend.find((p) => p.periodId === period && p.goalId === goal)?.counts;
    expect(point(ids.t1, ids.goal1)).toEqual({
      on_track: 1,
      at_risk: 0,
      off_track: 0,
      not_assessed: 0,
    });
    expect(point(ids.t2, ids.goal1)).toEqual({
      on_track: 1,
      at_risk: 1,
      off_track: 1,
      not_assessed: 0,
    });
    expect(point(ids.t1, ids.goal2)).toEqual({
      on_track: 0,
      at_risk: 1,
      off_track: 0,
      not_assessed: 0,
    });

    // The counts follow an action that moves to another goal, and a changed assessment.
    const moved = await database.db
      .selectFrom("actions")
      .select("id")
      .where("goal_id", "=", ids.goal2)
      .where("status", "=", "not_started")
      .executeTakeFirstOrThrow();
    await database.db
      .updateTable("actions")
      .set({ goal_id: ids.goal1 })
      .where("id", "=", moved.id)
      .execute();
    await database.db
      .updateTable("follow_ups")
      .set({ assessment: "on_track" })
      .where("action_id", "=", moved.id)
      .execute();
    const after = await loadDashboard(database.db, actor, { periodId: ids.t2 }, today);
    const pointAfter = (period: string, goal: string) =>
      after.trend.find((p) => p.periodId === period && p.goalId === goal)?.counts;
    expect(pointAfter(ids.t1, ids.goal1)).toEqual({
      on_track: 2,
      at_risk: 0,
      off_track: 0,
      not_assessed: 0,
    });
    expect(pointAfter(ids.t1, ids.goal2)).toBeUndefined();
    await database.db
      .updateTable("actions")
      .set({ goal_id: ids.goal2 })
      .where("id", "=", moved.id)
      .execute();
    await database.db
      .updateTable("follow_ups")
      .set({ assessment: "at_risk" })
      .where("action_id", "=", moved.id)
      .execute();

    const schoolOnly = await loadDashboard(
      database.db,
      actor,
      { periodId: ids.t2, departmentId: ids.school },
      today,
    );
    expect(schoolOnly.goals[0].total).toBe(1);
    expect(schoolOnly.departments.map((d) => d.id)).toEqual([ids.school]);
    const goal2Only = await loadDashboard(
      database.db,
      actor,
      { periodId: ids.t2, goalId: ids.goal2 },
      today,
    );
    expect(goal2Only.goals.map((g) => g.id)).toEqual([ids.goal2]);
    expect(goal2Only.goalOptions).toHaveLength(2);
  });
});

describe("the overview page", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("answers an unknown period or goal in the URL with 404, a malformed one with 400", async () => {
    const chief = new HttpClient(server.url);
    await chief.logIn("kommunchef@kommun.test");
    expect((await chief.get("/")).status).toBe(200);
    expect((await chief.get("/?periodId=00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await chief.get("/?goalId=00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await chief.get("/?periodId=inte-ett-id")).status).toBe(400);
  });

  it("is open to every role, observers included", async () => {
    const observer = new HttpClient(server.url);
    await observer.logIn("observator@kommun.test");
    const page = await observer.get("/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Målsättningar");
  });
});
