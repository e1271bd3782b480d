import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { decodeSyncMessage, SyncMessageType } from "../../common/collab-protocol";
import { loadState } from "../../server/collab/store";
import { collabClient, signedInSocket } from "../helpers/collab-client";
import { ask, connected, recordEvents, storedDoc } from "../helpers/collab-wire";
import { startTestServer, type TestServer } from "../helpers/server";

describe("co-editing over socket.io", () => {
  let server: TestServer;
  let documentId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const doc = await server.database.db
      .selectFrom("documents")
      .select("id")
      .where("kind", "=", "samverkansform")
      .executeTakeFirstOrThrow();
    documentId = doc.id;
  });
  afterAll(() => server.close());

  it("acknowledges an update only after it is stored, and sends it to the others", async () => {
    const anna = await collabClient(server, "arbetsgrupp@kommun.test", documentId);
    const johan = await collabClient(server, "kommunchef@kommun.test", documentId);
    await Promise.all([anna.synced, johan.synced]);
    expect(anna.doc.get("root", Y.XmlText).length).toBeGreaterThan(0);

    anna.doc.getText("probe").insert(0, "hej");
    expect(anna.provider.saveState).toBe("saving");
    await anna.saved();
    const stored = await loadState(server.database.db, documentId);
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored!.state);
    expect(reloaded.getText("probe").toString()).toBe("hej");
    await expect.poll(() => johan.doc.getText("probe").toString()).toBe("hej");

    // The chief reads live but may not write (refusals are tested in collab-auth.test.ts).
    expect(johan.provider.writable).toBe(false);
    anna.close();
    johan.close();
  });

  it("saves a burst of edits from several editors in one statement, each acknowledged after it", async () => {
    const anna = await collabClient(server, "arbetsgrupp@kommun.test", documentId);
    const sara = await collabClient(server, "admin@kommun.test", documentId);
    await Promise.all([anna.synced, sara.synced]);
    const before = { ...server.collab.stats };
    const rowsBefore = await updateRows();

    // Five keystrokes each, typed at once: every one its own update and acknowledgement.
    for (let i = 0; i < 5; i++) {
      anna.doc.getText("burst").insert(0, "a");
      sara.doc.getText("burst-sara").insert(0, "s");
    }
    await Promise.all([anna.saved(), sara.saved()]);

    expect(server.collab.stats.persistedUpdates - before.persistedUpdates).toBe(10);
    expect(await updateRows()).toBe(rowsBefore + 10);
    // Everything within the batching window went into one INSERT (a slow machine may split it).
    expect(server.collab.stats.saves - before.saves).toBeGreaterThan(0);
    expect(server.collab.stats.saves - before.saves).toBeLessThan(4);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await loadState(server.database.db, documentId))!.state);
    expect(stored.getText("burst").toString()).toBe("aaaaa");
    expect(stored.getText("burst-sara").toString()).toBe("sssss");
    anna.close();
    sara.close();
  });

  async function updateRows() {
    const row = await server.database.db
      .selectFrom("document_updates")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("document_id", "=", documentId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  it("a join with the client's state vector is answered with what it lacks, without a step 1", async () => {
    const stored = await storedDoc(server.database.db, documentId);
    const client = new Y.Doc();
    const socket = await signedInSocket(server, "arbetsgrupp@kommun.test");
    await connected(socket);
    const events = recordEvents(socket, ["collab:sync"]);
    const ack = await ask(socket, "collab:join", {
      documentId,
      stateVector: Y.encodeStateVector(client),
    });
    expect(ack).toEqual({ ok: true, writable: true });
    await expect.poll(() => events.length).toBeGreaterThanOrEqual(2);
    const [answer, ours] = events.map(({ payload }) =>
      decodeSyncMessage(payload.data as Uint8Array),
    );
    // Step 2 first (the provider is in sync on it), then the server's own step 1.
    expect(answer.type).toBe(SyncMessageType.step2);
    expect(ours.type).toBe(SyncMessageType.step1);
    Y.applyUpdate(client, answer.body);
    expect(Y.encodeStateVector(client)).toEqual(Y.encodeStateVector(stored));
    expect(ours.body).toEqual(Y.encodeStateVector(stored));
    socket.close();
  });
});
