import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable";

/** An error as the drivers raise it: a message with the server's fields. */
const serverError = (fields: Record<string, string>) =>
  Object.assign(new Error(fields.message ?? "failed"), fields);

describe("isDatabaseUnavailable", () => {
  it.each([
    ["a refused connection", Object.assign(new Error("connect"), { code: "ECONNREFUSED" })],
    ["a connection exception (08006)", serverError({ code: "08006", severity: "ERROR" })],
    ["the server shutting down (57P01)", serverError({ code: "57P01", severity: "FATAL" })],
    [
      "a database not accepting connections (55000, FATAL)",
      serverError({
        code: "55000",
        severity: "FATAL",
        message: 'database "x" is not currently accepting connections',
      }),
    ],
    ["too many connections (53300)", serverError({ code: "53300", severity: "FATAL" })],
    [
      "any of these as the cause",
      new Error("query failed", { cause: serverError({ code: "57P03", severity: "FATAL" }) }),
    ],
    [
      "every address refused",
      new AggregateError([Object.assign(new Error("connect"), { code: "ECONNREFUSED" })]),
    ],
  ])("is true for %s", (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a query's own mistake (42601)", serverError({ code: "42601", severity: "ERROR" })],
    [
      "a statement out of order in a session (55000, ERROR)",
      serverError({ code: "55000", severity: "ERROR" }),
    ],
    ["a unique violation", serverError({ code: "23505", severity: "ERROR" })],
    ["an error that is not the database's", new TypeError("x is undefined")],
    ["something thrown that is not an error", "failed"],
  ])("is false for %s", (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
