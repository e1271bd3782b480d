import type { Server } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * V8's full collection, exposed at run time so every way of starting the server has it, run
 * twice: the first frees what the load left, the second gives the pages it emptied back to the
 * system (V8's committed heap after bench:load and 20 s idle: 148 MB with one, 78 MB with two;
 * docs/benchmarks.md, "Memory").
 */
function fullCollection(): () => void {
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
 * `quietMs`, one full collection gives it back; a quiet server is never collected twice.
 * Answers a function that stops watching.
 */
export function collectWhenQuiet(
  server: Server,
  { quietMs = 5_000, collect = fullCollection() }: { quietMs?: number; collect?: () => void } = {},
): () => void {
  let lastRequest = 0;
  let pending = false;
  const onRequest = () => {
    lastRequest = Date.now();
    pending = true;
  };
  server.on("request", onRequest);
  const timer = setInterval(() => {
    if (!pending || Date.now() - lastRequest < quietMs) return;
    pending = false;
    collect();
  }, quietMs / 2);
  timer.unref();
  return () => {
    clearInterval(timer);
    server.off("request", onRequest);
  };
}
