import { ASSESSMENT_SEVERITY, type Assessment } from "../../db/schema";
import type { DisplayStatus } from "./actions";

/** A roll-up is an assessment, or "Underlag saknas" when too few actions are assessed to say. */
export type RollUpResult = Assessment | "insufficient";

/** Default coverage threshold: more than half of the counted actions must be assessed. */
export const DEFAULT_ROLLUP_THRESHOLD = 50;
/** The threshold is a whole percentage; at 100 no roll-up could ever be given. */
export const ROLLUP_THRESHOLD_MIN = 0;
export const ROLLUP_THRESHOLD_MAX = 99;

/**
 * One action (or `n` alike) as the period shows it: its status (Försenad derived; null where a
 * past period recorded none) and its assessment.
 */
export interface RollUpItem {
  status: DisplayStatus | null;
  assessment: Assessment;
  n?: number;
}

/** The combined assessment with what it rests on ("3 av 5 bedömda", how many overdue). */
export interface RollUp {
  result: RollUpResult;
  /** Actions reported on in the period, cancelled ones left out. */
  counted: number;
  assessed: number;
  overdue: number;
  /**
   * Percentage of counted actions the assessed ones must exceed; null in reports adopted before
   * there was a threshold, whose result is the worst assessment among the assessed actions.
   */
  threshold: number | null;
}

/**
 * The roll-up rule, stated once (a goal's or a department's actions in one period; the words
 * are the catalogue's `rollup.rule`):
 * - cancelled actions are not counted; paused ones are (they are still part of the plan);
 * - none assessed → "Ej bedömd";
 * - assessed share at or below the threshold → "Underlag saknas";
 * - otherwise the worst assessment, where an overdue action counts as at least "Risk för
 *   avvikelse", so "Enligt plan" is impossible while any counted action is overdue.
 */
export function rollUp(
  items: Iterable<RollUpItem>,
  threshold = DEFAULT_ROLLUP_THRESHOLD,
): RollUp & { threshold: number } {
  let counted = 0;
  let assessed = 0;
  let overdue = 0;
  const seen = new Set<Assessment>();
  for (const { status, assessment, n = 1 } of items) {
    if (status === "cancelled" || n === 0) continue;
    counted += n;
    if (status === "overdue") {
      overdue += n;
      seen.add("at_risk");
    }
    if (assessment !== "not_assessed") {
      assessed += n;
      seen.add(assessment);
    }
  }
  const facts = { counted, assessed, overdue, threshold };
  if (assessed === 0) return { result: "not_assessed", ...facts };
  if (assessed * 100 <= counted * threshold) return { result: "insufficient", ...facts };
  return { result: ASSESSMENT_SEVERITY.find((a) => seen.has(a)) ?? "not_assessed", ...facts };
}
