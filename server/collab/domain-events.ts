import type { DocumentChange } from "../../common/live-events";
import type { DomainEvent, EventBus } from "../bus";
import type { Realtime } from "../realtime";
import type { CollabHub } from "./hub";

/**
 * What the co-editing hub does after a document's change committed, in every server process
 * (each has its own loaded copy and editors): an adopted or archived document turns its open
 * editors read-only (the hub refuses any later update), one taken out of the archive lets them
 * write again, a deleted one closes them; a restored version reaches them.
 */
const STATUS_CHANGES = new Set<DocumentChange>(["adopted", "archived", "unarchived", "deleted"]);

export function followDocumentEvents(bus: EventBus, realtime: Realtime, hub: CollabHub) {
  const follow = async (event: DomainEvent) => {
    if (event.type !== "document.changed") return;
    if (STATUS_CHANGES.has(event.change)) await hub.statusChanged(event.documentId);
    if (event.change === "restored") await hub.storedUpdatesArrived(event.documentId);
  };
  const stopLocal = bus.subscribe(follow);
  const stopPeers = realtime.onPeerEvent(follow);
  return () => {
    stopLocal();
    stopPeers();
  };
}
