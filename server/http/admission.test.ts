import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { admitInArrivalOrder } from "./admission";

describe("admitInArrivalOrder", () => {
  let close = () => {};
  afterEach(() => close());

  /** A server whose requests each wait until released; records when each began and ended. */
  async function serve(limit: number) {
    const log: string[] = [];
    const release = new Map<string, () => void>();
    const app = express();
    app.use(admitInArrivalOrder(limit));
    app.get("/:name", async (req, res) => {
      log.push(`start ${req.params.name}`);
      await new Promise<void>((resolve) => release.set(req.params.name, resolve));
      log.push(`end ${req.params.name}`);
      res.send(req.params.name);
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    close = () => {
      server.closeAllConnections();
      server.close();
    };
    const { port } = server.address() as AddressInfo;
    const get = (name: string) => {
      const sent = request({ port, host: "127.0.0.1", path: `/${name}` });
      const answered = new Promise<string>((resolve, reject) => {
        sent.on("response", (response) => {
          let body = "";
          response.on("data", (chunk) => {
            body += chunk;
          });
          response.on("end", () => resolve(body));
        });
        sent.on("error", reject);
      });
      sent.end();
      return { answered, abort: () => sent.destroy() };
    };
    const until = async (name: string) => {
      while (!release.has(name)) await sleep(5);
      release.get(name)?.();
    };
    return { log, get, until };
  }

  it("works on at most `limit` at once and admits the others in the order they came", async () => {
    const { log, get, until } = await serve(2);
    const answers = ["a", "b", "c", "d"].map((name) => get(name));
    await sleep(100);
    expect(log).toEqual(["start a", "start b"]);
    await until("b");
    await until("a");
    await until("c");
    await until("d");
    expect(await Promise.all(answers.map((a) => a.answered))).toEqual(["a", "b", "c", "d"]);
    expect(log.filter((line) => line.startsWith("start"))).toEqual([
      "start a",
      "start b",
      "start c",
      "start d",
    ]);
  });

  it("drops a request given up while it waited, and its turn passes on", async () => {
    const { log, get, until } = await serve(1);
    const first = get("first");
    await sleep(50);
    const gone = get("gone");
    const last = get("last");
    await sleep(50);
    gone.abort();
    gone.answered.catch(() => {});
    await sleep(50);
    await until("first");
    await until("last");
    expect([await first.answered, await last.answered]).toEqual(["first", "last"]);
    expect(log).not.toContain("start gone");
  });
});
