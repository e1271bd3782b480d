import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import postgres, { type Sql } from "postgres";

/** What the pool gauges of /metrics read, named as node-postgres names them. */
export interface PoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

export interface PostgresJsPoolOptions {
  connectionString: string;
  max: number;
  /** Seconds a request may wait for a connection, to connect or for a free one, before failing. */
  timeoutSeconds: number;
  /** Types (by OID) whose values are handed on as the server's text. */
  textTypes: number[];
}

/**
 * postgres.js behind the small part of node-postgres's pool that Kysely's `PostgresDialect`
 * calls (`connect`, a client's `query` and `release`, `end`), so Kysely runs on postgres.js
 * without a dialect of its own. Each Kysely connection is a reserved postgres.js connection:
 * a transaction's statements stay on one server session. Streaming (`cursor`) is not offered.
 */
export function postgresJsPool({
  connectionString,
  max,
  timeoutSeconds,
  textTypes,
}: PostgresJsPoolOptions): PostgresPool & PoolCounts {
  const sql: Sql = postgres(connectionString, {
    max,
    connect_timeout: timeoutSeconds,
    queue_timeout: timeoutSeconds,
    // Server notices (such as "relation already exists, skipping") are not the log's business.
    onnotice: false,
    // node-postgres sends an undefined parameter as NULL, and Kysely passes some on.
    transform: { undefined: null },
    types: {
      asText: { to: TEXT_OID, from: textTypes, parse: (value: string) => value },
      // A string given for a json or jsonb parameter is JSON already (as node-postgres takes it);
      // postgres.js would encode it again, storing a JSON string instead of the value.
      json: {
        to: JSONB_OID,
        from: [JSON_OID, JSONB_OID],
        serialize: (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value)),
      },
    },
  });
  return {
    async connect(): Promise<PostgresPoolClient> {
      const reserved = await sql.reserve();
      return {
        async query<R>(text: string, parameters: readonly unknown[]) {
          // Named statements: Kysely's queries are few distinct texts, and postgres.js keeps
          // at most 1,000 per connection.
          const result = await reserved.unsafe(
            text,
            parameters as postgres.ParameterOrJSON<never>[],
            {
              prepare: parameters.length > 0,
            },
          );
          return {
            command: result.command,
            rowCount: result.count,
            rows: result,
          } as unknown as PostgresQueryResult<R>;
        },
        // A connection Kysely gives up on (a failed ROLLBACK) is still in a transaction, and
        // postgres.js closes a released connection that is not idle.
        release: () => reserved.release(),
      } as PostgresPoolClient;
    },
    end: () => sql.end({ timeout: 5 }),
    get totalCount() {
      return sql.stats.connections + sql.stats.opening;
    },
    get idleCount() {
      return sql.stats.idle;
    },
    get waitingCount() {
      return sql.stats.waiting;
    },
  };
}

const TEXT_OID = 25;
const JSON_OID = 114;
const JSONB_OID = 3802;
