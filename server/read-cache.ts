import type { Executor } from "../db";
import { type Actor, assertCan, type Permission } from "./domain/policy";
import { createSizedLru, keepComputed } from "./sized-lru";

/**
 * Answers read from one organisation's data, kept in this process and given again while nothing in
 * that organisation has changed (ADR 0037). What has changed is the organisation's data version:
 * every command records a domain event in the transaction of its change, and a trigger counts it
 * in `organisation_data_versions` (migration 0030), so the new version is visible at the same
 * COMMIT as the change, to every process on the database.
 *
 * A read asks for the version first and computes after, so an answer kept at version v holds at
 * least every change up to v: a change committed on any process is seen by the next read on every
 * process, with no message between them. The key must name everything else the answer depends on
 * (the reader where it matters, the filter, the day).
 *
 * The policy is asked first, on every read: a kept answer never skips the permission it needs.
 */
export interface ReadCache {
  read<T>(
    db: Executor,
    actor: Actor,
    permission: Permission,
    key: string,
    compute: () => Promise<T>,
    size?: (value: T) => number,
  ): Promise<T>;
  /** What is kept now, for /metrics. */
  stats(): { entries: number; bytes: number; hits: number; misses: number };
}

interface Kept {
  version: bigint;
  value: Promise<unknown>;
}

/** A value's rough size: a string's length, else that of its JSON (measured once, when kept). */
const roughSize = (value: unknown) =>
  typeof value === "string" ? value.length : (JSON.stringify(value)?.length ?? 0);

export function createReadCache({ maxBytes = 16 * 2 ** 20 } = {}): ReadCache {
  const kept = createSizedLru<Kept>(maxBytes);
  let hits = 0;
  let misses = 0;
  return {
    async read<T>(
      db: Executor,
      actor: Actor,
      permission: Permission,
      key: string,
      compute: () => Promise<T>,
      size: (value: T) => number = roughSize,
    ) {
      assertCan(actor, permission);
      const row = await db
        .selectFrom("organisation_data_versions")
        .select("version")
        .where("organisation_id", "=", actor.organisationId)
        .executeTakeFirst();
      const version = BigInt(row?.version ?? 0);
      const id = `${actor.organisationId} ${key}`;
      const found = kept.get(id);
      // One kept at a later version is good too: it holds every change up to this one.
      if (found && found.version >= version) {
        hits++;
        return found.value as Promise<T>;
      }
      misses++;
      // Readers that come while it is computed wait for the same answer (one computation per
      // version, however many ask at once).
      const value = await keepComputed(kept, id, { version, value: compute() }, (computed) =>
        size(computed as T),
      );
      return value as T;
    },
    stats: () => ({ entries: kept.size, bytes: kept.bytes, hits, misses }),
  };
}
