import { migrateToLatest, openDatabase } from "../db";
import { loadConfig } from "../server/config";

const config = loadConfig();
const database = openDatabase({
  databaseUrl: config.databaseUrl,
  pgliteDir: `${config.dataDir}/pglite`,
});
try {
  await migrateToLatest(database.db);
  console.log(`Migrated the ${database.kind} database to the latest schema.`);
} finally {
  await database.close();
}
