import type { DomainEvent } from "./domain/events";

export type { DomainEvent } from "./domain/events";

/**
 * The in-process fan-out of committed domain events to their consumers (the realtime rooms, the
 * co-editing hub). Only the dispatcher (server/events/dispatcher.ts) publishes, after COMMIT;
 * `npm run lint` refuses a publish anywhere else.
 */
export interface EventBus {
  /** Hands the event to every subscriber; resolves once each has handled it (or failed to). */
  publish(event: DomainEvent): Promise<void>;
  subscribe(listener: (event: DomainEvent) => unknown): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(event: DomainEvent) => unknown>();
  return {
    async publish(event) {
      // Every listener is called now, in order; only their asynchronous work is awaited.
      const handled = [...listeners].map(async (listener) => listener(event));
      for (const result of await Promise.allSettled(handled)) {
        if (result.status === "rejected")
          console.error(`Handling the event ${event.type} failed:`, result.reason);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
