import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { Server } from "socket.io";
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { z } from "zod";
import type { DB } from "../../db";
import type { SessionUser } from "../auth/sessions";
import { getDocumentStatus, refreshRenderedFromState } from "../domain/documents";
import { can, NotFoundError } from "../domain/policy";
import {
  type AppSocket,
  type GuardedOn,
  PRESENCE_COALESCE_MS,
  type RealtimeFeature,
} from "../realtime";
import { coalesced } from "../realtime/coalesce";
import { appendUpdate, appendUpdates, compact, loadState, loadTail, type NewUpdate } from "./store";

/** Limits, checked when an update is written; the sender gets a clear error event. */
export const COLLAB_LIMITS = {
  maxUpdateBytes: 512 * 1024,
  maxDocumentBytes: 8 * 1024 * 1024,
  /** Updates per user per second, sustained; bursts up to `burst`. */
  updatesPerSecond: 60,
  burst: 300,
  compactAfterUpdates: 500,
  /** Updates arriving within this window are saved in one INSERT (see CollabHub.save). */
  saveBatchMs: 10,
  /** Rendered views follow a pause in typing by this long… */
  renderDelayMs: 2_000,
  /** …and never trail an edit by more than this, however long people keep typing. */
  renderMaxDelayMs: 10_000,
  unloadAfterMs: 30_000,
};

export type CollabErrorCode =
  | "not_found"
  | "read_only"
  | "frozen"
  | "malformed"
  | "too_large"
  | "document_too_large"
  | "rate_limited"
  | "internal";

const docRoom = (documentId: string) => `doc:${documentId}`;
// After a failed save, the room is asked for what we lack at most this often (see receiveUpdate).
const ROOM_RESYNC_DELAY_MS = 1_000;

const JoinSchema = z.object({ documentId: z.uuid() });
const MessageSchema = z.object({ documentId: z.uuid(), data: z.instanceof(Uint8Array) });

interface LoadedDocument {
  id: string;
  organisationId: string;
  /** Every saved edit: changed only after COMMIT, so its state vector never claims an unsaved one. */
  doc: Y.Doc;
  /**
   * Every edit accepted so far, saved or not. An update is applied here before it is sent to
   * anyone or stored: one that decodes but cannot be applied (a forged reference) is refused
   * there, and so never reaches the other editors nor the log, where it would stop the
   * document from loading.
   */
  received: Y.Doc;
  awareness: Awareness;
  lastUpdateId: bigint;
  storedBytes: number;
  updatesSinceCompaction: number;
  frozen: boolean;
  /** Awareness client ids each socket set, removed when the socket leaves. */
  clientIdsBySocket: Map<string, Set<number>>;
  /** Updates sent to the others but not yet committed (see receiveUpdate). */
  inFlight: Set<Uint8Array>;
  /** Updates waiting for the next batched save (see save). */
  saveBatch: PendingSave[];
  saveTimer?: ReturnType<typeof setTimeout>;
  /** When this process last changed the content; stored with the next render. */
  editedAt?: Date;
  renderTimer?: ReturnType<typeof setTimeout>;
  /** When the oldest edit not yet in the rendered views arrived (ms since the epoch). */
  unrenderedSince?: number;
  resyncTimer?: ReturnType<typeof setTimeout>;
  unloadTimer?: ReturnType<typeof setTimeout>;
}

interface PendingSave extends NewUpdate {
  saved: (newestId: bigint) => void;
  failed: (error: unknown) => void;
}

export interface CollabStats {
  droppedReadOnlyUpdates: number;
  droppedReadOnlyAwareness: number;
  persistedUpdates: number;
  /** INSERT statements that saved them: fewer when updates arrive together. */
  saves: number;
}

function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const updateMessage = (update: Uint8Array) =>
  syncMessage((e) => syncProtocol.writeUpdate(e, update));

function docFrom(...updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update, "store");
  return doc;
}

