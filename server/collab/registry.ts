import { DOCUMENT_ROOM_PREFIX, documentRoom } from "../../common/collab-protocol";
import type { DB } from "../../db";
import type { SessionUser } from "../auth/sessions";
import { documentFrozenState, isDocumentFrozen } from "../domain/documents";
import { NotFoundError } from "../domain/policy";
import { type AppServer, type AppSocket, PRESENCE_COALESCE_MS } from "../realtime";
import { coalesced, sharedReads } from "../realtime/coalesce";
import { CollabDocument, type SaveStats } from "./document";
import { COLLAB_LIMITS } from "./limits";
import type { CollabPeers } from "./peers";
import { loadCheckedState } from "./store";

/**
 * The documents loaded in this process, and who is in them: a join loads a document once, a
 * leave removes the socket's cursors, and a document nobody has had open for `unloadAfterMs` is
 * rendered, compacted and dropped from memory.
 *
 * In one process a loaded copy stays current by itself: every save goes through it, and a
 * restore, adoption, archiving or deletion reaches it through the bus after COMMIT. A join then
 * needs no query. Across processes (`clustered`) news from the others can be missed (a process
 * stopped right after its COMMIT), so a join first reads the document as committed: whether it is
 * frozen or gone, and the log's newest rows. Joins arriving together share that read.
 */
export class DocumentRegistry {
  private documents = new Map<string, CollabDocument>();
  private loading = new Map<string, Promise<CollabDocument>>();
  private unloadTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Set when the server shuts down: leaves then schedule nothing that would outlive it. */
  private closing = false;
  /** Reads a loaded document as committed (see `readCommitted`), shared by those who ask together. */
  private refresh = sharedReads((documentId) => this.readCommitted(documentId));
  private people = coalesced(
    (documentId) => this.broadcastPeople(documentId),
    PRESENCE_COALESCE_MS,
  );

  constructor(
    private readonly io: AppServer,
    private readonly db: DB,
    private readonly stats: SaveStats,
    private readonly peers: CollabPeers,
    private readonly clustered: boolean,
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

  /** Loads a document once per process; clustered, a loaded copy is first refreshed. */
  private async open(documentId: string, user: SessionUser): Promise<CollabDocument> {
    const existing = this.documents.get(documentId);
    if (existing) {
      // The same answer isDocumentFrozen gives: another organisation's document does not exist.
      if (existing.organisationId !== user.organisationId) throw new NotFoundError();
      if (!this.clustered) return existing;
      await this.refresh(documentId);
      if (this.documents.get(documentId) !== existing) throw new NotFoundError();
      return existing;
    }
    const frozen = await isDocumentFrozen(this.db, user, documentId);
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

  /**
   * A document was adopted, archived, taken out of the archive or deleted (in any process): the
   * loaded copy, also one still loading, takes its state as committed.
   */
  async statusChanged(documentId: string): Promise<void> {
    await this.loading.get(documentId)?.catch(() => undefined);
    if (this.documents.has(documentId)) await this.refresh(documentId);
  }

  /**
   * Brings a loaded copy to the document as committed: open editors learn at once whether it is
   * now frozen (or no longer), or that it is deleted, whose copy is then dropped; and what the log
   * has that the copy lacks goes to them too. Across processes that is what another process saved
   * and could not announce (it stopped right after its COMMIT): they would miss it otherwise.
   */
  private async readCommitted(documentId: string): Promise<void> {
    const document = this.documents.get(documentId);
    if (!document) return;
    const [frozen] = await Promise.all([
      documentFrozenState(this.db, documentId),
      document.sendStoredUpdates(),
    ]);
    if (this.documents.get(documentId) !== document) return;
    if (frozen === undefined) {
      this.io.local
        .to(documentRoom(documentId))
        .emit("collab:error", { documentId, code: "not_found" });
      this.io.local.in(documentRoom(documentId)).socketsLeave(documentRoom(documentId));
      this.drop(document);
      return;
    }
    if (frozen === document.frozen) return;
    document.frozen = frozen;
    this.io.local.to(documentRoom(documentId)).emit("collab:status", { documentId, frozen });
  }

  /** Forgets a document's copy; what it had not saved is no longer wanted. */
  private drop(document: CollabDocument) {
    this.documents.delete(document.id);
    clearTimeout(this.unloadTimers.get(document.id));
    this.unloadTimers.delete(document.id);
    document.stopTimers();
    document.destroy();
  }

  /** Takes the socket out of the document: its cursors vanish for the others at once. */
  leave(socket: AppSocket, documentId: string) {
    const document = this.documents.get(documentId);
    void socket.leave(documentRoom(documentId));
    if (!document || this.closing) return;
    document.cursors.remove(socket.id);
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
