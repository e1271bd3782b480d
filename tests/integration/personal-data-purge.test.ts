import { $createParagraphNode, $createTextNode, $getRoot } from "lexical";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { findIdentityNumbers } from "../../common/personnummer";
import type { DB } from "../../db";
import { renderState, updateToContent } from "../../server/collab/headless";
import { appendUpdate, compact, loadState } from "../../server/collab/store";
import { textEverWritten } from "../../server/collab/written-text";
import { createAction } from "../../server/domain/actions";
import {
  createDocument,
  createVersion,
  refreshRenderedFromState,
} from "../../server/domain/documents";
import {
  type PersonalDataFinding,
  PURGED_MARK,
  reportStoredPersonalData,
  scanPersonalData,
} from "../../server/domain/personal-data";
import type { Actor } from "../../server/domain/policy";
import { DEMO_EMAILS, departmentIds, goalIds, periodIds } from "../helpers/actions";
import { type CollabClient, collabClient } from "../helpers/collab-client";
import { actorOf } from "../helpers/collab-wire";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { everyStoredRow } from "../helpers/stored-text";

/**
 * Numbers stored before every written form was refused, seeded straight into the database in
 * the forms the old check missed: the scan must find each, the purge must leave none anywhere.
 */
const NUMBERS = {
  enDash: "811218\u20139876",
  space: "811218 9876",
  glued: "ref-8112189876",
  fullwidth: "\uFF18\uFF11\uFF11\uFF12\uFF11\uFF18\uFF0D\uFF19\uFF18\uFF17\uFF16",
  century: "19121212-1212",
  hidden: "8112\u200B18-9876",
};

let server: TestServer;
let db: DB;
let admin: HttpClient;
let member: Actor;
let openEditor: CollabClient;
const ids: Record<string, string> = {};

const paragraphs =
  (...texts: string[]) =>
  () => {
    for (const text of texts)
      $getRoot().append($createParagraphNode().append($createTextNode(text)));
  };

/** Appends an edit to a stored document as if typed, and renders it. */
async function edit(documentId: string, text: string) {
  const stored = await loadState(db, documentId);
  if (!stored) throw new Error("no state");
  const json = renderState(stored.state).json;
  const target = structuredClone(json) as typeof json & {
    root: { children: { children: { text: string }[] }[] };
  };
  target.root.children[0].children[0].text = text;
  await appendUpdate(db, documentId, updateToContent(stored.state, target), member.userId);
  const after = await loadState(db, documentId);
  if (after) await refreshRenderedFromState(db, documentId, after.state);
}

/** Every Yjs byte column decoded, including text deleted but not yet garbage-collected. */
async function storedYjsText(): Promise<string[]> {
  const updates = await db.selectFrom("document_updates").select("update").execute();
  const snapshots = await db.selectFrom("document_snapshots").select("state").execute();
  const versions = await db.selectFrom("document_versions").select("state").execute();
  return [
    ...updates.map((r) => r.update),
    ...snapshots.map((r) => r.state),
    ...versions.map((r) => r.state),
  ].map((bytes) => textEverWritten([new Uint8Array(bytes)]));
}

