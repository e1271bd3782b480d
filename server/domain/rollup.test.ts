import { describe, expect, it } from "vitest";
import { type RollUp, type RollUpItem, rollUp } from "./rollup";

const item = (
  status: RollUpItem["status"],
  assessment: RollUpItem["assessment"],
  n = 1,
): RollUpItem => ({ status, assessment, n });

/**
 * Every edge of the rule, each worked out by hand. The threshold is the default (50): more than
 * half of the counted actions must be assessed.
 */
const FIXTURE: { name: string; items: RollUpItem[]; threshold?: number; expected: RollUp }[] = [
  {
    name: "zero actions: nothing to assess",
    items: [],
    expected: { result: "not_assessed", counted: 0, assessed: 0, overdue: 0, threshold: 50 },
  },
  {
    name: "none assessed",
    items: [item("in_progress", "not_assessed", 3)],
    expected: { result: "not_assessed", counted: 3, assessed: 0, overdue: 0, threshold: 50 },
  },
  {
    name: "all assessed Enligt plan, nothing overdue",
    items: [item("in_progress", "on_track", 2), item("done", "on_track")],
    expected: { result: "on_track", counted: 3, assessed: 3, overdue: 0, threshold: 50 },
  },
  {
    name: "all overdue and assessed Enligt plan: at least Risk",
    items: [item("overdue", "on_track", 5)],
    expected: { result: "at_risk", counted: 5, assessed: 5, overdue: 5, threshold: 50 },
  },
  {
    name: "all overdue, one assessed Avvikelse: the worse assessment stands",
    items: [item("overdue", "off_track"), item("overdue", "on_track", 2)],
    expected: { result: "off_track", counted: 3, assessed: 3, overdue: 3, threshold: 50 },
  },
  {
    name: "all overdue, none assessed: Ej bedömd (coverage comes first)",
    items: [item("overdue", "not_assessed", 4)],
    expected: { result: "not_assessed", counted: 4, assessed: 0, overdue: 4, threshold: 50 },
  },
  {
    name: "an overdue action without an assessment still counts against Enligt plan",
    items: [item("in_progress", "on_track", 3), item("overdue", "not_assessed")],
    expected: { result: "at_risk", counted: 4, assessed: 3, overdue: 1, threshold: 50 },
  },
  {
    name: "cancelled actions are not counted, whatever they were assessed",
    items: [
      item("in_progress", "on_track"),
      item("cancelled", "not_assessed", 3),
      item("cancelled", "off_track"),
    ],
    expected: { result: "on_track", counted: 1, assessed: 1, overdue: 0, threshold: 50 },
  },
  {
    name: "only cancelled actions: like zero actions",
    items: [item("cancelled", "on_track", 2)],
    expected: { result: "not_assessed", counted: 0, assessed: 0, overdue: 0, threshold: 50 },
  },
  {
    name: "paused actions are counted: unassessed, they lower the coverage",
    items: [item("in_progress", "on_track"), item("paused", "not_assessed")],
    expected: { result: "insufficient", counted: 2, assessed: 1, overdue: 0, threshold: 50 },
  },
  {
    name: "paused actions are counted: assessed, their assessment counts",
    items: [item("in_progress", "on_track"), item("paused", "at_risk")],
    expected: { result: "at_risk", counted: 2, assessed: 2, overdue: 0, threshold: 50 },
  },
  {
    name: "exactly at the threshold (2 of 4 = 50 %): Underlag saknas",
    items: [item("in_progress", "on_track", 2), item("in_progress", "not_assessed", 2)],
    expected: { result: "insufficient", counted: 4, assessed: 2, overdue: 0, threshold: 50 },
  },
  {
    name: "just above the threshold (3 of 5 = 60 %): the worst assessment",
    items: [
      item("in_progress", "on_track", 2),
      item("in_progress", "at_risk"),
      item("not_started", "not_assessed", 2),
    ],
    expected: { result: "at_risk", counted: 5, assessed: 3, overdue: 0, threshold: 50 },
  },
  {
    name: "1 of 4 assessed Enligt plan: Underlag saknas",
    items: [item("in_progress", "on_track"), item("done", "not_assessed", 3)],
    expected: { result: "insufficient", counted: 4, assessed: 1, overdue: 0, threshold: 50 },
  },
  {
    name: "a lower threshold (20): 1 of 4 (25 %) is enough",
    items: [item("in_progress", "on_track"), item("done", "not_assessed", 3)],
    threshold: 20,
    expected: { result: "on_track", counted: 4, assessed: 1, overdue: 0, threshold: 20 },
  },
  {
    name: "threshold 0: one assessed action is enough",
    items: [item("in_progress", "off_track"), item("in_progress", "not_assessed", 9)],
    threshold: 0,
    expected: { result: "off_track", counted: 10, assessed: 1, overdue: 0, threshold: 0 },
  },
  {
    name: "a higher threshold (75): 3 of 4 (75 %) is not enough",
    items: [item("in_progress", "on_track", 3), item("in_progress", "not_assessed")],
    threshold: 75,
    expected: { result: "insufficient", counted: 4, assessed: 3, overdue: 0, threshold: 75 },
  },
];

describe("the roll-up rule", () => {
  for (const { name, items, threshold, expected } of FIXTURE) {
    it(name, () => {
      expect(rollUp(items, threshold)).toEqual(expected);
    });
  }

  it("never says Enligt plan while a counted action is overdue", () => {
    for (const { items, threshold } of FIXTURE) {
      const overdue = items.some((i) => i.status === "overdue");
      if (overdue) expect(rollUp(items, threshold).result).not.toBe("on_track");
    }
  });

  it("counts an item once when no weight is given", () => {
    expect(rollUp([{ status: "in_progress", assessment: "on_track" }])).toMatchObject({
      counted: 1,
      assessed: 1,
    });
  });
});
