import { DOCUMENT_ROOM_PREFIX, documentRoom } from "../../common/collab-protocol";
import type { DB } from "../../db";
import type { SessionUser } from "../auth/sessions";
import { isDocumentFrozen } from "../domain/documents";
import { NotFoundError } from "../domain/policy";
import { type AppServer, type AppSocket, PRESENCE_COALESCE_MS } from "../realtime";
import { coalesced } from "../realtime/coalesce";
import { CollabDocument, type SaveStats } from "./document";
import { COLLAB_LIMITS } from "./limits";
import type { CollabPeers } from "./peers";
import { loadCheckedState } from "./store";

/**
 * The documents loaded in this process, and who is in them: a join loads a document once (or
 * catches the loaded copy up from the log), a leave removes the socket's cursors, and a document
 * nobody has had open for `unloadAfterMs` is rendered, compacted and dropped from memory.
 */
export class DocumentRegistry {
  private documents = new Map<string, CollabDocument>();
  private loading = new Map<string, Promise<CollabDocument>>();
  private unloadTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Set when the server shuts down: leaves then schedule nothing that would outlive it. */
  private closing = false;
  private people = coalesced(
    (documentId) => this.broadcastPeople(documentId),
    PRESENCE_COALESCE_MS,
  );

  constructor(
    private readonly io: AppServer,
    private readonly db: DB,
    private readonly stats: SaveStats,
    private readonly peers: CollabPeers,
  ) {}

  /** The loaded document, if any (whoever is in it). */
  get(documentId: string): CollabDocument | undefined {
    return this.documents.get(documentId);
  }

  /** The loaded document, if `socket` has joined it. */
  joinedBy(socket: AppSocket, documentId: string): CollabDocument | undefined {
    return socket.rooms.has(documentRoom(documentId)) ? this.documents.get(documentId) : undefined;
  }

  /** Puts the socket in the document's room, loading it first. Throws NotFoundError. */
  async join(socket: AppSocket, user: SessionUser, documentId: string): Promise<CollabDocument> {
    const document = await this.open(documentId, user);
    clearTimeout(this.unloadTimers.get(documentId));
    await socket.join(documentRoom(documentId));
    this.people.schedule(documentId);
    return document;
  }

  /**
   * Loads a document once per process, or catches an already loaded copy up from the log. What
   * the catch-up finds goes to the editors already here too: it is what another process saved
   * and could not announce (it stopped right after its COMMIT), and they would miss it otherwise.
   */
  private async open(documentId: string, user: SessionUser): Promise<CollabDocument> {
    const frozen = await isDocumentFrozen(this.db, user, documentId);
    const existing = this.documents.get(documentId);
    if (existing) {
      existing.frozen = frozen;
      await existing.sendStoredUpdates();
      return existing;
    }
    let pending = this.loading.get(documentId);
    if (!pending) {
      pending = (async () => {
        const stored = await loadCheckedState(this.db, documentId);
        if (!stored) throw new NotFoundError();
        const document = new CollabDocument(
          this.io,
          this.db,
          this.stats,
          documentId,
          user.organisationId,
          stored,
          frozen,
          this.peers,
        );
        this.documents.set(documentId, document);
        // Another process's save announced while this one was loading found no copy here to
        // apply to; it committed before the announcement, so the log has it now.
        await document.catchUp();
        return document;
      })().finally(() => this.loading.delete(documentId));
      this.loading.set(documentId, pending);
    }
    return pending;
  }

  /** Takes the socket out of the document: its cursors vanish for the others at once. */
  leave(socket: AppSocket, documentId: string) {
    const document = this.documents.get(documentId);
    void socket.leave(documentRoom(documentId));
    if (!document || this.closing) return;
    const removal = document.removeAwarenessOf(socket.id);
    if (removal) {
      this.io.local
        .to(documentRoom(documentId))
        .except(socket.id)
        .emit("collab:awareness", { documentId, data: removal });
      this.peers.awareness(documentId, removal);
    }
    this.people.schedule(documentId);
    this.scheduleUnload(document);
  }

  /** Takes a disconnecting socket out of every document it is in. */
  leaveAll(socket: AppSocket) {
    for (const room of socket.rooms)
      if (room.startsWith(DOCUMENT_ROOM_PREFIX))
        this.leave(socket, room.slice(DOCUMENT_ROOM_PREFIX.length));
  }

  /** Everyone in the document (writers and readers) for the avatars, across processes. */
  private async broadcastPeople(documentId: string) {
    const sockets = await this.io.in(documentRoom(documentId)).fetchSockets();
    const people = new Map<string, { id: string; name: string }>();
    for (const { data } of sockets)
      people.set(data.user.userId, { id: data.user.userId, name: data.user.name });
    this.io
      .to(documentRoom(documentId))
      .emit("collab:people", { documentId, people: [...people.values()] });
  }

  private scheduleUnload(document: CollabDocument) {
    clearTimeout(this.unloadTimers.get(document.id));
    this.unloadTimers.set(
      document.id,
      setTimeout(async () => {
        this.unloadTimers.delete(document.id);
        const sockets = await this.io.in(documentRoom(document.id)).local.fetchSockets();
        if (sockets.length > 0) return;
        this.documents.delete(document.id);
        document.stopTimers();
        await document.render();
        await document.compact();
        document.destroy();
      }, COLLAB_LIMITS.unloadAfterMs),
    );
  }

  /** Saves what is pending and renders every loaded document, then drops them. */
  async close(): Promise<void> {
    this.closing = true;
    this.people.cancel();
    for (const document of this.documents.values()) {
      await document.flushSaves();
      clearTimeout(this.unloadTimers.get(document.id));
      document.stopTimers();
      await document.render();
      document.destroy();
    }
    this.unloadTimers.clear();
    this.documents.clear();
  }
}
