import { startApp } from "./app";
import { ConfigError, loadConfig } from "./config";

try {
  const config = loadConfig();
  const app = await startApp(config);
  const where = config.databaseUrl ? "PostgreSQL" : `PGlite in ${config.dataDir}/pglite`;
  if (config.seedDemo)
    app.log.warn(
      "Demo accounts are active (their password is published in the README): do not use this installation for real data. SEED_DEMO=false switches them off.",
    );
  // The last line of a start: what it prints before this is all there is to know.
  app.log.info(`Samverkan is listening on ${app.listeningOn} (${config.env}, database: ${where})`);

  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: shutting down`);
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    await app.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error(
      `Samverkan could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exit(1);
}
