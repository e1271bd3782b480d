import * as decoding from "lib0/decoding";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Awareness, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { cursorColor } from "../../common/cursor-color";
import { renderState } from "../../server/collab/headless";
import { COLLAB_LIMITS } from "../../server/collab/limits";
import { appendUpdate, compact, loadState } from "../../server/collab/store";
import { createDocument, documentContent } from "../../server/domain/documents";
import { type CollabClient, collabClient, signedInSocket } from "../helpers/collab-client";
import {
  actorOf,
  ask,
  connected,
  nextEvent,
  recordEvents,
  updateMessage,
} from "../helpers/collab-wire";
import { DocumentWriter } from "../helpers/document-writer";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { storedPlaces } from "../helpers/stored-bytes";

const WRITER = "arbetsgrupp@kommun.test";
const ADMIN = "admin@kommun.test";
const NUMBER = "811218-9876";
const NUMBER_FORMS = [NUMBER, "8112189876", "19811218-9876", "198112189876"];

const textOf = (doc: Y.Doc) => renderState(Y.encodeStateAsUpdate(doc)).text;

describe("co-editing: the server's content guard", () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  const clients: CollabClient[] = [];
  const db = () => server.database.db;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => server?.close());

  async function newDocument(title: string) {
    return createDocument(db(), await actorOf(db(), WRITER), { title, kind: "ovrigt" });
  }

  /** A raw socket that has joined the document; also records its error events. */
  async function joined(documentId: string, email = WRITER) {
    const socket = await signedInSocket(server, email);
    sockets.push(socket);
    await connected(socket);
    const errors = recordEvents(socket, ["collab:error"]);
    expect((await ask(socket, "collab:join", { documentId })).ok).toBe(true);
    return { socket, errors };
  }

  /** Another writer's editor, recording everything it receives. */
  async function bystander(documentId: string) {
    const client = await collabClient(server, WRITER, documentId);
    clients.push(client);
    await client.synced;
    const received = recordEvents(client.socket, ["collab:sync", "collab:awareness"]);
    return { client, received };
  }

  const send = (socket: Socket, documentId: string, update: Uint8Array) =>
    ask(socket, "collab:sync", { documentId, data: updateMessage(update) });

  const rowCount = async (documentId: string) =>
    (
      await db()
        .selectFrom("document_updates")
        .select("id")
        .where("document_id", "=", documentId)
        .execute()
    ).length;

  /** Nothing of the number anywhere, also once the log is compacted into the snapshot. */
  async function expectStoredNowhere(documentId: string) {
    await compact(db(), documentId);
    const actor = await actorOf(db(), WRITER);
    expect((await documentContent(db(), actor, documentId)).text).not.toContain("9876");
    expect(await storedPlaces(db(), NUMBER_FORMS)).toEqual([]);
  }

  describe("identity numbers (personal_data)", () => {
    it("refuses the digit that completes a number typed digit by digit; nobody else sees it", async () => {
      const documentId = await newDocument("Anteckningar, skrivna tecken för tecken");
      const writer = await DocumentWriter.of(server, documentId);
      const { socket, errors } = await joined(documentId);
      const other = await bystander(documentId);
      const first = writer.edit((root) => root.insertEmbed(1, DocumentWriter.paragraph("")));
      expect(await send(socket, documentId, first)).toEqual({ ok: true });
      const paragraph = writer.root.toDelta()[1].insert as Y.XmlText;
      const typed = `Lisa ${NUMBER} har skyddad identitet`;
      const acks = [];
      for (const [index, character] of [...typed.slice(0, 5 + NUMBER.length)].entries())
        acks.push(
          await send(
            socket,
            documentId,
            writer.edit(() => paragraph.insert(1 + index, character)),
          ),
        );
      expect(acks.slice(0, -1).every((ack) => ack.ok)).toBe(true);
      expect(acks.at(-1)).toEqual({ error: "personal_data" });
      expect(errors).toContainEqual({
        event: "collab:error",
        payload: { documentId, code: "personal_data" },
      });
      await expect.poll(() => textOf(other.client.doc)).toContain("Lisa 811218-987");
      expect(textOf(other.client.doc)).not.toContain(NUMBER);
      await expectStoredNowhere(documentId);
    });

    it("refuses a pasted paragraph holding a number as a whole", async () => {
      const documentId = await newDocument("Anteckningar, inklistrade");
      const writer = await DocumentWriter.of(server, documentId);
      const { socket } = await joined(documentId);
      const other = await bystander(documentId);
      const rows = await rowCount(documentId);
      const pasted = writer.edit((root) =>
        root.insertEmbed(
          1,
          DocumentWriter.paragraph(`Lisa Andersson ${NUMBER} har skyddad identitet`),
        ),
      );
      expect(await send(socket, documentId, pasted)).toEqual({ error: "personal_data" });
      expect(await rowCount(documentId)).toBe(rows);
      expect(other.received).toEqual([]);
      await expectStoredNowhere(documentId);
    });

    it("the editor's provider stops sending a refused edit, also after reconnecting", async () => {
      const documentId = await newDocument("Anteckningar, offline");
      const editor = await collabClient(server, WRITER, documentId);
      clients.push(editor);
      await editor.synced;
      const refused = new Promise((resolve) => editor.provider.on("error", resolve));
      const root = editor.doc.get("root", Y.XmlText);
      root.insertEmbed(1, DocumentWriter.paragraph(`Personnummer ${NUMBER}`));
      expect(await refused).toBe("personal_data");
      expect(editor.provider.saveState).toBe("unsaved");
      const emitted: string[] = [];
      editor.socket.onAnyOutgoing((event) => emitted.push(event));
      root.insertEmbed(2, DocumentWriter.paragraph("Mer text"));
      editor.socket.disconnect();
      editor.socket.connect();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // It rejoined (the join carries its state vector) and sent no update.
      expect(emitted).toContain("collab:join");
      expect(emitted).not.toContain("collab:sync");
      await expectStoredNowhere(documentId);
    });
  });

  describe("only the editor's own content (invalid_content)", () => {
    const link = (url: string, textProperties: Record<string, unknown> = {}) => {
      const anchor = new Y.XmlText();
      anchor.setAttribute("__type", "link");
      anchor.setAttribute("__url", url);
      anchor.insertEmbed(0, DocumentWriter.text(textProperties));
      anchor.insert(1, "Klicka här");
      return anchor;
    };

    it.each([
      [
        "an unknown node type",
        (root: Y.XmlText) => {
          const unknown = new Y.XmlText();
          unknown.setAttribute("__type", "iframe");
          root.insertEmbed(0, unknown);
        },
      ],
      [
        "a style overlay inside a link to another site",
        (root: Y.XmlText) =>
          (root.toDelta()[0].insert as Y.XmlText).insertEmbed(
            0,
            link("https://evil.example", {
              __style: "position:fixed;inset:0;z-index:9999;background:white",
            }),
          ),
      ],
      [
        "a javascript: link",
        (root: Y.XmlText) =>
          (root.toDelta()[0].insert as Y.XmlText).insertEmbed(0, link("javascript:alert(1)")),
      ],
    ])("refuses %s: nothing stored, nothing sent on", async (_name, change) => {
      const documentId = await newDocument("Samverkansyta");
      const writer = await DocumentWriter.of(server, documentId);
      const { socket, errors } = await joined(documentId);
      const other = await bystander(documentId);
      const rows = await rowCount(documentId);
      expect(await send(socket, documentId, writer.edit(change))).toEqual({
        error: "invalid_content",
      });
      expect(errors.map((e) => e.payload)).toEqual([{ documentId, code: "invalid_content" }]);
      expect(await rowCount(documentId)).toBe(rows);
      expect(other.received).toEqual([]);
      // The socket can go on editing: the server's copy no longer holds the refused edit.
      const fresh = await DocumentWriter.of(server, documentId);
      const next = fresh.edit((root) =>
        root.insertEmbed(1, DocumentWriter.paragraph("Vanlig text")),
      );
      expect(await send(socket, documentId, next)).toEqual({ ok: true });
    });

    it("a document stored broken opens for everyone; the update is set aside, counted for admins", async () => {
      const documentId = await newDocument("Sönderskrivet dokument");
      const writer = await DocumentWriter.of(server, documentId);
      const broken = writer.edit((root) => {
        const unknown = new Y.XmlText();
        unknown.setAttribute("__type", "iframe");
        root.insertEmbed(0, unknown);
      });
      expect(broken.length).toBeLessThan(200);
      // As stored before the server checked content.
      await appendUpdate(db(), documentId, broken, null);
      expect(() => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, broken);
      }).not.toThrow();

      const member = new HttpClient(server.url);
      await member.logIn(WRITER);
      const page = await member.get(`/dokument/${documentId}`);
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain('data-testid="quarantined"');
      const content = await member.get(`/api/v1/documents/${documentId}/content`);
      expect(content.status).not.toBe(500);
      const version = await member.postForm(`/dokument/${documentId}`, {
        intent: "version",
        note: "Efter lagningen",
      });
      expect(version.status).toBe(303);
      const { id: versionId } = await db()
        .selectFrom("document_versions")
        .select("id")
        .where("document_id", "=", documentId)
        .executeTakeFirstOrThrow();
      const restored = await member.postForm(`/dokument/${documentId}`, {
        intent: "restore",
        versionId,
      });
      expect(restored.status).toBe(303);

      const quarantined = await db()
        .selectFrom("document_quarantine")
        .select(["update", "reason"])
        .where("document_id", "=", documentId)
        .execute();
      expect(quarantined).toHaveLength(1);
      expect(Buffer.from(quarantined[0].update)).toEqual(Buffer.from(broken));
      expect(quarantined[0].reason).toBe("invalid_content");
      expect(
        renderState((await loadState(db(), documentId))!.state).json.root.children,
      ).not.toContainEqual(expect.objectContaining({ type: "iframe" }));

      const admin = new HttpClient(server.url);
      await admin.logIn(ADMIN);
      expect(await (await admin.get(`/dokument/${documentId}`)).text()).toContain(
        'data-testid="quarantined"',
      );
      // An editor joins and gets a document Lexical can show.
      const editor = await collabClient(server, WRITER, documentId);
      clients.push(editor);
      await editor.synced;
      expect(JSON.stringify(editor.doc.get("root", Y.XmlText).toJSON())).not.toContain("iframe");
    });
  });

  describe("presence (awareness)", () => {
    /** An awareness update from a client that says it is someone else. */
    function forged(doc: Y.Doc, state: Record<string, unknown>) {
      const awareness = new Awareness(doc);
      awareness.setLocalState(state);
      return encodeAwarenessUpdate(awareness, [doc.clientID]);
    }

    const statesIn = (data: ArrayBuffer | Uint8Array) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const states: Record<string, unknown>[] = [];
      for (let n = decoding.readVarUint(decoder); n > 0; n--) {
        decoding.readVarUint(decoder);
        decoding.readVarUint(decoder);
        states.push(JSON.parse(decoding.readVarString(decoder)));
      }
      return states;
    };

    it("others see the name and colour the server knows for the socket's person", async () => {
      const documentId = await newDocument("Närvaro");
      const { socket } = await joined(documentId);
      const other = await bystander(documentId);
      const seen = nextEvent<{ data: ArrayBuffer }>(other.client.socket, "collab:awareness");
      const ack = await ask(socket, "collab:awareness", {
        documentId,
        data: forged(new Y.Doc(), {
          name: "Johan Ek (kommunchef)",
          color: "red; position: fixed; inset: 0",
          focusing: true,
          anchorPos: null,
          focusPos: null,
          awarenessData: { role: "kommunchef" },
        }),
      });
      expect(ack).toEqual({ ok: true });
      const writer = await actorOf(db(), WRITER);
      const { name } = await db()
        .selectFrom("users")
        .select("name")
        .where("id", "=", writer.userId)
        .executeTakeFirstOrThrow();
      expect(statesIn((await seen).data)).toEqual([
        {
          name,
          color: cursorColor(writer.userId),
          focusing: true,
          anchorPos: null,
          focusPos: null,
          awarenessData: {},
        },
      ]);
    });

    it("refuses presence over the size limit and faster than the rate limit", async () => {
      const documentId = await newDocument("Närvaro, gränser");
      const { socket } = await joined(documentId);
      const other = await bystander(documentId);
      const large = forged(new Y.Doc(), {
        name: "x",
        focusing: true,
        awarenessData: { filler: "x".repeat(COLLAB_LIMITS.maxAwarenessBytes) },
      });
      expect(await ask(socket, "collab:awareness", { documentId, data: large })).toEqual({
        error: "too_large",
      });
      // One cursor moving fast: each update has the next clock.
      const cursor = new Awareness(new Y.Doc());
      const updates = Array.from({ length: COLLAB_LIMITS.awarenessBurst + 20 }, (_, i) => {
        cursor.setLocalState({ name: "x", i });
        return encodeAwarenessUpdate(cursor, [cursor.clientID]);
      });
      const acks = await Promise.all(
        updates.map((data) => ask(socket, "collab:awareness", { documentId, data })),
      );
      expect(acks.filter((ack) => ack.error === "rate_limited").length).toBeGreaterThan(0);
      // Only what was taken reaches the others (moves close together may reach them as one).
      const clockOf = (data: Uint8Array) => {
        const decoder = decoding.createDecoder(data);
        decoding.readVarUint(decoder);
        decoding.readVarUint(decoder);
        return decoding.readVarUint(decoder);
      };
      const taken = updates.filter((_, i) => acks[i].ok).map(clockOf);
      const forwarded = () =>
        other.received
          .filter((e) => e.event === "collab:awareness")
          .map((e) => clockOf(new Uint8Array((e.payload as { data: ArrayBuffer }).data)));
      await expect.poll(() => forwarded().at(-1)).toBe(Math.max(...taken));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(forwarded().every((clock) => taken.includes(clock))).toBe(true);
      expect(forwarded().at(-1)).toBe(Math.max(...taken));
    });

    it("refuses a cursor client id that another socket uses", async () => {
      const documentId = await newDocument("Närvaro, någon annans markör");
      const first = await joined(documentId);
      const second = await joined(documentId);
      const doc = new Y.Doc();
      expect(
        await ask(first.socket, "collab:awareness", {
          documentId,
          data: forged(doc, { name: "a" }),
        }),
      ).toEqual({ ok: true });
      expect(
        await ask(second.socket, "collab:awareness", {
          documentId,
          data: forged(doc, { name: "b" }),
        }),
      ).toEqual({ error: "malformed" });
    });
  });
});
