import { rollUpResultLabel } from "../../common/rollup";
import { toExcelCsv } from "../domain/csv";
import type { PeriodReport } from "../domain/reports";
import { actionStatus, goalHeading, sv } from "./outline";

export const REPORT_CSV_HEADER = [
  sv("reports.colGoal"),
  sv("reports.colAction"),
  sv("reports.colDepartment"),
  sv("reports.colStatus"),
  sv("reports.colProgressPercent"),
  sv("reports.colAssessment"),
  sv("reports.colComment"),
  sv("reports.colGoalRollUp"),
  sv("reports.colGoalCoverage"),
];

/**
 * One row per action, as Swedish Excel opens it (BOM, `;`, CRLF), like the actions export; each
 * row repeats its goal's roll-up, so a filtered sheet still shows it.
 */
export function reportToCsv(report: PeriodReport): string {
  return toExcelCsv(
    REPORT_CSV_HEADER,
    report.goals.flatMap((goal) =>
      goal.actions.map((a) => [
        goalHeading(goal),
        a.title,
        a.departmentName,
        actionStatus(a),
        a.progress ?? sv("reports.notRecorded"),
        sv(`assessment.${a.assessment}`),
        a.comment,
        rollUpResultLabel(goal.rollUp.result, sv),
        sv("rollUp.coverage", { assessed: goal.rollUp.assessed, counted: goal.rollUp.counted }),
      ]),
    ),
  );
}
