import { randomBytes } from "node:crypto";
import pg from "pg";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../db";
import { assertEveryAuditedChangeRecordedAnEvent, watchEventCoverage } from "./event-coverage";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
 * on the PostgreSQL server named by DATABASE_URL (dropped again by `close`). `close` first fails
 * if a change the file made was audited without recording a domain event (event-coverage.ts).
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const handle = await openTestDatabase();
  await migrateToLatest(handle.db);
  await watchEventCoverage(handle.db);
  return {
    ...handle,
    async close() {
      try {
        await assertEveryAuditedChangeRecordedAnEvent(handle.db);
      } finally {
        await handle.close();
      }
    },
  };
}

/**
 * A new, empty database on the PostgreSQL server `serverUrl` names: its URL, and `drop` to
 * remove it (with whatever is still connected).
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix = "samverkan_test",
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** A fresh database with no migrations run (dropped again by `close` on PostgreSQL). */
export async function openTestDatabase({ poolSize = 5 } = {}): Promise<DatabaseHandle> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({});
  const scratch = await createScratchDatabase(serverUrl);
  const handle = openDatabase({ databaseUrl: scratch.url, poolSize });
  return {
    ...handle,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}
