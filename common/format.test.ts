import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatLongDate } from "./format";

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
});