/** What an update does: nothing at all, or only delete (it adds no content). Throws if malformed. */
function describeUpdate(update: Uint8Array) {
  const { structs, ds } = Y.decodeUpdate(update);
  return {
    empty: structs.length === 0 && ds.clients.size === 0,
    deletesOnly: structs.length === 0,
  };
}

/**
 * The co-editing hub: one in-memory Y.Doc per open document, fed by the standard y-protocols
 * sync and awareness messages over socket.io (docs/collab-protocol.md). Every update is
 * appended to the database and acknowledged to its author only after COMMIT, then sent to the
 * others. Nothing here is trusted to stay current: a join first catches up from the log.
 */
export class CollabHub implements RealtimeFeature {
  readonly stats: CollabStats = {
    droppedReadOnlyUpdates: 0,
    droppedReadOnlyAwareness: 0,
    persistedUpdates: 0,
    saves: 0,
  };
  private documents = new Map<string, LoadedDocument>();
  private loading = new Map<string, Promise<LoadedDocument>>();
  private buckets = new Map<string, { tokens: number; at: number }>();
  /** Set when the server shuts down: leaves then schedule nothing that would outlive the hub. */
  private closing = false;
  private people = coalesced(
    (documentId) => this.broadcastPeople(documentId),
    PRESENCE_COALESCE_MS,
  );

  constructor(
    private readonly io: Server,
    private readonly db: DB,
  ) {}

  onConnection(socket: AppSocket, on: GuardedOn): void {
    on(socket, "collab:join", "documents:read", (user, payload, reply) =>
      this.join(socket, user, payload, reply),
    );
    on(socket, "collab:sync", "documents:read", (user, payload, reply) =>
      this.sync(socket, user, payload, reply),
    );
    on(socket, "collab:awareness", "documents:read", (user, payload, reply) =>
      this.awareness(socket, user, payload, reply),
    );
    on(socket, "collab:leave", "documents:read", (_user, payload, reply) => {
      const parsed = JoinSchema.safeParse(payload);
      if (parsed.success) this.leave(socket, parsed.data.documentId);
      reply({ ok: true });
    });
    socket.on("disconnecting", () => {
      for (const room of socket.rooms)
        if (room.startsWith("doc:")) this.leave(socket, room.slice(4));
    });
  }

  private fail(
    socket: AppSocket,
    reply: (r: unknown) => void,
    documentId: string | undefined,
    code: CollabErrorCode,
  ) {
    reply({ error: code });
    (socket as unknown as { emit: (e: string, p: unknown) => void }).emit("collab:error", {
      documentId,
      code,
    });
  }

  private writable(user: SessionUser, loaded: LoadedDocument) {
    return !loaded.frozen && can(user, "documents:edit", { organisationId: loaded.organisationId });
  }

  /** Loads a document once per process, or catches an already loaded copy up from the log. */
  private async open(documentId: string, user: SessionUser): Promise<LoadedDocument> {
    const status = await getDocumentStatus(this.db, user, documentId);
    const existing = this.documents.get(documentId);
    if (existing) {
      existing.frozen = status === "adopted";
      await this.catchUp(existing);
      return existing;
    }
    let pending = this.loading.get(documentId);
    if (!pending) {
      pending = (async () => {
        const stored = await loadState(this.db, documentId);
        if (!stored) throw new NotFoundError();
        const doc = docFrom(stored.state);
        const loaded: LoadedDocument = {
          id: documentId,
          organisationId: user.organisationId,
          doc,
          received: docFrom(stored.state),
          awareness: new Awareness(doc),
          lastUpdateId: stored.lastUpdateId,
          storedBytes: stored.storedBytes,
          updatesSinceCompaction: 0,
          frozen: status === "adopted",
          clientIdsBySocket: new Map(),
          inFlight: new Set(),
          saveBatch: [],
        };
        // The server has no cursor of its own.
        loaded.awareness.setLocalState(null);
        this.documents.set(documentId, loaded);
        return loaded;
      })().finally(() => this.loading.delete(documentId));
      this.loading.set(documentId, pending);
    }
    return pending;
  }

