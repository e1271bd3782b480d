import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createErrorReporter } from "./log";

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino(destination), lines };
}

const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

describe("createErrorReporter", () => {
  it("logs what a background job met with its cause, once, then how many more", async () => {
    const { log, lines } = capturingLogger();
    let unavailable = 0;
    const report = createErrorReporter(log, 0.05, () => unavailable++);
    for (let i = 0; i < 3; i++) report(new Error("Sending webhooks failed", { cause: refused() }));
    await expect.poll(() => lines.length).toBe(2);
    expect(lines[0]).toMatchObject({
      kind: "database_unavailable",
      msg: "The database is unavailable: Sending webhooks failed: connect ECONNREFUSED 127.0.0.1:5432",
    });
    expect(lines[0]).not.toHaveProperty("err");
    expect(lines[1]).toMatchObject({ kind: "database_unavailable", count: 2 });
    expect(unavailable).toBe(3);
  });

  it("logs another error with its stack once per kind", async () => {
    const { log, lines } = capturingLogger();
    const report = createErrorReporter(log, 0.05, () => {});
    report(new Error("The reminders run failed", { cause: new TypeError("x is undefined") }));
    report(new Error("The reminders run failed", { cause: new TypeError("x is undefined") }));
    await expect.poll(() => lines.length).toBe(2);
    expect(lines[0]).toMatchObject({
      kind: "internal",
      msg: "The reminders run failed: x is undefined",
      err: { message: "The reminders run failed: x is undefined", stack: expect.any(String) },
    });
    expect(lines[1]).toMatchObject({ count: 1 });
  });
});
