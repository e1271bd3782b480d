import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { OnlineUser } from "../../common/live-events";
import type { RunningApp } from "../../server/app";
import { appendUpdate } from "../../server/collab/store";
import { createUser } from "../../server/domain/users";
import { failoverProxy, startTestCluster, type TestCluster } from "../helpers/cluster";
import { collabClient, signedInSocket } from "../helpers/collab-client";
import { ask, connected, nextEvent, storedDoc } from "../helpers/collab-wire";
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

  const storedText = async (name: string) =>
    (await storedDoc(cluster.database.db, documentId)).getText(name).toString();

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
