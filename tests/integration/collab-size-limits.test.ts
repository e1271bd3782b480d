import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { COLLAB_LIMITS } from "../../server/collab/limits";
import { createDocument } from "../../server/domain/documents";
import { type CollabClient, collabClient } from "../helpers/collab-client";
import { actorOf, storedDoc } from "../helpers/collab-wire";
import { startTestServer, type TestServer } from "../helpers/server";

const WRITER = "arbetsgrupp@kommun.test";
/** Longer than two of the provider's one-second resync delays. */
const QUIET_MS = 2_500;

/**
 * The browser's provider after the server refuses an edit for its size: it does not send the
 * same content again and again, keeps every edit, and saves them once the paste is undone.
 */
describe("co-editing: an edit too large to save", () => {
  let server: TestServer;
  const clients: CollabClient[] = [];
  const saved = { ...COLLAB_LIMITS };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    Object.assign(COLLAB_LIMITS, saved);
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => server?.close());

  const db = () => server.database.db;

  async function open(documentId: string) {
    const client = await collabClient(server, WRITER, documentId);
    clients.push(client);
    await client.synced;
    await client.saved();
    return client;
  }

  /** The collab events a socket sends from now on, by name. */
  function outgoing(socket: Socket) {
    const sent: string[] = [];
    socket.onAnyOutgoing((event: string) => sent.push(event));
    return sent;
  }

  function nextError(client: CollabClient) {
    return new Promise<string>((resolve) => {
      const listener = (code: string) => {
        client.provider.off("error", listener);
        resolve(code);
      };
      client.provider.on("error", listener);
    });
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("holds edits after too_large without resyncing, and saves them once the paste is undone", async () => {
    COLLAB_LIMITS.maxUpdateBytes = 4_096;
    const documentId = await createDocument(db(), await actorOf(db(), WRITER), {
      title: "Stor inklistring",
      kind: "ovrigt",
    });
    const writer = await open(documentId);
    const reader = await open(documentId);
    const text = writer.doc.getText("t");
    text.insert(0, "Före. ");
    await writer.saved();
    // Undo takes back only the paste, as when the person presses Ctrl+Z right after it.
    const pasteUndo = new Y.UndoManager(text, { trackedOrigins: new Set(["paste"]) });
    const sent = outgoing(writer.socket);

    const refused = nextError(writer);
    writer.doc.transact(() => text.insert(text.length, "x".repeat(10_000)), "paste");
    expect(await refused).toBe("too_large");
    expect(writer.provider.saveState).toBe("unsaved");

    // Typing on: kept, not sent (the server could not place it), and no resync of the paste.
    text.insert(0, "Skrivet sedan. ");
    await pause(QUIET_MS);
    expect(sent.filter((event) => event === "collab:join")).toEqual([]);
    expect(sent.filter((event) => event === "collab:sync")).toHaveLength(1);
    expect(writer.provider.saveState).toBe("unsaved");

    pasteUndo.undo();
    await writer.saved();
    expect(sent.filter((event) => event === "collab:join")).toHaveLength(1);
    const expected = "Skrivet sedan. Före. ";
    expect(text.toString()).toBe(expected);
    await expect.poll(() => reader.doc.getText("t").toString()).toBe(expected);
    expect((await storedDoc(db(), documentId)).getText("t").toString()).toBe(expected);
  });

  it("holds after document_too_large without resyncing", async () => {
    const documentId = await createDocument(db(), await actorOf(db(), WRITER), {
      title: "Fullt dokument",
      kind: "ovrigt",
    });
    const writer = await open(documentId);
    COLLAB_LIMITS.maxDocumentBytes = 1;
    const sent = outgoing(writer.socket);
    const refused = nextError(writer);
    writer.doc.getText("t").insert(0, "Ryms inte.");
    expect(await refused).toBe("document_too_large");
    writer.doc.getText("t").insert(0, "Inte heller. ");
    await pause(QUIET_MS);
    expect(sent).toEqual(["collab:sync"]);
    expect(writer.provider.saveState).toBe("unsaved");
  });

  it("does not send a message over socket.io's limit, which would only cost the connection", async () => {
    const documentId = await createDocument(db(), await actorOf(db(), WRITER), {
      title: "Enorm inklistring",
      kind: "ovrigt",
    });
    const writer = await open(documentId);
    const sent = outgoing(writer.socket);
    let disconnects = 0;
    writer.socket.on("disconnect", () => disconnects++);
    const refused = nextError(writer);
    writer.doc.getText("t").insert(0, "x".repeat(1_100_000));
    expect(await refused).toBe("too_large");
    await pause(QUIET_MS);
    expect(sent).toEqual([]);
    expect(disconnects).toBe(0);
    expect(writer.provider.saveState).toBe("unsaved");
  });
});
