import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import type { SessionUser } from "../../server/auth/sessions";
import { createAction, getAction, updateAction } from "../../server/domain/actions";
import { BatchRefused, ConflictError, ValidationError } from "../../server/domain/errors";
import { actionsToReport, reportOnAction, reportOnActions } from "../../server/domain/followups";
import { ForbiddenError } from "../../server/domain/policy";
import { todoList } from "../../server/domain/todo";
import {
  actorFor,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  departmentIds,
  goalIds,
  periodIds,
} from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let db: DB;
let editor: SessionUser;
let member: SessionUser;
let periodId: string;
let departments: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  editor = await actorFor(db, DEMO_EMAILS.editor);
  member = await actorFor(db, DEMO_EMAILS.member);
  periodId = (await periodIds(db, server.organisationId))["T3 2020"];
  departments = await departmentIds(db, server.organisationId);
});
afterAll(() => server?.close());

/** Socialtjänst's actions to report in T3 2020, as the page lists them. */
async function socialItems() {
  const { reports } = await todoList(db, editor);
  const report = reports.find((r) => r.department.id === departments.Socialtjänst);
  if (!report) throw new Error("Socialtjänst has no report");
  return report;
}

/** A report of an action as it stands, with an assessment: what an untouched card would send. */
async function reportAsIs(actionId: string, changes: Record<string, unknown> = {}) {
  const action = await getAction(db, editor, actionId);
  return {
    version: String(action.version),
    status: action.status,
    progress: String(action.progress),
    assessment: "on_track",
    comment: "Enligt plan under tertialen.",
    ...changes,
  };
}

async function stored(actionId: string) {
  const action = await db
    .selectFrom("actions")
    .select(["status", "progress", "version", "due_date"])
    .where("id", "=", actionId)
    .executeTakeFirstOrThrow();
  const followUp = await db
    .selectFrom("follow_ups")
    .select(["assessment", "comment"])
    .where("action_id", "=", actionId)
    .where("period_id", "=", periodId)
    .executeTakeFirst();
  return { ...action, followUp };
}

