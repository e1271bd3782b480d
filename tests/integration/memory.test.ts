import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../db";
import { collectWhenQuiet } from "../../server/memory";

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

  it("the collection gives back what a burst of requests left behind", async () => {
    const request = await serve();
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
    await sleep(QUIET_MS * 3);
    expect(process.memoryUsage().heapUsed).toBeLessThan(left - 40 * 2 ** 20);
  });

  it("the collection gives back the heap's pages that the burst's garbage emptied", async () => {
    const request = await serve();
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
    await sleep(QUIET_MS * 3);
    expect(kept.length).toBe(300_000);
    const { heapTotal, heapUsed } = process.memoryUsage();
    expect(heapTotal - heapUsed, "committed and unused").toBeLessThan(150 * 2 ** 20);
  });
});
