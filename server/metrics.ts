import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Server as SocketServer } from "socket.io";
import type { DatabaseHandle } from "../db";
import { bearerToken } from "./auth/authenticator";
import type { CollabHub } from "./collab/hub";
import type { ReadCache } from "./read-cache";

/**
 * Prometheus metrics (GET /metrics with `Authorization: Bearer METRICS_TOKEN`): request latency,
 * the database pool, live sockets, co-editing saves, and Node's own (memory, event loop, GC).
 * Gauges read their source when scraped, so nothing is counted twice.
 */
export function createMetrics(deps: { database: DatabaseHandle; readCache: ReadCache }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requestSeconds = new Histogram({
    name: "samverkan_http_request_duration_seconds",
    help: "Time from request to response, by method, route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const { pool } = deps.database;
  new Gauge({
    name: "samverkan_db_pool_connections",
    help: "PostgreSQL pool connections: total, idle, and requests waiting for one",
    labelNames: ["state"],
    registers,
    collect() {
      if (!pool) return;
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });
  new Gauge({
    name: "samverkan_read_cache_bytes",
    help: "Answers kept per organisation data version (server/read-cache.ts), their rough size",
    registers,
    collect() {
      this.set(deps.readCache.stats().bytes);
    },
  });
  new Counter({
    name: "samverkan_read_cache_reads_total",
    help: "Reads through the read cache, answered from it (hit) or computed (miss)",
    labelNames: ["result"],
    registers,
    collect() {
      const { hits, misses } = deps.readCache.stats();
      this.reset();
      this.inc({ result: "hit" }, hits);
      this.inc({ result: "miss" }, misses);
    },
  });
  const databaseUnavailable = new Counter({
    name: "samverkan_db_unavailable_errors_total",
    help: "Requests that found the database unreachable",
    registers,
  });

  return {
    registry,
    databaseUnavailable,
    /** Sockets and co-editing exist only once the app is mounted; they join then. */
    observeRealtime(io: SocketServer, collab: CollabHub) {
      new Gauge({
        name: "samverkan_socket_connections",
        help: "Connected socket.io clients",
        registers,
        collect() {
          this.set(io.engine.clientsCount);
        },
      });
      // The hub counts; the counters show its count when scraped.
      new Counter({
        name: "samverkan_collab_saves_total",
        help: "Co-editing saves committed (one INSERT and COMMIT for a batch of updates)",
        registers,
        collect() {
          this.reset();
          this.inc(collab.stats.saves);
        },
      });
      new Counter({
        name: "samverkan_collab_saved_updates_total",
        help: "Co-editing updates saved and acknowledged to their author",
        registers,
        collect() {
          this.reset();
          this.inc(collab.stats.persistedUpdates);
        },
      });
    },
    timeRequests(req: Request, res: Response, next: NextFunction) {
      const end = requestSeconds.startTimer();
      res.once("finish", () =>
        end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }),
      );
      next();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A few routes, not one label per address: the API's route pattern, else the kind of request. */
function routeOf(req: Request): string {
  const pattern = req.route?.path;
  if (typeof pattern === "string" && pattern !== "*") return `${req.baseUrl}${pattern}`;
  if (req.originalUrl.startsWith("/api/")) return "api";
  if (req.originalUrl.startsWith("/assets/")) return "asset";
  if (req.originalUrl.startsWith("/socket.io/")) return "socket";
  return "page";
}

/** 404 when no METRICS_TOKEN is configured, 401 without the right bearer token. */
export function serveMetrics(metrics: Metrics, token: string | undefined) {
  const expected = Buffer.from(token ?? "");
  return async (req: Request, res: Response) => {
    if (!token) return void res.status(404).type("text/plain").send("Not found");
    const given = Buffer.from(bearerToken(req.headers.authorization) ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return void res
        .status(401)
        .setHeader("WWW-Authenticate", "Bearer")
        .type("text/plain")
        .send("A valid bearer token is required.");
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
