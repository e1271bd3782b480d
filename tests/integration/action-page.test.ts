import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import type { DomainEvent } from "../../server/bus";
import { actionsToReport } from "../../server/domain/followups";
import {
  callApi,
  DEMO_EMAILS,
  departmentIds,
  type OtherOrganisation,
  periodIds,
  seedOtherOrganisation,
} from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let db: DB;
let departments: Record<string, string>;
let periods: Record<string, string>;
let other: OtherOrganisation;
const events: DomainEvent[] = [];

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  departments = await departmentIds(db, server.organisationId);
  periods = await periodIds(db, server.organisationId);
  other = await seedOtherOrganisation(db);
  server.bus.subscribe((event) => events.push(event));
});
afterAll(() => server?.close());

async function clientFor(email: string) {
  const client = new HttpClient(server.url);
  await client.logIn(email);
  return client;
}

/** A demo action by its title, as stored now. */
async function actionTitled(title: string) {
  return db
    .selectFrom("actions")
    .selectAll()
    .where("title", "=", title)
    .where("organisation_id", "=", server.organisationId)
    .executeTakeFirstOrThrow();
}

/** Every field of the member's edit form, as a browser sends it (with what it showed as `base`). */
function fullForm(action: Awaited<ReturnType<typeof actionTitled>>, changes = {}) {
  const shown = {
    title: action.title,
    description: action.description,
    goalId: action.goal_id,
    departmentId: action.department_id,
    involvedDepartmentIds: [] as string[],
    ownerId: action.owner_id ?? "",
    startDate: action.start_date ?? "",
    dueDate: action.due_date ?? "",
    status: action.status,
    progress: String(action.progress),
  };
  return {
    intent: "save",
    version: String(action.version),
    base: JSON.stringify(shown),
    ...shown,
    ...changes,
  };
}

const SOCIAL = "Stödsamtal med biståndsbeslut för män som utövar våld";
const SMADIT = "Modell liknande SMADIT för att nå våldsutövare i ett mottagligt skede";