async function countRows(table: "audit_events" | "domain_events") {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("Att göra: the page model", () => {
  it("keeps every action in its place after a save (by title, whatever was assessed)", async () => {
    const before = await socialItems();
    // Saving gives it an assessment: it must not move behind those that have one.
    const middle = before.items[Math.floor(before.items.length / 2)];
    await reportOnAction(db, editor, middle.id, periodId, await reportAsIs(middle.id));
    const after = await socialItems();
    expect(after.items.map((item) => item.id)).toEqual(before.items.map((item) => item.id));
  });

  it("names the actions still lacking an assessment, and each item's due date", async () => {
    const report = await socialItems();
    const unassessed = report.items.filter(
      (item) => item.assessment === null || item.assessment === "not_assessed",
    );
    expect(unassessed.length).toBeGreaterThan(0);
    expect(report.missing).toEqual(unassessed.map(({ id, title }) => ({ id, title })));
    expect(report.status.missing).toBe(report.missing.length);
    const stod = report.items.find((item) => item.title.startsWith("Stödsamtal"));
    expect(stod).toMatchObject({ dueDate: "2020-06-30", shownStatus: "overdue" });
  });

  it("lets the policy decide who may change a due date: members yes, department editors no", async () => {
    expect((await socialItems()).canEditDueDate).toBe(false);
    const { reports } = await todoList(db, member);
    expect(reports.every((r) => r.canEditDueDate)).toBe(true);
  });
});

describe("Att göra: a report changes the due date where the role may", () => {
  it("saves a member's new due date with the report, and refuses an editor's", async () => {
    const goalId = (await goalIds(db, server.organisationId))[0];
    const action = await createAction(db, member, {
      title: "Kartläggning av våld i nära relationer",
      goalId,
      departmentId: departments.Kommunledning,
      startDate: "2020-09-01",
      dueDate: "2020-12-31",
    });
    await reportOnAction(db, member, action.id, periodId, {
      ...(await reportAsIs(action.id)),
      dueDate: "2021-03-31",
    });
    expect((await stored(action.id)).due_date).toBe("2021-03-31");

    const social = (await socialItems()).items[0];
    await expect(
      reportOnAction(db, editor, social.id, periodId, {
        ...(await reportAsIs(social.id)),
        dueDate: "2030-01-01",
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await stored(social.id)).due_date).toBe(social.dueDate);
  });
});

describe("Att göra: an inconsistent status and progress is asked about, not refused", () => {
  it("asks before saving 'Ej påbörjad' with 50 %, and saves once confirmed", async () => {
    const [item] = (await socialItems()).items;
    const input = await reportAsIs(item.id, { status: "not_started", progress: "50" });
    const asked = await reportOnAction(db, editor, item.id, periodId, input).catch((e) => e);
    expect(asked).toBeInstanceOf(ValidationError);
    expect(asked.fields).toEqual({ confirmMismatch: "mismatch.notStartedWithProgress" });
    expect(await stored(item.id)).toMatchObject({ progress: item.progress, status: item.status });

    await reportOnAction(db, editor, item.id, periodId, { ...input, confirmMismatch: true });
    expect(await stored(item.id)).toMatchObject({ status: "not_started", progress: 50 });
  });

  it("does not ask again when status and progress were left as they were", async () => {
    const [item] = (await socialItems()).items;
    // The pair saved in the previous test is still inconsistent; a new comment alone is fine.
    await reportOnAction(
      db,
      editor,
      item.id,
      periodId,
      await reportAsIs(item.id, { comment: "Ny kommentar." }),
    );
    expect((await stored(item.id)).followUp?.comment).toBe("Ny kommentar.");
  });

  it("shows every error of a report at once, the question with them", async () => {
    const [, item] = (await socialItems()).items;
    const input = await reportAsIs(item.id, { status: "done", progress: "80", comment: " " });
    const refused = await reportOnAction(db, editor, item.id, periodId, input).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.fields).toEqual({
      comment: "validation.commentRequired",
      confirmMismatch: "mismatch.doneBelowFull",
    });
  });

  it("lets the action page ask through updateAction, and the API save with a warning", async () => {
    const [, item] = (await socialItems()).items;
    const current = await getAction(db, editor, item.id);
    const change = { version: current.version, status: "in_progress", progress: 100 };
    await expect(
      updateAction(db, editor, item.id, change, { onMismatch: "ask" }),
    ).rejects.toMatchObject({ fields: { confirmMismatch: "mismatch.fullNotDone" } });

    const token = await createTokenAs(server.url, DEMO_EMAILS.editor);
    const patched = await callApi(server.url, token, "PATCH", `/actions/${item.id}`, change);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: "in_progress", progress: 100 });
    expect(patched.body.warning).toEqual({
      code: "status-progress-mismatch",
      message: expect.stringContaining("100"),
    });
    const consistent = await callApi(server.url, token, "PATCH", `/actions/${item.id}`, {
      version: patched.body.version,
      status: "done",
    });
    expect(consistent.status).toBe(200);
    expect(consistent.body).not.toHaveProperty("warning");
  });
});

