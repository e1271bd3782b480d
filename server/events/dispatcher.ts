import { sql } from "kysely";
import type { DatabaseHandle, StoredDomainEvent } from "../../db";
import type { EventBus } from "../bus";
import { eventFromRow } from "../domain/events";

/** Delivered events stay this long (to look into what was sent), then go at the next start. */
const KEEP_DELIVERED = sql`interval '7 days'`;

export interface Dispatcher {
  /** Stops taking new events and waits until those on their way are marked delivered. */
  close(): Promise<void>;
}

/**
 * The one place that publishes domain events. Commands write them to the outbox in their
 * transaction; right after each COMMIT the dispatcher hands that transaction's events, in order,
 * to the bus's subscribers (the realtime rooms, the co-editing hub), and marks them delivered
 * once every subscriber has handled them. Started before the server takes requests, it first
 * delivers what was left undelivered when the process last stopped (between COMMIT and delivery).
 */
export async function startDispatcher(
  database: DatabaseHandle,
  bus: EventBus,
): Promise<Dispatcher> {
  const { db } = database;
  const inFlight = new Set<Promise<void>>();

  const deliver = (rows: StoredDomainEvent[]) => {
    const delivery = (async () => {
      await Promise.all(rows.map((row) => bus.publish(eventFromRow(row))));
      await db
        .updateTable("domain_events")
        .set({ delivered_at: new Date() })
        .where(
          "id",
          "in",
          rows.map((row) => row.id),
        )
        .execute();
    })()
      .catch((error) => console.error("Marking domain events delivered failed:", error))
      .finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  };

  await db
    .deleteFrom("domain_events")
    .where("delivered_at", "<", sql<Date>`now() - ${KEEP_DELIVERED}`)
    .execute();
  const leftOver = await db
    .selectFrom("domain_events")
    .selectAll()
    .where("delivered_at", "is", null)
    .orderBy("id")
    .execute();
  if (leftOver.length > 0) deliver(leftOver);
  const stop = database.onEventsCommitted(deliver);

  return {
    async close() {
      stop();
      await Promise.all(inFlight);
    },
  };
}
