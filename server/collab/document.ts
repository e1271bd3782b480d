import * as Y from "yjs";
import {
  documentRoom,
  step1Message,
  step2Message,
  updateMessage,
} from "../../common/collab-protocol";
import type { DB } from "../../db";
import { refreshRenderedFromState } from "../domain/documents";
import type { AppServer } from "../realtime";
import { applyCheckedUpdate, type ContentRefusal, type SuggestionAuthor } from "./content-guard";
import { DocumentCursors } from "./cursors";
import { COLLAB_LIMITS } from "./limits";
import type { CollabPeers, PeerNews } from "./peers";
import { appendUpdates, compact, loadTail, type NewUpdate, type StoredState } from "./store";

// After a failed save, the room is asked for what we lack at most this often (see commit).
const ROOM_RESYNC_DELAY_MS = 1_000;
/**
 * An update another process relayed whose commit it has not announced this long after is looked
 * for in the log; the room is asked for it if it is not there (see checkPeerUpdates).
 */
export const PEER_SAVE_TIMEOUT_MS = 5_000;

interface PendingSave extends NewUpdate {
  /** Its number in the relay to the other processes (CollabPeers.relay). */
  number: number;
  saved: (newestId: bigint) => void;
  failed: (error: unknown) => void;
}

/** What saving costs, for the tests and the benchmark. */
export interface SaveStats {
  persistedUpdates: number;
  /** INSERT statements that saved them: fewer when updates arrive together. */
  saves: number;
}

function docFrom(...updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update, "store");
  return doc;
}

/** What an update does: nothing at all, or only delete (it adds no content). Throws if malformed. */
export function describeUpdate(update: Uint8Array) {
  const { structs, ds } = Y.decodeUpdate(update);
  return {
    empty: structs.length === 0 && ds.clients.size === 0,
    deletesOnly: structs.length === 0,
  };
}

/**
 * One document loaded in this process: its Y.Doc of saved edits, the edits accepted but still
 * being saved, the batching of their INSERTs, the rendered views that follow the edits,
 * compaction, and the cursors (awareness) of the sockets in it.
 */
export class CollabDocument {
  /** Every saved edit: changed only after COMMIT, so its state vector never claims an unsaved one. */
  readonly doc: Y.Doc;
  /**
   * Every edit accepted so far, saved or not. An update is applied here before it is sent to
   * anyone or stored: one that decodes but cannot be applied (a forged reference) is refused
   * there, and so never reaches the other editors nor the log, where it would stop the
   * document from loading.
   */
  private received: Y.Doc;
  readonly cursors: DocumentCursors;
  private lastUpdateId: bigint;
  /** Snapshot plus log, as stored; checked against `maxDocumentBytes`. */
  storedBytes: number;
  private updatesSinceCompaction = 0;
  frozen: boolean;
  /** Updates sent to the others but not yet committed (see commit). */
  private inFlight = new Set<Uint8Array>();
  /**
   * Updates other processes accepted and relayed but have not yet announced as committed, by
   * process and number, with when they came (see receivePeerNews).
   */
  private fromPeers = new Map<string, { update: Uint8Array; at: number }>();
  private peerCheckTimer?: ReturnType<typeof setTimeout>;
  /** A catch-up from the log is running (see followLog), and whether another is wanted after it. */
  private following?: { again: boolean };
  /** Updates waiting for the next batched save (see save). */
  private saveBatch: PendingSave[] = [];
  private saveTimer?: ReturnType<typeof setTimeout>;
  /** When this process last changed the content; stored with the next render. */
  private editedAt?: Date;
  private renderTimer?: ReturnType<typeof setTimeout>;
  /** When the oldest edit not yet in the rendered views arrived (ms since the epoch). */
  private unrenderedSince?: number;
  private resyncTimer?: ReturnType<typeof setTimeout>;
  /** Unloaded or shutting down: no more timers are started. */
  private stopped = false;

