import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Awareness, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { COLLAB_LIMITS } from "../../server/collab/limits";
import { deleteDocument, setDocumentArchived } from "../../server/domain/archiving";
import { createDocument, getDocument, updateDocumentMeta } from "../../server/domain/documents";
import { createUser } from "../../server/domain/users";
import { type CollabClient, collabClient, signedInSocket } from "../helpers/collab-client";
import {
  type Ack,
  actorOf,
  ask,
  connected,
  contentOf,
  forgedUpdate,
  nextEvent,
  recordEvents,
  step1Message,
  storedDoc,
  syncMessage,
  updateMessage,
} from "../helpers/collab-wire";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

const WRITER = "arbetsgrupp@kommun.test";
const READ_ONLY = {
  kommunchef: "kommunchef@kommun.test",
  rapportansvarig: "socialtjanst@kommun.test",
};
const OTHER_ORG_EMAIL = "admin@grannkommun.test";
const OTHER_ORG_PASSWORD = "Grannkommun-losen-1";

/** An update that appends `text` to a scratch type, made on a doc that knows the document. */
async function updateFor(server: TestServer, documentId: string, text: string) {
  const doc = await storedDoc(server.database.db, documentId);
  const before = Y.encodeStateVector(doc);
  doc.getText("probe").insert(0, text);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return update;
}

