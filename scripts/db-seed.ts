import { migrateToLatest, openDatabase } from "../db";
import { seedDemo } from "../db/seed/demo";
import { loadConfig } from "../server/config";

const config = loadConfig();
const database = openDatabase({
  databaseUrl: config.databaseUrl,
  pgliteDir: `${config.dataDir}/pglite`,
});
try {
  await migrateToLatest(database.db);
  await seedDemo(database.db);
  console.log(
    `The ${database.kind} database has the demo organisation (password Samverkan-demo-1).`,
  );
} finally {
  await database.close();
}
