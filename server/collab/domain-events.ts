import type { EventBus } from "../bus";
import type { CollabHub } from "./hub";

/**
 * What the co-editing hub does after a document's change committed: an adopted document turns
 * its open editors read-only (the hub refuses any later update); a restored version reaches them.
 */
export function followDocumentEvents(bus: EventBus, hub: CollabHub): () => void {
  return bus.subscribe(async (event) => {
    if (event.type !== "document.changed") return;
    if (event.change === "adopted") hub.documentChanged(event.documentId, true);
    if (event.change === "restored") await hub.storedUpdatesArrived(event.documentId);
  });
}
