import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { Server as SocketServer } from "socket.io";
import { io as ioClient } from "socket.io-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../db";
import { collectWhenQuiet, fullCollection } from "../../server/memory";

const QUIET_MS = 500;

describe("memory", () => {
  let server: Server | undefined;
  let stop = () => {};
  afterEach(async () => {
    stop();
    const open = server;
    server = undefined;
    if (open) await new Promise((resolve) => open.close(resolve));
  });

  /** A server whose real collection is awaited: on a crowded machine it may take seconds. */
  async function serveCollected() {
    const collect = fullCollection();
    let collected = () => {};
    const done = new Promise<void>((resolve) => {
      collected = resolve;
    });
    const request = await serve(() => {
      collect();
      collected();
    });
    return { request, collected: done };
  }

  async function serve(collect?: () => void) {
    server = createServer((_, res) => res.end("ok"));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    stop = collectWhenQuiet(server, { quietMs: QUIET_MS, ...(collect && { collect }) });
    const { port } = server.address() as AddressInfo;
    return () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
  }

  it("the embedded database keeps its buffers small: 32 MB shared, 16 MB for index builds", async () => {
    const database = openDatabase({});
    try {
      const { rows } = await sql<{ shared: string; maintenance: string }>`
        select current_setting('shared_buffers') as shared,
               current_setting('maintenance_work_mem') as maintenance`.execute(database.db);
      expect(rows[0]).toEqual({ shared: "32MB", maintenance: "16MB" });
    } finally {
      await database.close();
    }
  });

  it("collects only after quiet time, once per quiet spell, and after the last request", async () => {
    // Times from the server's own events, so a slow machine cannot make the test wrong.
    const events: { kind: "request" | "collect"; at: number }[] = [];
    const request = await serve(() => events.push({ kind: "collect", at: Date.now() }));
    server?.on("request", () => events.push({ kind: "request", at: Date.now() }));
    await sleep(QUIET_MS * 2);
    expect(events, "nothing to collect before any request").toEqual([]);
    for (let i = 0; i < 8; i++) {
      await request();
      await sleep(QUIET_MS / 10);
    }
    await sleep(QUIET_MS * 3);
    await request();
    await sleep(QUIET_MS * 3);
    events.forEach((event, i) => {
      if (event.kind !== "collect") return;
      const before = events[i - 1];
      expect(before?.kind, "a collection follows a request, never another collection").toBe(
        "request",
      );
      expect(event.at - before.at).toBeGreaterThanOrEqual(QUIET_MS);
    });
    expect(events.at(-1)?.kind, "the last request's garbage is collected").toBe("collect");
    expect(events.filter((e) => e.kind === "collect").length).toBeGreaterThanOrEqual(2);
  });

  it("waits while sockets send messages: a collection would pause co-editing", async () => {
    // Longer than the other tests' quiet time: a crowded machine must not stall between messages.
    const quietMs = 2_000;
    const events: { kind: "collect" | "message"; at: number }[] = [];
    server = createServer((_, res) => res.end("ok"));
    const sockets = new SocketServer(server);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    stop = collectWhenQuiet(server, {
      quietMs,
      collect: () => events.push({ kind: "collect", at: Date.now() }),
      sockets,
    });
    sockets.on("connection", (socket) =>
      socket.on("typed", () => events.push({ kind: "message", at: Date.now() })),
    );
    const { port } = server.address() as AddressInfo;
    const client = ioClient(`http://127.0.0.1:${port}`, { transports: ["websocket"] });
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      // Typing for three quiet times after the request: no collection meanwhile.
      for (let i = 0; i < 15; i++) {
        client.emit("typed");
        await sleep(quietMs / 5);
      }
      expect(events.filter((e) => e.kind === "message").length).toBeGreaterThan(10);
      expect(events.map((e) => e.kind)).not.toContain("collect");
      await sleep(quietMs * 2);
      const collection = events.findIndex((e) => e.kind === "collect");
      expect(collection, "collected once the typing stopped").toBeGreaterThan(0);
      expect(events[collection].at - events[collection - 1].at).toBeGreaterThanOrEqual(quietMs);
    } finally {
      client.close();
      sockets.close();
    }
  });

  it("the collection gives back what a burst of requests left behind", async () => {
    const { request, collected } = await serveCollected();
    // Request-sized garbage that lives long enough to reach V8's old generation.
    let burst: { id: number; text: string }[] | null = Array.from({ length: 400_000 }, (_, id) => ({
      id,
      text: `rad ${id} `.repeat(8),
    }));
    await request();
    await sleep(50);
    expect(burst.length).toBe(400_000);
    burst = null;
    const left = process.memoryUsage().heapUsed;
    await collected;
    expect(process.memoryUsage().heapUsed).toBeLessThan(left - 40 * 2 ** 20);
  });

  // How much V8 gives back varies with the machine's load (seen: 196–226 MB kept while other test
  // files ran beside it, under 150 MB alone; one collection instead of two kept 191–303 MB), so
  // the burst is tried again before the test fails; bench:load records RSS after idle.
  it("the collection gives back the heap's pages that the burst's garbage emptied", {
    retry: 3,
    timeout: 30_000,
  }, async () => {
    const { request, collected } = await serveCollected();
    // One row in twenty outlives the burst, spread over the pages the rest of it filled: one
    // full collection leaves those pages committed (about 175 MB here), a second returns them.
    const kept: { id: number; text: string }[] = [];
    let burst: { id: number; text: string }[] = [];
    for (let id = 0; id < 6_000_000; id++) {
      const row = { id, text: `rad ${id}` };
      if (id % 20 === 0) kept.push(row);
      else burst.push(row);
      if (burst.length > 1_000_000) burst = [];
    }
    burst = [];
    await request();
    await collected;
    expect(kept.length).toBe(300_000);
    // V8 sweeps on helper threads and gives the emptied pages back when they are done, which on a
    // crowded machine is a while after the collection returns.
    await vi.waitFor(
      () => {
        const { heapTotal, heapUsed } = process.memoryUsage();
        expect(heapTotal - heapUsed, "committed and unused").toBeLessThan(150 * 2 ** 20);
      },
      { timeout: 8_000, interval: 100 },
    );
  });
});
