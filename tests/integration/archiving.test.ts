import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import type { SessionUser } from "../../server/auth/sessions";
import { addComment } from "../../server/domain/comments";
import { loadDashboard } from "../../server/domain/dashboard";
import { requestReview, reviewsToDo } from "../../server/domain/document-reviews";
import { createDocument } from "../../server/domain/documents";
import { eventFromRow } from "../../server/domain/events";
import { saveFollowUp } from "../../server/domain/followups";
import { buildPeriodReport, getAdoptedReport } from "../../server/domain/reports";
import { todoList } from "../../server/domain/todo";
import { webhookEventOf } from "../../server/webhooks/events";
import {
  actorFor,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  type DemoUser,
  departmentIds,
  goalIds,
  type OtherOrganisation,
  periodIds,
  seedOtherOrganisation,
} from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let db: DB;
let other: OtherOrganisation;
let otherToken: string;
const tokens = {} as Record<DemoUser, string>;
const actors = {} as Record<DemoUser, SessionUser>;
let departments: Record<string, string>;
let goals: string[];
let periods: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  other = await seedOtherOrganisation(db);
  for (const [role, email] of Object.entries(DEMO_EMAILS)) {
    tokens[role as DemoUser] = await createTokenAs(server.url, email);
    actors[role as DemoUser] = await actorFor(db, email);
  }
  otherToken = await createTokenAs(server.url, other.email, other.password);
  departments = await departmentIds(db, server.organisationId);
  goals = await goalIds(db, server.organisationId);
  periods = await periodIds(db, server.organisationId);
});
afterAll(() => server?.close());

const api = (who: DemoUser | "other", method: string, path: string, body?: unknown) =>
  callApi(server.url, who === "other" ? otherToken : tokens[who], method, path, body);

