import type { Provider } from "@lexical/yjs";
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from "y-protocols/awareness";
import * as Y from "yjs";
import {
  type CollabErrorCode,
  type DocumentMessage,
  decodeSyncMessage,
  type JoinAck,
  type StatusPayload,
  type SyncAck,
  SyncMessageType,
  step2Message,
  updateMessage,
} from "../../common/collab-protocol";
import { MAX_PACKET_BYTES } from "../../common/socket-parser";
import { type AppClientSocket, onSessionEnd } from "../utils/realtime.client";

/**
 * What the editor's saved indicator shows; "saved" only when the server has committed everything.
 * "signed_out": disconnected because the session ended; edits wait until the person signs in.
 */
export type SaveState = "saved" | "saving" | "unsaved" | "offline" | "signed_out";

type Listener = (...args: never[]) => void;

// Cursor moves are many: the first goes out at once (with the edit that moved it), the moves
// that follow within this window go out together at its end, which keeps presence cheap.
export const AWARENESS_THROTTLE_MS = 50;
const RESYNC_DELAY_MS = 1_000;
/** Refusals that sending the same content again cannot cure (docs/collab-protocol.md). */
const SIZE_ERRORS = new Set<string>([
  "too_large",
  "document_too_large",
] satisfies CollabErrorCode[]);
/**
 * Refusals of the content itself (an identity number, something outside the editor's schema):
 * the edit must never reach the server, so the provider stops sending for good and the editor
 * starts again from the server's state.
 */
export const CONTENT_ERRORS = new Set(["personal_data", "invalid_content"]);
/**
 * The server's packet limit less room for the packet's header: a larger message would make the
 * server close the connection without an error, and every reconnect would send it again.
 */
const MAX_MESSAGE_BYTES = MAX_PACKET_BYTES - 4_096;
/**
 * What the server lacks is usually a few edits; above this size (or once an edit was refused for
 * its size) it is worth leaving out the content of deleted text, which Yjs keeps only for this
 * editor's undo and redo.
 */
const COMPACT_ABOVE_BYTES = 64 * 1024;

/**
 * What the server lacks, given its state vector. Deleted text that the server never saw travels
 * without its content (as any peer sends it once Yjs has garbage-collected it), so a large paste
 * that was undone no longer makes the update large.
 */
function missingUpdate(doc: Y.Doc, serverVector: Uint8Array, compact: boolean): Uint8Array {
  const update = Y.encodeStateAsUpdate(doc, serverVector);
  if (!compact && update.length <= COMPACT_ABOVE_BYTES) return update;
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const compacted = Y.encodeStateAsUpdate(copy, serverVector);
  copy.destroy();
  return compacted;
}

/**
 * Lexical's collaboration provider over our socket.io connection, speaking y-protocols sync and
 * awareness (docs/collab-protocol.md). Every local update is sent with an acknowledgement that
 * the server gives only after COMMIT; the save state is "saved" when none is outstanding. On
 * every (re)connect the two-way sync runs again, so edits made offline are sent exactly once.
 *
 * An edit refused for its size is not sent again as it is: the provider holds every later edit
 * (kept in the Y.Doc, counted as unsaved) until a local edit, such as undoing the paste, makes
 * what the server lacks smaller than what it refused; then it rejoins, which runs the sync.
 */
export class SocketIoProvider {
  readonly awareness: Awareness;
  writable = false;
  private listeners = new Map<string, Set<Listener>>();
  private pending = 0;
  /** Bumped on every disconnect: acknowledgements from an older connection no longer count. */
  private connection = 0;
  private unsent = false;
  private failed = false;
  private connected = false;
  /** Cut off because of its session (ended, or someone else's): until the next successful join. */
  private signedOut = false;
  private stopWatchingSession = () => {};
  private started = false;
  private synced = false;
  private changedClients = new Set<number>();
  private awarenessTimer: ReturnType<typeof setTimeout> | undefined;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;
  /** Size of the message refused as too large; while set, edits wait in the Y.Doc. */
  private refusedBytes: number | undefined;
  /** An edit was refused for its size: from now on, what the server lacks is always compacted. */
  private sizeRefused = false;
  /** The server's state vector from its last step 1: what it had then. */
  private serverVector: Uint8Array | undefined;
  /** The server refused this document's content: nothing more is sent from this Y.Doc. */
  private contentRefused = false;

