import { withConfiguredDatabase } from "./configured-database";

await withConfiguredDatabase(async (database) => {
  console.log(`Migrated the ${database.kind} database to the latest schema.`);
});
