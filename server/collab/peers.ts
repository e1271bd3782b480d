import { randomBytes } from "node:crypto";
import type { AppServer } from "../realtime";
import { type CollabRelay, fromBase64, type NumberRanges, toBase64 } from "../realtime/cluster";
import type { DocumentRegistry } from "./registry";

/**
 * How long a commit's news may wait for the next relay of the same document to ride on: while
 * people type, every `saved` goes along with a later update instead of a NOTIFY of its own.
 */
const SAVED_DELAY_MS = 200;
/** Base64 per relay message, so that a message stays within one NOTIFY (8 000 bytes of JSON). */
const RELAY_BUDGET_CHARS = 6_000;

/**
 * What a process tells the other server processes about the documents it has loaded: a
 * document's Y.Doc lives in every process that has editors in it. Each update this process
 * accepted goes to the others at once, as it goes to the editors here, while it is being saved;
 * later, which of them were committed or failed to save; and the cursors it accepted. With the
 * in-memory adapter (one process) there is nobody to tell.
 */
export interface CollabPeers {
  /** Sends an accepted update to the others; returns its number, for `saved` and `failed`. */
  relay(documentId: string, update: Uint8Array): number;
  awareness(documentId: string, data: Uint8Array): void;
  /** The relayed updates of these numbers are committed. */
  saved(documentId: string, numbers: number[]): void;
  /** Saving the relayed updates of these numbers failed. */
  failed(documentId: string, numbers: number[]): void;
  /** Sends whatever is waiting now (the process is stopping). */
  flush(): void;
}

/** What one process relayed, as the others read it (see CollabRelay). */
export interface PeerNews {
  from: string;
  updates: [number, Uint8Array][];
  awareness: Uint8Array[];
  saved: number[];
  failed: number[];
}

interface Outgoing {
  updates: [number, string][];
  awareness: string[];
  saved: number[];
  failed: number[];
  chars: number;
}

const nobody: CollabPeers = {
  relay: () => 0,
  awareness() {},
  saved() {},
  failed() {},
  flush() {},
};

export function collabPeers(io: AppServer, clustered: boolean): CollabPeers {
  return clustered ? new PeerRelay(io) : nobody;
}

/**
 * Gathers what a process has to say per document and sends it as soon as the code that produced
 * it has run (a microtask, not a later turn of the event loop, which would wait for every other
 * callback ready then): the updates and cursors read together from the sockets (one person's
 * keystroke and cursor move, or a meeting typing at once) make one message, one NOTIFY. News of
 * commits waits up to SAVED_DELAY_MS for such a message.
 */
class PeerRelay implements CollabPeers {
  /** Tells this process's messages from those of its earlier lives and of the others. */
  private readonly from = randomBytes(6).toString("base64url");
  private lastNumber = 0;
  private outgoing = new Map<string, Outgoing>();
  private sending = false;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly io: AppServer) {}

  relay(documentId: string, update: Uint8Array): number {
    const number = ++this.lastNumber;
    const data = toBase64(update);
    this.outgoingFor(documentId, data.length).updates.push([number, data]);
    this.sendSoon();
    return number;
  }

  awareness(documentId: string, update: Uint8Array) {
    const data = toBase64(update);
    this.outgoingFor(documentId, data.length).awareness.push(data);
    this.sendSoon();
  }

  saved(documentId: string, numbers: number[]) {
    this.outgoingFor(documentId, 0).saved.push(...numbers);
    this.timer ??= setTimeout(() => this.flush(), SAVED_DELAY_MS);
  }

  failed(documentId: string, numbers: number[]) {
    this.outgoingFor(documentId, 0).failed.push(...numbers);
    this.timer ??= setTimeout(() => this.flush(), SAVED_DELAY_MS);
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [documentId, outgoing] of this.outgoing) this.send(documentId, outgoing);
    this.outgoing.clear();
  }

  private sendSoon() {
    if (this.sending) return;
    this.sending = true;
    queueMicrotask(() => {
      this.sending = false;
      this.flush();
    });
  }

  /** The document's message being gathered; the one so far is sent first if `chars` more would not fit. */
  private outgoingFor(documentId: string, chars: number): Outgoing {
    let outgoing = this.outgoing.get(documentId);
    if (outgoing && outgoing.chars > 0 && outgoing.chars + chars > RELAY_BUDGET_CHARS) {
      this.send(documentId, outgoing);
      outgoing = undefined;
    }
    if (!outgoing) {
      outgoing = { updates: [], awareness: [], saved: [], failed: [], chars: 0 };
      this.outgoing.set(documentId, outgoing);
    }
    outgoing.chars += chars;
    return outgoing;
  }

  private send(documentId: string, { updates, awareness, saved, failed }: Outgoing) {
    const message: CollabRelay = { documentId, from: this.from };
    if (updates.length > 0) message.updates = updates;
    if (awareness.length > 0) message.awareness = awareness;
    if (saved.length > 0) message.saved = toRanges(saved);
    if (failed.length > 0) message.failed = toRanges(failed);
    this.io.serverSideEmit("collab:relay", message);
  }
}

/** Ascending numbers as ranges: a batch of saves is usually one. */
function toRanges(numbers: number[]): NumberRanges {
  const ranges: NumberRanges = [];
  for (const number of [...numbers].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && last[1] + 1 === number) last[1] = number;
    else ranges.push([number, number]);
  }
  return ranges;
}

function fromRanges(ranges: NumberRanges = []): number[] {
  const numbers: number[] = [];
  for (const [first, last] of ranges) for (let n = first; n <= last; n++) numbers.push(n);
  return numbers;
}

/**
 * Hands what the other processes relay to this process's copy of the document, if it has one
 * loaded. One that has not gets nothing: a join loads the document from the log, and whatever
 * was relayed but not yet committed then reaches it with the news of its commit (see
 * CollabDocument.receivePeerNews).
 */
export function followPeers(io: AppServer, registry: DocumentRegistry) {
  io.on("collab:relay", (message) => {
    const document = registry.get(message.documentId);
    if (!document) return;
    try {
      document.receivePeerNews({
        from: message.from,
        updates: (message.updates ?? []).map(([number, data]) => [number, fromBase64(data)]),
        awareness: (message.awareness ?? []).map(fromBase64),
        saved: fromRanges(message.saved),
        failed: fromRanges(message.failed),
      });
    } catch (error) {
      console.error(`What another process sent for ${message.documentId} was unreadable:`, error);
    }
  });
}
