import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import { createDocument } from "../../server/domain/documents";
import {
  DEMO_EMAILS,
  type DemoUser,
  departmentIds,
  goalIds,
  type OtherOrganisation,
  seedOtherOrganisation,
} from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const ROUTINE = "Samverkan skola–socialtjänst vid oro för barn";
const NOTES = "Minnesanteckningar arbetsgruppens första möte";
const OTHER_DOCUMENT = "Grannkommunens hemliga samverkansform";
const UNKNOWN_DOCUMENT = "Välj ett dokument ur listan.";

let server: TestServer;
let db: DB;
let other: OtherOrganisation;
let otherDocumentId: string;
let departments: Record<string, string>;
let goals: string[];
const clients = {} as Record<DemoUser, HttpClient>;

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  other = await seedOtherOrganisation(db);
  otherDocumentId = await createDocument(db, other.user, {
    title: OTHER_DOCUMENT,
    kind: "samverkansform",
  });
  departments = await departmentIds(db, server.organisationId);
  goals = await goalIds(db, server.organisationId);
  for (const [role, email] of Object.entries(DEMO_EMAILS)) {
    const client = new HttpClient(server.url);
    await client.logIn(email);
    clients[role as DemoUser] = client;
  }
});
afterAll(() => server?.close());

async function documentTitled(title: string) {
  return db
    .selectFrom("documents")
    .select(["id", "title"])
    .where("title", "=", title)
    .where("organisation_id", "=", server.organisationId)
    .executeTakeFirstOrThrow();
}

async function actionsTitled(title: string) {
  return db.selectFrom("actions").selectAll().where("title", "=", title).execute();
}