describe("the action page", () => {
  it("shows the action with its follow-ups, comments and history", async () => {
    const member = await clientFor(DEMO_EMAILS.member);
    const action = await actionTitled(SOCIAL);
    const response = await member.get(`/atgarder/${action.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`<h1>${SOCIAL}</h1>`);
    expect(html).toContain("Mål 1 – ");
    expect(html).toContain("Uppföljning per period");
    expect(html).toContain("Tolv män har påbörjat stödsamtal.");
    expect(html).toContain("Historik");
    expect(html).toContain('name="version"');
  });

  it("shows no edit form to the chief, and the observer no action at all", async () => {
    const action = await actionTitled(SOCIAL);
    const chief = await (await clientFor(DEMO_EMAILS.chief)).get(`/atgarder/${action.id}`);
    const chiefHtml = await chief.text();
    expect(chiefHtml).not.toContain('name="version"');
    expect(chiefHtml).toContain('name="body"');
    const observer = await (await clientFor(DEMO_EMAILS.observer)).get(`/atgarder/${action.id}`);
    expect(observer.status).toBe(403);
    expect(await observer.text()).not.toContain('name="body"');
  });

  it("gives an editor of the department only status and progress", async () => {
    const action = await actionTitled(SOCIAL);
    const editor = await clientFor(DEMO_EMAILS.editor);
    const html = await (await editor.get(`/atgarder/${action.id}`)).text();
    expect(html).toContain('name="status"');
    expect(html).not.toContain('name="title"');
    const saved = await editor.postForm(`/atgarder/${action.id}`, {
      intent: "save",
      version: String(action.version),
      status: "in_progress",
      progress: "65",
    });
    expect(saved.status).toBe(303);
    expect((await actionTitled(SOCIAL)).progress).toBe(65);
    expect(events.at(-1)).toMatchObject({
      type: "action.changed",
      actionId: action.id,
      change: "updated",
    });
    // More than status and progress is refused.
    const refused = await editor.postForm(
      `/atgarder/${action.id}`,
      fullForm(await actionTitled(SOCIAL), { title: "Ny titel" }),
    );
    expect(refused.status).toBe(403);
  });

  it("refuses an editor of another department with 403", async () => {
    const action = await actionTitled(SOCIAL);
    const school = await clientFor(DEMO_EMAILS.schoolEditor);
    const save = await school.postForm(`/atgarder/${action.id}`, {
      intent: "save",
      version: String(action.version),
      status: "done",
      progress: "100",
    });
    expect(save.status).toBe(403);
    const followUp = await school.postForm(`/atgarder/${action.id}`, {
      intent: `followup:${periods["T3 2020"]}`,
      assessment: "on_track",
      comment: "Försök",
    });
    expect(followUp.status).toBe(403);
    expect((await actionTitled(SOCIAL)).version).toBe(action.version);
  });

  it("answers 404 for another organisation's action and for unknown ids", async () => {
    const member = await clientFor(DEMO_EMAILS.member);
    expect((await member.get(`/atgarder/${other.actionId}`)).status).toBe(404);
    expect((await member.get("/atgarder/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await member.get("/atgarder/inte-ett-id")).status).toBe(404);
    const post = await member.postForm(`/atgarder/${other.actionId}`, {
      intent: "comment",
      body: "Hej",
    });
    expect(post.status).toBe(404);
  });

  it("refuses a stale version with 409, names who changed what, and keeps the input", async () => {
    const before = await actionTitled(SMADIT);
    const editor = await clientFor(DEMO_EMAILS.editor);
    const first = await editor.postForm(`/atgarder/${before.id}`, {
      intent: "save",
      version: String(before.version),
      status: "paused",
      progress: "70",
    });
    expect(first.status).toBe(303);
    const member = await clientFor(DEMO_EMAILS.member);
    const stale = await member.postForm(
      `/atgarder/${before.id}`,
      fullForm(before, {
        title: "SMADIT-modellen – ny titel",
        description: "Min text som inte får försvinna",
      }),
    );
    expect(stale.status).toBe(409);
    const html = await stale.text();
    expect(html).toMatch(
      /Karin Nilsson ändrade status och genomfört \(%\) \d{4}-\d{2}-\d{2} \d{2}:\d{2}\. Dina ändringar finns kvar nedan – kontrollera och spara igen\./,
    );
    expect(html).toContain('value="SMADIT-modellen – ny titel"');
    expect(html).toContain("Min text som inte får försvinna</textarea>");
    // What the member left alone shows what Karin saved, so saving again keeps her change.
    expect(html).toMatch(/<option value="paused" selected="">/);
    expect(html).toMatch(/name="progress"[^>]*value="70"/);
    const current = await actionTitled(SMADIT);
    expect(current.title).toBe(SMADIT);
    // The form now carries the current version, so saving again works.
    expect(html).toContain(`name="version" value="${current.version}"`);
    const again = await member.postForm(
      `/atgarder/${before.id}`,
      fullForm(current, { title: "SMADIT-modellen – ny titel" }),
    );
    expect(again.status).toBe(303);
    expect((await actionTitled("SMADIT-modellen – ny titel")).version).toBe(current.version + 1);
  });

  it("requires a comment with a follow-up, in Swedish", async () => {
    const action = await actionTitled("Gemensam rutin skola–socialtjänst vid oro för barn");
    const school = await clientFor(DEMO_EMAILS.schoolEditor);
    const response = await school.postForm(`/atgarder/${action.id}`, {
      intent: `followup:${periods["T3 2020"]}`,
      assessment: "at_risk",
      comment: "  ",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Skriv en kommentar till bedömningen.");
    const saved = await school.postForm(`/atgarder/${action.id}`, {
      intent: `followup:${periods["T3 2020"]}`,
      assessment: "at_risk",
      comment: "Förskolorna behöver mer tid.",
    });
    expect(saved.status).toBe(303);
    expect(events.at(-1)).toMatchObject({ actionId: action.id, change: "followup" });
    const html = await (await school.get(`/atgarder/${action.id}`)).text();
    expect(html).toContain("Förskolorna behöver mer tid.");
    expect(html).toContain("Erik Holm sparade uppföljningen för T3 2020");
  });

  it("adds comments for everyone but observers", async () => {
    const action = await actionTitled(SOCIAL);
    const chief = await clientFor(DEMO_EMAILS.chief);
    const added = await chief.postForm(`/atgarder/${action.id}`, {
      intent: "comment",
      body: "Bra jobbat!",
    });
    expect(added.status).toBe(303);
    expect(await (await chief.get(`/atgarder/${action.id}`)).text()).toContain("Bra jobbat!");
    const observer = await clientFor(DEMO_EMAILS.observer);
    const refused = await observer.postForm(`/atgarder/${action.id}`, {
      intent: "comment",
      body: "Hej",
    });
    expect(refused.status).toBe(403);
  });
});

describe("Att göra", () => {
  it("lists the department's actions for the current period with its deadline", async () => {
    const school = await clientFor(DEMO_EMAILS.schoolEditor);
    const html = await (await school.get("/att-gora")).text();
    expect(html).toContain("Barn och utbildning");
    expect(html).toContain("T3 2020");
    expect(html).toContain("Rapportera senast 14 januari 2021.");
    expect(html).toContain("Gemensam rutin skola–socialtjänst vid oro för barn");
    expect(html).not.toContain(SOCIAL);
  });

  it("explains itself to someone without departments", async () => {
    const chief = await clientFor(DEMO_EMAILS.chief);
    const response = await chief.get("/att-gora");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Du hör inte till någon förvaltning");
  });

  it("refuses klarmarkera until every action is assessed, then allows it, then reopens", async () => {
    const departmentId = departments.Socialtjänst;
    const periodId = periods["T3 2020"];
    const period = await db
      .selectFrom("follow_up_periods")
      .selectAll()
      .where("id", "=", periodId)
      .executeTakeFirstOrThrow();
    const editor = await clientFor(DEMO_EMAILS.editor);
    const complete = { intent: `complete:${departmentId}`, periodId };

    const refused = await editor.postForm("/att-gora", complete);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(
      "Alla åtgärder måste ha en bedömning för perioden innan rapporten kan klarmarkeras.",
    );
    const page = await (await editor.get("/att-gora")).text();
    expect(page).toMatch(/\d+ åtgärder? saknar bedömning\./);
    expect(page).toMatch(/<button[^>]*disabled[^>]*>Klarmarkera rapporten för T3 2020/);

    const toReport = await actionsToReport(db, server.organisationId, departmentId, period)
      .select(["actions.id", "actions.status", "actions.progress", "actions.version"])
      .execute();
    // One of them also moves forward: status and follow-up in one save. An ongoing one, as
    // progress on an action not started would be asked about first.
    const forward = toReport.find((action) => action.status === "in_progress");
    if (!forward) throw new Error("Socialtjänst has no ongoing action");
    for (const action of toReport) {
      const response = await editor.postForm("/att-gora", {
        intent: `report:${action.id}`,
        periodId,
        version: String(action.version),
        status: action.status,
        progress: String(action === forward ? Math.min(99, action.progress + 5) : action.progress),
        assessment: "on_track",
        comment: "Enligt plan under tertialen.",
      });
      expect(response.status).toBe(303);
    }
    const moved = await db
      .selectFrom("actions")
      .select(["progress", "version"])
      .where("id", "=", forward.id)
      .executeTakeFirstOrThrow();
    expect(moved.version).toBe(forward.version + 1);

    const completed = await editor.postForm("/att-gora", complete);
    expect(completed.status).toBe(303);
    expect(events.at(-1)).toMatchObject({
      type: "period-report.changed",
      departmentId,
      periodId,
      completed: true,
    });
    const done = await (await editor.get("/att-gora")).text();
    expect(done).toMatch(/Klarmarkerad \d{4}-\d{2}-\d{2} av Karin Nilsson/);
    expect(done).toContain("Öppna rapporten igen");

    const reopened = await editor.postForm("/att-gora", {
      intent: `reopen:${departmentId}`,
      periodId,
    });
    expect(reopened.status).toBe(303);
    expect(events.at(-1)).toMatchObject({ type: "period-report.changed", completed: false });
    const report = await db
      .selectFrom("period_reports")
      .select("completed_at")
      .where("department_id", "=", departmentId)
      .where("period_id", "=", periodId)
      .executeTakeFirst();
    expect(report).toBeUndefined();
  });

  it("keeps a report save all-or-nothing and names the stale version", async () => {
    const action = await actionTitled("Rutin för att fråga om våld i elevhälsan");
    const school = await clientFor(DEMO_EMAILS.schoolEditor);
    const periodId = periods["T3 2020"];
    // No comment: neither the new progress nor the assessment is saved.
    const invalid = await school.postForm("/att-gora", {
      intent: `report:${action.id}`,
      periodId,
      version: String(action.version),
      status: action.status,
      progress: "90",
      assessment: "on_track",
      comment: "",
    });
    expect(invalid.status).toBe(400);
    expect((await actionTitled(action.title)).progress).toBe(action.progress);
    // A stale version: 409 with the typed comment kept.
    const stale = await school.postForm("/att-gora", {
      intent: `report:${action.id}`,
      periodId,
      version: String(action.version - 1 || 99),
      status: action.status,
      progress: "91",
      assessment: "at_risk",
      comment: "Kommentaren finns kvar",
    });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("Kommentaren finns kvar</textarea>");
  });

  it("refuses another department's editor", async () => {
    const action = await actionTitled(SOCIAL);
    const school = await clientFor(DEMO_EMAILS.schoolEditor);
    const response = await school.postForm("/att-gora", {
      intent: `report:${action.id}`,
      periodId: periods["T3 2020"],
      version: String(action.version),
      status: action.status,
      progress: String(action.progress),
      assessment: "on_track",
      comment: "Inte min förvaltning",
    });
    expect(response.status).toBe(403);
    const complete = await school.postForm("/att-gora", {
      intent: `complete:${departments.Socialtjänst}`,
      periodId: periods["T3 2020"],
    });
    expect(complete.status).toBe(403);
  });
});

describe("API keys in the settings", () => {
  it("creates a token shown once, lists it and revokes it", async () => {
    const member = await clientFor(DEMO_EMAILS.member);
    const created = await member.postForm("/installningar/api-nycklar", {
      intent: "create",
      name: "Rapportskript",
    });
    expect(created.status).toBe(200);
    const html = await created.text();
    expect(html).toContain("Den visas bara den här gången.");
    const token = /value="(svk_[A-Za-z0-9_-]+)"/.exec(html)?.[1];
    expect(token).toBeDefined();
    expect((await callApi(server.url, token ?? "", "GET", "/actions")).status).toBe(200);

    const list = await (await member.get("/installningar/api-nycklar")).text();
    expect(list).toContain("<td>Rapportskript</td>");
    expect(list).not.toContain(token);
    const row = await db
      .selectFrom("api_tokens")
      .select("id")
      .where("name", "=", "Rapportskript")
      .executeTakeFirstOrThrow();
    const confirm = await (
      await member.get(`/installningar/api-nycklar?aterkalla=${row.id}`)
    ).text();
    expect(confirm).toContain("Återkalla nyckeln ”Rapportskript”?");

    // Someone else cannot revoke it.
    const chief = await clientFor(DEMO_EMAILS.chief);
    const foreign = await chief.postForm("/installningar/api-nycklar", {
      intent: "revoke",
      tokenId: row.id,
    });
    expect(foreign.status).toBe(404);

    const revoked = await member.postForm("/installningar/api-nycklar", {
      intent: "revoke",
      tokenId: row.id,
    });
    expect(revoked.status).toBe(303);
    expect((await callApi(server.url, token ?? "", "GET", "/actions")).status).toBe(401);
    expect(await (await member.get("/installningar/api-nycklar")).text()).not.toContain(
      "Rapportskript",
    );
  });

  it("asks for a name", async () => {
    const member = await clientFor(DEMO_EMAILS.member);
    const response = await member.postForm("/installningar/api-nycklar", {
      intent: "create",
      name: "",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Fyll i fältet.");
  });
});