  /** Brings a loaded document up to date from the log (another process may have written to it). */
  private async catchUp(loaded: LoadedDocument) {
    for (const row of await loadTail(this.db, loaded.id, loaded.lastUpdateId)) {
      Y.applyUpdate(loaded.doc, row.update, "store");
      Y.applyUpdate(loaded.received, row.update, "store");
      if (row.id > loaded.lastUpdateId) loaded.lastUpdateId = row.id;
    }
  }

  private async join(
    socket: AppSocket,
    user: SessionUser,
    payload: unknown,
    reply: (r: unknown) => void,
  ) {
    const parsed = JoinSchema.safeParse(payload);
    if (!parsed.success) return this.fail(socket, reply, undefined, "not_found");
    const { documentId } = parsed.data;
    let loaded: LoadedDocument;
    try {
      loaded = await this.open(documentId, user);
    } catch (error) {
      if (error instanceof NotFoundError) return this.fail(socket, reply, documentId, "not_found");
      throw error;
    }
    clearTimeout(loaded.unloadTimer);
    await socket.join(docRoom(documentId));
    reply({ ok: true, writable: this.writable(user, loaded) });
    // Our state vector: the client answers with whatever we lack (edits made offline).
    const emit = socket as unknown as { emit: (e: string, p: unknown) => void };
    emit.emit("collab:sync", {
      documentId,
      data: syncMessage((e) => syncProtocol.writeSyncStep1(e, loaded.doc)),
    });
    const states = [...loaded.awareness.getStates().keys()];
    if (states.length > 0) {
      emit.emit("collab:awareness", {
        documentId,
        data: encodeAwarenessUpdate(loaded.awareness, states),
      });
    }
    this.people.schedule(documentId);
  }

  private loadedFor(socket: AppSocket, documentId: string): LoadedDocument | undefined {
    return socket.rooms.has(docRoom(documentId)) ? this.documents.get(documentId) : undefined;
  }

  private allow(userId: string): boolean {
    const now = Date.now();
    const bucket = this.buckets.get(userId) ?? { tokens: COLLAB_LIMITS.burst, at: now };
    bucket.tokens = Math.min(
      COLLAB_LIMITS.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * COLLAB_LIMITS.updatesPerSecond,
    );
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private async sync(
    socket: AppSocket,
    user: SessionUser,
    payload: unknown,
    reply: (r: unknown) => void,
  ) {
    const parsed = MessageSchema.safeParse(payload);
    if (!parsed.success) return this.fail(socket, reply, undefined, "malformed");
    const { documentId, data } = parsed.data;
    const loaded = this.loadedFor(socket, documentId);
    if (!loaded) return this.fail(socket, reply, documentId, "not_found");

    let type: number;
    let body: Uint8Array;
    try {
      const decoder = decoding.createDecoder(data);
      type = decoding.readVarUint(decoder);
      body = decoding.readVarUint8Array(decoder);
    } catch {
      return this.fail(socket, reply, documentId, "malformed");
    }
    if (type === syncProtocol.messageYjsSyncStep1) {
      // The client's state vector: answer with everything it lacks.
      let answer: Uint8Array;
      try {
        answer = Y.encodeStateAsUpdate(loaded.doc, body);
      } catch {
        return this.fail(socket, reply, documentId, "malformed");
      }
      reply({ ok: true });
      const emit = socket as unknown as { emit: (e: string, p: unknown) => void };
      emit.emit("collab:sync", {
        documentId,
        data: syncMessage((e) => {
          encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
          encoding.writeVarUint8Array(e, answer);
        }),
      });
      // Updates already sent to the room but not yet in our document: a socket that joined
      // meanwhile would otherwise miss them, and every later edit that builds on them.
      for (const inFlight of loaded.inFlight)
        emit.emit("collab:sync", { documentId, data: updateMessage(inFlight) });
      return;
    }
    if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) {
      return this.fail(socket, reply, documentId, "malformed");
    }
    await this.receiveUpdate(socket, user, loaded, body, reply);
  }