  constructor(
    private readonly io: AppServer,
    private readonly db: DB,
    private readonly stats: SaveStats,
    readonly id: string,
    readonly organisationId: string,
    stored: StoredState,
    frozen: boolean,
    private readonly peers: CollabPeers,
  ) {
    this.doc = docFrom(stored.state);
    this.received = docFrom(stored.state);
    this.cursors = new DocumentCursors(this.doc, (update, except) => {
      (except ? this.room.except(except) : this.room).emit("collab:awareness", {
        documentId: id,
        data: update,
      });
      peers.awareness(id, update);
    });
    this.lastUpdateId = stored.lastUpdateId;
    this.storedBytes = stored.storedBytes;
    this.frozen = frozen;
  }

  /**
   * This process's editors of the document. Each process that has the document loaded sends to
   * its own: what another process accepted reaches them through `receivePeerNews`.
   */
  private get room() {
    return this.io.local.to(documentRoom(this.id));
  }

  /** Brings the document up to date from the log (another process may have written to it). */
  async catchUp() {
    for (const row of await loadTail(this.db, this.id, this.lastUpdateId)) {
      Y.applyUpdate(this.doc, row.update, "store");
      Y.applyUpdate(this.received, row.update, "store");
      if (row.id > this.lastUpdateId) this.lastUpdateId = row.id;
    }
  }

  /** Updates the editors here have been sent but the saved document lacks: being saved, here or elsewhere. */
  private unsaved(): Uint8Array[] {
    return [...this.inFlight, ...[...this.fromPeers.values()].map(({ update }) => update)];
  }

  /**
   * The answers to a client's step 1: what it lacks of the saved document, then the updates
   * already sent to the room but not yet saved (a socket that joined meanwhile would otherwise
   * miss them, and every later edit that builds on them).
   */
  answerStep1(stateVector: Uint8Array): Uint8Array[] {
    return [
      step2Message(Y.encodeStateAsUpdate(this.doc, stateVector)),
      ...this.unsaved().map((update) => updateMessage(update)),
    ];
  }

  /**
   * Applies an update to the document of accepted edits, checking the content it changes (the
   * editor's schema, identity numbers: content-guard.ts) as it goes, so the check costs what the
   * edit changes, not the document. Returns why it is refused, or null. A refused update (or one
   * Yjs throws on) may be (half) applied, so that document is then made again from the saved one
   * and the updates still being saved.
   */
  accept(update: Uint8Array, author: SuggestionAuthor): ContentRefusal | "malformed" | null {
    let refusal: ContentRefusal | "malformed" | null;
    try {
      refusal = applyCheckedUpdate(this.received, update, "received", author);
    } catch {
      refusal = "malformed";
    }
    if (refusal) {
      this.received.destroy();
      this.received = docFrom(Y.encodeStateAsUpdate(this.doc), ...this.unsaved());
    }
    return refusal;
  }

  /**
   * Sends an accepted update to the other processes at once, as the editors here were just sent
   * it; saves it, and applies it to the saved document once committed. If the save fails, the
   * room is soon asked for what we lack (and so are the rooms of the other processes).
   */
  async commit(update: Uint8Array, userId: string, origin: string): Promise<void> {
    const number = this.peers.relay(this.id, update);
    this.inFlight.add(update);
    let id: bigint;
    try {
      id = await this.save({ update, userId, number });
    } catch (error) {
      this.resyncRoom();
      throw error;
    } finally {
      this.inFlight.delete(update);
    }
    this.stats.persistedUpdates++;
    this.applySaved(id, update, origin);
  }

  /** An update made on the server (restoring a version), already saved: applied and sent to every editor. */
  applyServerUpdate(id: bigint, update: Uint8Array) {
    this.applySaved(id, update, "server");
    Y.applyUpdate(this.received, update, "server");
    this.room.emit("collab:sync", { documentId: this.id, data: updateMessage(update) });
    this.afterChange();
  }

  /**
   * Updates stored by another transaction (a version restored) or another process (a save it
   * could not announce): caught up, and sent to this process's editors.
   */
  async sendStoredUpdates() {
    const known = Y.encodeStateVector(this.doc);
    await this.catchUp();
    const update = Y.encodeStateAsUpdate(this.doc, known);
    if (describeUpdate(update).empty) return;
    this.storedBytes += update.length;
    this.room.emit("collab:sync", { documentId: this.id, data: updateMessage(update) });
    this.afterChange();
  }

