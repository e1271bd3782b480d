import { $createParagraphNode, $createTextNode, $getRoot } from "lexical";
import * as encoding from "lib0/encoding";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { createInitialState, renderState, updateToContent } from "../../server/collab/headless";
import { loadState } from "../../server/collab/store";
import { createDocument, createVersion } from "../../server/domain/documents";
import { ensureOrganisation } from "../../server/domain/organisations";
import { createUser } from "../../server/domain/users";
import { collabClient, signedInSocket } from "../helpers/collab-client";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const MEMBER = "arbetsgrupp@kommun.test";
const CHIEF = "kommunchef@kommun.test";
const MESSAGES = {
  summary: "Det finns fel i formuläret",
  required: "Fyll i fältet.",
  kind: "Välj en dokumenttyp ur listan.",
  identityNumber: "Texten innehåller något som ser ut som ett personnummer",
  confirmAdopt: "Kryssa i rutan om dokumentet ska fastställas och låsas.",
  frozen: "Dokumentet är fastställt och kan inte längre ändras.",
  notFound: "Sidan finns inte",
};

/** A document's id from the address a successful create redirects to. */
function createdId(response: Response): string {
  const match = /^\/dokument\/([0-9a-f-]{36})\?skapat=1$/.exec(
    response.headers.get("location") ?? "",
  );
  if (!match) throw new Error(`Unexpected redirect: ${response.headers.get("location")}`);
  return match[1];
}

/** A y-protocols update message as the browser's provider sends it. */
function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

function emitWithAck(socket: Socket, event: string, payload: unknown) {
  return new Promise<{ ok?: boolean; writable?: boolean; error?: string }>((resolve) =>
    socket.emit(event, payload, resolve),
  );
}

/** Lexical JSON of a document holding one paragraph of `text`. */
function contentWith(text: string) {
  return renderState(
    createInitialState(() =>
      $getRoot().append($createParagraphNode().append($createTextNode(text))),
    ),
  ).json;
}