  /** Validate → check limits → apply to `received` → send to the others → COMMIT → apply → acknowledge. */
  private async receiveUpdate(
    socket: AppSocket,
    user: SessionUser,
    loaded: LoadedDocument,
    update: Uint8Array,
    reply: (r: unknown) => void,
  ) {
    const documentId = loaded.id;
    // Decoding every struct and the delete set refuses garbage before anything else; whether Yjs
    // can apply it is known only once applied (see accept).
    let kind: ReturnType<typeof describeUpdate>;
    try {
      kind = describeUpdate(update);
    } catch {
      return this.fail(socket, reply, documentId, "malformed");
    }
    if (kind.empty) return reply({ ok: true });
    if (!this.writable(user, loaded)) {
      this.stats.droppedReadOnlyUpdates++;
      return this.fail(socket, reply, documentId, loaded.frozen ? "frozen" : "read_only");
    }
    if (update.length > COLLAB_LIMITS.maxUpdateBytes)
      return this.fail(socket, reply, documentId, "too_large");
    // Deleting is always allowed, so a full document can be made smaller again.
    const full = loaded.storedBytes + update.length > COLLAB_LIMITS.maxDocumentBytes;
    if (full && !kind.deletesOnly)
      return this.fail(socket, reply, documentId, "document_too_large");
    if (!this.allow(user.userId)) return this.fail(socket, reply, documentId, "rate_limited");
    if (!this.accept(loaded, update)) return this.fail(socket, reply, documentId, "malformed");

    // The others get the edit while it is being saved (saving first put the COMMIT on their
    // latency path); only the author's acknowledgement waits for COMMIT. Our saved document
    // takes the edit only after COMMIT, so its state vector never claims an unsaved edit.
    socket
      .to(docRoom(documentId))
      .emit("collab:sync" as never, { documentId, data: updateMessage(update) } as never);
    loaded.inFlight.add(update);
    let id: bigint;
    try {
      id = await this.save(loaded, { update, userId: user.userId });
    } catch (error) {
      this.resyncRoom(loaded);
      throw error;
    } finally {
      loaded.inFlight.delete(update);
    }
    this.stats.persistedUpdates++;
    if (id > loaded.lastUpdateId) loaded.lastUpdateId = id;
    loaded.storedBytes += update.length;
    Y.applyUpdate(loaded.doc, update, socket.id);
    reply({ ok: true });
    // A deletion let into a full document: compacting is what makes room again.
    this.afterChange(loaded, full);
  }

  /**
   * Saves an update together with every other one for the document arriving within
   * `saveBatchMs`: a burst of keystrokes from everyone in a meeting becomes one INSERT and one
   * COMMIT, and the save starts only once the broadcast to the others is out of the way (its CPU
   * would otherwise compete with theirs). Resolves with the newest row id after COMMIT.
   */
  private save(loaded: LoadedDocument, update: NewUpdate): Promise<bigint> {
    return new Promise((saved, failed) => {
      loaded.saveBatch.push({ ...update, saved, failed });
      loaded.saveTimer ??= setTimeout(
        () => void this.flushSaves(loaded),
        COLLAB_LIMITS.saveBatchMs,
      );
    });
  }

  private async flushSaves(loaded: LoadedDocument) {
    clearTimeout(loaded.saveTimer);
    loaded.saveTimer = undefined;
    const batch = loaded.saveBatch.splice(0);
    if (batch.length === 0) return;
    try {
      const newestId = await appendUpdates(this.db, loaded.id, batch);
      this.stats.saves++;
      for (const pending of batch) pending.saved(newestId);
    } catch (error) {
      for (const pending of batch) pending.failed(error);
    }
  }

