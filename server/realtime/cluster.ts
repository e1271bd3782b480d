import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import type { DomainEvent } from "../domain/events";

/**
 * What server processes tell each other, besides the rooms socket.io's adapter broadcasts to
 * (live events, presence, closing sockets): what each process must do with its own sockets and
 * its own loaded documents. Binary data travels as base64, so a typical message fits in one
 * NOTIFY instead of a row in `socket_io_attachments` and a read of it.
 */
export interface InterServerEvents {
  /** A domain event another process committed and delivered (see PER_PROCESS_EVENTS). */
  "domain-event": (event: DomainEvent) => void;
  /** What another process's editors did in a loaded document (server/collab/peers.ts). */
  "collab:relay": (message: CollabRelay) => void;
}

/** Ranges of numbers, both ends included: [[3, 7]] is 3, 4, 5, 6 and 7. */
export type NumberRanges = [number, number][];

/**
 * One process's co-editing news about one document, gathered while it handles what it read
 * together from the sockets: the updates it accepted (checked) and is saving, each numbered; the
 * cursors (y-protocols awareness updates) it accepted or removed; and which of its numbered
 * updates were since committed or failed to save. Only `documentId` and `from` (the sending
 * process) are always there.
 */
export interface CollabRelay {
  documentId: string;
  from: string;
  updates?: [number, string][];
  awareness?: string[];
  saved?: NumberRanges;
  failed?: NumberRanges;
}

export const toBase64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
export const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/**
 * The domain events that ask something of every process, not only of the rooms: the committing
 * process delivers them (server/events/dispatcher.ts) and passes them on to the others.
 * - `user.access-changed`: each process rechecks its own open sockets of that person;
 * - `document.changed`: each process's loaded copy of the document turns read-only (adopted)
 *   or catches up from the log (a version restored).
 */
export const PER_PROCESS_EVENTS: ReadonlySet<DomainEvent["type"]> = new Set([
  "user.access-changed",
  "document.changed",
]);

export interface ClusterAdapter {
  adapter: ReturnType<typeof createAdapter>;
  /** After socket.io closed the adapter (it says goodbye to the others): ends the pool. */
  close(): Promise<void>;
}

/**
 * socket.io's PostgreSQL adapter (ADR 0029): processes on the same database reach each other's
 * sockets through LISTEN/NOTIFY, with nothing to run besides PostgreSQL. It has its own small
 * `pg` pool (one connection listens; messages are sent on the others), the only use of `pg`
 * outside the database layer.
 */
export function createClusterAdapter(
  databaseUrl: string,
  onError: (error: Error) => void,
): ClusterAdapter {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    connectionTimeoutMillis: 5_000,
    application_name: "samverkan-socket.io",
    // A NOTIFY commits a transaction of its own: without this it waits for the WAL to reach the
    // disk before the listeners hear it, which puts a flush on every co-editing relay's path.
    // Nothing this pool writes outlives a crash anyway (NOTIFYs and attachments are transient).
    options: "-c synchronous_commit=off",
  });
  // A lost connection (PostgreSQL restarted) is reported; the adapter listens again by itself.
  pool.on("error", onError);
  pool.on("connect", (client) => client.on("error", () => {}));
  return {
    adapter: createAdapter(pool, { errorHandler: onError }),
    async close() {
      // The adapter's goodbye is on its way: the others then stop waiting for this process's
      // answers at once, not after the heartbeat's timeout.
      for (let i = 0; i < 40 && (pool.waitingCount > 0 || pool.totalCount > pool.idleCount); i++)
        await new Promise((resolve) => setTimeout(resolve, 25));
      await pool.end();
    },
  };
}
