import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from "y-protocols/awareness";
import type * as Y from "yjs";

/**
 * Cursor changes sent within this long of the last broadcast wait for the next one: when a
 * meeting opens a document, fifty joiners' cursors reach each socket in a few messages, not fifty
 * (which grows with the square of the people in the room). A change after a quiet spell is sent
 * at once.
 */
export const CURSOR_BROADCAST_MS = 20;

/** Sends cursor changes to this process's editors of the document (but `except`) and the other processes. */
export type SendCursors = (update: Uint8Array, except?: string) => void;

/**
 * The cursors (y-protocols awareness states) in one loaded document: which socket set which
 * client ids (removed when it leaves), every cursor for a socket that joins, and the broadcast of
 * changes to the others.
 */
export class DocumentCursors {
  private readonly awareness: Awareness;
  /** Awareness client ids each socket set. */
  private clientIdsBySocket = new Map<string, Set<number>>();
  /** Client ids changed since the last broadcast, and the sockets that changed them. */
  private changed = new Set<number>();
  private changedBy = new Set<string>();
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    doc: Y.Doc,
    private readonly send: SendCursors,
  ) {
    this.awareness = new Awareness(doc);
    // The server has no cursor of its own.
    this.awareness.setLocalState(null);
  }

  /** Every cursor, for a socket that just joined (undefined when there is none). */
  all(): Uint8Array | undefined {
    const clients = [...this.awareness.getStates().keys()];
    return clients.length > 0 ? encodeAwarenessUpdate(this.awareness, clients) : undefined;
  }

  /** Whether a cursor's client id is free for this socket: its own, or nobody else's. */
  mayUseClientId(socketId: string, clientId: number): boolean {
    for (const [owner, ids] of this.clientIdsBySocket)
      if (owner !== socketId && ids.has(clientId)) return false;
    return true;
  }

  /** Applies a socket's (checked) awareness update and shares what changed. Throws if malformed. */
  set(socketId: string, update: Uint8Array) {
    const owned = this.clientIdsBySocket.get(socketId) ?? new Set<number>();
    this.clientIdsBySocket.set(socketId, owned);
    // "update", not "change": a client renews an unchanged cursor (every 15 s) so that the
    // others do not time it out, and the renewal must reach them.
    const onUpdate = (change: { added: number[]; updated: number[]; removed: number[] }) => {
      for (const clientId of [...change.added, ...change.updated]) owned.add(clientId);
      for (const clientId of [...change.added, ...change.updated, ...change.removed])
        this.changed.add(clientId);
    };
    this.awareness.on("update", onUpdate);
    try {
      applyAwarenessUpdate(this.awareness, update, socketId);
    } finally {
      this.awareness.off("update", onUpdate);
    }
    this.changedBy.add(socketId);
    this.share();
  }

  /** Removes the cursors a socket set (it left): they vanish for the others with the next broadcast. */
  remove(socketId: string) {
    const owned = this.clientIdsBySocket.get(socketId);
    this.clientIdsBySocket.delete(socketId);
    if (!owned || owned.size === 0) return;
    removeAwarenessStates(this.awareness, [...owned], "left");
    for (const clientId of owned) this.changed.add(clientId);
    this.changedBy.add(socketId);
    this.share();
  }

  /** Applies cursors another process accepted (it has told the other processes itself). */
  applyFromPeer(update: Uint8Array) {
    applyAwarenessUpdate(this.awareness, update, "peer");
  }

  /** Drops a broadcast still waiting (the document is unloaded, or the server stops). */
  stop() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  destroy() {
    this.stop();
    this.awareness.destroy();
  }

  private share() {
    if (this.timer) return;
    const wait = this.lastSentAt + CURSOR_BROADCAST_MS - performance.now();
    if (wait <= 0) return this.broadcast();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.broadcast();
    }, wait);
  }

  /**
   * One update with the current state of every changed cursor (null for those removed). When one
   * socket made the changes it does not get them back; otherwise each sender gets its own state
   * too, which y-protocols ignores (same clock).
   */
  private broadcast() {
    if (this.changed.size === 0) return;
    const update = encodeAwarenessUpdate(this.awareness, [...this.changed]);
    const [only] = this.changedBy.size === 1 ? this.changedBy : [];
    this.changed.clear();
    this.changedBy.clear();
    this.lastSentAt = performance.now();
    this.send(update, only);
  }
}
