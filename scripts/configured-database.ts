import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db";
import { loadConfig } from "../server/config";

/** For the command-line scripts: the database the server would use, migrated, closed afterwards. */
export async function withConfiguredDatabase<T>(
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: `${config.dataDir}/pglite`,
  });
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}
