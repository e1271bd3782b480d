/**
 * One co-editing server per child process, so the benchmark can read each server's own CPU and
 * memory from /proc. Started by bench/collab.ts as `node --import tsx bench/servers.ts <kind>`;
 * it reports `{ type: "ready", port, database }` over IPC and, for ours, answers requests for a
 * fresh document and for the text the database holds.
 *
 * For the cross-process comparison two children of a kind run side by side: ours with
 * BENCH_SHARED_DATABASE_URL (a PostgreSQL database the benchmark made, shared through socket.io's
 * PostgreSQL adapter as in production), and Hocuspocus with its Redis extension on
 * 127.0.0.1:6379 under the key prefix BENCH_REDIS_PREFIX.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ClientToServerEvents, ServerToClientEvents } from "../common/socket-events";
import { BENCH_TEXT, type NumberedRequest, type ServerKind, type ServerReply } from "./protocol";

// Each child imports only its own server: y-websocket's CommonJS build loads a second copy of
// Yjs, and two copies in one process break Yjs's constructor checks.

const HOST = "127.0.0.1";
// As `npm start` runs: libraries that read it (Lexical, React) load their production builds.
process.env.NODE_ENV = "production";
const send = (message: unknown) => process.send?.(message);

async function startOurs(): Promise<() => Promise<void>> {
  const Y = await import("yjs");
  const { openDatabase } = await import("../db");
  const { startApp } = await import("../server/app");
  const { loadState } = await import("../server/collab/store");
  const { loadConfig } = await import("../server/config");
  const { createDocument } = await import("../server/domain/documents");
  const { createTestDatabase } = await import("../tests/helpers/database");
  const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-bench-"));
  const sharedDatabaseUrl = process.env.BENCH_SHARED_DATABASE_URL;
  // A fresh database each run: a new PostgreSQL database when DATABASE_URL is set, else PGlite on
  // disk; or the one the processes of the cross-process comparison share (the benchmark drops it).
  const database = sharedDatabaseUrl
    ? openDatabase({ databaseUrl: sharedDatabaseUrl })
    : process.env.DATABASE_URL
      ? await createTestDatabase()
      : openDatabase({ pgliteDir: path.join(dataDir, "pglite") });
  const config = loadConfig({
    NODE_ENV: "production",
    SECURE_COOKIES: "false",
    PORT: "0",
    HOST,
    DATA_DIR: dataDir,
    SESSION_SECRET: "bench-secret-bench-secret-bench-secret-0",
    SEED_DEMO: "true",
    // With it, rooms and co-editing span the processes through socket.io's PostgreSQL adapter.
    ...(sharedDatabaseUrl ? { DATABASE_URL: sharedDatabaseUrl } : {}),
  });
  const app = await startApp(config, { database });
  const { db } = database;
  const member = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "memberships.organisation_id"])
    .where("users.email", "=", "arbetsgrupp@kommun.test")
    .executeTakeFirstOrThrow();
  const actor = {
    userId: member.id,
    organisationId: member.organisation_id,
    roles: ["member" as const],
    departmentIds: [],
  };

  process.on("message", async (request: NumberedRequest) => {
    let reply: ServerReply;
    if (request.type === "newDocument") {
      const id = await createDocument(db, actor, { title: "Benchmark", kind: "ovrigt" });
      reply = { id: request.id, value: id };
    } else {
      const stored = await loadState(db, request.documentId);
      const doc = new Y.Doc();
      if (stored) Y.applyUpdate(doc, stored.state);
      reply = { id: request.id, value: doc.getText(BENCH_TEXT).toString() };
      doc.destroy();
    }
    send(reply);
  });

  const { port } = app.httpServer.address() as AddressInfo;
  send({ type: "ready", port, database: database.kind });
  return async () => {
    try {
      await app.close();
      await database.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

async function startYWebsocket(): Promise<() => Promise<void>> {
  const { WebSocketServer } = await import("ws");
  const { setupWSConnection } = await import("y-websocket/bin/utils");
  const httpServer = createServer();
  const wss = new WebSocketServer({ server: httpServer });
  // The document name is the URL path, as in y-websocket's own bin/server.
  wss.on("connection", (conn, req) => setupWSConnection(conn, req));
  await new Promise<void>((resolve) => httpServer.listen(0, HOST, resolve));
  send({ type: "ready", port: (httpServer.address() as AddressInfo).port });
  return async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => httpServer.close(resolve));
  };
}

async function startHocuspocus(
  extensions: import("@hocuspocus/server").Extension[] = [],
): Promise<() => Promise<void>> {
  const { Server: HocuspocusServer } = await import("@hocuspocus/server");
  const server = new HocuspocusServer({
    address: HOST,
    port: 0,
    quiet: true,
    stopOnSignals: false,
    extensions,
  });
  await server.listen();
  send({ type: "ready", port: server.address.port });
  return () => server.destroy();
}

/** Hocuspocus as its documentation scales it out: instances relay updates through Redis. */
async function startHocuspocusRedis(): Promise<() => Promise<void>> {
  const { Redis } = await import("@hocuspocus/extension-redis");
  return startHocuspocus([
    new Redis({ host: HOST, port: 6379, prefix: process.env.BENCH_REDIS_PREFIX ?? "hocuspocus" }),
  ]);
}

