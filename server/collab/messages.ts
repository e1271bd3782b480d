import * as decoding from "lib0/decoding";
import { z } from "zod";
import {
  type CollabErrorCode,
  carriesUpdate,
  DOCUMENT_ROOM_PREFIX,
  decodeSyncMessage,
  documentRoom,
  type ErrorAck,
  type SyncMessage,
  SyncMessageType,
  step1Message,
  updateMessage,
} from "../../common/collab-protocol";
import { cursorColor } from "../../common/cursor-color";
import type { SessionUser } from "../auth/sessions";
import { can, NotFoundError } from "../domain/policy";
import type { AckOf, AppSocket, GuardedOn } from "../realtime";
import { ownAwarenessUpdate } from "./awareness-guard";
import { type CollabDocument, describeUpdate, type SaveStats } from "./document";
import { COLLAB_LIMITS, type RateLimiter } from "./limits";
import type { DocumentRegistry } from "./registry";

const JoinSchema = z.object({
  documentId: z.uuid(),
  stateVector: z.instanceof(Uint8Array).optional(),
});
const MessageSchema = z.object({ documentId: z.uuid(), data: z.instanceof(Uint8Array) });

/** Whether `bytes` is a Yjs state vector and nothing more: pairs of client id and clock. */
function isStateVector(bytes: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(bytes);
    for (let count = decoding.readVarUint(decoder); count > 0; count--) {
      decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
    }
    return !decoding.hasContent(decoder);
  } catch {
    return false;
  }
}

export interface CollabStats extends SaveStats {
  droppedReadOnlyUpdates: number;
  droppedReadOnlyAwareness: number;
}

/**
 * The co-editing events of one socket (docs/collab-protocol.md): join and leave, the sync
 * messages (a step 1 answered, an update checked, saved and passed on) and awareness.
 */
export class CollabMessages {
  constructor(
    private readonly registry: DocumentRegistry,
    private readonly rateLimiter: RateLimiter,
    private readonly awarenessRateLimiter: RateLimiter,
    private readonly stats: CollabStats,
  ) {}

  listen(socket: AppSocket, on: GuardedOn) {
    on(socket, "collab:join", "documents:read", (user, payload, reply) =>
      this.join(socket, user, payload, reply),
    );
    on(socket, "collab:sync", "documents:read", (user, payload, reply) =>
      this.sync(socket, user, payload, reply),
    );
    on(socket, "collab:awareness", "documents:read", (user, payload, reply) =>
      this.awareness(socket, user, payload, reply),
    );
    on(socket, "collab:leave", "documents:read", (_user, payload, reply) => {
      const parsed = JoinSchema.safeParse(payload);
      if (parsed.success) this.registry.leave(socket, parsed.data.documentId);
      reply({ ok: true });
    });
    socket.on("disconnecting", () => this.registry.leaveAll(socket));
  }

  /**
   * The socket's person got other roles: a document they may no longer read is left
   * (`forbidden`); in the others the editor learns at once whether it may still write. Their
   * updates are checked against the new roles from now on either way.
   */
  accessChanged(socket: AppSocket) {
    const { user } = socket.data;
    for (const room of [...socket.rooms]) {
      if (!room.startsWith(DOCUMENT_ROOM_PREFIX)) continue;
      const documentId = room.slice(DOCUMENT_ROOM_PREFIX.length);
      const document = this.registry.get(documentId);
      if (!document) continue;
      if (!can(user, "documents:read", { organisationId: document.organisationId })) {
        this.registry.leave(socket, documentId);
        socket.emit("collab:error", { documentId, code: "forbidden" });
        continue;
      }
      const writable = this.writable(user, document);
      socket.emit("collab:status", { documentId, frozen: document.frozen, writable });
    }
  }

  /** Refuses a message: the error acknowledgement, and a `collab:error` event. */
  private fail(
    socket: AppSocket,
    reply: (response: ErrorAck) => void,
    documentId: string | undefined,
    code: CollabErrorCode,
  ) {
    reply({ error: code });
    socket.emit("collab:error", { documentId, code });
  }

  private writable(user: SessionUser, document: CollabDocument) {
    return (
      !document.frozen && can(user, "documents:edit", { organisationId: document.organisationId })
    );
  }

  private async join(
    socket: AppSocket,
    user: SessionUser,
    payload: unknown,
    reply: (response: AckOf<"collab:join">) => void,
  ) {
    const parsed = JoinSchema.safeParse(payload);
    if (!parsed.success) return this.fail(socket, reply, undefined, "not_found");
    const { documentId, stateVector } = parsed.data;
    if (stateVector && !isStateVector(stateVector))
      return this.fail(socket, reply, documentId, "malformed");
    let document: CollabDocument;
    try {
      document = await this.registry.join(socket, user, documentId);
    } catch (error) {
      if (error instanceof NotFoundError) return this.fail(socket, reply, documentId, "not_found");
      throw error;
    }
    reply({ ok: true, writable: this.writable(user, document) });
    // What the client lacks, as for its step 1; then our state vector: the client answers with
    // whatever we lack (edits made offline).
    if (stateVector) this.answer(socket, document, stateVector);
    socket.emit("collab:sync", { documentId, data: step1Message(document.doc) });
    const cursors = document.cursors.all();
    if (cursors) socket.emit("collab:awareness", { documentId, data: cursors });
  }