  /**
   * Applies an update to the document of accepted edits. If Yjs throws, the update is refused,
   * and since it may have been half applied, that document is made again from the saved one and
   * the updates still being saved.
   */
  private accept(loaded: LoadedDocument, update: Uint8Array): boolean {
    try {
      Y.applyUpdate(loaded.received, update, "received");
      return true;
    } catch {
      loaded.received.destroy();
      loaded.received = docFrom(Y.encodeStateAsUpdate(loaded.doc), ...loaded.inFlight);
      return false;
    }
  }

  /** An update made on the server (restoring a version): saved, applied and sent to every editor. */
  async applyServerUpdate(
    documentId: string,
    update: Uint8Array,
    userId: string | null,
  ): Promise<void> {
    if (describeUpdate(update).empty) return;
    const id = await appendUpdate(this.db, documentId, update, userId);
    const loaded = this.documents.get(documentId);
    if (!loaded) {
      // Nobody has it open here: no render is pending, so refresh the rendered views now.
      const stored = await loadState(this.db, documentId);
      if (stored) await refreshRenderedFromState(this.db, documentId, stored.state, new Date());
      return;
    }
    if (id > loaded.lastUpdateId) loaded.lastUpdateId = id;
    loaded.storedBytes += update.length;
    Y.applyUpdate(loaded.doc, update, "server");
    Y.applyUpdate(loaded.received, update, "server");
    this.io
      .to(docRoom(documentId))
      .emit("collab:sync", { documentId, data: updateMessage(update) });
    this.afterChange(loaded);
  }

  /** A document became frozen (fastställd) or changed metadata: open editors learn it at once. */
  documentChanged(documentId: string, frozen: boolean) {
    const loaded = this.documents.get(documentId);
    if (loaded) loaded.frozen = frozen;
    this.io.to(docRoom(documentId)).emit("collab:status", { documentId, frozen });
  }

  /**
   * An edit the others already have was not saved, and its author may be gone: soon ask everyone
   * for what we lack (our state vector), so whoever holds the edit sends it again. Coalesced, so
   * a database outage does not turn every failure into a round of resends.
   */
  private resyncRoom(loaded: LoadedDocument) {
    loaded.resyncTimer ??= setTimeout(() => {
      loaded.resyncTimer = undefined;
      this.io.to(docRoom(loaded.id)).emit("collab:sync", {
        documentId: loaded.id,
        data: syncMessage((e) => syncProtocol.writeSyncStep1(e, loaded.doc)),
      });
    }, ROOM_RESYNC_DELAY_MS);
  }

  private afterChange(loaded: LoadedDocument, compactNow = false) {
    loaded.updatesSinceCompaction++;
    const now = Date.now();
    loaded.editedAt = new Date(now);
    // Rendered text/HTML for search, exports and read-only views: once typing pauses, and at
    // the latest renderMaxDelayMs after the oldest edit they lack (a meeting may type for hours).
    loaded.unrenderedSince ??= now;
    const due = Math.min(
      now + COLLAB_LIMITS.renderDelayMs,
      loaded.unrenderedSince + COLLAB_LIMITS.renderMaxDelayMs,
    );
    clearTimeout(loaded.renderTimer);
    loaded.renderTimer = setTimeout(() => void this.render(loaded), due - now);
    if (compactNow || loaded.updatesSinceCompaction >= COLLAB_LIMITS.compactAfterUpdates) {
      loaded.updatesSinceCompaction = 0;
      void this.compact(loaded);
    }
  }

  private async render(loaded: LoadedDocument) {
    // An edit arriving while this render runs starts the next one's clock.
    loaded.unrenderedSince = undefined;
    try {
      await refreshRenderedFromState(
        this.db,
        loaded.id,
        Y.encodeStateAsUpdate(loaded.doc),
        loaded.editedAt,
      );
    } catch (error) {
      console.error(`Rendering document ${loaded.id} failed:`, error);
    }
  }

  private async compact(loaded: LoadedDocument) {
    try {
      await compact(this.db, loaded.id);
      loaded.storedBytes = Y.encodeStateAsUpdate(loaded.doc).length;
    } catch (error) {
      console.error(`Compacting document ${loaded.id} failed:`, error);
    }
  }

