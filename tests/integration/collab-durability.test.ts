import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  type SerializedEditorState,
} from "lexical";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { AWARENESS_THROTTLE_MS } from "../../app/editor/provider.client";
import { renderState, updateToContent } from "../../server/collab/headless";
import { COLLAB_LIMITS } from "../../server/collab/limits";
import { appendUpdate, compact, loadState } from "../../server/collab/store";
import { createDocument } from "../../server/domain/documents";
import type { Actor } from "../../server/domain/policy";
import { type CollabClient, collabClient, signedInSocket } from "../helpers/collab-client";
import {
  actorOf,
  ask,
  connected,
  contentOf,
  holdDocument,
  hubDoc,
  storedDoc,
  updateMessage,
} from "../helpers/collab-wire";
import { startTestServer, type TestServer } from "../helpers/server";

const WRITER = "arbetsgrupp@kommun.test";
const onPostgres = Boolean(process.env.DATABASE_URL);
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replaces the text of the document's first text node, as an ordinary edit in `doc`. */
function editFirstText(doc: Y.Doc, text: string) {
  const state = Y.encodeStateAsUpdate(doc);
  const json = structuredClone(renderState(state).json) as unknown as {
    root: { children: { children: { text: string }[] }[] };
  };
  json.root.children[0].children[0].text = text;
  Y.applyUpdate(doc, updateToContent(state, json as unknown as SerializedEditorState));
}