describe("document pages", () => {
  let server: TestServer;
  let member: HttpClient;
  let chief: HttpClient;
  const db = () => server.database.db;

  beforeAll(async () => {
    server = await startTestServer();
    member = new HttpClient(server.url);
    chief = new HttpClient(server.url);
    await member.logIn(MEMBER);
    await chief.logIn(CHIEF);
  });
  afterAll(() => server?.close());

  async function create(fields: Record<string, string | string[]>) {
    return member.postForm("/dokument/ny", fields);
  }

  describe("creating a document with the form", () => {
    it("refuses a missing title and kind with Swedish errors, keeping what was typed", async () => {
      const before = await db().selectFrom("documents").select("id").execute();
      const response = await create({ title: "  ", kind: "" });
      expect(response.status).toBe(400);
      const text = textOf(await response.text());
      expect(text).toContain(MESSAGES.summary);
      expect(text).toContain(`Titel: ${MESSAGES.required}`);
      expect(text).toContain(`Typ: ${MESSAGES.kind}`);
      expect(await db().selectFrom("documents").select("id").execute()).toHaveLength(before.length);
    });

    it("refuses a personnummer in the title", async () => {
      const response = await create({ title: "Plan för 19121212-1212", kind: "handlingsplan" });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(textOf(html)).toContain(MESSAGES.identityNumber);
      const stored = await db()
        .selectFrom("documents")
        .select("id")
        .where("title", "like", "%19121212%")
        .execute();
      expect(stored).toHaveLength(0);
    });

    it("creates it with a server-made first state and opens it", async () => {
      const departments = await db()
        .selectFrom("departments")
        .select(["id", "name"])
        .where("organisation_id", "=", server.organisationId)
        .where("name", "=", "Socialtjänst")
        .execute();
      const response = await create({
        title: "Lokal handlingsplan 2027",
        kind: "handlingsplan",
        departmentIds: departments.map((d) => d.id),
      });
      expect(response.status).toBe(303);
      const id = createdId(response);
      const stored = await loadState(db(), id);
      expect(stored).not.toBeNull();
      const page = await member.get(`/dokument/${id}?skapat=1`);
      expect(page.status).toBe(200);
      const text = textOf(await page.text());
      expect(text).toContain("Lokal handlingsplan 2027");
      expect(text).toContain("Handlingsplan");
      expect(text).toContain("Utkast");
      expect(text).toContain("Socialtjänst");
      expect(text).toContain("Dokumentet är skapat.");
    });

    it("is not offered to the kommunchef, and refused", async () => {
      expect((await chief.get("/dokument/ny")).status).toBe(403);
      const response = await chief.postForm("/dokument/ny", { title: "X", kind: "ovrigt" });
      expect(response.status).toBe(403);
      expect(textOf(await (await chief.get("/dokument")).text())).not.toContain("Nytt dokument");
    });
  });

  describe("the list", () => {
    it("filters by kind, status, department and title", async () => {
      const all = textOf(await (await member.get("/dokument")).text());
      expect(all).toContain("Samverkan skola–socialtjänst vid oro för barn");
      expect(all).toContain("Minnesanteckningar arbetsgruppens första möte");

      const notes = textOf(await (await member.get("/dokument?kind=motesanteckningar")).text());
      expect(notes).toContain("Minnesanteckningar arbetsgruppens första möte");
      expect(notes).not.toContain("Samverkan skola–socialtjänst vid oro för barn");

      const byTitle = textOf(await (await member.get("/dokument?q=skola")).text());
      expect(byTitle).toContain("Samverkan skola–socialtjänst vid oro för barn");
      expect(byTitle).not.toContain("Minnesanteckningar arbetsgruppens första möte");

      const school = await db()
        .selectFrom("departments")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .where("name", "=", "Barn och utbildning")
        .executeTakeFirstOrThrow();
      const byDepartment = textOf(
        await (await member.get(`/dokument?departmentId=${school.id}`)).text(),
      );
      expect(byDepartment).toContain("Samverkan skola–socialtjänst vid oro för barn");

      const adopted = textOf(await (await member.get("/dokument?status=adopted")).text());
      expect(adopted).toContain("Inga dokument matchar filtret.");

      // Unknown values in the address are ignored, not an error.
      expect((await member.get("/dokument?kind=roman&status=x&departmentId=y")).status).toBe(200);
    });
  });

  describe("another organisation's document", () => {
    let otherId: string;
    let otherVersionId: string;
    let ownId: string;

    beforeAll(async () => {
      const organisationId = await ensureOrganisation(db(), "Grannkommunen", "grannkommunen");
      const userId = await createUser(db(), null, organisationId, {
        email: "greta@grannkommunen.test",
        name: "Greta Granne",
        password: "Granne-med-egen-stark-fras-7",
        roles: ["member"],
        departmentIds: [],
      });
      const actor = { userId, organisationId, roles: ["member" as const], departmentIds: [] };
      otherId = await createDocument(db(), actor, {
        title: "Grannkommunens hemliga plan",
        kind: "handlingsplan",
      });
      otherVersionId = await createVersion(db(), actor, otherId, { note: "Grannens version" });
      const own = await db()
        .selectFrom("documents")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .executeTakeFirstOrThrow();
      ownId = own.id;
    });

    it("does not exist here: 404 for its page, its versions and its actions", async () => {
      for (const pathname of [
        `/dokument/${otherId}`,
        `/dokument/${otherId}/versioner/${otherVersionId}`,
        `/dokument/${ownId}/versioner/${otherVersionId}`,
        "/dokument/inte-ett-id",
      ]) {
        const response = await member.get(pathname);
        expect(response.status, pathname).toBe(404);
        const html = await response.text();
        expect(textOf(html)).toContain(MESSAGES.notFound);
        expect(html).not.toContain("Grannkommunens hemliga plan");
      }
      const attempts: Record<string, string>[] = [
        { intent: "version", note: "intrång" },
        { intent: "restore", versionId: otherVersionId },
        { intent: "meta", title: "Kapad", kind: "ovrigt", status: "draft", version: "1" },
      ];
      for (const fields of attempts) {
        const response = await member.postForm(`/dokument/${otherId}`, fields);
        expect(response.status, fields.intent).toBe(404);
      }
      const stored = await db()
        .selectFrom("documents")
        .select(["title", "version"])
        .where("id", "=", otherId)
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ title: "Grannkommunens hemliga plan", version: 1 });
      expect(textOf(await (await member.get("/dokument")).text())).not.toContain("Grannkommunens");
    });
  });

  describe("versions", () => {
    it("saves a version, and restoring it is a new change every open editor receives", async () => {
      const id = createdId(await create({ title: "Yttrande om budget", kind: "yttrande" }));
      const saved = await member.postForm(`/dokument/${id}`, { intent: "version", note: "Tom" });
      expect(saved.status).toBe(303);
      expect(saved.headers.get("location")).toBe(`/dokument/${id}?version-sparad=1`);
      const version = await db()
        .selectFrom("document_versions")
        .select(["id", "note", "adopted"])
        .where("document_id", "=", id)
        .executeTakeFirstOrThrow();
      expect(version).toMatchObject({ note: "Tom", adopted: false });

      const versionPage = await member.get(`/dokument/${id}/versioner/${version.id}`);
      expect(versionPage.status).toBe(200);
      expect(textOf(await versionPage.text())).toContain("Tom");

      // An open editor writes new text, saved through the socket.
      const editor = await collabClient(server, MEMBER, id);
      await editor.synced;
      const stored = await loadState(db(), id);
      Y.applyUpdate(editor.doc, updateToContent(stored!.state, contentWith("Ny text")));
      await editor.saved();
      expect(renderState((await loadState(db(), id))!.state).text).toContain("Ny text");
      const rowsBefore = await db()
        .selectFrom("document_updates")
        .select("id")
        .where("document_id", "=", id)
        .execute();

      // The chief may read but not restore.
      const refused = await chief.postForm(`/dokument/${id}`, {
        intent: "restore",
        versionId: version.id,
      });
      expect(refused.status).toBe(403);

      const restored = await member.postForm(`/dokument/${id}`, {
        intent: "restore",
        versionId: version.id,
      });
      expect(restored.status).toBe(303);
      expect(restored.headers.get("location")).toBe(`/dokument/${id}?aterstalld=1`);

      // A new row on top of the log (history is not rewritten), in the database and the editor.
      const rowsAfter = await db()
        .selectFrom("document_updates")
        .select("id")
        .where("document_id", "=", id)
        .execute();
      expect(rowsAfter.length).toBe(rowsBefore.length + 1);
      expect(renderState((await loadState(db(), id))!.state).text).not.toContain("Ny text");
      await expect
        .poll(() => renderState(Y.encodeStateAsUpdate(editor.doc)).text)
        .not.toContain("Ny text");
      const audit = await db()
        .selectFrom("audit_events")
        .select(["action"])
        .where("entity_id", "=", id)
        .where("action", "=", "document.version-restored")
        .execute();
      expect(audit).toHaveLength(1);
      editor.close();
    });
  });

  describe("adopting (fastställd)", () => {
    it("needs the confirmation ticked, then freezes the document for pages and sockets", async () => {
      const id = createdId(await create({ title: "Samverkansform LSS", kind: "samverkansform" }));
      // Joined before the adoption: an open editor.
      const socket = await signedInSocket(server, MEMBER);
      const joined = await emitWithAck(socket, "collab:join", { documentId: id });
      expect(joined).toMatchObject({ ok: true, writable: true });
      const frozenEvent = new Promise((resolve) => socket.on("collab:status", resolve));

      const meta = { intent: "meta", title: "Samverkansform LSS", kind: "samverkansform" };
      const unconfirmed = await member.postForm(`/dokument/${id}`, {
        ...meta,
        status: "adopted",
        version: "1",
        confirmAdopt: "",
      });
      expect(unconfirmed.status).toBe(400);
      expect(textOf(await unconfirmed.text())).toContain(MESSAGES.confirmAdopt);

      const adopted = await member.postForm(`/dokument/${id}`, {
        ...meta,
        status: "adopted",
        version: "1",
        confirmAdopt: "on",
      });
      expect(adopted.status).toBe(303);
      expect(adopted.headers.get("location")).toBe(`/dokument/${id}?faststallt=1`);
      await expect(frozenEvent).resolves.toEqual({ documentId: id, frozen: true });
      const adoptedVersions = await db()
        .selectFrom("document_versions")
        .select("id")
        .where("document_id", "=", id)
        .where("adopted", "=", true)
        .execute();
      expect(adoptedVersions).toHaveLength(1);

      // A later metadata save is refused.
      const later = await member.postForm(`/dokument/${id}`, {
        ...meta,
        status: "draft",
        version: "2",
      });
      expect(later.status).toBe(400);
      expect(textOf(await later.text())).toContain(MESSAGES.frozen);

      // The page is read-only: no forms to change it.
      const page = textOf(await (await member.get(`/dokument/${id}`)).text());
      expect(page).toContain(MESSAGES.frozen);
      expect(page).not.toContain("Spara version");
      expect(page).not.toContain("Spara uppgifterna");

      // A socket update, from the editor that was open and from one that joins now, is refused.
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await loadState(db(), id))!.state);
      const before = Y.encodeStateVector(doc);
      doc.getText("probe").insert(0, "efter fastställandet");
      const data = updateMessage(Y.encodeStateAsUpdate(doc, before));
      const rows = async () =>
        (
          await db()
            .selectFrom("document_updates")
            .select("id")
            .where("document_id", "=", id)
            .execute()
        ).length;
      const rowsBefore = await rows();
      await expect(emitWithAck(socket, "collab:sync", { documentId: id, data })).resolves.toEqual({
        error: "frozen",
      });
      const late = await signedInSocket(server, MEMBER);
      await expect(emitWithAck(late, "collab:join", { documentId: id })).resolves.toMatchObject({
        ok: true,
        writable: false,
      });
      await expect(emitWithAck(late, "collab:sync", { documentId: id, data })).resolves.toEqual({
        error: "frozen",
      });
      expect(await rows()).toBe(rowsBefore);
      socket.close();
      late.close();
    });
  });
});
