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
];

/** One row per action, as Swedish Excel opens it (BOM, `;`, CRLF), like the actions export. */
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
      ]),
    ),
  );
}
