import type { AppServer } from "../realtime";
import { fromBase64, toBase64 } from "../realtime/cluster";
import type { DocumentRegistry } from "./registry";

/**
 * What a process tells the other server processes about the documents it has loaded: a
 * document's Y.Doc lives in every process that has editors in it, and each sends what it saved
 * (after COMMIT) and the cursors it accepted, so the others' copies and editors follow. With the
 * in-memory adapter (one process) there is nobody to tell.
 */
export interface CollabPeers {
  saved(documentId: string, updates: Uint8Array[]): void;
  awareness(documentId: string, data: Uint8Array): void;
}

export function collabPeers(io: AppServer, clustered: boolean): CollabPeers {
  if (!clustered) return { saved() {}, awareness() {} };
  return {
    saved: (documentId, updates) =>
      io.serverSideEmit("collab:saved", { documentId, updates: updates.map(toBase64) }),
    awareness: (documentId, data) =>
      io.serverSideEmit("collab:awareness", { documentId, data: toBase64(data) }),
  };
}

/** Applies what the other processes send to this process's copy, if it has the document loaded. */
export function followPeers(io: AppServer, registry: DocumentRegistry) {
  io.on("collab:saved", ({ documentId, updates }) =>
    registry.get(documentId)?.applyPeerUpdates(updates.map(fromBase64)),
  );
  io.on("collab:awareness", ({ documentId, data }) => {
    try {
      registry.get(documentId)?.applyPeerAwareness(fromBase64(data));
    } catch (error) {
      console.error(`A cursor from another process for ${documentId} was unreadable:`, error);
    }
  });
}
