import { sql } from "kysely";
import * as decoding from "lib0/decoding";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { createDocument } from "../../server/domain/documents";
import { type CollabClient, collabClient, signedInSocket } from "../helpers/collab-client";
import {
  actorOf,
  ask,
  connected,
  holdDocument,
  hubDoc,
  recordEvents,
  step1Message,
  storedDoc,
  updateMessage,
} from "../helpers/collab-wire";
import { startTestServer, type TestServer } from "../helpers/server";

const WRITER = "arbetsgrupp@kommun.test";

/** The hub sends an edit to the others while it is being saved; only the author's ack waits. */
describe("co-editing: edits in flight between broadcast and COMMIT", () => {
  let server: TestServer;
  const clients: CollabClient[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => server?.close());

  const db = () => server.database.db;
  const newDocument = async () =>
    createDocument(db(), await actorOf(db(), WRITER), { title: "I luften", kind: "ovrigt" });

  async function joinedSocket(documentId: string, email = WRITER) {
    const socket = await signedInSocket(server, email);
    sockets.push(socket);
    await connected(socket);
    expect(await ask(socket, "collab:join", { documentId })).toMatchObject({ ok: true });
    return socket;
  }

  async function open(documentId: string, email: string) {
    const client = await collabClient(server, email, documentId);
    clients.push(client);
    await client.synced;
    return client;
  }

  /** An update inserting `text` into the test text "t", made by a client of its own. */
  function textUpdate(text: string) {
    const doc = new Y.Doc();
    doc.getText("t").insert(0, text);
    const update = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return update;
  }

  /** The sync messages a socket received, except the step 1 every join brings. */
  function syncsOf(socket: Socket) {
    const seen = recordEvents(socket, ["collab:sync"]);
    return () =>
      seen
        .map((e) => new Uint8Array(e.payload.data as ArrayBuffer))
        .filter((data) => decoding.readVarUint(decoding.createDecoder(data)) !== 0);
  }

  it("others and a resyncing socket get the edit before COMMIT; the author's ack waits", async () => {
    const documentId = await newDocument();
    const author = await joinedSocket(documentId);
    const asker = await joinedSocket(documentId);
    const reader = await open(documentId, "kommunchef@kommun.test");
    const update = textUpdate("i luften");
    const syncs = syncsOf(asker);

    // Hold the document row (PostgreSQL) or the only connection (PGlite): the INSERT must wait.
    const hold = await holdDocument(db(), documentId);
    let acked = false;
    const ack = ask(author, "collab:sync", { documentId, data: updateMessage(update) }).then(
      (answer) => {
        acked = true;
        return answer;
      },
    );
    await expect.poll(() => reader.doc.getText("t").toString()).toBe("i luften");
    await expect.poll(() => syncs()).toEqual([updateMessage(update)]);

    // A step 1 answered now (as for a socket that joined after the broadcast) comes with the
    // edit in flight, since the hub's own document takes it only after COMMIT.
    expect(
      await ask(asker, "collab:sync", { documentId, data: step1Message(new Y.Doc()) }),
    ).toEqual({ ok: true });
    await expect.poll(() => syncs().length).toBe(3);
    const [, answer, inFlight] = syncs();
    expect(decoding.readVarUint(decoding.createDecoder(answer))).toBe(
      syncProtocol.messageYjsSyncStep2,
    );
    expect(inFlight).toEqual(updateMessage(update));
    expect(acked).toBe(false);

    await hold.release();
    expect(await ack).toEqual({ ok: true });
    expect((await storedDoc(db(), documentId)).getText("t").toString()).toBe("i luften");
    expect(hubDoc(server.collab, documentId)?.getText("t").toString()).toBe("i luften");
  });

  it("an edit whose save failed is saved from another editor's copy when its author is gone", async () => {
    const documentId = await newDocument();
    const author = await joinedSocket(documentId);
    const editor = await open(documentId, "admin@kommun.test");
    const update = textUpdate("räddad");

    // Every insert into the log fails until the constraint is dropped.
    await sql`alter table document_updates add constraint inflight_test check (false) not valid`.execute(
      db(),
    );
    try {
      expect(await ask(author, "collab:sync", { documentId, data: updateMessage(update) })).toEqual(
        { error: "internal" },
      );
    } finally {
      await sql`alter table document_updates drop constraint inflight_test`.execute(db());
    }
    author.close();
    await expect.poll(() => editor.doc.getText("t").toString()).toBe("räddad");

    // The hub asks the room for what it lacks; the editor sends the edit it received.
    await expect
      .poll(async () => (await storedDoc(db(), documentId)).getText("t").toString(), {
        timeout: 10_000,
      })
      .toBe("räddad");
    await editor.saved();
    expect(hubDoc(server.collab, documentId)?.getText("t").toString()).toBe("räddad");
  });
});
