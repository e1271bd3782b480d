import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import compression from "compression";
import express from "express";
import { sql } from "kysely";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db";
import { seedDemo } from "../db/seed/demo";
import packageJson from "../package.json" with { type: "json" };
import { createAuthenticator } from "./auth/authenticator";
import { createEventBus, type EventBus } from "./bus";
import { CollabHub } from "./collab/hub";
import type { Config } from "./config";
import type { AppContext } from "./context";
import { reportStoredPersonalData } from "./domain/personal-data";
import { createApiRouter } from "./http/api";
import { mountRemix, routeReportDownloads } from "./http/remix";
import {
  guardStateChangingRequests,
  noStoreWhenSignedIn,
  refuseNulInAddress,
  securityHeaders,
} from "./http/security";
import { createRealtime, type Realtime } from "./realtime";

export interface RunningApp {
  httpServer: HttpServer;
  url: string;
  database: DatabaseHandle;
  bus: EventBus;
  collab: CollabHub;
  realtime: Realtime;
  close(): Promise<void>;
}

/**
 * The one composition root: one database handle, one bus, one socket.io server, shared by every
 * request through the Remix load context. Used by server/index.ts and by the tests.
 */
export async function startApp(
  config: Config,
  options: { database?: DatabaseHandle } = {},
): Promise<RunningApp> {
  const database =
    options.database ??
    openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: `${config.dataDir}/pglite` });
  await migrateToLatest(database.db);
  if (config.seedDemo) await seedDemo(database.db);
  // Numbers stored before every written form was refused are reported, not blocking start-up.
  const personalDataScan = reportStoredPersonalData(database.db);

  const bus = createEventBus();
  const auth = createAuthenticator(database.db, config);
  const app = express();
  const httpServer = createServer(app);
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(compression());
  app.use(securityHeaders(config));
  app.use(noStoreWhenSignedIn(config));

  app.get("/healthz", async (_req, res) => {
    try {
      await sql`select 1`.execute(database.db);
      res.json({ status: "ok", db: database.kind, version: packageJson.version });
    } catch {
      res
        .status(503)
        .json({ status: "unavailable", db: database.kind, version: packageJson.version });
    }
  });

  app.use(refuseNulInAddress);
  // No cookie signs in to the token-only API, so a request there need not prove its origin
  // (the one cookie route, POST /tokens, checks that itself); the API answers every path under it.
  app.use(
    "/api/v1",
    guardStateChangingRequests(config, { sameOrigin: false }),
    createApiRouter({ db: database.db, config, bus, auth }),
  );
  app.use(guardStateChangingRequests(config));
  const realtime = createRealtime(httpServer, { config, bus, auth });
  const collab = new CollabHub(realtime.io, database.db);
  realtime.addFeature(collab);
  app.get("/rapporter/:periodId", routeReportDownloads);
  const stopRemix = await mountRemix(
    app,
    httpServer,
    config.env === "development" ? "development" : "production",
    (req, res): AppContext => ({
      db: database.db,
      dbKind: database.kind,
      bus,
      auth,
      collab,
      config,
      nonce: res.locals.nonce,
      clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      secure: req.secure,
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    url: `http://localhost:${port}`,
    database,
    bus,
    collab,
    realtime,
    close() {
      // Stop accepting, close sockets, then the database.
      closing ??= (async () => {
        httpServer.closeIdleConnections();
        await realtime.close();
        httpServer.closeAllConnections();
        await stopRemix();
        await personalDataScan;
        if (!options.database) await database.close();
      })();
      return closing;
    },
  };
}
