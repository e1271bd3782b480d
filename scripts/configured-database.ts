import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db";
import { DataDirLockedError } from "../db/data-dir-lock";
import { ConfigError, loadConfig } from "../server/config";

/**
 * For the command-line scripts: the database the server would use, migrated, closed afterwards.
 * A bad setting or an embedded database in use by another process ends the script with one line.
 */
export async function withConfiguredDatabase<T>(
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  let database: DatabaseHandle;
  try {
    const config = loadConfig();
    database = openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDir: `${config.dataDir}/pglite`,
    });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof DataDirLockedError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}
