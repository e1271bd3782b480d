import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import compression from "compression";
import express from "express";
import { sql } from "kysely";
import type { DestinationStream } from "pino";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db";
import { seedDemo, setDemoAccountsActive } from "../db/seed/demo";
import { RETRY_AFTER_SECONDS } from "../db/unavailable";
import packageJson from "../package.json" with { type: "json" };
import { type Authenticator, createAuthenticator } from "./auth/authenticator";
import { createEventBus, type EventBus } from "./bus";
import { followDocumentEvents } from "./collab/domain-events";
import { CollabHub } from "./collab/hub";
import { type Config, keepSessionSecret } from "./config";
import type { AppContext } from "./context";
import { reportStoredPersonalData } from "./domain/personal-data";
import { startDispatcher } from "./events/dispatcher";
import { admitInArrivalOrder } from "./http/admission";
import { createApiRouter } from "./http/api";
import { createOidcRouter } from "./http/oidc";
import { mountRemix, routeReportDownloads } from "./http/remix";
import {
  guardStateChangingRequests,
  noStoreWhenSignedIn,
  refuseNulInAddress,
  securityHeaders,
} from "./http/security";
import { createUnsubscribeRouter } from "./http/unsubscribe";
import { createErrorReporter, createLogger, type Logger, requestIds } from "./log";
import { collectWhenQuiet } from "./memory";
import { createMetrics, serveMetrics } from "./metrics";
import { closeMailTransports } from "./notifications/mail";
import { followNotifications } from "./notifications/notify";
import { createReadCache } from "./read-cache";
import { createRealtime, type Realtime, userRoom } from "./realtime";
import { createClusterAdapter } from "./realtime/cluster";
import { type Scheduler, type SchedulerOptions, startScheduler } from "./scheduler";
import { startWebhooks, type WebhookOptions, type Webhooks } from "./webhooks";

export interface RunningApp {
  httpServer: HttpServer;
  url: string;
  /** The address the server is bound to, as an operator reads it ("…(all interfaces)"). */
  listeningOn: string;
  config: Config;
  database: DatabaseHandle;
  bus: EventBus;
  auth: Authenticator;
  collab: CollabHub;
  realtime: Realtime;
  /** Records due reminders every SCHEDULER_INTERVAL_SECONDS (server/scheduler). */
  scheduler: Scheduler;
  webhooks: Webhooks;
  log: Logger;
  close(): Promise<void>;
}

/** Why the server cannot listen, in the terms of its settings (PORT, HOST). */
const LISTEN_ERRORS: Record<string, (config: Config) => string> = {
  EADDRINUSE: ({ port, host }) =>
    `Port ${port} on ${host} is already in use; stop what uses it or choose another PORT.`,
  EADDRNOTAVAIL: ({ host }) =>
    `HOST ${host} is not an address of this machine; choose one of its own, or 0.0.0.0 for all.`,
  EACCES: ({ port }) =>
    `Port ${port} needs privileges this process lacks; choose a PORT above 1023 or put a proxy in front.`,
  ENOTFOUND: ({ host }) => `HOST ${host} is not a name this machine can resolve.`,
};

function listen(httpServer: HttpServer, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    httpServer.once("error", (error: NodeJS.ErrnoException) => {
      const explain = error.code ? LISTEN_ERRORS[error.code] : undefined;
      reject(explain ? new Error(explain(config)) : error);
    });
    httpServer.listen(config.port, config.host, resolve);
  });
}

/**
 * Requests worked on at once on the embedded database (server/http/admission.ts): enough to keep
 * its one connection busy while others render; the rest wait in arrival order.
 */
const PGLITE_REQUESTS_AT_ONCE = 8;

/**
 * A database that takes connections but answers nothing (hung, or a proxy before it stopped) is
 * reported unavailable by `/healthz` after this long, so that a load balancer can turn away.
 */
const HEALTH_CHECK_TIMEOUT_MS = 2_000;