/** A new action of Socialtjänst's (the department editor's), due long after today. */
async function newAction(title: string, goal = goals[0]) {
  const response = await api("member", "POST", "/actions", {
    title,
    goalId: goal,
    departmentId: departments.Socialtjänst,
    startDate: "2020-01-01",
    dueDate: "2030-12-31",
    status: "in_progress",
    progress: 10,
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; version: number };
}

const auditOf = (entityId: string) =>
  db
    .selectFrom("audit_events")
    .select("action")
    .where("entity_id", "=", entityId)
    .orderBy("created_at")
    .execute()
    .then((rows) => rows.map((r) => r.action));

describe("who may archive, restore and delete an action (API)", () => {
  it("those who may edit it archive and restore; others get 403, another organisation 404", async () => {
    const { id } = await newAction("Arkivprov behörighet");
    for (const who of ["editor", "chief", "observer"] as const)
      expect((await api(who, "POST", `/actions/${id}/archive`)).status).toBe(403);
    expect((await api("other", "POST", `/actions/${id}/archive`)).status).toBe(404);
    expect((await api("member", "GET", `/actions/${id}`)).body.archived).toBe(false);

    const archived = await api("member", "POST", `/actions/${id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ id, archived: true });
    // Again: nothing changes, nothing is audited twice.
    expect((await api("member", "POST", `/actions/${id}/archive`)).body.version).toBe(
      archived.body.version,
    );
    // Still readable by its link, but kept as it was until restored.
    expect((await api("chief", "GET", `/actions/${id}`)).body.archived).toBe(true);
    const edit = await api("member", "PATCH", `/actions/${id}`, {
      version: archived.body.version,
      progress: 50,
    });
    expect(edit.status).toBe(400);
    expect(edit.body.error.fields.form).toMatch(/archived/);

    expect((await api("other", "POST", `/actions/${id}/unarchive`)).status).toBe(404);
    const restored = await api("admin", "POST", `/actions/${id}/unarchive`);
    expect(restored.status).toBe(200);
    expect(restored.body.archived).toBe(false);
    expect(await auditOf(id)).toEqual(["action.created", "action.archived", "action.unarchived"]);
  });

  it("records action.changed for archive and restore, and webhooks hear of it", async () => {
    const { id } = await newAction("Arkivprov händelser");
    await api("member", "POST", `/actions/${id}/archive`);
    await api("member", "POST", `/actions/${id}/unarchive`);
    const rows = await db
      .selectFrom("domain_events")
      .selectAll()
      .where("type", "=", "action.changed")
      .where(sql<string>`payload->>'actionId'`, "=", id)
      .orderBy("id")
      .execute();
    const hooks = rows.map((row) => webhookEventOf(eventFromRow(row)));
    expect(hooks.map((hook) => hook?.data.change)).toEqual(["created", "archived", "unarchived"]);
    expect(hooks.every((hook) => hook?.kind === "action.changed")).toBe(true);
  });

  it("only admins delete, only an archived action; its own rows go, its audit rows stay", async () => {
    const { id } = await newAction("Arkivprov radera");
    await addComment(db, actors.member, id, { body: "En kommentar som raderas med åtgärden" });
    await saveFollowUp(db, actors.editor, id, periods["T2 2020"], {
      assessment: "on_track",
      comment: "Enligt plan",
    });
    const notArchived = await api("admin", "DELETE", `/actions/${id}`);
    expect(notArchived.status).toBe(409);
    expect(notArchived.body.error).toMatchObject({ code: "conflict" });
    expect(notArchived.body.error.fields.form).toMatch(/Archive it first/);

    await api("member", "POST", `/actions/${id}/archive`);
    for (const who of ["member", "editor", "chief", "observer"] as const)
      expect((await api(who, "DELETE", `/actions/${id}`)).status).toBe(403);
    expect((await api("other", "DELETE", `/actions/${id}`)).status).toBe(404);

    const deleted = await api("admin", "DELETE", `/actions/${id}`);
    expect(deleted.status).toBe(204);
    expect((await api("admin", "GET", `/actions/${id}`)).status).toBe(404);
    for (const table of ["action_comments", "follow_ups", "action_departments"] as const) {
      const left = await db.selectFrom(table).select("action_id").where("action_id", "=", id);
      expect(await left.execute()).toEqual([]);
    }
    expect(await auditOf(id)).toEqual([
      "action.created",
      "comment.added",
      "followup.saved",
      "action.archived",
      "action.deleted",
    ]);
  });
});

describe("archived actions leave the lists, Att göra, searches and exports unless asked for", () => {
  let ids: string[];
  beforeAll(async () => {
    ids = [];
    for (const n of [1, 2, 3]) ids.push((await newAction(`Listprov förvaring ${n}`)).id);
    await api("member", "POST", `/actions/${ids[1]}/archive`);
  });
  const titles = (body: { items: { title: string }[] }) => body.items.map((a) => a.title).sort();

  it("GET /actions: left out by default, only them with archived=true, both with all", async () => {
    const list = (query: string) => api("chief", "GET", `/actions?q=Listprov${query}`);
    expect(titles((await list("")).body)).toEqual(["Listprov förvaring 1", "Listprov förvaring 3"]);
    expect(titles((await list("&archived=true")).body)).toEqual(["Listprov förvaring 2"]);
    expect(titles((await list("&archived=all")).body)).toHaveLength(3);
    expect((await list("&archived=yes")).status).toBe(400);
  });

  it("the cursor is bound to the archived filter: pages walk each list once, another filter is 400", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        "chief",
        "GET",
        `/actions?q=Listprov&archived=all&sort=title&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((a: { id: string }) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    const first = await api("chief", "GET", "/actions?q=Listprov&sort=title&limit=1");
    const crossed = await api(
      "chief",
      "GET",
      `/actions?q=Listprov&sort=title&limit=1&archived=all&cursor=${first.body.nextCursor}`,
    );
    expect(crossed.status).toBe(400);
    expect(Object.keys(crossed.body.error.fields)).toEqual(["cursor"]);
  });

  it("Att göra asks nothing of an archived action", async () => {
    const todo = await todoList(db, actors.editor);
    const items = todo.reports.flatMap((r) => r.items.map((i) => i.id));
    expect(items).toContain(ids[0]);
    expect(items).not.toContain(ids[1]);
  });

  it("search finds it only when asked; the CSV export lists it only when asked", async () => {
    const found = async (query: string) =>
      (await api("chief", "GET", `/search?q=förvaring${query}`)).body.items.map(
        (hit: { id: string }) => hit.id,
      );
    expect(await found("")).not.toContain(ids[1]);
    expect(await found("&archived=all")).toEqual(expect.arrayContaining(ids));
    expect(await found("&archived=true")).toEqual([ids[1]]);
    const all = await api("chief", "GET", "/search?q=förvaring&archived=all");
    for (const hit of all.body.items as { id: string; archived: boolean }[])
      expect(hit.archived).toBe(hit.id === ids[1]);
    const csv = async (query: string) => {
      const response = await fetch(`${server.url}/api/v1/actions/export?q=Listprov${query}`, {
        headers: { Authorization: `Bearer ${tokens.chief}` },
      });
      return response.text();
    };
    expect(await csv("")).not.toContain("förvaring 2");
    expect(await csv("&archived=all")).toContain("förvaring 2");
  });
});

describe("the overview and the period reports count no archived action", () => {
  it("archiving an action takes it out of the goal's counts, its roll-up and the department's numbers", async () => {
    // Goal 4 of the demo has one action; an off-track one beside it changes every number.
    const { id } = await newAction("Översiktsprov", goals[3]);
    await saveFollowUp(db, actors.editor, id, periods["T3 2020"], {
      assessment: "off_track",
      comment: "Avvikelse",
    });
    const overview = async () => {
      const dashboard = await loadDashboard(db, actors.chief, { goalId: goals[3] });
      const department = dashboard.departments.find((d) => d.id === departments.Socialtjänst);
      return { goal: dashboard.goals[0], owned: department?.owned };
    };
    const withIt = await overview();
    await api("member", "POST", `/actions/${id}/archive`);
    const without = await overview();
    expect(without.goal.total).toBe(withIt.goal.total - 1);
    expect(without.goal.statusCounts.in_progress).toBe(withIt.goal.statusCounts.in_progress - 1);
    expect(without.goal.assessmentCounts.off_track).toBe(
      withIt.goal.assessmentCounts.off_track - 1,
    );
    expect(without.goal.rollUp.counted).toBe(withIt.goal.rollUp.counted - 1);
    expect(without.goal.rollUp.assessed).toBe(withIt.goal.rollUp.assessed - 1);
    expect(without.owned).toBe((withIt.owned ?? 0) - 1);
    await api("member", "POST", `/actions/${id}/unarchive`);
    expect(await overview()).toEqual(withIt);
  });

  it("an open period's report leaves it out; an adopted report keeps it, and it cannot be deleted", async () => {
    const { id } = await newAction("Rapportprov fastställd");
    await saveFollowUp(db, actors.editor, id, periods["T3 2020"], {
      assessment: "at_risk",
      comment: "Risk",
    });
    const reported = async () =>
      (await buildPeriodReport(db, actors.chief, periods["T3 2020"])).goals.flatMap((g) =>
        g.actions.map((a) => a.id),
      );
    // Listed in the adopted copy without a follow-up: kept all the same.
    const unassessed = await newAction("Rapportprov obedömd");
    expect(await reported()).toEqual(expect.arrayContaining([id, unassessed.id]));
    const adoption = await api("chief", "POST", `/periods/${periods["T3 2020"]}/adoptions`, {
      reason: "Prov av arkivering",
    });
    expect(adoption.status).toBe(201);
    const adoptionId = adoption.body.adoption.id as string;

    await api("member", "POST", `/actions/${id}/archive`);
    expect(await reported()).not.toContain(id);
    const frozen = await getAdoptedReport(db, actors.chief, periods["T3 2020"], adoptionId);
    expect(frozen.goals.flatMap((g) => g.actions.map((a) => a.id))).toContain(id);
    expect(frozen.goals).toEqual(adoption.body.goals);

    const refused = await api("admin", "DELETE", `/actions/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.fields.form).toMatch(/adopted period report/);
    // Nothing of it went: the action, its follow-up, no deletion in the audit log.
    expect((await api("admin", "GET", `/actions/${id}`)).body.archived).toBe(true);
    const followUps = await api("admin", "GET", `/actions/${id}/followups`);
    expect(followUps.body.items).toHaveLength(1);
    expect(await auditOf(id)).not.toContain("action.deleted");
    await api("member", "POST", `/actions/${unassessed.id}/archive`);
    expect((await api("admin", "DELETE", `/actions/${unassessed.id}`)).status).toBe(409);
  });
});

describe("documents (API)", () => {
  async function newDocument(title: string) {
    const id = await createDocument(db, actors.member, { title, kind: "ovrigt" });
    return id;
  }

  it("archived documents leave the list unless asked for, become read-only and are restorable", async () => {
    const id = await newDocument("Dokumentprov arkiv");
    for (const who of ["editor", "chief", "observer"] as const)
      expect((await api(who, "POST", `/documents/${id}/archive`)).status).toBe(403);
    expect((await api("other", "POST", `/documents/${id}/archive`)).status).toBe(404);
    const archived = await api("member", "POST", `/documents/${id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ id, archived: true });
    const listed = async (query: string) =>
      (await api("chief", "GET", `/documents?q=Dokumentprov${query}`)).body.items.map(
        (d: { id: string }) => d.id,
      );
    expect(await listed("")).not.toContain(id);
    expect(await listed("&archived=true")).toEqual([id]);
    expect(await listed("&archived=all")).toContain(id);
    const rename = await api("member", "PATCH", `/documents/${id}`, {
      title: "Nytt namn",
      kind: "ovrigt",
      departmentIds: [],
      status: "draft",
      version: archived.body.version,
    });
    expect(rename.status).toBe(400);
    expect(rename.body.error.fields.form).toMatch(/archived/);
    const restored = await api("member", "POST", `/documents/${id}/unarchive`);
    expect(restored.body.archived).toBe(false);
    expect(await listed("")).toContain(id);
  });

  it("Att göra asks for no review of an archived document, and no review can be asked for", async () => {
    const id = await newDocument("Dokumentprov granskning");
    await requestReview(db, actors.member, id, { reviewerIds: [actors.chief.userId] });
    const asked = async () => (await reviewsToDo(db, actors.chief)).map((r) => r.documentId);
    expect(await asked()).toContain(id);
    await api("member", "POST", `/documents/${id}/archive`);
    expect(await asked()).not.toContain(id);
    await expect(
      requestReview(db, actors.member, id, { reviewerIds: [actors.admin.userId] }),
    ).rejects.toMatchObject({ fields: { form: "validation.documentArchived" } });
  });

  it("an admin deletes an archived document with its content; the audit rows stay", async () => {
    const id = await newDocument("Dokumentprov radera");
    expect((await api("admin", "DELETE", `/documents/${id}`)).status).toBe(409);
    await api("member", "POST", `/documents/${id}/archive`);
    expect((await api("member", "DELETE", `/documents/${id}`)).status).toBe(403);
    expect((await api("other", "DELETE", `/documents/${id}`)).status).toBe(404);
    expect((await api("admin", "DELETE", `/documents/${id}`)).status).toBe(204);
    expect((await api("admin", "GET", `/documents/${id}`)).status).toBe(404);
    for (const table of ["document_updates", "document_snapshots", "document_versions"] as const) {
      const rows = await db
        .selectFrom(table)
        .select("document_id")
        .where("document_id", "=", id)
        .execute();
      expect(rows).toEqual([]);
    }
    expect(await auditOf(id)).toEqual([
      "document.created",
      "document.archived",
      "document.deleted",
    ]);
  });

  it("an adopted document may be archived, never deleted; nor one that actions came from", async () => {
    const adopted = await newDocument("Dokumentprov fastställt");
    const read = await api("member", "GET", `/documents/${adopted}`);
    await api("member", "PATCH", `/documents/${adopted}`, {
      title: read.body.title,
      kind: "ovrigt",
      departmentIds: [],
      status: "adopted",
      version: read.body.version,
    });
    expect((await api("member", "POST", `/documents/${adopted}/archive`)).status).toBe(200);
    const refused = await api("admin", "DELETE", `/documents/${adopted}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "conflict" });
    expect(refused.body.error.fields.form).toMatch(/adopted/);

    const source = await newDocument("Dokumentprov källa");
    const action = await api("member", "POST", "/actions", {
      title: "Från källdokumentet",
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
      documentId: source,
    });
    expect(action.status).toBe(201);
    await api("member", "POST", `/documents/${source}/archive`);
    const linked = await api("admin", "DELETE", `/documents/${source}`);
    expect(linked.status).toBe(409);
    expect(linked.body.error.fields.form).toMatch(/actions were created from it/);
    expect((await api("admin", "GET", `/actions/${action.body.id}`)).body.documentId).toBe(source);
  });
});

describe("deleting a department (API)", () => {
  it("only one nothing refers to, by an admin; otherwise 409 saying to archive it", async () => {
    const inUse = await api("admin", "DELETE", `/departments/${departments.Socialtjänst}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.fields.form).toMatch(/Archive it instead/);
    const created = await api("admin", "POST", "/departments", { name: "Tillfällig förvaltning" });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await api("member", "DELETE", `/departments/${id}`)).status).toBe(403);
    expect((await api("admin", "DELETE", `/departments/${other.departmentId}`)).status).toBe(404);
    expect((await api("admin", "DELETE", `/departments/${id}`)).status).toBe(204);
    expect((await api("admin", "DELETE", `/departments/${id}`)).status).toBe(404);
    expect(await auditOf(id)).toEqual(["department.created", "department.deleted"]);
    // Refused: Socialtjänst and all it has are as they were.
    const kept = await api("admin", "GET", "/departments");
    expect(kept.body.items.map((d: { id: string }) => d.id)).toContain(departments.Socialtjänst);
  });
});

describe("the pages (HTML without JavaScript)", () => {
  async function signedIn(who: DemoUser) {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS[who]);
    return client;
  }

  it("the action page archives, says Arkiverad in words, restores; admins delete after confirming", async () => {
    const { id } = await newAction("Sidprov arkivering");
    const member = await signedIn("member");
    const page = textOf(await (await member.get(`/atgarder/${id}`)).text());
    expect(page).toContain("Arkivera");
    expect(page).not.toContain("Radera permanent");

    const archived = await member.postForm(`/atgarder/${id}`, { intent: "archive" });
    expect(archived.status).toBe(303);
    const after = textOf(await (await member.get(`/atgarder/${id}`)).text());
    expect(after).toContain("Åtgärden är arkiverad");
    expect(after).toContain("Återställ från arkivet");

    const list = textOf(await (await member.get("/atgarder?q=Sidprov")).text());
    expect(list).not.toContain("Sidprov arkivering");
    expect(list).toContain("Visa arkiverade");
    const shown = textOf(await (await member.get("/atgarder?q=Sidprov&archived=all")).text());
    expect(shown).toContain("Sidprov arkivering");
    expect(shown).toContain("Arkiverad");
    const searched = textOf(await (await member.get("/sok?q=Sidprov")).text());
    expect(searched).not.toContain("Sidprov arkivering");
    expect(searched).toContain("Visa arkiverade");
    const searchedAll = textOf(await (await member.get("/sok?q=Sidprov&archived=all")).text());
    expect(searchedAll).toContain("Sidprov arkivering Arkiverad");

    const admin = await signedIn("admin");
    expect(textOf(await (await admin.get(`/atgarder/${id}`)).text())).toContain("Radera permanent");
    const unconfirmed = await admin.postForm(`/atgarder/${id}`, { intent: "delete" });
    expect(unconfirmed.status).toBe(400);
    expect(textOf(await unconfirmed.text())).toContain("Kryssa i rutan");
    expect((await api("admin", "GET", `/actions/${id}`)).status).toBe(200);
    const confirmed = await admin.postForm(`/atgarder/${id}`, {
      intent: "delete",
      confirmDelete: "on",
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("Location")).toMatch(/^\/atgarder\?raderad=1/);
    expect((await api("admin", "GET", `/actions/${id}`)).status).toBe(404);
  });

  it("a refused deletion says why in Swedish on the page", async () => {
    const { id } = await newAction("Sidprov ej arkiverad");
    const admin = await signedIn("admin");
    const refused = await admin.postForm(`/atgarder/${id}`, {
      intent: "delete",
      confirmDelete: "on",
    });
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain("Arkivera först");
  });

  it("the document page and list archive and restore; the list filters", async () => {
    const id = await createDocument(db, actors.member, {
      title: "Sidprov dokument",
      kind: "ovrigt",
    });
    const member = await signedIn("member");
    expect((await member.postForm(`/dokument/${id}`, { intent: "archive" })).status).toBe(303);
    const page = textOf(await (await member.get(`/dokument/${id}`)).text());
    expect(page).toContain("Dokumentet är arkiverat");
    expect(page).toContain("Återställ från arkivet");
    const list = textOf(await (await member.get("/dokument?q=Sidprov")).text());
    expect(list).not.toContain("Sidprov dokument");
    const shown = textOf(await (await member.get("/dokument?q=Sidprov&archived=all")).text());
    expect(shown).toContain("Sidprov dokument");
    expect((await member.postForm(`/dokument/${id}`, { intent: "unarchive" })).status).toBe(303);
    expect(textOf(await (await member.get("/dokument?q=Sidprov")).text())).toContain(
      "Sidprov dokument",
    );
  });

  it("an admin deletes an unused department from Förvaltningar; one in use says to archive it", async () => {
    const created = await api("admin", "POST", "/departments", { name: "Sidprovsförvaltning" });
    const admin = await signedIn("admin");
    const page = textOf(await (await admin.get("/admin/forvaltningar")).text());
    expect(page).toContain("Radera Sidprovsförvaltning");
    expect(page).not.toContain("Radera Socialtjänst");
    const refused = await admin.postForm("/admin/forvaltningar", {
      intent: `delete:${departments.Socialtjänst}`,
    });
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain("Arkivera den i stället");
    const deleted = await admin.postForm("/admin/forvaltningar", {
      intent: `delete:${created.body.id}`,
    });
    expect(deleted.status).toBe(303);
    expect(textOf(await (await admin.get("/admin/forvaltningar")).text())).not.toContain(
      "Sidprovsförvaltning",
    );
  });
});
