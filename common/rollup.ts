import type { Assessment } from "../db/schema";
import type { Translate } from "./i18n";

/** A roll-up as pages and exports show it (computed by server/domain/rollup.ts). */
export interface RollUpFacts {
  result: Assessment | "insufficient";
  counted: number;
  assessed: number;
  overdue: number;
  threshold: number | null;
}

const ASSESSED: Assessment[] = ["on_track", "at_risk", "off_track"];

/** "Enligt plan", …, or "Underlag saknas". */
export function rollUpResultLabel(result: RollUpFacts["result"], t: Translate): string {
  return result === "insufficient" ? t("rollUp.insufficient") : t(`assessment.${result}`);
}

/**
 * What the roll-up rests on: "3 av 5 bedömda (2 enligt plan, 1 avvikelse), 1 försenad", given
 * how many counted actions had each assessment.
 */
export function rollUpCoverage(
  rollUp: RollUpFacts,
  counts: Record<Assessment, number>,
  t: Translate,
): string {
  if (rollUp.counted === 0) return t("rollUp.noActions");
  const vars = { assessed: rollUp.assessed, counted: rollUp.counted };
  const parts = ASSESSED.filter((a) => counts[a] > 0).map(
    (a) => `${counts[a]} ${t(`assessment.${a}`).toLowerCase()}`,
  );
  const coverage = parts.length
    ? t("rollUp.coverageParts", { ...vars, parts: parts.join(", ") })
    : t("rollUp.coverage", vars);
  return rollUp.overdue > 0
    ? `${coverage}, ${t("rollUp.overdue", { count: rollUp.overdue })}.`
    : `${coverage}.`;
}

/** The rule in words, with the threshold the roll-up used. */
export function rollUpRule(threshold: number | null, t: Translate): string {
  return threshold === null
    ? t("rollUp.earlierRule")
    : t("rollUp.rule", { threshold, cancelled: t("status.cancelled") });
}
