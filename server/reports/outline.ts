import { formatDate, formatDateTime } from "../../common/format";
import { type Translate, translator } from "../../common/i18n";
import { rollUpCoverage, rollUpResultLabel, rollUpRule } from "../../common/rollup";
import type { Assessment } from "../../db/schema";
import type { Reopening } from "../domain/followups";
import type { PeriodReport } from "../domain/reports";

/** Reports go to kommunstyrelsen: the exported documents are Swedish whatever the viewer's language. */
export const sv = translator("sv");

export const EXPORT_FORMATS = ["docx", "pdf", "csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

type Goal = PeriodReport["goals"][number];
type Department = PeriodReport["departments"][number];

/** "Mål 1 – Ett utökat och verkningsfullt förebyggande arbete mot våld." */
export function goalHeading(goal: Pick<Goal, "position" | "title">, t: Translate = sv): string {
  return t("reports.goalHeading", { number: goal.position, title: goal.title });
}

/** What a goal's roll-up rests on: "1 av 3 bedömda (1 enligt plan), 2 försenade." */
export function rollUpBasis(goal: Goal, t: Translate = sv): string {
  const counts: Record<Assessment, number> = {
    on_track: 0,
    at_risk: 0,
    off_track: 0,
    not_assessed: 0,
  };
  for (const action of goal.actions) counts[action.assessment]++;
  return rollUpCoverage(goal.rollUp, counts, t);
}

/** "Samlad bedömning: Underlag saknas." */
export function rollUpLine(goal: Goal, t: Translate = sv): string {
  return t("rollUp.line", { result: rollUpResultLabel(goal.rollUp.result, t) });
}

/** The roll-up rule in words, with the threshold this report used (none without goals). */
export function reportRollUpRule(report: PeriodReport, t: Translate = sv): string | null {
  const [first] = report.goals;
  return first ? rollUpRule(first.rollUp.threshold, t) : null;
}

type Action = Goal["actions"][number];

/** "Pågående", or "Ej registrerat" where a past period recorded nothing. */
export function actionStatus(action: Action, t: Translate = sv): string {
  return action.status ? t(`status.${action.status}`) : t("reports.notRecorded");
}

/** "45 %", or "Ej registrerat". */
export function actionProgress(action: Action, t: Translate = sv): string {
  return action.progress === null ? t("reports.notRecorded") : `${action.progress} %`;
}

/** Whether the report shows status and progress as reported in the period, or as they are now. */
export function valuesNote(report: PeriodReport, t: Translate = sv): string {
  return t(report.asReported ? "reports.asReported" : "reports.asNow");
}

/** "Klarmarkerad 2021-01-10 av Anna Berg" or "Ej klarmarkerad". */
export function departmentStatus(department: Department, t: Translate = sv): string {
  if (!department.completedAt) {
    const { reopened } = department;
    return reopened
      ? `${t("reports.notReported")}. ${reopenedNote(reopened, t)}`
      : t("reports.notReported");
  }
  const date = formatDate(department.completedAt);
  return department.completedByName
    ? t("reports.completedBy", { date, name: department.completedByName })
    : t("reports.completedOn", { date });
}

/** "Återöppnad 2026-12-05: ny åtgärd ”Trygghetsvandringar” tillkom." */
export function reopenedNote(reopened: Reopening, t: Translate = sv): string {
  return t("reports.reopened", { date: formatDate(reopened.at), action: reopened.actionTitle });
}

/** "Fastställd 2026-11-27 av Johan Ek", or for a live report when it was generated. */
export function adoptionStatus(report: PeriodReport, t: Translate = sv): string {
  const { adoption } = report;
  if (!adoption) return t("reports.liveStatus", { datetime: formatDateTime(report.generatedAt) });
  const date = formatDate(adoption.adoptedAt);
  return adoption.adoptedByName
    ? t("reports.adoptedBy", { date, name: adoption.adoptedByName })
    : t("reports.adoptedOn", { date });
}

/**
 * Nests a document's own headings under the report's: its top level (h2, or h1 in documents
 * written before headings started at h2) becomes `topLevel`, the next one below it, capped at h6.
 */
export function nestHeadings(html: string, topLevel: number): string {
  return html.replace(/<(\/?)h([1-6])(?=[\s>])/gi, (_match, slash: string, level: string) => {
    const nested = Math.max(Number(level), 2) - 2 + topLevel;
    return `<${slash}h${Math.min(6, nested)}`;
  });
}

/**
 * Appendix headings sit at level 3 (report h1 → section h2 → "Bilaga 1" h3), so a document's
 * own top headings become h4, on the page and in Word alike.
 */
export const APPENDIX_HEADING_LEVEL = 4;

/** Everything the Word and PDF documents write, as text in reading order. */
export interface ReportOutline {
  title: string;
  subject: string;
  author: string;
  facts: string[];
  emptyNote: string | null;
  actionHeader: string[];
  goals: { heading: string; rollUp: string; basis: string; rows: string[][] }[];
  departmentsHeading: string;
  departmentHeader: string[];
  departmentRows: string[][];
  appendicesHeading: string;
  noAppendices: string;
  appendices: { heading: string; note: string; html: string; text: string }[];
}

export function reportOutline(report: PeriodReport, t: Translate = sv): ReportOutline {
  const { period } = report;
  const actionCount = report.goals.reduce((n, g) => n + g.actions.length, 0);
  return {
    title: t("reports.reportTitle", { period: period.name }),
    subject: t("reports.subject", { organisation: report.organisation.name }),
    author: report.organisation.name,
    facts: [
      report.organisation.name,
      report.strategy
        ? t("reports.strategyLine", { name: report.strategy.name })
        : t("reports.noStrategy"),
      t("reports.periodLine", {
        start: formatDate(period.startDate),
        end: formatDate(period.endDate),
        deadline: formatDate(period.reportDeadline),
      }),
      adoptionStatus(report, t),
      ...(report.adoption?.reason
        ? [t("reports.adoptionReason", { reason: report.adoption.reason })]
        : []),
      valuesNote(report, t),
      ...(reportRollUpRule(report, t) ?? []),
    ],
    emptyNote: actionCount === 0 ? t("reports.empty") : null,
    actionHeader: [
      t("reports.colAction"),
      t("reports.colDepartment"),
      t("reports.colStatus"),
      t("reports.colProgress"),
      t("reports.colAssessment"),
      t("reports.colComment"),
    ],
    goals: report.goals.map((goal) => ({
      heading: goalHeading(goal, t),
      rollUp: rollUpLine(goal, t),
      basis: rollUpBasis(goal, t),
      rows: goal.actions.map((a) => [
        a.title,
        a.departmentName,
        actionStatus(a, t),
        actionProgress(a, t),
        t(`assessment.${a.assessment}`),
        a.comment ?? "",
      ]),
    })),
    departmentsHeading: t("reports.departments"),
    departmentHeader: [
      t("reports.colDepartment"),
      t("reports.colReported"),
      t("reports.colMissing"),
    ],
    departmentRows: report.departments.map((d) => [
      d.name,
      departmentStatus(d, t),
      String(d.missing),
    ]),
    appendicesHeading: t("reports.appendices"),
    noAppendices: t("reports.noAppendices"),
    appendices: report.appendices.map((a, index) => ({
      heading: t("reports.appendixHeading", { number: index + 1, title: a.title }),
      note: t("reports.appendixNote", { date: formatDate(a.adoptedAt) }),
      html: nestHeadings(a.html, APPENDIX_HEADING_LEVEL),
      text: a.text,
    })),
  };
}

/** `Lägesrapport-T3-2017.docx`; an adopted version adds its date: `…-fastställd-2026-11-27.docx`. */
export function exportFileName(report: PeriodReport, format: ExportFormat): string {
  const parts = [sv("reports.filePrefix"), report.period.name];
  if (report.adoption) parts.push(sv("reports.fileAdopted"), formatDate(report.adoption.adoptedAt));
  return safeFileName(parts, format);
}

/** The parts joined by hyphens, without spaces or characters file systems refuse. */
export function safeFileName(parts: string[], extension: string): string {
  return `${parts.join("-").replace(/[\s/\\:*?"<>|]+/g, "-")}.${extension}`;
}

/** RFC 6266/5987: the Swedish name for browsers that read `filename*`, plain ASCII for the rest. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\w.-]+/g, "-");
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
