import type { Server } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Socket as EngineSocket } from "engine.io";
import type { Server as SocketServer } from "socket.io";

/**
 * V8's full collection, exposed at run time so every way of starting the server has it, run
 * twice: the first frees what the load left, the second gives the pages it emptied back to the
 * system (V8's committed heap after bench:load and 20 s idle: 148 MB with one, 78 MB with two;
 * docs/benchmarks.md, "Memory").
 */
export function fullCollection(): () => void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  return () => {
    gc();
    gc();
  };
}

/**
 * V8 collects its old generation when that grows, not when the process falls quiet: after a
 * burst of requests, the garbage they left (200–300 MB measured on the dashboard, see
 * docs/benchmarks.md) stays resident until the next burst. Once no request has come for
 * `quietMs` and no socket has sent a message, one full collection gives it back (it takes
 * 100–200 ms of the one thread); a quiet server is never collected twice.
 * Answers a function that stops watching.
 */
export function collectWhenQuiet(
  server: Server,
  {
    quietMs = 5_000,
    collect = fullCollection(),
    sockets,
  }: {
    quietMs?: number;
    collect?: () => void;
    /** Messages over lasting connections are work too: a collection would pause co-editing. */
    sockets?: SocketServer;
  } = {},
): () => void {
  let lastActivity = 0;
  let pending = false;
  const onRequest = () => {
    lastActivity = Date.now();
    pending = true;
  };
  const onMessage = () => {
    lastActivity = Date.now();
  };
  // Only messages count, not the transport's pings: open tabs alone do not keep it from collecting.
  const onConnection = (socket: EngineSocket) => socket.on("message", onMessage);
  server.on("request", onRequest);
  sockets?.engine.on("connection", onConnection);
  const timer = setInterval(() => {
    if (!pending || Date.now() - lastActivity < quietMs) return;
    pending = false;
    collect();
  }, quietMs / 2);
  timer.unref();
  return () => {
    clearInterval(timer);
    server.off("request", onRequest);
    sockets?.engine.off("connection", onConnection);
  };
}
