/**
 * The events on the one socket.io connection a tab has (socket.io's typed event maps): the
 * co-editing protocol (common/collab-protocol.ts), who is online, and the live events. The server
 * (server/realtime) and the browser (app/utils/realtime.client.ts) are both typed by these, so an
 * event name or payload that one side changes no longer compiles on the other.
 */
import type { CollabClientEvents, CollabServerEvents, ErrorAck } from "./collab-protocol";
import type { LiveEvent, LiveEventType, OnlineUser } from "./live-events";

/** A live event travels under its type, and carries it too. */
type LiveEvents = {
  [K in LiveEventType]: (event: LiveEvent<K>) => void;
};

export interface ServerToClientEvents extends CollabServerEvents, LiveEvents {
  presence: (online: OnlineUser[]) => void;
  /** The person's unread notifications, after a new one (to their user room only). */
  "notifications:unread": (unread: number) => void;
}

export interface ClientToServerEvents extends CollabClientEvents {
  "presence:list": (payload: null, ack: (response: OnlineUser[] | ErrorAck) => void) => void;
}
