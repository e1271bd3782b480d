import { EventEmitter } from "node:events";

/** Domain events published after a change commits; the realtime layer fans them out to rooms. */
export type DomainEvent =
  | { type: "user.deactivated"; organisationId: string; userId: string }
  | { type: "user.updated"; organisationId: string; userId: string };

export interface EventBus {
  publish(event: DomainEvent): void;
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

export function createEventBus(): EventBus {
  const emitter = new EventEmitter();
  return {
    publish: (event) => emitter.emit("event", event),
    subscribe(listener) {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
  };
}