  private async awareness(
    socket: AppSocket,
    user: SessionUser,
    payload: unknown,
    reply: (r: unknown) => void,
  ) {
    const parsed = MessageSchema.safeParse(payload);
    if (!parsed.success) return this.fail(socket, reply, undefined, "malformed");
    const { documentId, data } = parsed.data;
    const loaded = this.loadedFor(socket, documentId);
    if (!loaded) return this.fail(socket, reply, documentId, "not_found");
    if (!this.writable(user, loaded)) {
      this.stats.droppedReadOnlyAwareness++;
      return reply({ ok: true, dropped: true });
    }
    try {
      const owned = loaded.clientIdsBySocket.get(socket.id) ?? new Set<number>();
      loaded.clientIdsBySocket.set(socket.id, owned);
      const onChange = ({ added, updated }: { added: number[]; updated: number[] }) => {
        for (const clientId of [...added, ...updated]) owned.add(clientId);
      };
      loaded.awareness.on("change", onChange);
      applyAwarenessUpdate(loaded.awareness, data, socket.id);
      loaded.awareness.off("change", onChange);
    } catch {
      return this.fail(socket, reply, documentId, "malformed");
    }
    socket.to(docRoom(documentId)).emit("collab:awareness" as never, { documentId, data } as never);
    reply({ ok: true });
  }

  /** Everyone in the document (writers and readers) for the avatars, across processes. */
  private async broadcastPeople(documentId: string) {
    const sockets = await this.io.in(docRoom(documentId)).fetchSockets();
    const people = new Map<string, { id: string; name: string }>();
    for (const s of sockets) {
      const user = (s.data as { user: SessionUser }).user;
      people.set(user.userId, { id: user.userId, name: user.name });
    }
    this.io
      .to(docRoom(documentId))
      .emit("collab:people", { documentId, people: [...people.values()] });
  }

  private leave(socket: AppSocket, documentId: string) {
    const loaded = this.documents.get(documentId);
    void socket.leave(docRoom(documentId));
    if (!loaded || this.closing) return;
    // Remove this socket's cursors now, so they vanish for the others at once.
    const owned = loaded.clientIdsBySocket.get(socket.id);
    loaded.clientIdsBySocket.delete(socket.id);
    if (owned && owned.size > 0) {
      const ids = [...owned];
      removeAwarenessStates(loaded.awareness, ids, "left");
      // Encoded after removal, the update carries "null" states with a newer clock: a removal.
      this.io
        .to(docRoom(documentId))
        .except(socket.id)
        .emit("collab:awareness", {
          documentId,
          data: encodeAwarenessUpdate(loaded.awareness, ids),
        });
    }
    this.people.schedule(documentId);
    this.scheduleUnload(loaded);
  }

  private scheduleUnload(loaded: LoadedDocument) {
    clearTimeout(loaded.unloadTimer);
    loaded.unloadTimer = setTimeout(async () => {
      const sockets = await this.io.in(docRoom(loaded.id)).local.fetchSockets();
      if (sockets.length > 0) return;
      this.documents.delete(loaded.id);
      clearTimeout(loaded.renderTimer);
      clearTimeout(loaded.resyncTimer);
      await this.render(loaded);
      await this.compact(loaded);
      loaded.awareness.destroy();
      loaded.doc.destroy();
      loaded.received.destroy();
    }, COLLAB_LIMITS.unloadAfterMs);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.people.cancel();
    for (const loaded of this.documents.values()) {
      await this.flushSaves(loaded);
      clearTimeout(loaded.unloadTimer);
      clearTimeout(loaded.renderTimer);
      clearTimeout(loaded.resyncTimer);
      await this.render(loaded);
      loaded.awareness.destroy();
      loaded.doc.destroy();
      loaded.received.destroy();
    }
    this.documents.clear();
  }
}
