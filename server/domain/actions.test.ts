import { describe, expect, it } from "vitest";
import { statusProgressMismatch } from "./actions";

describe("statusProgressMismatch: a status and a progress that contradict each other", () => {
  it.each([
    ["not_started", 0, null],
    ["not_started", 1, "notStartedWithProgress"],
    ["not_started", 50, "notStartedWithProgress"],
    ["not_started", 100, "notStartedWithProgress"],
    ["in_progress", 0, null],
    ["in_progress", 99, null],
    ["in_progress", 100, "fullNotDone"],
    ["paused", 40, null],
    ["paused", 100, "fullNotDone"],
    ["done", 100, null],
    ["done", 99, "doneBelowFull"],
    ["done", 0, "doneBelowFull"],
    // A cancelled action keeps whatever was done before it was stopped.
    ["cancelled", 0, null],
    ["cancelled", 60, null],
    ["cancelled", 100, null],
  ] as const)("%s with %i %% → %s", (status, progress, expected) => {
    expect(statusProgressMismatch({ status, progress })).toBe(expected);
  });
});