async function countActions() {
  const row = await db
    .selectFrom("actions")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The new-action form as a browser without JavaScript sends it. */
function newActionForm(title: string, documentId: string) {
  return {
    title,
    description: "Rektorer och socialtjänstens kontaktpersoner ses varje termin.",
    goalId: goals[1],
    departmentId: departments["Barn och utbildning"],
    involvedDepartmentIds: ["", departments.Socialtjänst],
    ownerId: "",
    startDate: "2026-01-12",
    dueDate: "2026-12-18",
    status: "not_started",
    progress: "0",
    documentId,
  };
}

/** Creates an action with the form, from `documentId` ("" for none), and reads it back. */
async function createFrom(title: string, documentId: string) {
  const query = documentId ? `?dokument=${documentId}` : "";
  const response = await clients.member.postForm(
    `/atgarder/ny${query}`,
    newActionForm(title, documentId),
  );
  expect(response.status).toBe(303);
  const [saved] = await actionsTitled(title);
  expect(response.headers.get("location")).toBe(`/atgarder/${saved.id}?skapad=1`);
  return saved;
}

/** Saves only the document field of the action page's edit form, as `role`. */
function changeDocument(
  action: { id: string },
  version: number,
  documentId: string,
  role: DemoUser = "member",
) {
  return clients[role].postForm(`/atgarder/${action.id}`, {
    intent: "save",
    version: String(version),
    documentId,
  });
}

/** A link to `href` reading `text`, as React renders it. */
function link(href: string, text: string): RegExp {
  return new RegExp(`<a [^>]*href="${href}"[^>]*>${text}</a>`);
}

/** The select of the document an action comes from. */
function documentSelect(html: string): string {
  const start = html.indexOf('<select id="documentId"');
  expect(start, "the form has the document field").toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</select>", start));
}

/** The part of the document page that lists the actions created from it. */
function actionsSection(html: string): string {
  const start = html.indexOf('aria-labelledby="actions-heading"');
  expect(start, "the document page has its actions section").toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</section>", start));
}

describe("the document page", () => {
  it("lists the actions created from it, with department and status, linked", async () => {
    const routine = await documentTitled(ROUTINE);
    const response = await clients.chief.get(`/dokument/${routine.id}`);
    expect(response.status).toBe(200);
    const section = actionsSection(await response.text());
    expect(textOf(section)).toContain("Åtgärder från dokumentet");
    // Seeded from the demo document, by title.
    const linked = await db
      .selectFrom("actions")
      .select(["id", "title"])
      .where("document_id", "=", routine.id)
      .orderBy("title")
      .execute();
    expect(linked.map((a) => a.title)).toEqual([
      "Gemensam rutin skola–socialtjänst vid oro för barn",
      "Rutin för att fråga om våld i elevhälsan",
    ]);
    for (const action of linked) {
      expect(section).toContain(`href="/atgarder/${action.id}"`);
      expect(textOf(section)).toContain(action.title);
    }
    expect(textOf(section)).toContain("Barn och utbildning");
    // The demo's due dates have passed: the same badge as everywhere, shape and word.
    expect(textOf(section)).toContain("! Försenad");
  });

  it("offers “Skapa åtgärd från dokumentet” only to roles that may create actions", async () => {
    const routine = await documentTitled(ROUTINE);
    const link = `href="/atgarder/ny?dokument=${routine.id}"`;
    for (const role of ["member", "admin"] as const) {
      const html = await (await clients[role].get(`/dokument/${routine.id}`)).text();
      expect(html, role).toContain(link);
      expect(textOf(html), role).toContain("Skapa åtgärd från dokumentet");
    }
    for (const role of ["editor", "schoolEditor", "chief"] as const) {
      const html = await (await clients[role].get(`/dokument/${routine.id}`)).text();
      expect(html, role).not.toContain(link);
      expect(textOf(html), role).not.toContain("Skapa åtgärd från dokumentet");
    }
    // And the form behind it refuses them.
    expect((await clients.chief.get(`/atgarder/ny?dokument=${routine.id}`)).status).toBe(403);
  });

  it("says so when no action comes from it, and what to do next", async () => {
    const notes = await documentTitled(NOTES);
    const member = actionsSection(await (await clients.member.get(`/dokument/${notes.id}`)).text());
    expect(textOf(member)).toContain(
      "Inga åtgärder ännu – skapa den första med knappen Skapa åtgärd från dokumentet.",
    );
    const chief = actionsSection(await (await clients.chief.get(`/dokument/${notes.id}`)).text());
    expect(textOf(chief)).toContain("Inga åtgärder har skapats från dokumentet ännu.");
  });
});

describe("creating an action from a document (no JavaScript)", () => {
  it("the form shows the document it comes from, preselected and removable", async () => {
    const routine = await documentTitled(ROUTINE);
    const response = await clients.member.get(`/atgarder/ny?dokument=${routine.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(textOf(html)).toContain(`Från dokumentet: ${ROUTINE}`);
    const select = documentSelect(html);
    expect(select).toContain(`<option value="${routine.id}" selected="">${ROUTINE}</option>`);
    expect(select).toContain('<option value="">Inget dokument</option>');
    expect(select).toContain(`>${NOTES}</option>`);
    expect(html).toContain(`href="/dokument/${routine.id}"`);
  });

  it("preselects nothing for another organisation's document or an unknown id", async () => {
    for (const id of [otherDocumentId, crypto.randomUUID(), "inte-ett-id"]) {
      const response = await clients.member.get(`/atgarder/ny?dokument=${id}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).not.toContain("Från dokumentet:");
      expect(html).not.toContain(OTHER_DOCUMENT);
      const select = documentSelect(html);
      expect(select).toContain('<option value="" selected="">Inget dokument</option>');
      expect(select.match(/selected/g)).toHaveLength(1);
    }
  });

  it("saves the link; the action page links back and the document page lists it", async () => {
    const routine = await documentTitled(ROUTINE);
    const title = "Terminsvisa möten rektor–socialtjänst";
    const saved = await createFrom(title, routine.id);
    expect(saved.document_id).toBe(routine.id);

    const actionHtml = await (await clients.chief.get(`/atgarder/${saved.id}`)).text();
    expect(textOf(actionHtml)).toContain(`Från dokumentet: ${ROUTINE}`);
    expect(actionHtml).toMatch(link(`/dokument/${routine.id}`, ROUTINE));

    const section = actionsSection(
      await (await clients.chief.get(`/dokument/${routine.id}`)).text(),
    );
    expect(section).toMatch(link(`/atgarder/${saved.id}`, title));
    expect(textOf(section)).toContain("○ Ej påbörjad");
  });

  it("without a document, the action page says nothing about one", async () => {
    const saved = await createFrom("Åtgärd utan dokument", "");
    expect(saved.document_id).toBeNull();
    const html = await (await clients.member.get(`/atgarder/${saved.id}`)).text();
    expect(html).not.toContain("Från dokumentet:");
  });

  it("refuses another organisation's document and an unknown one alike, writing nothing", async () => {
    const before = await countActions();
    const pages: string[] = [];
    for (const id of [otherDocumentId, crypto.randomUUID()]) {
      const title = `Kopplad till ${id}`;
      const response = await clients.member.postForm(
        `/atgarder/ny?dokument=${id}`,
        newActionForm(title, id),
      );
      expect(response.status).toBe(400);
      const html = await response.text();
      const text = textOf(html);
      expect(text).toContain("Det finns fel i formuläret");
      expect(text).toContain(`Från dokument: ${UNKNOWN_DOCUMENT}`);
      expect(html).toContain('href="#documentId"');
      expect(html).toContain('id="documentId-error"');
      // What was typed is kept; nothing about the other organisation's document shows.
      expect(html).toContain(`value="${title}"`);
      expect(html).not.toContain(OTHER_DOCUMENT);
      expect(await actionsTitled(title)).toEqual([]);
      pages.push(text);
    }
    // Another organisation's document is exactly as unknown as one that does not exist.
    expect(pages[0]).toBe(pages[1]);
    expect(await countActions()).toBe(before);
  });
});