describe("co-editing: durability, compaction, loading and presence", () => {
  let server: TestServer;
  let actor: Actor;
  const clients: CollabClient[] = [];
  const sockets: Socket[] = [];
  const saved = { ...COLLAB_LIMITS };

  beforeAll(async () => {
    server = await startTestServer();
    actor = await actorOf(server.database.db, WRITER);
  });
  afterEach(() => {
    Object.assign(COLLAB_LIMITS, saved);
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(() => server?.close());

  const db = () => server.database.db;
  const newDocument = (title = "Hållbarhetstest", text = "Första stycket") =>
    createDocument(db(), actor, { title, kind: "ovrigt" }, () => {
      $getRoot().append($createParagraphNode().append($createTextNode(text)));
    });

  async function open(documentId: string, email = WRITER) {
    const client = await collabClient(server, email, documentId);
    clients.push(client);
    await client.synced;
    return client;
  }

  /** The document's rendered views as stored. */
  const rendered = (documentId: string) =>
    db()
      .selectFrom("documents")
      .select(["rendered_text", "rendered_html"])
      .where("id", "=", documentId)
      .executeTakeFirstOrThrow();

  const rows = (documentId: string) =>
    db()
      .selectFrom("document_updates")
      .select(["id"])
      .where("document_id", "=", documentId)
      .orderBy("id")
      .execute();
  const snapshotOf = (documentId: string) =>
    db()
      .selectFrom("document_snapshots")
      .select(["last_update_id"])
      .where("document_id", "=", documentId)
      .executeTakeFirstOrThrow();

  /** An update adding `text` to a scratch type, made on a copy of the stored document. */
  async function scratchUpdate(documentId: string, text: string) {
    const doc = await storedDoc(db(), documentId);
    const before = Y.encodeStateVector(doc);
    doc.getText("probe").insert(doc.getText("probe").length, text);
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return update;
  }

  it("acknowledges an update only once its row is committed", async () => {
    const documentId = await newDocument();
    const socket = await signedInSocket(server, WRITER);
    sockets.push(socket);
    await connected(socket);
    expect(await ask(socket, "collab:join", { documentId })).toMatchObject({ ok: true });
    const update = await scratchUpdate(documentId, "spara först");

    // Hold the document row (PostgreSQL) or the only connection (PGlite): the write must wait.
    const hold = await holdDocument(db(), documentId);
    let rowsWhenAcked = -1;
    const acked = ask(socket, "collab:sync", { documentId, data: updateMessage(update) }).then(
      async (ack) => {
        rowsWhenAcked = (await rows(documentId)).length;
        return ack;
      },
    );
    await tick(500);
    expect(rowsWhenAcked).toBe(-1);
    await hold.release();
    expect(await acked).toEqual({ ok: true });
    expect(rowsWhenAcked).toBe(1);
    expect((await storedDoc(db(), documentId)).getText("probe").toString()).toBe("spara först");
  });

  it("compaction folds the log into the snapshot; loading is snapshot plus tail", async () => {
    const documentId = await newDocument();
    for (const text of ["a", "b", "c", "d"])
      await appendUpdate(db(), documentId, await scratchUpdate(documentId, text), actor.userId);
    const logged = await rows(documentId);
    expect(logged).toHaveLength(4);
    expect(await compact(db(), documentId)).toEqual({ folded: 4 });
    expect(await rows(documentId)).toEqual([]);
    expect(BigInt((await snapshotOf(documentId)).last_update_id)).toBe(BigInt(logged[3].id));

    for (const text of ["e", "f"])
      await appendUpdate(db(), documentId, await scratchUpdate(documentId, text), actor.userId);
    const stored = await loadState(db(), documentId);
    expect(stored?.lastUpdateId).toBe(BigInt((await rows(documentId))[1].id));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored!.state);
    expect(doc.getText("probe").toString()).toBe("abcdef");
    expect(renderState(stored!.state).text).toBe("Första stycket");
    expect(await compact(db(), documentId)).toEqual({ folded: 2 });
    expect(await compact(db(), documentId)).toEqual({ folded: 0 });
    expect(contentOf(await storedDoc(db(), documentId))).toEqual(contentOf(doc));
  });

  it.skipIf(!onPostgres)(
    "compaction deletes only the rows it folded: a row committed meanwhile with a lower id survives",
    async () => {
      const documentId = await newDocument();
      const late = await scratchUpdate(documentId, "sen");
      let commit!: () => void;
      let inserted!: () => void;
      const isInserted = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      // A writer whose INSERT got its id first but commits last.
      const slow = db()
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto("document_updates")
            .values({ document_id: documentId, update: late, user_id: actor.userId })
            .execute();
          inserted();
          await new Promise<void>((resolve) => {
            commit = resolve;
          });
        });
      await isInserted;
      await appendUpdate(db(), documentId, await scratchUpdate(documentId, "snabb"), null);
      expect(await compact(db(), documentId)).toEqual({ folded: 1 });
      commit();
      await slow;
      const left = await rows(documentId);
      expect(left).toHaveLength(1);
      expect(BigInt(left[0].id)).toBeLessThan(
        BigInt((await snapshotOf(documentId)).last_update_id),
      );
      const text = (await storedDoc(db(), documentId)).getText("probe").toString();
      expect(text).toContain("sen");
      expect(text).toContain("snabb");
      expect(await compact(db(), documentId)).toEqual({ folded: 1 });
      expect(await rows(documentId)).toEqual([]);
    },
  );

  it("loading while a compaction commits sees every committed row, and racing writes survive", async () => {
    const documentId = await newDocument();
    const texts = Array.from({ length: 12 }, (_, i) => `<${i}>`);
    const updates = await Promise.all(texts.map((t) => scratchUpdate(documentId, t)));
    for (const update of updates.slice(0, 6)) await appendUpdate(db(), documentId, update, null);
    const loads: Promise<Y.Doc>[] = [];
    await Promise.all([
      ...updates
        .slice(6)
        .map((u, i) => tick(i).then(() => appendUpdate(db(), documentId, u, null))),
      compact(db(), documentId),
      tick(2).then(() => compact(db(), documentId)),
      ...Array.from({ length: 20 }, (_, i) =>
        tick(i % 5).then(() => {
          const load = storedDoc(db(), documentId);
          loads.push(load);
          return load;
        }),
      ),
    ]);
    // Whatever moment each load caught, it holds everything committed before it began.
    for (const doc of await Promise.all(loads)) {
      const text = doc.getText("probe").toString();
      for (const t of texts.slice(0, 6)) expect(text).toContain(t);
    }
    const text = (await storedDoc(db(), documentId)).getText("probe").toString();
    for (const t of texts) expect(text).toContain(t);
  });

  it("the hub compacts after enough updates while editors keep typing", async () => {
    COLLAB_LIMITS.compactAfterUpdates = 5;
    const documentId = await newDocument();
    const client = await open(documentId);
    const text = client.doc.getText("probe");
    for (let i = 0; i < 12; i++) {
      text.insert(text.length, `${i};`);
      await tick(5);
    }
    await client.saved();
    await expect.poll(async () => (await rows(documentId)).length).toBeLessThan(5);
    expect(BigInt((await snapshotOf(documentId)).last_update_id)).toBeGreaterThan(0n);
    const stored = await storedDoc(db(), documentId);
    expect(contentOf(stored)).toEqual(contentOf(client.doc));
  });

  it("an idle document is unloaded (rendered and compacted) and opens again intact", async () => {
    COLLAB_LIMITS.unloadAfterMs = 200;
    const documentId = await newDocument();
    const first = await open(documentId);
    editFirstText(first.doc, "Sparat före vila");
    await first.saved();
    expect(hubDoc(server.collab, documentId)).toBeDefined();
    const before = contentOf(first.doc);
    first.close();
    await expect.poll(() => hubDoc(server.collab, documentId)).toBeUndefined();
    await expect.poll(async () => (await rows(documentId)).length).toBe(0);
    expect((await rendered(documentId)).rendered_text).toBe("Sparat före vila");

    const second = await open(documentId);
    expect(contentOf(second.doc)).toEqual(before);
    second.doc.getText("probe").insert(0, "igen");
    await second.saved();
    expect(contentOf(await storedDoc(db(), documentId))).toEqual(contentOf(second.doc));
  });

  it("keeps the rendered text and HTML up to date within the render delay", async () => {
    const documentId = await newDocument();
    const client = await open(documentId);
    editFirstText(client.doc, "Nytt & renderat");
    await client.saved();
    const started = Date.now();
    await expect
      .poll(async () => (await rendered(documentId)).rendered_text, {
        timeout: COLLAB_LIMITS.renderDelayMs + 3_000,
        interval: 100,
      })
      .toBe("Nytt & renderat");
    expect(Date.now() - started).toBeLessThan(COLLAB_LIMITS.renderDelayMs + 3_000);
    expect((await rendered(documentId)).rendered_html).toContain("Nytt &amp; renderat");
  });

  it("renders while someone keeps typing, at the latest the longest delay after an edit", async () => {
    COLLAB_LIMITS.renderDelayMs = 400;
    COLLAB_LIMITS.renderMaxDelayMs = 1_000;
    const documentId = await newDocument();
    const client = await open(documentId);
    // An edit every 100 ms for 2.5 s: typing never pauses for the 400 ms render delay.
    const started = Date.now();
    let renderedWhileTyping: string | null = null;
    for (let i = 1; Date.now() - started < 2_500; i++) {
      editFirstText(client.doc, `Rad ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (Date.now() - started > 1_800)
        renderedWhileTyping ??= (await rendered(documentId)).rendered_text;
    }
    expect(renderedWhileTyping).toMatch(/^Rad \d+$/);
    await client.saved();
  });

  const cursorOf = (client: CollabClient, of: CollabClient) =>
    client.provider.awareness.getStates().get(of.doc.clientID);
  /** A caret position as Lexical's cursors keep it (a Yjs relative position), at `clock`. */
  const caret = (clock: number) => ({
    type: null,
    tname: null,
    item: { client: 1, clock },
    assoc: 0,
  });

  it("sends a moved cursor at once, and the moves that follow within the window together", async () => {
    const documentId = await newDocument();
    const anna = await open(documentId);
    const sara = await open(documentId, "admin@kommun.test");
    let sent = 0;
    anna.socket.onAnyOutgoing((event) => {
      if (event === "collab:awareness") sent++;
    });
    await tick(2 * AWARENESS_THROTTLE_MS); // past the window opened by the join

    // The edit's cursor goes out with the edit, not a window later.
    anna.provider.awareness.setLocalState({ name: "Anna", color: "#005a9c", anchorPos: caret(1) });
    expect(sent).toBe(1);
    anna.provider.awareness.setLocalStateField("anchorPos", caret(2));
    anna.provider.awareness.setLocalStateField("anchorPos", caret(3));
    expect(sent).toBe(1);
    await expect.poll(() => cursorOf(sara, anna)?.anchorPos?.item?.clock).toBe(3);
    expect(sent).toBe(2);
  });

  it("removes the cursors of a closed tab for the others within a second", async () => {
    const documentId = await newDocument();
    const anna = await open(documentId);
    const sara = await open(documentId, "admin@kommun.test");
    const johan = await open(documentId, "kommunchef@kommun.test");

    // The names the others see are the server's (the session's person), whatever the tab says.
    anna.provider.awareness.setLocalState({ name: "Anna", color: "#005a9c", anchorPos: caret(3) });
    sara.provider.awareness.setLocalState({ name: "Sara", color: "#8a2be2", anchorPos: caret(1) });
    await expect.poll(() => cursorOf(sara, anna)).toMatchObject({ name: "Anna Berg" });
    await expect.poll(() => cursorOf(johan, anna)).toMatchObject({ name: "Anna Berg" });
    await expect.poll(() => cursorOf(anna, sara)).toMatchObject({ name: "Sara Lind" });

    // The tab closes: the socket just goes away, no goodbye from the editor.
    const closedAt = Date.now();
    anna.socket.close();
    await expect.poll(() => cursorOf(sara, anna), { timeout: 1_000, interval: 20 }).toBeUndefined();
    await expect
      .poll(() => cursorOf(johan, anna), { timeout: 1_000, interval: 20 })
      .toBeUndefined();
    expect(Date.now() - closedAt).toBeLessThan(1_000);

    // Leaving the editor (unmount) removes the cursor too.
    sara.close();
    await expect
      .poll(() => cursorOf(johan, sara), { timeout: 1_000, interval: 20 })
      .toBeUndefined();
  });
});
