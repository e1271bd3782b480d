import { describe, expect, it } from "vitest";
import {
  currentOf,
  DUE_SOON_DAYS,
  departmentReportState,
  isReportComplete,
  type PeriodState,
  periodState,
} from "./periods";

/** T3 2020: 1 September – 31 December, reported by 14 January 2021. */
const T3_2020 = { startDate: "2020-09-01", reportDeadline: "2021-01-14" };
const open = { complete: false, adopted: false };

describe("a period's deadline state on a fixed day", () => {
  const cases: [string, string, { complete: boolean; adopted: boolean }, PeriodState][] = [
    ["before the period begins", "2020-08-31", open, "upcoming"],
    ["on its first day", "2020-09-01", open, "reporting"],
    ["during the period, the deadline far off", "2020-11-15", open, "reporting"],
    ["eight days before the deadline", "2021-01-06", open, "reporting"],
    [`${DUE_SOON_DAYS} days before the deadline`, "2021-01-07", open, "due_soon"],
    ["on the deadline", "2021-01-14", open, "due_soon"],
    ["the day after the deadline, a report missing", "2021-01-15", open, "late"],
    ["seen in 2026, a report missing", "2026-12-05", open, "late"],
    ["seen in 2026, every report in", "2026-12-05", { complete: true, adopted: false }, "closed"],
    ["seen in 2026, adopted", "2026-12-05", { complete: false, adopted: true }, "closed"],
    [
      "every report in before the deadline",
      "2021-01-10",
      { complete: true, adopted: false },
      "reported",
    ],
    ["adopted before the deadline", "2021-01-10", { complete: true, adopted: true }, "closed"],
  ];
  for (const [name, today, facts, expected] of cases) {
    it(`${name}: ${expected}`, () => {
      expect(periodState(T3_2020, today, facts)).toBe(expected);
    });
  }

  it("is never 'reporting' for a period whose deadline has passed", () => {
    for (const facts of [
      open,
      { complete: true, adopted: false },
      { complete: false, adopted: true },
    ])
      expect(["late", "closed"]).toContain(periodState(T3_2020, "2026-12-05", facts));
  });
});

describe("a department's report state", () => {
  const done = { completedAt: "2021-01-10T10:00:00.000Z", toReport: 3 };
  const pending = { completedAt: null, toReport: 3 };
  const empty = { completedAt: null, toReport: 0 };

  it("is klarmarkerad whenever it is", () => {
    for (const period of ["reporting", "due_soon", "late", "closed"] as const)
      expect(departmentReportState(done, period)).toBe("completed");
  });

  it("has nothing to report with no actions in the period, never 'all assessed'", () => {
    for (const period of ["reporting", "due_soon", "late", "closed"] as const)
      expect(departmentReportState(empty, period)).toBe("nothing_to_report");
  });

  it("follows the period's deadline while not klarmarkerad", () => {
    expect(departmentReportState(pending, "upcoming")).toBe("open");
    expect(departmentReportState(pending, "reporting")).toBe("open");
    expect(departmentReportState(pending, "due_soon")).toBe("due_soon");
    expect(departmentReportState(pending, "late")).toBe("late");
    // Adopted without its report: the report is still missing.
    expect(departmentReportState(pending, "closed")).toBe("late");
  });

  it("counts a period complete when every department with actions has klarmarkerat", () => {
    expect(isReportComplete([done, empty])).toBe(true);
    expect(isReportComplete([done, pending])).toBe(false);
    expect(isReportComplete([])).toBe(true);
  });
});

describe("the period being reported on", () => {
  // Listed out of order, as rows come from the database without an ORDER BY.
  const periods = [
    { id: "T3", start_date: "2020-09-01", report_deadline: "2021-01-14" },
    { id: "T1", start_date: "2020-01-01", report_deadline: "2020-05-14" },
    { id: "T2", start_date: "2020-05-01", report_deadline: "2020-09-14" },
  ];
  const cases: [string, string, string | undefined][] = [
    ["before any period begins: none", "2019-12-31", undefined],
    ["during T1", "2020-02-01", "T1"],
    ["T2 begun while T1 is still being reported: T1", "2020-05-10", "T1"],
    ["T1's deadline passed: T2", "2020-05-15", "T2"],
    ["T3 begun while T2 is still being reported: T2", "2020-09-10", "T2"],
    ["every deadline passed: the latest", "2026-12-05", "T3"],
  ];
  it.each(cases)("%s", (_, today, expected) => {
    expect(currentOf(periods, today)?.id).toBe(expected);
  });
});