describe("changing the link on the action page", () => {
  it("is audited: the history names the document by its title", async () => {
    const routine = await documentTitled(ROUTINE);
    const notes = await documentTitled(NOTES);
    const title = "Åtgärd som byter dokument";
    const created = await createFrom(title, routine.id);
    expect((await changeDocument(created, 1, notes.id)).status).toBe(303);
    expect((await changeDocument(created, 2, "")).status).toBe(303);
    const [stored] = await actionsTitled(title);
    expect(stored.document_id).toBeNull();

    const text = textOf(await (await clients.chief.get(`/atgarder/${created.id}`)).text());
    expect(text).toContain(`Dokument ändrades från ${ROUTINE} till ${NOTES}`);
    expect(text).toContain(`Dokument ändrades från ${NOTES} till Inga`);
    expect(text).not.toContain("Från dokumentet:");
    const audit = await db
      .selectFrom("audit_events")
      .select(["action", "before", "after"])
      .where("entity_id", "=", created.id)
      .orderBy("created_at")
      .execute();
    expect(audit.map((e) => (e.after as { documentId: unknown }).documentId)).toEqual([
      routine.id,
      notes.id,
      null,
    ]);
  });

  it("refuses another organisation's document with the field's message, changing nothing", async () => {
    const routine = await documentTitled(ROUTINE);
    const title = "Åtgärd som ska behålla sitt dokument";
    const created = await createFrom(title, routine.id);
    const response = await changeDocument(created, created.version, otherDocumentId);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(textOf(html)).toContain(`Från dokument: ${UNKNOWN_DOCUMENT}`);
    expect(html).not.toContain(OTHER_DOCUMENT);
    const [stored] = await actionsTitled(title);
    expect(stored).toMatchObject({ document_id: routine.id, version: created.version });
  });

  it("is not for a department editor, who changes status and progress only", async () => {
    const [action] = await actionsTitled("Rutin för att fråga om våld i elevhälsan");
    const response = await changeDocument(action, action.version, "", "schoolEditor");
    expect(response.status).toBe(403);
    const [stored] = await actionsTitled("Rutin för att fråga om våld i elevhälsan");
    expect(stored.document_id).toBe(action.document_id);
    expect(stored.document_id).not.toBeNull();
  });
});