  /**
   * What another process relayed (peers.ts), handled as the same news from this process's own
   * editors would be:
   * - updates it accepted, while it saves them: applied to the accepted edits and sent to the
   *   editors here at once, and kept like our own updates in flight (for a step 1 answered or
   *   a refusal meanwhile) until it announces their commit. Its content check passed them, the
   *   same check this process runs; nothing else from it is believed.
   * - their commit: only then does the saved document take them, so its state vector never
   *   claims an edit the log may lack. One this process never got (the document was loading
   *   when it was relayed) is read from the log and sent to the editors here.
   * - a failed save: the editors here have the edit, so, as after a failed save of our own, the
   *   room is soon asked for what the saved document lacks, and whoever has it sends it again.
   * - cursors: kept here for those who join, and sent on.
   * Yjs updates are idempotent and commute, so an update that arrives twice (relayed, then read
   * from the log) or out of order (one NOTIFY overtaking another) changes nothing. The log id is
   * left as it is: the next catch-up reads the recent rows again.
   */
  receivePeerNews({ from, updates, awareness, saved, failed }: PeerNews) {
    if (updates.length > 0) {
      const at = Date.now();
      for (const [number, update] of updates)
        this.fromPeers.set(`${from}:${number}`, { update, at });
      const update =
        updates.length === 1 ? updates[0][1] : Y.mergeUpdates(updates.map(([, u]) => u));
      Y.applyUpdate(this.received, update, "peer");
      this.room.emit("collab:sync", { documentId: this.id, data: updateMessage(update) });
      this.schedulePeerCheck();
    }
    for (const update of awareness) {
      this.cursors.applyFromPeer(update);
      this.room.emit("collab:awareness", { documentId: this.id, data: update });
    }
    if (saved.length > 0) this.peerSaved(from, saved);
    if (failed.length > 0) {
      for (const number of failed) this.fromPeers.delete(`${from}:${number}`);
      this.resyncRoom();
    }
  }

  private peerSaved(from: string, numbers: number[]) {
    const committed: Uint8Array[] = [];
    let missed = false;
    for (const number of numbers) {
      const key = `${from}:${number}`;
      const relayed = this.fromPeers.get(key);
      if (!relayed) {
        missed = true;
        continue;
      }
      this.fromPeers.delete(key);
      committed.push(relayed.update);
    }
    if (committed.length > 0) {
      const update = committed.length === 1 ? committed[0] : Y.mergeUpdates(committed);
      this.storedBytes += update.length;
      Y.applyUpdate(this.doc, update, "peer");
    }
    if (missed) this.followLog();
  }

  /** Runs sendStoredUpdates, one at a time: asked again while it runs, it runs once more after. */
  private followLog() {
    if (this.stopped) return;
    if (this.following) {
      this.following.again = true;
      return;
    }
    const following = { again: false };
    this.following = following;
    this.tryCatchingUp(() => this.sendStoredUpdates()).finally(() => {
      this.following = undefined;
      if (following.again) this.followLog();
    });
  }

  /** A catch-up on a timer or on news: its failure is logged, and the next one tries again. */
  private async tryCatchingUp(catchUp: () => Promise<void>) {
    try {
      await catchUp();
    } catch (error) {
      console.error(`Catching up document ${this.id} failed:`, error);
    }
  }

  private schedulePeerCheck() {
    if (this.stopped) return;
    this.peerCheckTimer ??= setTimeout(() => {
      this.peerCheckTimer = undefined;
      void this.checkPeerUpdates();
    }, PEER_SAVE_TIMEOUT_MS);
  }

  /**
   * Relayed updates whose commit was never announced (their process stopped, or a NOTIFY was
   * lost while a listening connection was down): looked for in the log. One that is not there
   * is asked of the room, as after a failed save.
   */
  private async checkPeerUpdates() {
    const due = Date.now() - PEER_SAVE_TIMEOUT_MS;
    const overdue = [...this.fromPeers].filter(([, { at }]) => at <= due);
    if (overdue.length > 0) {
      await this.tryCatchingUp(() => this.sendStoredUpdates());
      const saved = Y.snapshot(this.doc);
      for (const [key] of overdue) this.fromPeers.delete(key);
      if (overdue.some(([, { update }]) => !Y.snapshotContainsUpdate(saved, update)))
        this.resyncRoom();
    }
    if (this.fromPeers.size > 0) this.schedulePeerCheck();
  }