describe("Att göra: Spara alla ändrade", () => {
  it("saves several reports in one go", async () => {
    const { items } = await socialItems();
    const [a, b] = items.slice(-2);
    await reportOnActions(db, editor, periodId, [
      { actionId: a.id, input: await reportAsIs(a.id, { comment: "Första." }) },
      {
        actionId: b.id,
        input: await reportAsIs(b.id, { assessment: "at_risk", comment: "Andra." }),
      },
    ]);
    expect((await stored(a.id)).followUp).toEqual({ assessment: "on_track", comment: "Första." });
    expect((await stored(b.id)).followUp).toEqual({ assessment: "at_risk", comment: "Andra." });
  });

  it("saves nothing when one report is refused, and says which and why for each", async () => {
    const { items } = await socialItems();
    // c was changed by the tests above (to 50 %), so version 1 is stale.
    const [c, b, a] = items;
    expect(c.version).toBeGreaterThan(1);
    const before = await Promise.all([a, b, c].map((item) => stored(item.id)));
    const audits = await countRows("audit_events");
    const events = await countRows("domain_events");
    const refused = await reportOnActions(db, editor, periodId, [
      {
        actionId: a.id,
        input: await reportAsIs(a.id, { assessment: "off_track", comment: "Ok." }),
      },
      { actionId: b.id, input: await reportAsIs(b.id, { comment: "" }) },
      {
        actionId: c.id,
        input: await reportAsIs(c.id, {
          version: "1",
          progress: String(c.progress - 10),
          confirmMismatch: true,
        }),
      },
    ]).catch((e) => e);

    expect(refused).toBeInstanceOf(BatchRefused);
    expect([...refused.failures.keys()].sort()).toEqual([b.id, c.id].sort());
    expect(refused.failures.get(b.id)).toMatchObject({
      fields: { comment: "validation.commentRequired" },
    });
    expect(refused.failures.get(c.id)).toBeInstanceOf(ConflictError);
    expect(await Promise.all([a, b, c].map((item) => stored(item.id)))).toEqual(before);
    expect(await countRows("audit_events")).toBe(audits);
    expect(await countRows("domain_events")).toBe(events);
  });

  it("checks every report against the policy: another department's action refuses the lot", async () => {
    const school = await actorFor(db, DEMO_EMAILS.schoolEditor);
    const period = await db
      .selectFrom("follow_up_periods")
      .selectAll()
      .where("id", "=", periodId)
      .executeTakeFirstOrThrow();
    const [own] = await actionsToReport(
      db,
      server.organisationId,
      departments["Barn och utbildning"],
      period,
    )
      .select("actions.id")
      .execute();
    const [social] = (await socialItems()).items;
    const before = await stored(own.id);
    await expect(
      reportOnActions(db, school, periodId, [
        { actionId: own.id, input: await reportAsIs(own.id, { comment: "Min." }) },
        { actionId: social.id, input: await reportAsIs(social.id, { comment: "Inte min." }) },
      ]),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await stored(own.id)).toEqual(before);
  });
});

describe("Att göra and the action page over HTTP, as forms without a script send them", () => {
  async function clientFor(email: string) {
    const client = new HttpClient(server.url);
    await client.logIn(email);
    return client;
  }

  it("the action page asks about 'Genomförd' with 60 % and saves once the box is ticked", async () => {
    const [, item] = (await socialItems()).items;
    const client = await clientFor(DEMO_EMAILS.editor);
    const current = await getAction(db, editor, item.id);
    const form = {
      intent: "save",
      version: String(current.version),
      status: "done",
      progress: "60",
    };
    const asked = await client.postForm(`/atgarder/${item.id}`, form);
    expect(asked.status).toBe(400);
    const html = await asked.text();
    expect(html).toContain("Stämmer status och genomfört?");
    expect(html).toContain('name="confirmMismatch"');
    expect((await stored(item.id)).status).toBe(current.status);

    const confirmed = await client.postForm(`/atgarder/${item.id}`, {
      ...form,
      confirmMismatch: "1",
    });
    expect(confirmed.status).toBe(303);
    expect(await stored(item.id)).toMatchObject({ status: "done", progress: 60 });
  });

  it("saves every changed card sent as <id>.<field>, or none when one is refused", async () => {
    const { items } = await socialItems();
    const [a, b] = items;
    const client = await clientFor(DEMO_EMAILS.editor);
    const card = async (id: string, changes: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(await reportAsIs(id, changes)).map(([field, value]) => [
          `${id}.${field}`,
          String(value),
        ]),
      );
    const body = async (commentB: string) => ({
      intent: "reportAll",
      periodId,
      inPlace: "1",
      changed: [a.id, b.id],
      ...(await card(a.id, { comment: "Alla på en gång." })),
      ...(await card(b.id, { comment: commentB })),
    });
    const before = await stored(a.id);
    const refused = await client.postForm("/att-gora", await body(""));
    expect(refused.status).toBe(400);
    expect(await stored(a.id)).toEqual(before);

    const saved = await client.postForm("/att-gora", await body("Också."));
    expect(saved.status).toBe(200);
    expect((await stored(a.id)).followUp?.comment).toBe("Alla på en gång.");
    expect((await stored(b.id)).followUp?.comment).toBe("Också.");
  });
});