  constructor(
    private readonly socket: AppClientSocket,
    readonly documentId: string,
    readonly doc: Y.Doc,
  ) {
    this.awareness = new Awareness(doc);
  }

  get saveState(): SaveState {
    if (!this.connected) return this.signedOut ? "signed_out" : "offline";
    if (this.failed || this.refusedBytes !== undefined || this.contentRefused) return "unsaved";
    return this.pending > 0 || this.unsent ? "saving" : "saved";
  }

  on(type: string, listener: Listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  off(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener);
  }

  private emit(type: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(type) ?? [])
      (listener as (...a: unknown[]) => void)(...args);
  }

  private changed() {
    this.emit("save-state", this.saveState);
  }

  /** Idempotent: React StrictMode and remounts may call it twice. */
  connect() {
    if (this.started) return;
    this.started = true;
    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
    this.socket.on("connect", this.onConnect);
    // Before the disconnect listener, so the state it reports already says why.
    this.stopWatchingSession = onSessionEnd(this.socket, this.onSessionEnd);
    this.socket.on("disconnect", this.onDisconnect);
    this.socket.on("collab:sync", this.onSync);
    this.socket.on("collab:awareness", this.onRemoteAwareness);
    this.socket.on("collab:status", this.onStatus);
    if (this.socket.connected) this.onConnect();
    else this.socket.connect();
  }

  disconnect() {
    if (!this.started) return;
    this.started = false;
    clearTimeout(this.resyncTimer);
    this.awareness.setLocalState(null);
    this.flushAwareness();
    this.socket.emit("collab:leave", { documentId: this.documentId });
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.socket.off("connect", this.onConnect);
    this.socket.off("disconnect", this.onDisconnect);
    this.stopWatchingSession();
    this.socket.off("collab:sync", this.onSync);
    this.socket.off("collab:awareness", this.onRemoteAwareness);
    this.socket.off("collab:status", this.onStatus);
    this.connected = false;
    this.emit("status", { status: "disconnected" });
  }

  private onConnect = () => {
    // With our state vector, the server answers with what we lack right after the join.
    const join = { documentId: this.documentId, stateVector: Y.encodeStateVector(this.doc) };
    this.socket.emit("collab:join", join, (ack?: JoinAck) => {
      if (!ack || "error" in ack) {
        this.emit("error", ack?.error ?? "internal");
        return;
      }
      this.connected = true;
      this.signedOut = false;
      this.writable = Boolean(ack.writable);
      this.failed = false;
      this.emit("writable", this.writable);
      this.emit("status", { status: "connected" });
      if (this.writable && this.awareness.getLocalState()) {
        this.changedClients.add(this.doc.clientID);
        this.flushAwareness();
      }
      this.changed();
    });
  };

  private onDisconnect = () => {
    this.connected = false;
    // socket.io drops the acknowledgements of messages in flight, so they would stay pending
    // forever; they are unconfirmed instead, and the sync on reconnect sends what the server lacks.
    this.connection++;
    if (this.pending > 0) this.unsent = true;
    this.pending = 0;
    // Others' cursors are unknown while offline.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    removeAwarenessStates(this.awareness, others, this);
    this.emit("status", { status: "disconnected" });
    this.changed();
  };

  private onSessionEnd = () => {
    if (this.signedOut) return;
    this.signedOut = true;
    this.changed();
  };

  /**
   * The document was frozen or taken out of the archive, or the person's roles changed
   * (`writable` then says what holds). No longer frozen, the join's answer says whether this
   * person may write, so the provider joins again.
   */
  private onStatus = (payload: StatusPayload) => {
    if (payload.documentId !== this.documentId) return;
    if (payload.frozen) this.writable = false;
    else if (payload.writable !== undefined) this.writable = payload.writable;
    else if (this.started && this.socket.connected) return this.onConnect();
    this.emit("writable", this.writable);
  };

  /** Sends an update (or step 2); it counts as pending until the server's COMMIT acknowledgement. */
  private send(data: Uint8Array) {
    if (data.length > MAX_MESSAGE_BYTES) {
      this.refuse(data.length, "too_large");
      return;
    }
    this.pending++;
    const connection = this.connection;
    this.socket.emit("collab:sync", { documentId: this.documentId, data }, (ack?: SyncAck) => {
      if (connection !== this.connection) return;
      this.pending--;
      if (!ack || "error" in ack) this.refuse(data.length, ack?.error ?? "internal");
      this.changed();
    });
    this.changed();
  }

  /**
   * The server did not take an update: it stays in the Y.Doc and counts as unsent. A passing
   * cause (a rate limit, a restart) is retried by rejoining a second later; a size refusal only
   * once what the server lacks has become smaller (see `recheck`).
   */
  private refuse(bytes: number, code: string) {
    this.failed = true;
    this.unsent = true;
    if (CONTENT_ERRORS.has(code)) {
      // Not even offline: every later edit builds on the refused one.
      this.contentRefused = true;
      clearTimeout(this.resyncTimer);
    } else if (SIZE_ERRORS.has(code)) {
      this.sizeRefused = true;
      this.refusedBytes = Math.min(bytes, this.refusedBytes ?? bytes);
      clearTimeout(this.resyncTimer);
    } else {
      this.scheduleResync();
    }
    this.emit("error", code);
    this.changed();
  }

  /** While held: is what the server lacks now smaller than what it refused? Then sync again. */
  private recheck() {
    if (this.refusedBytes === undefined || !this.started || !this.socket.connected) return;
    // Measured against the server's last known state; the rejoin's sync then uses its current one.
    if (this.serverVector && this.step2(this.serverVector).length >= this.refusedBytes) return;
    this.refusedBytes = undefined;
    this.onConnect();
  }

  private step2(serverVector: Uint8Array): Uint8Array {
    return step2Message(missingUpdate(this.doc, serverVector, this.sizeRefused));
  }

  /** Rejoining runs the two-way sync again, which re-sends whatever the server did not take. */
  private scheduleResync() {
    clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => {
      if (this.started && this.socket.connected) this.onConnect();
    }, RESYNC_DELAY_MS);
  }

  private onSync = (payload: DocumentMessage) => {
    if (payload.documentId !== this.documentId) return;
    const { type, body } = decodeSyncMessage(payload.data);
    if (type === SyncMessageType.step1) {
      this.serverVector = body;
      if (!this.writable || this.contentRefused) return;
      const step2 = this.step2(body);
      // Held: the same content, or more, would only be refused again.
      if (this.refusedBytes !== undefined && step2.length >= this.refusedBytes) return;
      this.refusedBytes = undefined;
      this.unsent = false;
      this.send(step2);
      return;
    }
    Y.applyUpdate(this.doc, body, this);
    if (type === SyncMessageType.step2 && !this.synced) {
      this.synced = true;
      this.emit("sync", true);
      this.changed();
    }
  };

  private onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this || this.contentRefused) return;
    if (this.refusedBytes !== undefined) {
      // Held after a size refusal: the server could not apply this edit anyway (it builds on
      // what was refused). Once the person stops typing, see whether it now fits.
      this.unsent = true;
      this.changed();
      clearTimeout(this.resyncTimer);
      this.resyncTimer = setTimeout(() => this.recheck(), RESYNC_DELAY_MS);
      return;
    }
    if (!this.connected || !this.writable) {
      // Kept in the Y.Doc; the sync on reconnect sends it.
      this.unsent = true;
      this.changed();
      return;
    }
    this.send(updateMessage(update));
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin === this) return;
    for (const id of [...added, ...updated, ...removed]) this.changedClients.add(id);
    if (!this.awarenessTimer) this.flushAwareness();
  };

  /** Sends the changed presence states now; later changes wait for the end of the window. */
  private flushAwareness() {
    clearTimeout(this.awarenessTimer);
    this.awarenessTimer = undefined;
    const clients = [...this.changedClients];
    this.changedClients.clear();
    if (clients.length === 0 || !this.connected || !this.writable) return;
    this.socket.emit("collab:awareness", {
      documentId: this.documentId,
      data: encodeAwarenessUpdate(this.awareness, clients),
    });
    if (this.started)
      this.awarenessTimer = setTimeout(() => this.flushAwareness(), AWARENESS_THROTTLE_MS);
  }

  private onRemoteAwareness = (payload: DocumentMessage) => {
    if (payload.documentId !== this.documentId) return;
    applyAwarenessUpdate(this.awareness, new Uint8Array(payload.data), this);
  };
}

/** Lexical's Provider type is narrower than y-protocols' Awareness; the shapes match at runtime. */
export const asLexicalProvider = (provider: SocketIoProvider) => provider as unknown as Provider;