  private applySaved(id: bigint, update: Uint8Array, origin: string) {
    if (id > this.lastUpdateId) this.lastUpdateId = id;
    this.storedBytes += update.length;
    Y.applyUpdate(this.doc, update, origin);
  }

  /**
   * Saves an update together with every other one for the document arriving within
   * `saveBatchMs`: a burst of keystrokes from everyone in a meeting becomes one INSERT and one
   * COMMIT, and the save starts only once the broadcast to the others is out of the way (its CPU
   * would otherwise compete with theirs). Resolves with the newest row id after COMMIT.
   */
  private save(update: NewUpdate & { number: number }): Promise<bigint> {
    return new Promise((saved, failed) => {
      this.saveBatch.push({ ...update, saved, failed });
      this.saveTimer ??= setTimeout(() => void this.flushSaves(), COLLAB_LIMITS.saveBatchMs);
    });
  }

  async flushSaves() {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const batch = this.saveBatch.splice(0);
    if (batch.length === 0) return;
    try {
      const newestId = await appendUpdates(this.db, this.id, batch);
      this.stats.saves++;
      this.peers.saved(
        this.id,
        batch.map((pending) => pending.number),
      );
      for (const pending of batch) pending.saved(newestId);
    } catch (error) {
      this.peers.failed(
        this.id,
        batch.map((pending) => pending.number),
      );
      for (const pending of batch) pending.failed(error);
    }
  }

  /**
   * An edit the others already have was not saved, and its author may be gone: soon ask everyone
   * for what we lack (our state vector, once caught up from the log, so that they do not send
   * again what is saved), so whoever holds the edit sends it again. Coalesced, so a database
   * outage does not turn every failure into a round of resends.
   */
  private resyncRoom() {
    if (this.stopped) return;
    this.resyncTimer ??= setTimeout(async () => {
      await this.tryCatchingUp(() => this.catchUp());
      this.resyncTimer = undefined;
      if (!this.stopped)
        this.room.emit("collab:sync", { documentId: this.id, data: step1Message(this.doc) });
    }, ROOM_RESYNC_DELAY_MS);
  }

  /** After a saved change: schedule the rendered views, and compact when due (or `compactNow`). */
  afterChange(compactNow = false) {
    // A save that committed while the server shut down: the shutdown already rendered it.
    if (this.stopped) return;
    this.updatesSinceCompaction++;
    const now = Date.now();
    this.editedAt = new Date(now);
    // Rendered text/HTML for search, exports and read-only views: once typing pauses, and at
    // the latest renderMaxDelayMs after the oldest edit they lack (a meeting may type for hours).
    this.unrenderedSince ??= now;
    const due = Math.min(
      now + COLLAB_LIMITS.renderDelayMs,
      this.unrenderedSince + COLLAB_LIMITS.renderMaxDelayMs,
    );
    clearTimeout(this.renderTimer);
    this.renderTimer = setTimeout(() => void this.render(), due - now);
    if (compactNow || this.updatesSinceCompaction >= COLLAB_LIMITS.compactAfterUpdates) {
      this.updatesSinceCompaction = 0;
      void this.compact();
    }
  }

  async render() {
    // An edit arriving while this render runs starts the next one's clock.
    this.unrenderedSince = undefined;
    try {
      await refreshRenderedFromState(
        this.db,
        this.id,
        Y.encodeStateAsUpdate(this.doc),
        this.editedAt,
      );
    } catch (error) {
      console.error(`Rendering document ${this.id} failed:`, error);
    }
  }

  async compact() {
    try {
      await compact(this.db, this.id);
      this.storedBytes = Y.encodeStateAsUpdate(this.doc).length;
    } catch (error) {
      console.error(`Compacting document ${this.id} failed:`, error);
    }
  }

  /** Stops the timers of rendering, resyncing and cursors; pending saves are flushed by the caller. */
  stopTimers() {
    this.stopped = true;
    clearTimeout(this.renderTimer);
    clearTimeout(this.resyncTimer);
    clearTimeout(this.peerCheckTimer);
    this.cursors.stop();
  }

  destroy() {
    this.cursors.destroy();
    this.doc.destroy();
    this.received.destroy();
  }
}