function answersWithin<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** What the socket is really bound to: a wildcard says that every interface is listening. */
function describeAddress({ address, family, port }: AddressInfo): string {
  const host = family === "IPv6" ? `[${address}]` : address;
  if (address === "0.0.0.0") return `http://${host}:${port} (all IPv4 interfaces)`;
  if (address === "::") return `http://${host}:${port} (all interfaces)`;
  return `http://${host}:${port}`;
}

/** Until the database is migrated and the app mounted, requests are asked to come back. */
function answerStarting(_req: IncomingMessage, res: ServerResponse) {
  res
    .writeHead(503, { "Retry-After": "1", "Content-Type": "text/plain; charset=utf-8" })
    .end(
      "Samverkan startar – försök igen om en stund. / Samverkan is starting – try again shortly.",
    );
}

/**
 * The one composition root: one database handle, one bus, one socket.io server, shared by every
 * request through the Remix load context. Used by server/index.ts and by the tests.
 */
export async function startApp(
  config: Config,
  options: {
    database?: DatabaseHandle;
    logDestination?: DestinationStream;
    /** The scheduler's clock, and a hook into its runs (tests). */
    scheduler?: Pick<SchedulerOptions, "clock" | "afterRecording">;
    webhooks?: WebhookOptions;
  } = {},
): Promise<RunningApp> {
  const log = createLogger(config, options.logDestination);
  // The port first: a server that cannot listen must not open, migrate or seed the data.
  // socket.io wraps the server's request listeners when it attaches, so the one listener stays
  // and what it hands requests to changes once the app is mounted.
  let handleRequest: RequestListener = answerStarting;
  const httpServer = createServer((req, res) => handleRequest(req, res));
  await listen(httpServer, config);
  // Links in e-mails lead here when APP_ORIGIN does not say where.
  config.linkOrigin ??= `http://localhost:${(httpServer.address() as AddressInfo).port}`;
  let database: DatabaseHandle;
  try {
    database =
      options.database ??
      openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: `${config.dataDir}/pglite` });
  } catch (error) {
    httpServer.close();
    throw error;
  }
  keepSessionSecret(config);
  const applied = await migrateToLatest(database.db);
  if (config.seedDemo) await seedDemo(database.db);
  else {
    const retired = await setDemoAccountsActive(database.db, false);
    if (retired > 0)
      log.warn(`SEED_DEMO is off: the ${retired} demo accounts can no longer sign in`);
  }
  // After a migration (a stricter rule may have come with it) stored numbers are reported, not
  // blocking start-up; otherwise the admin page and `npm run pdata:scan` scan on demand.
  const personalDataScan = applied.length > 0 ? reportStoredPersonalData(database.db) : undefined;

  const auth = createAuthenticator(database.db, config);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  const readCache = createReadCache();
  const metrics = createMetrics({ database, readCache });
  const reportError = createErrorReporter(log, config.errorLogIntervalSeconds, () =>
    metrics.databaseUnavailable.inc(),
  );
  const bus = createEventBus(reportError);
  app.use(requestIds(log, reportError), metrics.timeRequests);
  app.use(compression());
  app.use(securityHeaders(config));
  app.use(noStoreWhenSignedIn(config));

  app.get("/healthz", async (_req, res) => {
    try {
      await answersWithin(HEALTH_CHECK_TIMEOUT_MS, sql`select 1`.execute(database.db));
      res.json({ status: "ok", db: database.kind, version: packageJson.version });
    } catch {
      res
        .status(503)
        .setHeader("Retry-After", String(RETRY_AFTER_SECONDS))
        .json({ status: "unavailable", db: database.kind, version: packageJson.version });
    }
  });
  app.get("/metrics", serveMetrics(metrics, config.metricsToken));
  // The embedded database answers one query at a time: requests take their turn as they came.
  // The built scripts and styles never touch it, and a page waits for them: they need no turn.
  if (database.kind === "pglite") {
    const admit = admitInArrivalOrder(PGLITE_REQUESTS_AT_ONCE);
    app.use((req, res, next) => (req.path.startsWith("/assets/") ? next() : admit(req, res, next)));
  }

  app.use(refuseNulInAddress);
  // No cookie signs in to the token-only API, so a request there need not prove its origin
  // (the one cookie route, POST /tokens, checks that itself); the API answers every path under it.
  app.use(
    "/api/v1",
    guardStateChangingRequests(config, { sameOrigin: false }),
    createApiRouter({
      db: database.db,
      readCache,
      config,
      auth,
      // The hub starts below with the sockets; the API calls it only once requests come.
      applyServerUpdate: (documentId, update, userId) =>
        collab.applyServerUpdate(documentId, update, userId),
    }),
  );
  // The provider's back-channel logout posts from its own server, with no Origin of ours.
  app.use(createOidcRouter({ db: database.db, config, auth, log }));
  // Mail programs post one-click unsubscribes (RFC 8058) from their own servers.
  app.use(createUnsubscribeRouter({ db: database.db, config }));
  app.use(guardStateChangingRequests(config));
  // On PostgreSQL several server processes may share the database: socket.io's rooms then span
  // them through its PostgreSQL adapter (ADR 0029). PGlite is one process (its DATA_DIR lock).
  const cluster = config.databaseUrl
    ? createClusterAdapter(config.databaseUrl, (error) =>
        reportError(new Error("socket.io's PostgreSQL adapter", { cause: error })),
      )
    : undefined;
  const realtime = createRealtime(httpServer, { config, bus, auth, cluster });
  const collab = new CollabHub(realtime.io, database.db, realtime.clustered);
  realtime.addFeature(collab);
  metrics.observeRealtime(realtime.io, collab);
  followDocumentEvents(bus, realtime, collab);
  const stopNotifications = followNotifications(
    bus,
    {
      db: database.db,
      config,
      emitUnread: (userId, unread) =>
        realtime.io.to(userRoom(userId)).emit("notifications:unread", unread),
    },
    reportError,
  );
  app.get("/rapporter/:periodId", routeReportDownloads);
  const stopRemix = await mountRemix(
    app,
    httpServer,
    config.env === "development" ? "development" : "production",
    (req, res): AppContext => ({
      db: database.db,
      dbKind: database.kind,
      readCache,
      auth,
      collab,
      config,
      nonce: res.locals.nonce,
      clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
      secure: req.secure,
      log: res.locals.log,
      reportError: res.locals.reportError,
    }),
  );

  // Committed events the organisation's webhooks asked for become deliveries, sent after COMMIT.
  const webhooks = startWebhooks(database.db, bus, config.webhooks, {
    ...options.webhooks,
    report: reportError,
  });
  // Every consumer has subscribed: events left from the last run go out before new requests.
  const dispatcher = await startDispatcher(database, bus, { report: reportError });
  const scheduler = startScheduler(database.db, {
    ...options.scheduler,
    intervalMs: config.schedulerIntervalSeconds * 1000,
    log,
    report: reportError,
  });
  handleRequest = app;
  const stopCollecting = collectWhenQuiet(httpServer, { sockets: realtime.io });
  const bound = httpServer.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    url: `http://localhost:${bound.port}`,
    listeningOn: describeAddress(bound),
    config,
    database,
    bus,
    auth,
    collab,
    realtime,
    scheduler,
    webhooks,
    log,
    close() {
      // Stop accepting, close sockets, then the database.
      closing ??= (async () => {
        stopCollecting();
        httpServer.closeIdleConnections();
        await realtime.close();
        httpServer.closeAllConnections();
        await stopRemix();
        await personalDataScan;
        // A run under way commits (or rolls back) before its events are delivered.
        await scheduler.close();
        await dispatcher.close();
        await webhooks.close();
        stopNotifications();
        closeMailTransports();
        if (!options.database) await database.close();
      })();
      return closing;
    },
  };
}
