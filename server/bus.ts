import type { DomainEvent } from "./domain/events";

export type { DomainEvent } from "./domain/events";

/**
 * The in-process fan-out of committed domain events to their consumers (the realtime rooms, the
 * co-editing hub, notifications, webhooks). Only the dispatcher (server/events/dispatcher.ts)
 * publishes, after COMMIT; `npm run lint` refuses a publish anywhere else.
 */
export interface EventBus {
  /**
   * Hands the event to every subscriber; resolves once each has handled it or failed to, with
   * whether all of them handled it (the dispatcher hands it on again later if not).
   */
  publish(event: DomainEvent): Promise<boolean>;
  subscribe(listener: (event: DomainEvent) => unknown): () => void;
}

/** `report` hears each subscriber's failure (the server's rate-limited error reporter). */
export function createEventBus(
  report: (error: unknown) => void = (error) => console.error(error),
): EventBus {
  const listeners = new Set<(event: DomainEvent) => unknown>();
  return {
    async publish(event) {
      // Every listener is called now, in order; only their asynchronous work is awaited.
      const handled = [...listeners].map(async (listener) => listener(event));
      let all = true;
      for (const result of await Promise.allSettled(handled)) {
        if (result.status === "fulfilled") continue;
        all = false;
        report(result.reason);
      }
      return all;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