/**
 * The reference: a bare socket.io relay speaking our protocol (docs/collab-protocol.md) with our
 * parser, with none of our server's work per message (no session, policy, validation or saving).
 * One Y.Doc per room only to answer a joining client's sync.
 */
async function startSocketIoRelay(): Promise<() => Promise<void>> {
  const { Server } = await import("socket.io");
  const Y = await import("yjs");
  const protocol = await import("../common/collab-protocol");
  const { socketParser } = await import("../common/socket-parser");
  const httpServer = createServer();
  const io: import("socket.io").Server<ClientToServerEvents, ServerToClientEvents> = new Server(
    httpServer,
    { serveClient: false, parser: socketParser },
  );
  const docs = new Map<string, import("yjs").Doc>();
  io.on("connection", (socket) => {
    const answer = (documentId: string, doc: import("yjs").Doc, stateVector: Uint8Array) => {
      const data = protocol.step2Message(Y.encodeStateAsUpdate(doc, stateVector));
      socket.emit("collab:sync", { documentId, data });
    };
    socket.on("collab:join", ({ documentId, stateVector }, reply) => {
      const doc = docs.get(documentId) ?? new Y.Doc();
      docs.set(documentId, doc);
      void socket.join(documentId);
      reply({ ok: true, writable: true });
      if (stateVector) answer(documentId, doc, new Uint8Array(stateVector));
      socket.emit("collab:sync", { documentId, data: protocol.step1Message(doc) });
    });
    socket.on("collab:sync", ({ documentId, data }, reply) => {
      const doc = docs.get(documentId);
      if (!doc) return;
      const { type, body } = protocol.decodeSyncMessage(data);
      if (type === protocol.SyncMessageType.step1) {
        answer(documentId, doc, body);
      } else {
        Y.applyUpdate(doc, body);
        socket.to(documentId).emit("collab:sync", { documentId, data });
      }
      reply({ ok: true });
    });
    socket.on("collab:awareness", ({ documentId, data }) => {
      socket.to(documentId).emit("collab:awareness", { documentId, data });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, HOST, resolve));
  send({ type: "ready", port: (httpServer.address() as AddressInfo).port });
  return () => new Promise<void>((resolve) => io.close(() => resolve()));
}

const starters: Record<ServerKind, () => Promise<() => Promise<void>>> = {
  ours: startOurs,
  "y-websocket": startYWebsocket,
  hocuspocus: () => startHocuspocus(),
  "socket.io-relay": startSocketIoRelay,
  "hocuspocus-redis": startHocuspocusRedis,
};

const kind = process.argv[2] as ServerKind;
const stop = await starters[kind]();
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await stop();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
// The benchmark process went away (crashed or interrupted): do not linger.
process.on("disconnect", shutdown);
