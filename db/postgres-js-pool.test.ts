import { connect, createServer, type Socket } from "node:net";
import { AbortedTransactionError, Kysely, PostgresDialect, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresJsPool } from "./postgres-js-pool";
import { isDatabaseUnavailable } from "./unavailable";

// An empty DATABASE_URL means PGlite, like an unset one: there is no pool to test then.
const serverUrl = process.env.DATABASE_URL || undefined;

const open = (connectionString: string, max = 4) => {
  const pool = postgresJsPool({ connectionString, max, timeoutSeconds: 5, textTypes: [1082] });
  return {
    pool,
    db: new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) }),
  };
};

describe.skipIf(!serverUrl)("Kysely on postgres.js", () => {
  const { pool, db } = open(serverUrl ?? "");
  afterAll(() => db.destroy());

  it("reads DATE as its text, timestamps as Dates, bigint as text, and counts changed rows", async () => {
    const { rows } = await sql<{ day: string; at: Date; big: string }>`
      select '2026-03-31'::date as day, '2026-03-31 23:30:00+00'::timestamptz as at,
             9007199254740993::bigint as big`.execute(db);
    expect(rows).toEqual([
      { day: "2026-03-31", at: new Date("2026-03-31T23:30:00Z"), big: "9007199254740993" },
    ]);
    await db.connection().execute(async (connection) => {
      await sql`create temporary table t (at timestamptz, day date)`.execute(connection);
      const inserted =
        await sql`insert into t values (${"2026-01-01 10:00:00.123456+00"}, ${"2026-01-02"}), (now(), null)`.execute(
          connection,
        );
      expect(inserted.numAffectedRows).toBe(2n);
      // A keyset cursor's key, given as text, keeps its microseconds.
      const matched =
        await sql`select day from t where at = ${"2026-01-01 10:00:00.123456+00"}`.execute(
          connection,
        );
      expect(matched.rows).toEqual([{ day: "2026-01-02" }]);
    });
  });

  it("takes JSON text and objects for jsonb alike, and an undefined parameter as NULL", async () => {
    const { rows } = await sql<{ text: unknown; object: unknown; missing: null }>`
      select ${JSON.stringify({ a: [1] })}::jsonb as text, ${sql.val({ a: [1] })}::jsonb as object,
             ${undefined}::int as missing`.execute(db);
    expect(rows).toEqual([{ text: { a: [1] }, object: { a: [1] }, missing: null }]);
  });

  it("keeps a transaction on one connection, and rejects COMMIT after a failed statement", async () => {
    const seen = await db.transaction().execute(async (trx) => {
      const pids = [];
      for (let i = 0; i < 5; i++)
        pids.push(
          (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0].pid,
        );
      return new Set(pids);
    });
    expect(seen.size).toBe(1);

    await expect(
      db.transaction().execute(async (trx) => {
        await sql`select 1/0`.execute(trx).catch(() => {});
      }),
    ).rejects.toBeInstanceOf(AbortedTransactionError);
  });

  it("tells the pool gauges how many connections are open, idle and awaited", async () => {
    await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(db)));
    expect(pool.totalCount).toBeGreaterThanOrEqual(1);
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(pool.waitingCount).toBe(0);
  });
});

describe.skipIf(!serverUrl)("postgres.js when PostgreSQL goes away mid-write", () => {
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const target = new URL(serverUrl ?? "");
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  let db: Kysely<Record<string, never>>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = new URL(serverUrl ?? "");
    url.host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    db = open(url.toString()).db;
    process.on("uncaughtException", record);
  });
  afterAll(async () => {
    process.off("uncaughtException", record);
    await db.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });

  // postgres 3.4 wrote to a closed socket from a setImmediate here, outside any query: the
  // exception ended the process and the queries on that connection never settled.
  it("fails the queries in flight as unavailable, throws nothing else, and serves again", async () => {
    const large = "x".repeat(20_000);
    const failures: unknown[] = [];
    for (let round = 0; round < 10; round++) {
      const queries = Array.from({ length: 40 }, (_, i) =>
        i % 3 === 0
          ? db.transaction().execute(async (trx) => {
              await sql`select ${large}::text as t`.execute(trx);
              await sql`select pg_sleep(0.001)`.execute(trx);
            })
          : sql`select ${i % 2 ? large : "small"}::text as t`.execute(db),
      );
      setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, Math.random() * 8);
      const settled = await Promise.allSettled(queries);
      for (const result of settled) if (result.status === "rejected") failures.push(result.reason);
    }
    expect(uncaught).toEqual([]);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((error) => !isDatabaseUnavailable(error))).toEqual([]);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  }, 60_000);
});
