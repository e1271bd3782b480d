import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, migrateToLatest } from "../../db";
import { migrations } from "../../db/migrations";
import { openTestDatabase } from "../helpers/database";

/**
 * Follow-ups saved before they recorded the action's status, progress and due date get them from
 * the audit history where it tells the action's state at that moment; otherwise none ("Ej
 * registrerat").
 */
describe("migration 0008: what past follow-ups recorded", () => {
  let handle: DatabaseHandle;
  const ids: Record<string, string> = {};

  async function insert(table: string, values: Record<string, unknown>): Promise<string> {
    const columns = Object.keys(values);
    const { rows } = await sql<{ id: string }>`insert into ${sql.table(table)} (${sql.join(
      columns.map((c) => sql.ref(c)),
    )}) values (${sql.join(columns.map((c) => values[c]))}) returning id`.execute(handle.db);
    return rows[0].id;
  }

  async function audit(action: string, entityId: string, at: string, after: object) {
    await insert("audit_events", {
      organisation_id: ids.org,
      action,
      entity_type: "action",
      entity_id: entityId,
      after: JSON.stringify(after),
      created_at: at,
    });
  }

  async function followUp(actionId: string, periodId: string, at: string) {
    return insert("follow_ups", {
      organisation_id: ids.org,
      action_id: actionId,
      period_id: periodId,
      assessment: "on_track",
      comment: "Enligt plan.",
      updated_at: at,
    });
  }

  beforeAll(async () => {
    handle = await openTestDatabase();
    const migrator = new Migrator({
      db: handle.db,
      provider: { getMigrations: async () => migrations },
    });
    const before = await migrator.migrateTo("0007_document_quarantine");
    expect(before.error).toBeUndefined();

    ids.org = await insert("organisations", { name: "Testkommun", slug: "testkommun" });
    ids.department = await insert("departments", {
      organisation_id: ids.org,
      name: "Socialtjänst",
    });
    ids.strategy = await insert("strategies", {
      organisation_id: ids.org,
      name: "Strategi",
      valid_from: 2020,
      valid_to: 2021,
    });
    ids.goal = await insert("goals", {
      organisation_id: ids.org,
      strategy_id: ids.strategy,
      position: 1,
      title: "Mål",
    });
    for (const [name, start, end] of [
      ["2018 T3", "2018-09-01", "2018-12-31"],
      ["2020 T1", "2020-01-01", "2020-04-30"],
      ["2020 T2", "2020-05-01", "2020-08-31"],
      ["2020 T3", "2020-09-01", "2020-12-31"],
    ]) {
      ids[name] = await insert("follow_up_periods", {
        organisation_id: ids.org,
        name,
        start_date: start,
        end_date: end,
        report_deadline: end,
      });
    }
    const action = (title: string) =>
      insert("actions", {
        organisation_id: ids.org,
        goal_id: ids.goal,
        department_id: ids.department,
        title,
        status: "done",
        progress: 100,
        due_date: "2021-03-31",
      });
    ids.audited = await action("Med full historik");
    ids.partial = await action("Med historik utan förfallodatum");
    ids.unaudited = await action("Utan historik");

    const state = (status: string, progress: number, dueDate: string | null, version: number) => ({
      title: "Med full historik",
      status,
      progress,
      dueDate,
      version,
    });
    await audit(
      "action.created",
      ids.audited,
      "2020-02-01T08:00:00Z",
      state("not_started", 0, "2020-12-31", 1),
    );
    await audit(
      "action.updated",
      ids.audited,
      "2020-06-15T08:00:00Z",
      state("in_progress", 40, "2020-12-31", 2),
    );
    // Entries that say nothing about the action's state do not hide the state before them.
    await audit("comment.added", ids.audited, "2020-07-01T08:00:00Z", { body: "Bra jobbat." });
    await audit("action.updated", ids.audited, "2021-01-20T08:00:00Z", state("done", 100, null, 3));
    ids.beforeHistory = await followUp(ids.audited, ids["2018 T3"], "2019-01-10T12:00:00Z");
    ids.t1 = await followUp(ids.audited, ids["2020 T1"], "2020-05-10T12:00:00Z");
    ids.t2 = await followUp(ids.audited, ids["2020 T2"], "2020-09-10T12:00:00Z");
    ids.t3 = await followUp(ids.audited, ids["2020 T3"], "2021-01-25T12:00:00Z");

    // The old demo data wrote a creation entry with status and progress but no due date.
    await audit("action.created", ids.partial, "2018-09-01T08:00:00Z", {
      title: "Med historik utan förfallodatum",
      status: "in_progress",
      progress: 10,
      version: 1,
    });
    ids.partialFollowUp = await followUp(ids.partial, ids["2018 T3"], "2019-01-10T12:00:00Z");
    ids.unauditedFollowUp = await followUp(ids.unaudited, ids["2020 T3"], "2021-01-10T12:00:00Z");

    await migrateToLatest(handle.db);
  });
  afterAll(() => handle?.close());

  async function recorded(followUpId: string) {
    const { rows } = await sql<{
      reported_status: string | null;
      reported_progress: number | null;
      reported_due_date: string | null;
    }>`select reported_status, reported_progress, reported_due_date::text
       from follow_ups where id = ${followUpId}`.execute(handle.db);
    return rows[0];
  }

  it("takes the action's state from the last audited change before each follow-up", async () => {
    expect(await recorded(ids.t1)).toEqual({
      reported_status: "not_started",
      reported_progress: 0,
      reported_due_date: "2020-12-31",
    });
    expect(await recorded(ids.t2)).toEqual({
      reported_status: "in_progress",
      reported_progress: 40,
      reported_due_date: "2020-12-31",
    });
    expect(await recorded(ids.t3)).toEqual({
      reported_status: "done",
      reported_progress: 100,
      reported_due_date: null,
    });
  });

  it("leaves a follow-up unrecorded where the history cannot tell", async () => {
    const none = { reported_status: null, reported_progress: null, reported_due_date: null };
    // Before the first audited change, with an incomplete entry, and with no history at all.
    expect(await recorded(ids.beforeHistory)).toEqual(none);
    expect(await recorded(ids.partialFollowUp)).toEqual(none);
    expect(await recorded(ids.unauditedFollowUp)).toEqual(none);
  });
});
