import { Form, Link } from "@remix-run/react";
import { formatDate } from "../../common/format";
import type { AdoptionGaps } from "../../server/domain/reports";
import type { ReportView } from "../routes/rapporter.$periodId.server";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { Badge } from "./Badge";
import { ErrorSummary, TextField, useMessage } from "./FormFields";
import { ScrollingTable } from "./Responsive";
import { AssessmentBadge, RollUpBadge, StatusBadge } from "./StatusBadge";

/** `?fastställd=<id>` shows that adopted version instead of the live report. */
export const ADOPTION_PARAM = "fastställd";

export const adoptedUrl = (
  periodId: string,
  adoptionId: string,
  extra: Record<string, string> = {},
) => `/rapporter/${periodId}?${new URLSearchParams({ [ADOPTION_PARAM]: adoptionId, ...extra })}`;

function GoalSection({ goal }: { goal: ReportView["goals"][number] }) {
  const t = useT();
  const heading = t("reports.goalHeading", { number: goal.position, title: goal.title });
  return (
    <section aria-labelledby={`goal-${goal.id}`} className="report-section">
      <h2 id={`goal-${goal.id}`}>{heading}</h2>
      <p className="report-rollup">
        {t("rollUp.label")}: <RollUpBadge result={goal.rollUp.result} />{" "}
        <span className="meta">{goal.basis}</span>
      </p>
      {goal.actions.length > 0 && (
        <ScrollingTable label={t("reports.actionsCaption", { goal: heading })}>
          <table className="table report-table">
            <caption className="visually-hidden">
              {t("reports.actionsCaption", { goal: heading })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("reports.colAction")}</th>
                <th scope="col">{t("reports.colDepartment")}</th>
                <th scope="col">{t("reports.colStatus")}</th>
                <th scope="col">{t("reports.colProgress")}</th>
                <th scope="col">{t("reports.colAssessment")}</th>
                <th scope="col">{t("reports.colComment")}</th>
              </tr>
            </thead>
            <tbody>
              {goal.actions.map((a) => (
                <tr key={a.id}>
                  <th scope="row">{a.title}</th>
                  <td>{a.departmentName}</td>
                  <td>{a.status ? <StatusBadge status={a.status} /> : t("reports.notRecorded")}</td>
                  <td>{a.progress === null ? t("reports.notRecorded") : `${a.progress} %`}</td>
                  <td>
                    <AssessmentBadge assessment={a.assessment} />
                  </td>
                  <td className="report-comment">{a.comment ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollingTable>
      )}
    </section>
  );
}

/** The report itself: each goal's actions, the departments' reporting, the appendices. */
export function PeriodReportBody({ report }: { report: ReportView }) {
  const t = useT();
  return (
    <>
      {report.actionCount === 0 && <p className="panel">{t("reports.empty")}</p>}
      <p className="meta">{report.valuesNote}</p>
      {report.rollUpRule && <p className="meta">{report.rollUpRule}</p>}
      {report.goals.map((goal) => (
        <GoalSection key={goal.id} goal={goal} />
      ))}
      <section aria-labelledby="departments-heading" className="report-section">
        <h2 id="departments-heading">{t("reports.departments")}</h2>
        <ScrollingTable label={t("reports.departments")}>
          <table className="table report-table">
            <thead>
              <tr>
                <th scope="col">{t("reports.colDepartment")}</th>
                <th scope="col">{t("reports.colReported")}</th>
                <th scope="col">{t("reports.colMissing")}</th>
              </tr>
            </thead>
            <tbody>
              {report.departments.map((d) => (
                <tr key={d.id}>
                  <th scope="row" id={`department-${d.id}`}>
                    {d.name}
                  </th>
                  <td>
                    {d.completedAt ? (
                      <Badge tone="ok" symbol="✓">
                        {d.status}
                      </Badge>
                    ) : (
                      <Badge tone="warn" symbol="!">
                        {d.status}
                      </Badge>
                    )}
                  </td>
                  <td>{d.missing}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollingTable>
      </section>
      <section aria-labelledby="appendices-heading" className="report-section">
        <h2 id="appendices-heading">{t("reports.appendices")}</h2>
        {report.appendices.length === 0 && <p>{t("reports.noAppendices")}</p>}
        {report.appendices.map((appendix, index) => (
          <section
            key={appendix.documentId}
            aria-labelledby={`appendix-${appendix.documentId}`}
            className="report-appendix"
          >
            <h3 id={`appendix-${appendix.documentId}`}>
              {t("reports.appendixHeading", { number: index + 1, title: appendix.title })}
            </h3>
            <p className="meta">
              {t("reports.appendixNote", { date: formatDate(appendix.adoptedAt) })}
            </p>
            {/* Lexical's HTML export, rendered on our server from the adopted version. */}
            <div
              className="appendix-content"
              // biome-ignore lint/security/noDangerouslySetInnerHtml: server-rendered by Lexical from stored content
              dangerouslySetInnerHTML={{ __html: appendix.html }}
            />
          </section>
        ))}
      </section>
    </>
  );
}

/** Before adopting: the departments and actions the report still lacks, each linked. */
function Gaps({ gaps }: { gaps: AdoptionGaps }) {
  const t = useT();
  if (gaps.complete) return <p>{t("reports.noGaps")}</p>;
  return (
    <>
      <h3>{t("reports.gapsHeading")}</h3>
      <p>{t("reports.gapsIntro")}</p>
      <ul>
        {gaps.departments.map((d) => (
          <li key={d.id}>
            <a href={`#department-${d.id}`}>{t("reports.gapDepartment", { department: d.name })}</a>
          </li>
        ))}
        {gaps.actions.map((a) => (
          <li key={a.id}>
            <Link to={`/atgarder/${a.id}`}>
              {t("reports.gapAction", { action: a.title, department: a.departmentName })}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * Fastställa: the chief confirms having reviewed the live report, and gives a reason where
 * something is missing.
 */
export function AdoptReportForm({ failure, gaps }: { failure?: FormFailure; gaps: AdoptionGaps }) {
  const t = useT();
  const message = useMessage();
  const error = failure?.fieldErrors.confirm;
  const reasonError = failure?.fieldErrors.reason;
  const reason = failure?.values.reason;
  return (
    <section aria-labelledby="adopt-heading" id="faststall" className="panel no-print">
      <h2 id="adopt-heading">{t("reports.adoptHeading")}</h2>
      <Gaps gaps={gaps} />
      <p>{t("reports.adoptIntro")}</p>
      <Form method="post" className="stack" noValidate>
        <ErrorSummary
          errors={failure?.fieldErrors}
          labels={{ confirm: t("reports.adoptConfirm"), reason: t("reports.adoptReason") }}
        />
        {!gaps.complete && (
          <TextField
            id="reason"
            name="reason"
            label={t("reports.adoptReason")}
            hint={t("reports.adoptReasonHint")}
            error={reasonError && message(reasonError)}
            defaultValue={typeof reason === "string" ? reason : undefined}
            multiline
            required
          />
        )}
        <div className={`field${error ? " field-invalid" : ""}`}>
          {error && (
            <p className="field-error" id="confirm-error">
              <span aria-hidden="true">⚠ </span>
              {t("validation.confirmReview")}
            </p>
          )}
          <div className="checkbox">
            <input
              type="checkbox"
              id="confirm"
              name="confirm"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "confirm-error" : undefined}
            />
            <label htmlFor="confirm">{t("reports.adoptConfirm")}</label>
          </div>
        </div>
        <button type="submit" className="button">
          {t("reports.adoptSubmit")}
        </button>
      </Form>
    </section>
  );
}