  private answer(socket: AppSocket, document: CollabDocument, stateVector: Uint8Array) {
    for (const data of document.answerStep1(stateVector))
      socket.emit("collab:sync", { documentId: document.id, data });
  }

  private async sync(
    socket: AppSocket,
    user: SessionUser,
    payload: unknown,
    reply: (response: AckOf<"collab:sync">) => void,
  ) {
    const parsed = MessageSchema.safeParse(payload);
    if (!parsed.success) return this.fail(socket, reply, undefined, "malformed");
    const { documentId, data } = parsed.data;
    const document = this.registry.joinedBy(socket, documentId);
    if (!document) return this.fail(socket, reply, documentId, "not_found");

    let message: SyncMessage;
    try {
      message = decodeSyncMessage(data);
    } catch {
      return this.fail(socket, reply, documentId, "malformed");
    }
    if (message.type === SyncMessageType.step1) {
      // The client's state vector: answer with everything it lacks.
      if (!isStateVector(message.body)) return this.fail(socket, reply, documentId, "malformed");
      reply({ ok: true });
      this.answer(socket, document, message.body);
      return;
    }
    if (!carriesUpdate(message.type)) return this.fail(socket, reply, documentId, "malformed");
    await this.receiveUpdate(socket, user, document, message.body, reply);
  }

  /**
   * Validate → check limits → apply to the accepted edits → send to the others → COMMIT →
   * apply → acknowledge.
   */
  private async receiveUpdate(
    socket: AppSocket,
    user: SessionUser,
    document: CollabDocument,
    update: Uint8Array,
    reply: (response: AckOf<"collab:sync">) => void,
  ) {
    const documentId = document.id;
    // Decoding every struct and the delete set refuses garbage before anything else; whether Yjs
    // can apply it is known only once applied (see CollabDocument.accept).
    let kind: ReturnType<typeof describeUpdate>;
    try {
      kind = describeUpdate(update);
    } catch {
      return this.fail(socket, reply, documentId, "malformed");
    }
    if (kind.empty) return reply({ ok: true });
    if (!this.writable(user, document)) {
      this.stats.droppedReadOnlyUpdates++;
      return this.fail(socket, reply, documentId, document.frozen ? "frozen" : "read_only");
    }
    if (update.length > COLLAB_LIMITS.maxUpdateBytes)
      return this.fail(socket, reply, documentId, "too_large");
    // Deleting is always allowed, so a full document can be made smaller again.
    const full = document.storedBytes + update.length > COLLAB_LIMITS.maxDocumentBytes;
    if (full && !kind.deletesOnly)
      return this.fail(socket, reply, documentId, "document_too_large");
    if (!this.rateLimiter.allow(user.userId))
      return this.fail(socket, reply, documentId, "rate_limited");
    // The one check of an incoming update's content, after the protocol's own checks and before
    // it is sent to the others or stored: applying it to the accepted edits checks what it changes.
    const refused = document.accept(update, { userId: user.userId, name: user.name });
    if (refused) {
      this.rateLimiter.charge(user.userId, COLLAB_LIMITS.refusalCost);
      return this.fail(socket, reply, documentId, refused);
    }

    // The others get the edit while it is being saved (saving first put the COMMIT on their
    // latency path): the editors here now, the other processes' editors through `commit`, which
    // relays it first. Only the author's acknowledgement waits for COMMIT. The saved document
    // takes the edit only after COMMIT, so its state vector never claims an unsaved edit.
    socket
      .to(documentRoom(documentId))
      .local.emit("collab:sync", { documentId, data: updateMessage(update) });
    await document.commit(update, user.userId, socket.id);
    reply({ ok: true });
    // A deletion let into a full document: compacting is what makes room again.
    document.afterChange(full);
  }

  /**
   * A cursor or selection (y-protocols awareness update): from a writable socket it is applied to
   * the server's awareness (remembering which client ids the socket owns, so they are removed
   * when it leaves) and passed on to the others; from a read-only socket it is dropped. Like
   * updates it has a size and a rate limit, and what is passed on is the server's own version:
   * the cursor position, with the name and colour of the socket's person.
   */
  private async awareness(
    socket: AppSocket,
    user: SessionUser,
    payload: unknown,
    reply: (response: AckOf<"collab:awareness">) => void,
  ) {
    const parsed = MessageSchema.safeParse(payload);
    if (!parsed.success) return this.fail(socket, reply, undefined, "malformed");
    const { documentId, data } = parsed.data;
    const document = this.registry.joinedBy(socket, documentId);
    if (!document) return this.fail(socket, reply, documentId, "not_found");
    if (!this.writable(user, document)) {
      this.stats.droppedReadOnlyAwareness++;
      return reply({ ok: true, dropped: true });
    }
    if (data.length > COLLAB_LIMITS.maxAwarenessBytes)
      return this.fail(socket, reply, documentId, "too_large");
    if (!this.awarenessRateLimiter.allow(user.userId))
      return this.fail(socket, reply, documentId, "rate_limited");
    let own: Uint8Array;
    try {
      own = ownAwarenessUpdate(
        data,
        { name: user.name, color: cursorColor(user.userId) },
        (clientId) => document.cursors.mayUseClientId(socket.id, clientId),
      );
      document.cursors.set(socket.id, own);
    } catch {
      return this.fail(socket, reply, documentId, "malformed");
    }
    reply({ ok: true });
  }
}