const hex = (text: string) => Buffer.from(text, "utf8").toString("hex");

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  admin = new HttpClient(server.url);
  await admin.logIn(DEMO_EMAILS.admin);
  member = await actorOf(db, DEMO_EMAILS.member);
  const org = server.organisationId;

  // A document whose text holds a number, with a named version and a compacted snapshot.
  ids.document = await createDocument(
    db,
    member,
    { title: "Anteckningar", kind: "ovrigt" },
    paragraphs(`Lisa Andersson ${NUMBERS.enDash} har skyddad identitet`, "Nästa möte i maj."),
  );
  await compact(db, ids.document);
  const stored = await loadState(db, ids.document);
  if (stored) await refreshRenderedFromState(db, ids.document, stored.state);
  ids.version = await createVersion(db, member, ids.document, { note: "Före mötet" });
  await db
    .updateTable("document_versions")
    .set({ note: `Gäller ${NUMBERS.glued}` })
    .where("id", "=", ids.version)
    .execute();

  // A document where the number was typed, then deleted: only its history holds it.
  ids.historyDocument = await createDocument(
    db,
    member,
    { title: "Rutin", kind: "ovrigt" },
    paragraphs("Rutin för samverkan"),
  );
  await edit(ids.historyDocument, `Rutin för ${NUMBERS.fullwidth}`);
  await edit(ids.historyDocument, "Rutin för samverkan");

  // A title stored before titles were checked.
  ids.titledDocument = await createDocument(db, member, { title: "Plan", kind: "ovrigt" });
  await db
    .updateTable("documents")
    .set({ title: `Plan ${NUMBERS.space}` })
    .where("id", "=", ids.titledDocument)
    .execute();

  const departments = await departmentIds(db, org);
  const goals = await goalIds(db, org);
  const periods = await periodIds(db, org);
  const action = await createAction(db, member, {
    title: "Stödsamtal",
    goalId: goals[0],
    departmentId: departments.Socialtjänst,
  });
  ids.action = action.id;
  await db
    .updateTable("actions")
    .set({ description: `Samtal med ${NUMBERS.century}` })
    .where("id", "=", ids.action)
    .execute();
  ids.followUp = (
    await db
      .insertInto("follow_ups")
      .values({
        organisation_id: org,
        action_id: ids.action,
        period_id: periods["T3 2020"],
        assessment: "at_risk",
        comment: `Uppföljt för ${NUMBERS.hidden}`,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.comment = (
    await db
      .insertInto("action_comments")
      .values({
        organisation_id: org,
        action_id: ids.action,
        author_id: member.userId,
        body: `Se ${NUMBERS.enDash}`,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  // A comment on a document's text, the passage it quotes, and a review's comment.
  ids.commentedPassage = (
    await db
      .insertInto("document_comment_threads")
      .values({
        organisation_id: org,
        document_id: ids.titledDocument,
        anchor_start: new Uint8Array([1, 2, 3]),
        anchor_end: new Uint8Array([1, 2, 4]),
        quote: `Gäller ${NUMBERS.space}`,
        created_by: member.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.documentComment = (
    await db
      .insertInto("document_comments")
      .values({
        organisation_id: org,
        thread_id: ids.commentedPassage,
        author_id: member.userId,
        body: `Stryk ${NUMBERS.century}`,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.review = (
    await db
      .insertInto("document_reviews")
      .values({
        organisation_id: org,
        document_id: ids.titledDocument,
        reviewer_id: member.userId,
        comment: `Granskad, se ${NUMBERS.hidden}`,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.department = departments["Kultur och teknik"];
  await db
    .updateTable("departments")
    .set({ name: `Kultur ${NUMBERS.space}` })
    .where("id", "=", ids.department)
    .execute();
  ids.goal = goals[1];
  await db
    .updateTable("goals")
    .set({ description: `Mål om ${NUMBERS.glued}` })
    .where("id", "=", ids.goal)
    .execute();
  ids.user = member.userId;
  await db
    .updateTable("users")
    .set({ name: `Arbetsgrupp ${NUMBERS.century}` })
    .where("id", "=", ids.user)
    .execute();
  ids.token = (
    await db
      .insertInto("api_tokens")
      .values({
        organisation_id: org,
        user_id: member.userId,
        name: `Skript ${NUMBERS.enDash}`,
        token_hash: "not-a-real-token",
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.auditEvent = (
    await db
      .insertInto("audit_events")
      .values({
        organisation_id: org,
        actor_id: member.userId,
        action: "action.updated",
        entity_type: "action",
        entity_id: ids.action,
        before: JSON.stringify({ description: "" }),
        after: JSON.stringify({ description: `Samtal med ${NUMBERS.century}` }),
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.reportAdoption = (
    await db
      .insertInto("report_adoptions")
      .values({
        organisation_id: org,
        period_id: periods["T3 2020"],
        data: JSON.stringify({ rows: [{ comment: `Uppföljt för ${NUMBERS.hidden}` }] }),
        adopted_by: member.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;

  // Someone has the first document open in the editor while it is purged.
  openEditor = await collabClient(server, DEMO_EMAILS.member, ids.document);
  await openEditor.synced;
});
afterAll(async () => {
  openEditor?.close();
  await server?.close();
});

const key = (f: Pick<PersonalDataFinding, "place" | "field">) => `${f.place}:${f.field}`;

describe("the scan for stored identity numbers", () => {
  it("finds a number in every kind of place, in the text now and in history", async () => {
    const findings = await scanPersonalData(db, server.organisationId);
    expect(new Set(findings.map(key))).toEqual(
      new Set([
        "document:content",
        "document:history",
        "document:title",
        "version:note",
        "version:content",
        "action:description",
        "followUp:comment",
        "comment:body",
        "documentComment:body",
        "commentedPassage:quote",
        "review:comment",
        "department:name",
        "goal:description",
        "user:name",
        "token:name",
        "auditEvent:after",
        "reportAdoption:data",
      ]),
    );
    const placed = (place: string, id: string) =>
      findings.some((f) => f.place === place && f.id === id);
    expect(placed("document", ids.historyDocument)).toBe(true);
    expect(placed("version", ids.version)).toBe(true);
    // Each links to where it is read: the document's page.
    for (const place of ["documentComment", "commentedPassage", "review"])
      expect(findings.find((f) => f.place === place)?.href).toBe(`/dokument/${ids.titledDocument}`);
    for (const finding of findings) expect(findIdentityNumbers(finding.excerpt)).toEqual([]);
  });

  it("is logged at start-up with counts and places, never a number", async () => {
    const warnings: string[] = [];
    const warn = vi.spyOn(console, "warn").mockImplementation((message: string) => {
      warnings.push(message);
    });
    try {
      await reportStoredPersonalData(db);
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("exempelkommun: 17 stored identity number finding(s)");
    expect(warnings[0]).toContain(`action ${ids.action} description`);
    expect(warnings[0]).toContain(`document ${ids.historyDocument} history`);
    expect(findIdentityNumbers(warnings[0])).toEqual([]);
  });

  it("lists them for an admin, masked, on 'Personuppgifter att åtgärda'", async () => {
    const page = await admin.get("/admin/personuppgifter");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<h1>Personuppgifter att åtgärda</h1>");
    expect(html).toContain("Lisa Andersson 811218-**** har skyddad identitet");
    expect(html).toContain("Samtal med 19121212-****");
    expect(html).toContain("Stryk 19121212-****");
    expect(textOf(html)).toContain("Kommentar i dokument");
    expect(textOf(html)).toContain("Granskning");
    expect(findIdentityNumbers(html)).toEqual([]);
    const menu = await (await admin.get("/")).text();
    expect(menu).toContain('href="/admin/personuppgifter"');
  });

  it.each([
    ["member", DEMO_EMAILS.member],
    ["chief", DEMO_EMAILS.chief],
    ["observer", DEMO_EMAILS.observer],
  ])("answers 403 to the %s, on the list and the purge", async (_, email) => {
    const client = new HttpClient(server.url);
    await client.logIn(email);
    expect((await client.get("/admin/personuppgifter")).status).toBe(403);
    const purge = await client.postForm("/admin/personuppgifter", {
      place: "action",
      id: ids.action,
      field: "description",
    });
    expect(purge.status).toBe(403);
    expect((await scanPersonalData(db, server.organisationId)).length).toBeGreaterThan(0);
  });

  it("refuses an unknown place or field with 400", async () => {
    for (const fields of [
      { place: "nowhere", id: ids.action, field: "description" },
      { place: "action", id: ids.action, field: "password_hash" },
      { place: "action", id: "not-an-id", field: "description" },
    ]) {
      const response = await admin.postForm("/admin/personuppgifter", fields);
      expect(response.status).toBe(400);
    }
  });
});

describe("purging", () => {
  it("removes each number from the text now, its history and every table", async () => {
    let findings = await scanPersonalData(db, server.organisationId);
    const purges = findings.length;
    while (findings.length > 0) {
      const [first] = findings;
      const response = await admin.postForm("/admin/personuppgifter", {
        place: first.place,
        id: first.id,
        field: first.field,
      });
      expect(response.status, key(first)).toBe(303);
      expect(response.headers.get("location")).toBe("/admin/personuppgifter?borttaget=1");
      const next = await scanPersonalData(db, server.organisationId);
      expect(
        next.some((f) => f.place === first.place && f.id === first.id && f.field === first.field),
      ).toBe(false);
      findings = next;
    }
    const page = await (await admin.get("/admin/personuppgifter?borttaget=1")).text();
    expect(page).toContain("Personnumret är borttaget ur texten och historiken.");
    expect(page).toContain("Inga personnummer hittades i sparad text.");

    const rows = await everyStoredRow(db);
    // Named by table and row, so that a failure says where a number was left.
    const withNumbers = rows.filter(({ text }) => findIdentityNumbers(text).length > 0);
    expect(withNumbers.map(({ table, text }) => `${table}: ${text}`)).toEqual([]);
    for (const number of Object.values(NUMBERS)) {
      const bytes = hex(number);
      expect(rows.filter(({ row }) => row.includes(number) || row.includes(bytes))).toEqual([]);
    }
    for (const text of await storedYjsText()) expect(findIdentityNumbers(text)).toEqual([]);

    const purged = await db
      .selectFrom("audit_events")
      .select(["entity_type", "after"])
      .where("action", "=", "personal-data.purged")
      .execute();
    expect(purged.length).toBeLessThanOrEqual(purges);
    expect(purged.map((row) => row.entity_type)).toContain("document");
  });

  it("keeps the rest of the text and marks where the number was", async () => {
    const document = await db
      .selectFrom("documents")
      .select(["rendered_text", "title"])
      .where("id", "=", ids.document)
      .executeTakeFirstOrThrow();
    expect(document.rendered_text).toContain(`Lisa Andersson ${PURGED_MARK} har skyddad identitet`);
    expect(document.rendered_text).toContain("Nästa möte i maj.");
    const version = await db
      .selectFrom("document_versions")
      .select(["rendered_text", "note"])
      .where("id", "=", ids.version)
      .executeTakeFirstOrThrow();
    expect(version).toEqual({
      rendered_text: expect.stringContaining(`Lisa Andersson ${PURGED_MARK} har`),
      note: `Gäller ref-${PURGED_MARK}`,
    });
    const action = await db
      .selectFrom("actions")
      .select("description")
      .where("id", "=", ids.action)
      .executeTakeFirstOrThrow();
    expect(action.description).toBe(`Samtal med ${PURGED_MARK}`);
    const thread = await db
      .selectFrom("document_comment_threads")
      .select("quote")
      .where("id", "=", ids.commentedPassage)
      .executeTakeFirstOrThrow();
    expect(thread.quote).toBe(`Gäller ${PURGED_MARK}`);
    const comment = await db
      .selectFrom("document_comments")
      .select("body")
      .where("id", "=", ids.documentComment)
      .executeTakeFirstOrThrow();
    expect(comment.body).toBe(`Stryk ${PURGED_MARK}`);
    const review = await db
      .selectFrom("document_reviews")
      .select("comment")
      .where("id", "=", ids.review)
      .executeTakeFirstOrThrow();
    expect(review.comment).toBe(`Granskad, se ${PURGED_MARK}`);
  });

  it("an editor that had the document open now shows the cleaned text", async () => {
    const text = () => renderState(Y.encodeStateAsUpdate(openEditor.doc)).text;
    await expect.poll(text).toContain(`Lisa Andersson ${PURGED_MARK} har skyddad identitet`);
    expect(findIdentityNumbers(text())).toEqual([]);
  });
});
