import * as encoding from "lib0/encoding";
import type { Socket } from "socket.io-client";
import * as Y from "yjs";
import type { DB } from "../../db";
import type { Role } from "../../db/schema";
import type { CollabHub } from "../../server/collab/hub";
import { loadState } from "../../server/collab/store";
import type { Actor } from "../../server/domain/policy";

/**
 * The co-editing wire protocol spoken by hand (docs/collab-protocol.md), for tests of the server.
 * Well-formed messages come from the protocol module both ends use.
 */
export { step1Message, updateMessage } from "../../common/collab-protocol";

export type Ack = { ok?: boolean; writable?: boolean; error?: string; dropped?: boolean };

const TIMEOUT_MS = 5_000;

/** Emits an event with an acknowledgement and resolves with the server's answer. */
export function ask(socket: Socket, event: string, payload: unknown): Promise<Ack> {
  return socket.timeout(TIMEOUT_MS).emitWithAck(event, payload);
}

/** Bytes written by hand, for messages the protocol module would never make (malformed ones). */
export function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * A Yjs update that decodes but throws when applied: one string item whose origin is a
 * character inside itself. Written by hand in the update format (v1) Yjs reads.
 */
export function forgedUpdate(): Uint8Array {
  const client = 424_242;
  return syncMessage((e) => {
    encoding.writeVarUint(e, 1); // one client
    encoding.writeVarUint(e, 1); // with one struct
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, 0); // from clock 0
    encoding.writeUint8(e, 0x80 | 4); // an item with an origin, holding a string
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, 5); // origin: its own sixth character
    encoding.writeVarString(e, "förfalskad");
    encoding.writeVarUint(e, 0); // an empty delete set
  });
}

/** Resolves with the next `event` payload that satisfies `accept`; rejects after a timeout. */
export function nextEvent<T = { documentId?: string; [key: string]: unknown }>(
  socket: Socket,
  event: string,
  accept: (payload: T) => boolean = () => true,
  timeoutMs = TIMEOUT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Records every payload of the given events, for "nothing else arrived" assertions. */
export function recordEvents(socket: Socket, events: string[]) {
  const seen: { event: string; payload: { documentId?: string; [key: string]: unknown } }[] = [];
  for (const event of events) socket.on(event, (payload) => seen.push({ event, payload }));
  return seen;
}

export function connected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/** A Y.Doc holding what the database has for the document (snapshot plus log). */
export async function storedDoc(db: DB, documentId: string): Promise<Y.Doc> {
  const stored = await loadState(db, documentId);
  if (!stored) throw new Error(`document ${documentId} has no stored state`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, stored.state);
  return doc;
}

/** The hub's in-memory copy of a document, if it is loaded in this process. */
export function hubDoc(hub: CollabHub, documentId: string): Y.Doc | undefined {
  return hub.loadedDoc(documentId);
}

/** An actor for domain calls made directly by a test (as the named demo user). */
export async function actorOf(db: DB, email: string): Promise<Actor> {
  const row = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "memberships.organisation_id", "memberships.roles"])
    .where("users.email", "=", email)
    .executeTakeFirstOrThrow();
  return {
    userId: row.id,
    organisationId: row.organisation_id,
    roles: row.roles as Role[],
    departmentIds: [],
  };
}

/** A shared type as plain JSON, nested types and formatting included. */
function plain(value: unknown): unknown {
  if (value instanceof Y.XmlText)
    return {
      attributes: value.getAttributes(),
      delta: value
        .toDelta()
        .map((op: { insert: unknown }) => ({ ...op, insert: plain(op.insert) })),
    };
  if (value instanceof Y.XmlElement)
    return {
      name: value.nodeName,
      attributes: value.getAttributes(),
      children: value.toArray().map(plain),
    };
  if (value instanceof Y.Map)
    return Object.fromEntries([...value.entries()].map(([key, v]) => [key, plain(v)]));
  if (value instanceof Y.Array) return value.toArray().map(plain);
  return value;
}

/**
 * A document's content as comparable JSON, read from a fresh copy: the Lexical tree under
 * "root" (paragraphs, text nodes and their properties) and the test text "t" with formatting.
 */
export function contentOf(doc: Y.Doc): unknown {
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(doc));
  const result = {
    root: plain(fresh.get("root", Y.XmlText)),
    t: fresh.getText("t").toDelta(),
  };
  fresh.destroy();
  return result;
}

/**
 * Holds a document's row locked (PostgreSQL) — or PGlite's only connection — until `release`,
 * so a write to it must wait. Resolves once the lock is held.
 */
export async function holdDocument(db: DB, documentId: string) {
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const held = db.transaction().execute(async (trx) => {
    await trx
      .selectFrom("documents")
      .select("id")
      .where("id", "=", documentId)
      .forUpdate()
      .execute();
    locked();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  await isLocked;
  return {
    async release() {
      release();
      await held;
    },
  };
}
