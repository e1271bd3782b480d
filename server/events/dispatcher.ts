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

export interface DispatcherOptions {
  /** Hears a failure to mark events delivered (the server's rate-limited error reporter). */
  report?: (error: unknown) => void;
  /** The first wait before handing on again what a subscriber failed; doubles up to 5 minutes. */
  retryMs?: number;
}

const RETRY_MAX_MS = 5 * 60_000;

/**
 * The one place that publishes domain events. Commands write them to the outbox in their
 * transaction; right after each COMMIT the dispatcher hands that transaction's events, in order,
 * to the bus's subscribers (the realtime rooms, the co-editing hub, notifications, webhooks), and
 * marks each delivered once every subscriber has handled it. An event a subscriber failed (the
 * database was down while a notification was written) stays undelivered and is handed on again
 * after a backoff while the process runs, and at the next start otherwise; the durable
 * subscribers write at most once per event, so handing one on again never doubles anything.
 * Started before the server takes requests, it first delivers what was left undelivered when
 * the process last stopped (between COMMIT and delivery).
 */
export async function startDispatcher(
  database: DatabaseHandle,
  bus: EventBus,
  { report = (error) => console.error(error), retryMs = 5_000 }: DispatcherOptions = {},
): Promise<Dispatcher> {
  const { db } = database;
  const inFlight = new Set<Promise<void>>();
  const failed = new Map<string, StoredDomainEvent>();
  let retryTimer: NodeJS.Timeout | undefined;
  let nextRetryMs = retryMs;
  let closed = false;

  const retryLater = (rows: StoredDomainEvent[]) => {
    for (const row of rows) failed.set(row.id, row);
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      const again = [...failed.values()].sort((a, b) => Number(a.id) - Number(b.id));
      failed.clear();
      deliver(again);
    }, nextRetryMs);
    retryTimer.unref();
    nextRetryMs = Math.min(nextRetryMs * 2, RETRY_MAX_MS);
  };

  const deliver = (rows: StoredDomainEvent[]) => {
    const delivery = (async () => {
      const handled = await Promise.all(rows.map((row) => bus.publish(eventFromRow(row))));
      const done = rows.filter((_, i) => handled[i]);
      const notDone = rows.filter((_, i) => !handled[i]);
      try {
        if (done.length > 0)
          await db
            .updateTable("domain_events")
            .set({ delivered_at: new Date() })
            .where(
              "id",
              "in",
              done.map((row) => row.id),
            )
            .execute();
      } catch (error) {
        report(error);
        notDone.push(...done);
      }
      if (notDone.length > 0) retryLater(notDone);
      else if (failed.size === 0) nextRetryMs = retryMs;
    })().finally(() => inFlight.delete(delivery));
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
      closed = true;
      stop();
      clearTimeout(retryTimer);
      await Promise.all(inFlight);
    },
  };
}
