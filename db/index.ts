import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import {
  type Dialect,
  Kysely,
  Migrator,
  PostgresDialect,
  type Selectable,
  type Transaction,
} from "kysely";
import { lockDataDir } from "./data-dir-lock";
import { migrations } from "./migrations";
import { watchInserts } from "./outbox";
import { PGliteDialect } from "./pglite-dialect";
import { type PoolCounts, postgresJsPool } from "./postgres-js-pool";
import type { Database, DomainEventsTable } from "./schema";

export type DB = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Domain functions take either, so they compose inside a caller's transaction. */
export type Executor = DB | Tx;
export type DatabaseKind = "pglite" | "postgres";

export type StoredDomainEvent = Selectable<DomainEventsTable>;

export interface DatabaseHandle {
  db: DB;
  kind: DatabaseKind;
  /** PostgreSQL's connection pool, for its gauges; PGlite has none. */
  pool?: PoolCounts;
  /**
   * Calls `listener` with the events a transaction wrote to the outbox (`domain_events`), right
   * after its COMMIT, in this process (the dispatcher in server/events is the listener).
   */
  onEventsCommitted(listener: (events: StoredDomainEvent[]) => void): () => void;
  close(): Promise<void>;
}

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
const DATE_OID = 1082;

/**
 * The embedded database's buffers live in this process's WebAssembly memory, which never
 * shrinks: 32 MB of shared buffers instead of initdb's 128 MB, and index builds in 16 MB
 * instead of 64 MB (ADR 0034).
 */
export const PGLITE_SETTINGS = ["shared_buffers=32MB", "maintenance_work_mem=16MB"];

export interface DatabaseOptions {
  /** PostgreSQL connection string; without it the embedded PGlite is used. */
  databaseUrl?: string;
  /**
   * Folder for PGlite's files, locked against other processes (`<folder>.lock`) while open;
   * `undefined` keeps it in memory (tests).
   */
  pgliteDir?: string;
  poolSize?: number;
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  const listeners = new Set<(events: StoredDomainEvent[]) => void>();
  const open = (
    dialect: Dialect,
    {
      kind,
      pool,
      unlock = () => {},
    }: Pick<DatabaseHandle, "kind" | "pool"> & { unlock?: () => void },
  ): DatabaseHandle => {
    const db = new Kysely<Database>({
      dialect: watchInserts(dialect, "domain_events", (rows) => {
        for (const listener of listeners) listener(rows as StoredDomainEvent[]);
      }),
    });
    return {
      db,
      kind,
      pool,
      onEventsCommitted(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async close() {
        try {
          await db.destroy();
        } finally {
          unlock();
        }
      },
    };
  };
  if (options.databaseUrl) {
    const pool = postgresJsPool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // A server that does not answer (rather than refusing) must not hold requests forever.
      timeoutSeconds: 5,
      textTypes: [DATE_OID],
    });
    return open(new PostgresDialect({ pool }), { kind: "postgres", pool });
  }
  let unlock = () => {};
  if (options.pgliteDir) {
    mkdirSync(options.pgliteDir, { recursive: true });
    unlock = lockDataDir(`${options.pgliteDir}.lock`);
  }
  // PGlite ignores options given after an undefined data folder, so pass them in one object.
  const pglite = new PGlite({
    dataDir: options.pgliteDir,
    parsers: { [DATE_OID]: (value: string) => value },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ["-c", s])],
  });
  return open(new PGliteDialect(pglite), { kind: "pglite", unlock });
}

/** Applies the migrations not yet run; returns their names (none when the schema was current). */
export async function migrateToLatest(db: DB): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Numbers are handed out ahead of time, so one may land after a higher one a database ran.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "");
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
  return (results ?? []).map((result) => result.migrationName);
}

/** Runs `work` in a transaction, joining the caller's when there already is one. */
export function inTransaction<T>(db: Executor, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Tx) : db.transaction().execute(work);
}
