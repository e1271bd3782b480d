import type * as Y from "yjs";
import type { DB } from "../../db";
import { refreshRenderedFromState } from "../domain/documents";
import type { AppServer, AppSocket, GuardedOn, RealtimeFeature } from "../realtime";
import { describeUpdate } from "./document";
import { RateLimiter } from "./limits";
import { CollabMessages, type CollabStats } from "./messages";
import { type CollabPeers, collabPeers, followPeers } from "./peers";
import { DocumentRegistry } from "./registry";
import { appendUpdate, loadState } from "./store";

/**
 * The co-editing server (docs/collab-protocol.md, ADR 11): the standard y-protocols sync and
 * awareness messages over socket.io, every update appended to the database and acknowledged to
 * its author only after COMMIT. Assembled from the registry of loaded documents (registry.ts),
 * each of which owns its Y.Doc, saves and compaction (document.ts), the message handling
 * (messages.ts), the rate limits (limits.ts) and the database (store.ts). What keeps a loaded
 * copy current in one process and across several: registry.ts.
 */
export class CollabHub implements RealtimeFeature {
  readonly stats: CollabStats = {
    droppedReadOnlyUpdates: 0,
    droppedReadOnlyAwareness: 0,
    persistedUpdates: 0,
    saves: 0,
  };
  private readonly registry: DocumentRegistry;
  private readonly messages: CollabMessages;
  private readonly peers: CollabPeers;

  /** `clustered`: other server processes share the rooms and load the same documents. */
  constructor(
    io: AppServer,
    private readonly db: DB,
    clustered = false,
  ) {
    const peers = collabPeers(io, clustered);
    this.peers = peers;
    this.registry = new DocumentRegistry(io, db, this.stats, peers, clustered);
    this.messages = new CollabMessages(
      this.registry,
      new RateLimiter(),
      new RateLimiter("awarenessPerSecond", "awarenessBurst"),
      this.stats,
    );
    if (clustered) followPeers(io, this.registry);
  }

  onConnection(socket: AppSocket, on: GuardedOn): void {
    this.messages.listen(socket, on);
  }

  onAccessChanged(socket: AppSocket): void {
    this.messages.accessChanged(socket);
  }

  /** An update made on the server (restoring a version): saved, applied and sent to every editor. */
  async applyServerUpdate(
    documentId: string,
    update: Uint8Array,
    userId: string | null,
  ): Promise<void> {
    if (describeUpdate(update).empty) return;
    const id = await appendUpdate(this.db, documentId, update, userId);
    const document = this.registry.get(documentId);
    if (document) return document.applyServerUpdate(id, update);
    // Nobody has it open here: no render is pending, so refresh the rendered views now.
    const stored = await loadState(this.db, documentId);
    if (stored) await refreshRenderedFromState(this.db, documentId, stored.state, new Date());
  }

  /**
   * Another transaction appended to a document's log (restoring a version): a loaded copy catches
   * up, and its open editors receive what is new.
   */
  async storedUpdatesArrived(documentId: string): Promise<void> {
    await this.registry.get(documentId)?.sendStoredUpdates();
  }

  /**
   * A document was adopted, archived, taken out of the archive or deleted: its open editors learn
   * it at once. Called in every process (the event reaches each), so each tells its own editors.
   */
  statusChanged(documentId: string): Promise<void> {
    return this.registry.statusChanged(documentId);
  }

  /** The saved in-memory copy of a document, if it is loaded in this process. */
  loadedDoc(documentId: string): Y.Doc | undefined {
    return this.registry.get(documentId)?.doc;
  }

  /** Saves what is pending, then tells the other processes what was committed before the adapter closes. */
  async close(): Promise<void> {
    await this.registry.close();
    this.peers.flush();
  }
}
