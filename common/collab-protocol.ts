/**
 * The co-editing wire protocol (docs/collab-protocol.md), as both ends speak it: the server
 * (server/collab/), the browser's provider (app/editor/provider.client.ts), the tests and the
 * benchmark. Inside the socket.io envelope travel the standard y-protocols sync messages
 * (`varUint type` + `varUint8Array payload`) and awareness updates; the envelope, the
 * acknowledgements and the error codes are ours.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

/** Why the server refused a co-editing message (the table in docs/collab-protocol.md). */
export type CollabErrorCode =
  | "not_found"
  | "read_only"
  | "forbidden"
  | "frozen"
  | "malformed"
  | "too_large"
  | "document_too_large"
  | "rate_limited"
  /** The update would put an identity number in the document. */
  | "personal_data"
  /** The update would take the document outside the editor's own schema. */
  | "invalid_content"
  | "internal";

/** What the guard around every socket event may answer, whatever the event. */
export type GuardErrorCode = "unauthorized" | "forbidden" | "internal";

export type ErrorAck = { error: CollabErrorCode | GuardErrorCode };

/** `data` is binary: sent as a Uint8Array, received as a Buffer (Node) or an ArrayBuffer (browser). */
export type Binary = Uint8Array | ArrayBuffer;

export interface DocumentRef {
  documentId: string;
}

/**
 * A join. With the client's state vector the server answers it at once, as it would a step 1,
 * which saves the client a round trip before it is in sync.
 */
export interface JoinPayload<Data extends Binary = Binary> extends DocumentRef {
  stateVector?: Data;
}

/** A sync message (`collab:sync`) or an awareness update (`collab:awareness`) for one document. */
export interface DocumentMessage<Data extends Binary = Binary> extends DocumentRef {
  data: Data;
}

export type JoinAck = { ok: true; writable: boolean } | ErrorAck;
export type SyncAck = { ok: true } | ErrorAck;
/** `dropped`: the socket may only read, so its cursor was not passed on. */
export type AwarenessAck = { ok: true; dropped?: true } | ErrorAck;
export type LeaveAck = { ok: true } | ErrorAck;

/** Someone in a document (`collab:people`): readers and writers, once per person. */
export interface DocumentPerson {
  id: string;
  name: string;
}

export interface PeoplePayload extends DocumentRef {
  people: DocumentPerson[];
}

export interface StatusPayload extends DocumentRef {
  frozen: boolean;
  /** Sent when the person's roles changed: whether they may still write. */
  writable?: boolean;
}

/** `documentId` is absent when the payload itself was unreadable. */
export interface CollabErrorPayload {
  documentId?: string;
  code: CollabErrorCode;
}

/**
 * The co-editing events a client sends. Each is answered when it carries an acknowledgement;
 * the provider asks for none with its cursors and its leave, which need no answer.
 */
export interface CollabClientEvents {
  "collab:join": (payload: JoinPayload, ack: (response: JoinAck) => void) => void;
  "collab:sync": (payload: DocumentMessage, ack: (response: SyncAck) => void) => void;
  "collab:awareness": (payload: DocumentMessage, ack?: (response: AwarenessAck) => void) => void;
  "collab:leave": (payload: DocumentRef, ack?: (response: LeaveAck) => void) => void;
}

/** The co-editing events the server sends. */
export interface CollabServerEvents {
  "collab:sync": (payload: DocumentMessage) => void;
  "collab:awareness": (payload: DocumentMessage) => void;
  "collab:people": (payload: PeoplePayload) => void;
  "collab:status": (payload: StatusPayload) => void;
  "collab:error": (payload: CollabErrorPayload) => void;
}

/** The socket.io room of everyone who has joined a document. */
export const documentRoom = (documentId: string) => `doc:${documentId}`;
export const DOCUMENT_ROOM_PREFIX = documentRoom("");

export const SyncMessageType = {
  step1: syncProtocol.messageYjsSyncStep1,
  step2: syncProtocol.messageYjsSyncStep2,
  update: syncProtocol.messageYjsUpdate,
} as const;

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Step 1: "here is what I have" (the document's state vector); the other end answers with a step 2. */
export const step1Message = (doc: Y.Doc) =>
  syncMessage(SyncMessageType.step1, Y.encodeStateVector(doc));
/** Step 2: what the other end lacks (a Yjs update). */
export const step2Message = (update: Uint8Array) => syncMessage(SyncMessageType.step2, update);
/** One edit (a Yjs update). */
export const updateMessage = (update: Uint8Array) => syncMessage(SyncMessageType.update, update);

export interface SyncMessage {
  type: number;
  /** A state vector (step 1) or a Yjs update (step 2, update). */
  body: Uint8Array;
}

/** Reads a sync message's type and payload; throws if it is not one. */
export function decodeSyncMessage(data: Binary): SyncMessage {
  const decoder = decoding.createDecoder(data instanceof Uint8Array ? data : new Uint8Array(data));
  const type = decoding.readVarUint(decoder);
  const body = decoding.readVarUint8Array(decoder);
  return { type, body };
}

/** Whether a sync message's body is a Yjs update (step 2 or update) rather than a state vector. */
export const carriesUpdate = (type: number) =>
  type === SyncMessageType.step2 || type === SyncMessageType.update;
