import { sql } from "kysely";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { OnlineUser } from "../../common/live-events";
import type { RunningApp } from "../../server/app";
import { PEER_SAVE_TIMEOUT_MS } from "../../server/collab/document";
import { appendUpdate } from "../../server/collab/store";
import { createDocument } from "../../server/domain/documents";
import { createUser } from "../../server/domain/users";
import { toBase64 } from "../../server/realtime/cluster";
import { failoverProxy, startTestCluster, type TestCluster } from "../helpers/cluster";
import { collabClient, signedInSocket } from "../helpers/collab-client";
import {
  actorOf,
  ask,
  connected,
  holdDocument,
  nextEvent,
  storedDoc,
  updateMessage,
} from "../helpers/collab-wire";
import { DocumentWriter } from "../helpers/document-writer";
import { HttpClient } from "../helpers/http";

const serverUrl = process.env.DATABASE_URL;
const TIMEOUT_MS = 5_000;

/**
 * Several server processes share one PostgreSQL database behind a proxy (ADR 0029). Skipped on
 * PGlite: the embedded database belongs to one process (its DATA_DIR lock refuses a second), so
 * there is no second process to reach.
 */
describe.skipIf(!serverUrl)("two server processes on one PostgreSQL database", () => {
  let cluster: TestCluster;
  let a: RunningApp;
  let b: RunningApp;
  let documentId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster(serverUrl as string);
    [a, b] = cluster.servers;
    documentId = (
      await cluster.database.db
        .selectFrom("documents")
        .select("id")
        .where("kind", "=", "samverkansform")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.close();
  });

  async function socketOn(server: RunningApp, email: string, password?: string) {
    const socket = await signedInSocket(server, email, password);
    sockets.push(socket);
    await connected(socket);
    return socket;
  }

  const storedText = async (name: string, id = documentId) =>
    (await storedDoc(cluster.database.db, id)).getText(name).toString();

  /** An update inserting `text` into the text `name`, made by a client of its own. */
  function textUpdate(name: string, text: string) {
    const doc = new Y.Doc();
    doc.getText(name).insert(0, text);
    const update = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return update;
  }

  /** A socket on `server` in the document, sending updates itself (no provider, no resends). */
  async function joinedSocket(server: RunningApp, id: string, email = "arbetsgrupp@kommun.test") {
    const socket = await socketOn(server, email);
    expect(await ask(socket, "collab:join", { documentId: id })).toMatchObject({ ok: true });
    return socket;
  }

  const sendUpdate = (socket: Socket, id: string, update: Uint8Array) =>
    ask(socket, "collab:sync", { documentId: id, data: updateMessage(update) });

  it("an edit typed on A reaches B's editors while A is still saving it; A's acknowledgement waits for COMMIT", async () => {
    const author = await joinedSocket(a, documentId);
    const sara = await collabClient(b, "admin@kommun.test", documentId);
    await sara.synced;
    const savedOnB = () => b.collab.loadedDoc(documentId)?.getText("held").toString();

    // The INSERT waits for the document's row until the test lets go of it.
    const hold = await holdDocument(cluster.database.db, documentId);
    let acked = false;
    const ack = sendUpdate(author, documentId, textUpdate("held", "på väg")).then((answer) => {
      acked = true;
      return answer;
    });
    await expect.poll(() => sara.doc.getText("held").toString()).toBe("på väg");
    // Someone joining B meanwhile gets it too, though B's saved copy does not have it yet.
    const erik = await collabClient(b, "kommunchef@kommun.test", documentId);
    await erik.synced;
    await expect.poll(() => erik.doc.getText("held").toString()).toBe("på väg");
    expect(savedOnB()).toBe("");
    expect(await storedText("held")).toBe("");
    expect(acked).toBe(false);

    await hold.release();
    expect(await ack).toEqual({ ok: true });
    expect(await storedText("held")).toBe("på väg");
    await expect.poll(savedOnB).toBe("på väg");
    for (const client of [sara, erik, author]) client.close();
  });

  it("B, which had not loaded the document when A relayed an edit, gets it once A has committed it", async () => {
    const actor = await actorOf(cluster.database.db, "arbetsgrupp@kommun.test");
    const fresh = await createDocument(cluster.database.db, actor, {
      title: "Ny på B",
      kind: "ovrigt",
    });
    const author = await joinedSocket(a, fresh);
    expect(b.collab.loadedDoc(fresh)).toBeUndefined();

    const hold = await holdDocument(cluster.database.db, fresh);
    const ack = sendUpdate(author, fresh, textUpdate("late", "sent före laddning"));
    // B loads the document from the log, which lacks the edit; it dropped the relay.
    const sara = await collabClient(b, "admin@kommun.test", fresh);
    await sara.synced;
    expect(sara.doc.getText("late").toString()).toBe("");

    await hold.release();
    expect(await ack).toEqual({ ok: true });
    // The news of the commit names an update B never got: B reads it from the log.
    await expect.poll(() => sara.doc.getText("late").toString()).toBe("sent före laddning");
    await expect
      .poll(() => b.collab.loadedDoc(fresh)?.getText("late").toString())
      .toBe("sent före laddning");
    sara.close();
    author.close();
  });

  it("an edit A relayed but failed to save is saved again from an editor's copy on B", async () => {
    const author = await joinedSocket(a, documentId);
    const sara = await collabClient(b, "admin@kommun.test", documentId);
    await sara.synced;

    // Every insert into the log fails until the constraint is dropped.
    await sql`alter table document_updates add constraint cross_test check (false) not valid`.execute(
      cluster.database.db,
    );
    try {
      expect(await sendUpdate(author, documentId, textUpdate("rescued", "räddad"))).toEqual({
        error: "internal",
      });
    } finally {
      await sql`alter table document_updates drop constraint cross_test`.execute(
        cluster.database.db,
      );
    }
    // Its author is gone; only Sara, on B, has it (A's room is empty).
    author.close();
    expect(sara.doc.getText("rescued").toString()).toBe("räddad");

    // A tells B the save failed; B asks its room for what its saved copy lacks, Sara sends it.
    await expect.poll(() => storedText("rescued"), { timeout: 10_000 }).toBe("räddad");
    await sara.saved();
    await expect
      .poll(() => b.collab.loadedDoc(documentId)?.getText("rescued").toString())
      .toBe("räddad");
    sara.close();
  });

  it("an edit relayed by a process that stopped before announcing its commit is looked for in the log, then asked for", async () => {
    const sara = await collabClient(b, "admin@kommun.test", documentId);
    await sara.synced;
    // As from a process that relays an edit and dies before its COMMIT: no news ever follows.
    a.realtime.io.serverSideEmit("collab:relay", {
      documentId,
      from: "stopped",
      updates: [[1, toBase64(textUpdate("orphan", "föräldralös"))]],
    });
    await expect.poll(() => sara.doc.getText("orphan").toString()).toBe("föräldralös");
    expect(await storedText("orphan")).toBe("");

    await expect
      .poll(() => storedText("orphan"), { timeout: PEER_SAVE_TIMEOUT_MS + 5_000 })
      .toBe("föräldralös");
    sara.close();
  });

  it("an update A refuses (an identity number) never reaches B", async () => {
    const author = await joinedSocket(a, documentId);
    const sara = await collabClient(b, "admin@kommun.test", documentId);
    await sara.synced;
    const writer = await DocumentWriter.of(cluster, documentId);
    const refused = writer.edit((root) =>
      root.insertEmbed(1, DocumentWriter.paragraph("Personnummer 811218-9876")),
    );
    expect(await sendUpdate(author, documentId, refused)).toEqual({ error: "personal_data" });
    // A later accepted update is relayed after it would have been.
    expect(await sendUpdate(author, documentId, textUpdate("after", "efter"))).toEqual({
      ok: true,
    });
    await expect.poll(() => sara.doc.getText("after").toString()).toBe("efter");
    expect(Buffer.from(Y.encodeStateAsUpdate(sara.doc)).includes("9876")).toBe(false);
    expect(
      Buffer.from(Y.encodeStateAsUpdate(b.collab.loadedDoc(documentId) as Y.Doc)).includes("9876"),
    ).toBe(false);
    sara.close();
    author.close();
  });

  it("an edit acknowledged by A after COMMIT reaches an editor on B and B's copy, and back", async () => {
    const anna = await collabClient(a, "arbetsgrupp@kommun.test", documentId);
    const sara = await collabClient(b, "admin@kommun.test", documentId);
    await Promise.all([anna.synced, sara.synced]);

    anna.doc.getText("across").insert(0, "från A");
    await anna.saved();
    expect(await storedText("across")).toBe("från A");
    await expect.poll(() => sara.doc.getText("across").toString()).toBe("från A");
    // B's saved copy takes it once A's news of the commit arrives.
    await expect
      .poll(() => b.collab.loadedDoc(documentId)?.getText("across").toString())
      .toBe("från A");

    // B's editor builds on it; A's copy and editor follow.
    sara.doc.getText("across").insert(6, ", från B");
    await sara.saved();
    await expect.poll(() => anna.doc.getText("across").toString()).toBe("från A, från B");
    await expect
      .poll(() => a.collab.loadedDoc(documentId)?.getText("across").toString())
      .toBe("från A, från B");

    // Someone joining on B later gets it all from B's copy.
    const erik = await collabClient(b, "kommunchef@kommun.test", documentId);
    await erik.synced;
    expect(erik.doc.getText("across").toString()).toBe("från A, från B");
    for (const client of [anna, sara, erik]) client.close();
  });

  it("a cursor set on A is shown on B, also to whoever joins B later, and goes when its editor leaves", async () => {
    const anna = await collabClient(a, "arbetsgrupp@kommun.test", documentId);
    const sara = await collabClient(b, "admin@kommun.test", documentId);
    await Promise.all([anna.synced, sara.synced]);
    const annaId = anna.doc.clientID;
    anna.provider.awareness.setLocalState({ focusing: true, anchorPos: null, focusPos: null });
    await expect
      .poll(() => sara.provider.awareness.getStates().get(annaId)?.name)
      .toBe("Anna Berg");

    const late = await collabClient(b, "socialtjanst@kommun.test", documentId);
    await late.synced;
    await expect
      .poll(() => late.provider.awareness.getStates().get(annaId)?.name)
      .toBe("Anna Berg");

    anna.close();
    await expect.poll(() => sara.provider.awareness.getStates().has(annaId)).toBe(false);
    sara.close();
    late.close();
  });

  it("who is online counts the people on both processes, and one leaving B is gone on A", async () => {
    const sara = await socketOn(a, "admin@kommun.test");
    const anna = await socketOn(b, "arbetsgrupp@kommun.test");
    for (const socket of [sara, anna]) {
      const list = (await socket.timeout(TIMEOUT_MS).emitWithAck("presence:list")) as OnlineUser[];
      expect(list.map((user) => user.name)).toEqual(
        expect.arrayContaining(["Anna Berg", "Sara Lind"]),
      );
    }
    const gone = nextEvent<OnlineUser[]>(
      sara,
      "presence",
      (list) => !list.some((user) => user.name === "Anna Berg"),
    );
    anna.disconnect();
    expect((await gone).map((user) => user.name)).toContain("Sara Lind");
  });

  it("deactivating a person on A closes their sockets on both processes", async () => {
    const userId = await createUser(cluster.database.db, null, cluster.organisationId, {
      email: "ove@kommun.test",
      name: "Ove Avgår",
      password: "Ove-avgar-losen-1",
      roles: ["member"],
      departmentIds: [],
    });
    const onA = await socketOn(a, "ove@kommun.test", "Ove-avgar-losen-1");
    const onB = await socketOn(b, "ove@kommun.test", "Ove-avgar-losen-1");
    const closed = [onA, onB].map(
      (socket) => new Promise<string>((resolve) => socket.once("disconnect", resolve)),
    );
    const admin = new HttpClient(a.url);
    await admin.logIn("admin@kommun.test");
    const response = await admin.postForm(`/admin/anvandare/${userId}`, { intent: "deactivate" });
    expect(response.status).toBe(303);
    expect(await Promise.all(closed)).toEqual(["io server disconnect", "io server disconnect"]);
  });

  it("a role change made on A reaches the person's open document on B at once", async () => {
    const email = "dag@kommun.test";
    const password = "Degraderad-losen-1";
    const userId = await createUser(cluster.database.db, null, cluster.organisationId, {
      email,
      name: "Dag Degraderad",
      password,
      roles: ["member"],
      departmentIds: [],
    });
    const socket = await socketOn(b, email, password);
    expect(await ask(socket, "collab:join", { documentId })).toEqual({ ok: true, writable: true });
    const status = nextEvent(socket, "collab:status", (p) => p.documentId === documentId);
    const { version } = await cluster.database.db
      .selectFrom("memberships")
      .select("version")
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    const admin = new HttpClient(a.url);
    await admin.logIn("admin@kommun.test");
    const response = await admin.postForm(`/admin/anvandare/${userId}`, {
      name: "Dag Degraderad",
      email,
      password: "",
      roles: "chief",
      version: String(version),
    });
    expect(response.status).toBe(303);
    expect(await status).toEqual({ documentId, frozen: false, writable: false });
  });

  it("an edit A committed whose announcement never reached B reaches B's editors when someone joins B", async () => {
    const sara = await collabClient(b, "admin@kommun.test", documentId);
    await sara.synced;
    // As when A stops right after a COMMIT: the row is in the log, B was never told.
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(await storedDoc(cluster.database.db, documentId)));
    const before = Y.encodeStateVector(writer);
    writer.getText("unannounced").insert(0, "sparat på A");
    await appendUpdate(
      cluster.database.db,
      documentId,
      Y.encodeStateAsUpdate(writer, before),
      null,
    );
    // Anna's tab reconnects to B (A is gone): her join catches B up, and Sara gets it too.
    const anna = await collabClient(b, "arbetsgrupp@kommun.test", documentId);
    await anna.synced;
    expect(anna.doc.getText("unannounced").toString()).toBe("sparat på A");
    await expect.poll(() => sara.doc.getText("unannounced").toString()).toBe("sparat på A");
    anna.close();
    sara.close();
  });

  it("a rolling restart: A stops while Anna types on it, her tab goes on on B, and nothing she typed is lost", async () => {
    // Anna comes through the proxy (to A while it runs); Sara is on B.
    const proxy = await failoverProxy(() => [a, b].map((s) => new URL(s.url).port).map(Number));
    try {
      const anna = await collabClient(proxy, "arbetsgrupp@kommun.test", documentId);
      const sara = await collabClient(b, "admin@kommun.test", documentId);
      await Promise.all([anna.synced, sara.synced]);
      expect(a.realtime.io.of("/").sockets.size).toBeGreaterThan(0);

      const typed: string[] = [];
      let stopped: Promise<void> | undefined;
      for (let i = 0; i < 60; i++) {
        const text = anna.doc.getText("restart");
        const key = `${i % 10}`;
        text.insert(text.length, key);
        typed.push(key);
        // SIGTERM does this: server/index.ts closes the app while she goes on typing.
        if (i === 20) stopped = a.close();
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      await stopped;
      await anna.saved();
      expect(anna.provider.saveState).toBe("saved");
      expect(await storedText("restart")).toBe(typed.join(""));
      await expect.poll(() => sara.doc.getText("restart").toString()).toBe(typed.join(""));
      // She is on B now, and what she types reaches Sara as before.
      anna.doc.getText("restart").insert(0, "B:");
      await anna.saved();
      await expect.poll(() => sara.doc.getText("restart").toString()).toBe(`B:${typed.join("")}`);
      anna.close();
      sara.close();
    } finally {
      await proxy.close();
    }
  });
});
