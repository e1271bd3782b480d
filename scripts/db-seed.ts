import { seedDemo } from "../db/seed/demo";
import { withConfiguredDatabase } from "./configured-database";

await withConfiguredDatabase(async (database) => {
  await seedDemo(database.db);
  console.log(
    `The ${database.kind} database has the demo organisation (password Samverkan-demo-1).`,
  );
});
