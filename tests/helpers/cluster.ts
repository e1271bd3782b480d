import { mkdtempSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import { type RunningApp, startApp } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createScratchDatabase } from "./database";

/** Several server processes' worth of the app on one PostgreSQL database, as behind a proxy. */
export interface TestCluster {
  /** The servers, each with its own connection pool, outbox dispatcher and socket.io adapter. */
  servers: RunningApp[];
  /** A handle of the test's own on the same database, to look at what was stored. */
  database: DatabaseHandle;
  organisationId: string;
  close(): Promise<void>;
}

/**
 * Starts `count` servers on a fresh PostgreSQL database (created on the server DATABASE_URL
 * names, dropped by `close`), one after the other as an operator would.
 */
export async function startTestCluster(serverUrl: string, count = 2): Promise<TestCluster> {
  const scratch = await createScratchDatabase(serverUrl, "samverkan_cluster");
  const databaseUrl = scratch.url;
  const database = openDatabase({ databaseUrl, poolSize: 3 });
  await migrateToLatest(database.db);
  const organisationId = await seedDemo(database.db);
  const servers: RunningApp[] = [];
  for (let i = 0; i < count; i++) servers.push(await startClusterServer(databaseUrl));
  return {
    servers,
    database,
    organisationId,
    async close() {
      await Promise.all(servers.map((server) => server.close()));
      await database.close();
      await scratch.drop();
    },
  };
}

/** One more server process on the cluster's database (e.g. the one restarted). */
export function startClusterServer(databaseUrl: string): Promise<RunningApp> {
  return startApp(
    loadConfig({
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "samverkan-cluster-")),
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      SEED_DEMO: "true",
      DATABASE_URL: databaseUrl,
    }),
  );
}

/**
 * A stand-in for the reverse proxy (deploy/nginx.conf): each connection goes to the first
 * backend that accepts it, so when one stops, new connections go to the next.
 */
export async function failoverProxy(
  backends: () => number[],
): Promise<{ url: string; close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.pause();
    const tryBackend = (ports: number[]) => {
      const [port, ...rest] = ports;
      if (port === undefined) return client.destroy();
      const upstream = createConnection({ host: "127.0.0.1", port });
      let linked = false;
      upstream.once("error", () => {
        if (!linked) tryBackend(rest);
      });
      upstream.once("connect", () => {
        linked = true;
        open.add(upstream);
        client.pipe(upstream).pipe(client);
        client.resume();
        const end = () => {
          client.destroy();
          upstream.destroy();
          open.delete(client);
          open.delete(upstream);
        };
        upstream.on("close", end);
        client.on("close", end);
        client.on("error", end);
        upstream.on("error", end);
      });
    };
    tryBackend(backends());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