describe("co-editing: authorisation and bad input on the socket", () => {
  let server: TestServer;
  let documentId: string;
  let otherOrgDocumentId: string;
  const sockets: Socket[] = [];
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const db = server.database.db;
    documentId = (
      await db
        .selectFrom("documents")
        .select("id")
        .where("kind", "=", "samverkansform")
        .executeTakeFirstOrThrow()
    ).id;
    const { id: organisationId } = await db
      .insertInto("organisations")
      .values({ name: "Grannkommun", slug: "grannkommun" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await createUser(db, null, organisationId, {
      email: OTHER_ORG_EMAIL,
      name: "Greta Granne",
      password: OTHER_ORG_PASSWORD,
      roles: ["admin"],
      departmentIds: [],
    });
    otherOrgDocumentId = await createDocument(db, await actorOf(db, OTHER_ORG_EMAIL), {
      title: "Grannkommunens anteckningar",
      kind: "motesanteckningar",
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => server?.close());

  async function socketFor(email: string): Promise<Socket> {
    const socket = await signedInSocket(server, email);
    sockets.push(socket);
    await connected(socket);
    return socket;
  }

  /** A raw socket that has joined the document; also records its error events. */
  async function joined(email: string, id = documentId) {
    const socket = await socketFor(email);
    const errors = recordEvents(socket, ["collab:error"]);
    const ack = await ask(socket, "collab:join", { documentId: id });
    expect(ack.ok).toBe(true);
    return { socket, ack, errors };
  }

  /** A writer's editor that must see nothing of what the test throws at the server. */
  async function bystander() {
    const client = await collabClient(server, WRITER, documentId);
    clients.push(client);
    await client.synced;
    const received = recordEvents(client.socket, ["collab:sync", "collab:awareness"]);
    return { client, received, before: contentOf(client.doc) };
  }

  const rowCount = async () =>
    Number(
      (
        await server.database.db
          .selectFrom("document_updates")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("document_id", "=", documentId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("refuses a socket without a session", async () => {
    const socket = connectSocket(server.url, { reconnection: false });
    sockets.push(socket);
    await expect(connected(socket)).rejects.toThrow("unauthorized");
  });

  it("another organisation's document does not exist for the socket", async () => {
    // Ours is open (loaded) while they try it; theirs is not loaded when we try it.
    await bystander();
    const ours = await socketFor(WRITER);
    const error = nextEvent(ours, "collab:error");
    expect(await ask(ours, "collab:join", { documentId: otherOrgDocumentId })).toEqual({
      error: "not_found",
    });
    expect(await error).toEqual({ documentId: otherOrgDocumentId, code: "not_found" });

    const login = new HttpClient(server.url);
    await login.logIn(OTHER_ORG_EMAIL, OTHER_ORG_PASSWORD);
    const theirs = connectSocket(server.url, { cookie: login.cookieHeader, reconnection: false });
    sockets.push(theirs);
    await connected(theirs);
    expect(await ask(theirs, "collab:join", { documentId })).toEqual({ error: "not_found" });
    // Not in the room: nothing of our document reaches them, and they cannot write to it.
    expect(
      await ask(theirs, "collab:sync", {
        documentId,
        data: updateMessage(await updateFor(server, documentId, "intrång")),
      }),
    ).toEqual({ error: "not_found" });
    expect(await ask(theirs, "collab:join", { documentId: otherOrgDocumentId })).toMatchObject({
      ok: true,
      writable: true,
    });
  });

  it("a join with a state vector that is not one is malformed, and joins nothing", async () => {
    const socket = await socketFor(WRITER);
    for (const stateVector of [new Uint8Array([5, 1]), new Uint8Array([1, 1, 1, 9])]) {
      const error = nextEvent(socket, "collab:error");
      expect(await ask(socket, "collab:join", { documentId, stateVector })).toEqual({
        error: "malformed",
      });
      expect(await error).toEqual({ documentId, code: "malformed" });
    }
    expect(
      await ask(socket, "collab:sync", { documentId, data: step1Message(new Y.Doc()) }),
    ).toEqual({ error: "not_found" });
  });

  it("a join for a document that does not exist, or a bad id, is not_found", async () => {
    const socket = await socketFor(WRITER);
    const missing = "00000000-0000-4000-8000-000000000000";
    const error = nextEvent(socket, "collab:error");
    expect(await ask(socket, "collab:join", { documentId: missing })).toEqual({
      error: "not_found",
    });
    expect(await error).toEqual({ documentId: missing, code: "not_found" });
    expect(await ask(socket, "collab:join", { documentId: "inte-ett-id" })).toEqual({
      error: "not_found",
    });
    expect(await ask(socket, "collab:join", null)).toEqual({ error: "not_found" });
    // Sync and awareness for a document not joined are refused the same way.
    expect(
      await ask(socket, "collab:sync", { documentId, data: step1Message(new Y.Doc()) }),
    ).toEqual({ error: "not_found" });
    expect(
      await ask(socket, "collab:awareness", { documentId, data: new Uint8Array([0]) }),
    ).toEqual({ error: "not_found" });
  });

  for (const [role, email] of Object.entries(READ_ONLY)) {
    it(`a ${role} reads live, but its updates and cursor are dropped and counted`, async () => {
      const { received, client, before } = await bystander();
      const rowsBefore = await rowCount();
      const { socket, ack, errors } = await joined(email);
      expect(ack).toEqual({ ok: true, writable: false });

      // It still receives the document (step 2 answers its step 1).
      const step2 = nextEvent<{ data: Uint8Array }>(socket, "collab:sync", (p) => {
        const decoder = decoding.createDecoder(new Uint8Array(p.data));
        return decoding.readVarUint(decoder) === 1;
      });
      expect(
        await ask(socket, "collab:sync", { documentId, data: step1Message(new Y.Doc()) }),
      ).toEqual({ ok: true });
      const replica = new Y.Doc();
      const answer = decoding.createDecoder(new Uint8Array((await step2).data));
      decoding.readVarUint(answer);
      Y.applyUpdate(replica, decoding.readVarUint8Array(answer));
      expect(contentOf(replica)).toEqual(before);

      const stats = { ...server.collab.stats };
      const update = await updateFor(server, documentId, `${role} skriver`);
      for (const data of [
        updateMessage(update),
        syncMessage((e) => {
          encoding.writeVarUint(e, 1); // a step 2 carrying the same update
          encoding.writeVarUint8Array(e, update);
        }),
      ]) {
        expect(await ask(socket, "collab:sync", { documentId, data })).toEqual({
          error: "read_only",
        });
      }
      await expect.poll(() => errors.length).toBe(2);
      expect(errors.map((e) => e.payload)).toEqual([
        { documentId, code: "read_only" },
        { documentId, code: "read_only" },
      ]);

      const awareness = new Awareness(new Y.Doc());
      awareness.setLocalState({ name: "Smygläsare", cursor: null });
      expect(
        await ask(socket, "collab:awareness", {
          documentId,
          data: encodeAwarenessUpdate(awareness, [awareness.clientID]),
        }),
      ).toEqual({ ok: true, dropped: true });

      expect(server.collab.stats.droppedReadOnlyUpdates).toBe(stats.droppedReadOnlyUpdates + 2);
      expect(server.collab.stats.droppedReadOnlyAwareness).toBe(stats.droppedReadOnlyAwareness + 1);
      expect(server.collab.stats.persistedUpdates).toBe(stats.persistedUpdates);
      expect(await rowCount()).toBe(rowsBefore);
      expect(contentOf(await storedDoc(server.database.db, documentId))).toEqual(before);
      expect(received).toEqual([]);
      expect(contentOf(client.doc)).toEqual(before);
      expect(client.provider.awareness.getStates().has(awareness.clientID)).toBe(false);
    });
  }

  describe("bad input from a writer gets an error and changes nothing", () => {
    const saved = { ...COLLAB_LIMITS };
    afterEach(() => Object.assign(COLLAB_LIMITS, saved));

    async function expectRefused(
      socket: Socket,
      payload: unknown,
      code: string,
      eventDocumentId: string | null = documentId,
    ) {
      const event = nextEvent(socket, "collab:error");
      const ack: Ack = await ask(socket, "collab:sync", payload);
      expect(ack).toEqual({ error: code });
      // Without a valid payload there is no document to name (undefined is not sent).
      expect(await event).toEqual(
        eventDocumentId ? { documentId: eventDocumentId, code } : { code },
      );
    }

    it("malformed messages, oversized updates and a full document", async () => {
      const { received, client, before } = await bystander();
      const rowsBefore = await rowCount();
      const { socket } = await joined(WRITER);

      // The payload itself is wrong: no document id to name.
      await expectRefused(socket, { documentId, data: "inte bytes" }, "malformed", null);
      await expectRefused(socket, "skräp", "malformed", null);
      // A message that is not y-protocols sync at all.
      await expectRefused(
        socket,
        { documentId, data: new Uint8Array([0xff, 0xff, 0xff, 0xff]) },
        "malformed",
      );
      await expectRefused(
        socket,
        {
          documentId,
          data: syncMessage((e) => {
            encoding.writeVarUint(e, 7);
            encoding.writeVarUint8Array(e, new Uint8Array([1]));
          }),
        },
        "malformed",
      );
      // A sync message whose update body is not a Yjs update.
      await expectRefused(
        socket,
        { documentId, data: updateMessage(new Uint8Array([0xff, 0xff, 0xff, 0x0f, 1, 2, 3])) },
        "malformed",
      );
      // An update that decodes but cannot be applied: refused before anyone gets it.
      expect(() => Y.decodeUpdate(forgedUpdate())).not.toThrow();
      await expectRefused(socket, { documentId, data: updateMessage(forgedUpdate()) }, "malformed");
      // Larger than one update may be (but within the socket's own message limit).
      const big = await updateFor(
        server,
        documentId,
        "x".repeat(COLLAB_LIMITS.maxUpdateBytes + 10),
      );
      expect(big.length).toBeGreaterThan(COLLAB_LIMITS.maxUpdateBytes);
      await expectRefused(socket, { documentId, data: updateMessage(big) }, "too_large");
      // The document would outgrow its limit.
      COLLAB_LIMITS.maxDocumentBytes = 1;
      const small = await updateFor(server, documentId, "ryms inte");
      await expectRefused(socket, { documentId, data: updateMessage(small) }, "document_too_large");

      expect(await rowCount()).toBe(rowsBefore);
      expect(contentOf(await storedDoc(server.database.db, documentId))).toEqual(before);
      expect(received).toEqual([]);
      expect(contentOf(client.doc)).toEqual(before);

      // The sender is still connected and the next good update goes through.
      Object.assign(COLLAB_LIMITS, saved);
      const arrives = nextEvent(client.socket, "collab:sync");
      expect(await ask(socket, "collab:sync", { documentId, data: updateMessage(small) })).toEqual({
        ok: true,
      });
      await arrives;
      await expect.poll(() => client.doc.getText("probe").toString()).toContain("ryms inte");
      expect(await rowCount()).toBe(rowsBefore + 1);
    });

    it("a full document still takes deletions, and compacting then makes room", async () => {
      const { socket } = await joined(WRITER);
      const send = (update: Uint8Array) =>
        ask(socket, "collab:sync", { documentId, data: updateMessage(update) });
      expect(await send(await updateFor(server, documentId, "att ta bort"))).toEqual({ ok: true });

      COLLAB_LIMITS.maxDocumentBytes = 1;
      await expectRefused(
        socket,
        { documentId, data: updateMessage(await updateFor(server, documentId, "mer")) },
        "document_too_large",
      );
      const doc = await storedDoc(server.database.db, documentId);
      const before = Y.encodeStateVector(doc);
      doc.getText("probe").delete(0, 4);
      const deletion = Y.encodeStateAsUpdate(doc, before);
      expect(Y.decodeUpdate(deletion).structs).toHaveLength(0);
      expect(await send(deletion)).toEqual({ ok: true });

      const stored = await storedDoc(server.database.db, documentId);
      expect(stored.getText("probe").toString().startsWith("ta bort")).toBe(true);
      // The log is folded into the snapshot at once, so the size counts only what is left.
      await expect.poll(rowCount).toBe(0);
    });

    it("limits the update rate per user, across that user's sockets", async () => {
      COLLAB_LIMITS.updatesPerSecond = 0.001;
      COLLAB_LIMITS.burst = 3;
      const first = await joined("admin@kommun.test");
      const second = await joined("admin@kommun.test");
      const other = await joined(WRITER);
      const send = async (socket: Socket, text: string) =>
        ask(socket, "collab:sync", {
          documentId,
          data: updateMessage(await updateFor(server, documentId, text)),
        });
      expect(await send(first.socket, "ett")).toEqual({ ok: true });
      expect(await send(second.socket, "två")).toEqual({ ok: true });
      expect(await send(first.socket, "tre")).toEqual({ ok: true });
      const event = nextEvent(second.socket, "collab:error");
      expect(await send(second.socket, "fyra")).toEqual({ error: "rate_limited" });
      expect(await event).toEqual({ documentId, code: "rate_limited" });
      expect(await send(first.socket, "fem")).toEqual({ error: "rate_limited" });
      // Someone else is not slowed down by it.
      expect(await send(other.socket, "sex")).toEqual({ ok: true });
      const stored = await storedDoc(server.database.db, documentId);
      expect(stored.getText("probe").toString()).not.toContain("fyra");
      expect(stored.getText("probe").toString()).not.toContain("fem");
    });
  });

  it("a frozen (adopted) document refuses updates with frozen", async () => {
    const db = server.database.db;
    const actor = await actorOf(db, WRITER);
    const id = await createDocument(db, actor, { title: "Att fastställa", kind: "yttrande" });
    const { socket, ack } = await joined(WRITER, id);
    expect(ack).toEqual({ ok: true, writable: true });

    const status = nextEvent(socket, "collab:status");
    const meta = await getDocument(db, actor, id);
    await updateDocumentMeta(db, actor, id, {
      title: meta.title,
      kind: meta.kind,
      departmentIds: [],
      status: "adopted",
      version: meta.version,
    });
    // The domain event reaches the open editor after COMMIT.
    expect(await status).toEqual({ documentId: id, frozen: true });

    const update = await updateFor(server, id, "för sent");
    const event = nextEvent(socket, "collab:error");
    expect(
      await ask(socket, "collab:sync", { documentId: id, data: updateMessage(update) }),
    ).toEqual({ error: "frozen" });
    expect(await event).toEqual({ documentId: id, code: "frozen" });
    // A later join is read-only from the start, even for a writer.
    const again = await joined(WRITER, id);
    expect(again.ack).toEqual({ ok: true, writable: false });
    expect((await storedDoc(db, id)).getText("probe").toString()).toBe("");
  });

  it("archiving, taking out of the archive and deleting reach the open editors and later joins", async () => {
    const db = server.database.db;
    const actor = await actorOf(db, "admin@kommun.test");
    const id = await createDocument(db, actor, { title: "Att arkivera", kind: "ovrigt" });
    const { socket } = await joined(WRITER, id);
    const editor = await collabClient(server, WRITER, id);
    clients.push(editor);
    await editor.synced;
    expect(editor.provider.writable).toBe(true);

    let status = nextEvent(socket, "collab:status");
    await setDocumentArchived(db, actor, id, true);
    expect(await status).toEqual({ documentId: id, frozen: true });
    await expect.poll(() => editor.provider.writable).toBe(false);
    expect((await joined(WRITER, id)).ack).toEqual({ ok: true, writable: false });

    status = nextEvent(socket, "collab:status");
    await setDocumentArchived(db, actor, id, false);
    expect(await status).toEqual({ documentId: id, frozen: false });
    // Writable again, in the editor already open too.
    await expect.poll(() => editor.provider.writable).toBe(true);
    expect((await joined(WRITER, id)).ack).toEqual({ ok: true, writable: true });
    const update = await updateFor(server, id, "igen");
    expect(
      await ask(socket, "collab:sync", { documentId: id, data: updateMessage(update) }),
    ).toEqual({ ok: true });

    await setDocumentArchived(db, actor, id, true);
    const gone = nextEvent(socket, "collab:error");
    await deleteDocument(db, actor, id);
    expect(await gone).toEqual({ documentId: id, code: "not_found" });
    // The deleted document's copy is gone: a join, and a late update, find nothing.
    const late = await socketFor(WRITER);
    expect(await ask(late, "collab:join", { documentId: id })).toEqual({ error: "not_found" });
    expect(
      await ask(socket, "collab:sync", { documentId: id, data: updateMessage(update) }),
    ).toEqual({ error: "not_found" });
  });
});
