import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedDemo } from "../../db/seed/demo";
import { type RunningApp, startApp } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createTestDatabase } from "./database";

export interface TestServer extends RunningApp {
  organisationId: string;
}

/**
 * A test server's configuration: a free port on loopback, its own data folder, the demo data, and
 * no scheduler runs but those a test asks for (`scheduler.runNow`). `env` overrides variables.
 */
export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "samverkan-test-")),
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    SEED_DEMO: "true",
    SCHEDULER_INTERVAL_SECONDS: "0",
    ...env,
  });
}

/**
 * The real server (production build, real HTTP and sockets) on a free port, with its own fresh
 * database seeded with the demo organisation. `env` overrides configuration variables.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const organisationId = await seedDemo(database.db);
  const config = testConfig(env);
  const app = await startApp(config, { database });
  return {
    ...app,
    organisationId,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
