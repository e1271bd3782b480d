import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatLongDate, formatPeriod } from "./format";

describe("Swedish formats", () => {
  it("keeps calendar dates and shows timestamps as their day in Sweden", () => {
    expect(formatDate("2017-10-12")).toBe("2017-10-12");
    // 23:30 UTC on 31 December is already New Year's Day in Stockholm.
    expect(formatDate("2020-12-31T23:30:00.000Z")).toBe("2021-01-01");
    expect(formatDate(null)).toBe("–");
  });

  it("writes running-text dates and 24-hour times", () => {
    expect(formatLongDate("2017-10-12", "sv")).toBe("12 oktober 2017");
    expect(formatDateTime("2017-10-12T12:05:00.000Z")).toBe("2017-10-12 14:05");
  });

  it("names periods the way staff write them: T3 2020, not 2020 T3", () => {
    expect(formatPeriod("2020-09-01", "2020-12-31")).toBe("T3 2020");
    expect(formatPeriod("2020-01-01", "2020-04-30")).toBe("T1 2020");
    expect(formatPeriod("2020-04-01", "2020-06-30")).toBe("Kv2 2020");
    expect(formatPeriod("2020-01-01", "2020-12-31")).toBe("2020");
    expect(formatPeriod("2020-02-01", "2020-05-31")).toBe("2020-02-01 – 2020-05-31");
  });
});
