import { Form, Link, useSearchParams } from "@remix-run/react";
import { formatDate } from "../../common/format";
import { ACTION_STATUSES } from "../../db/schema";
import type { PeriodView } from "../../server/domain/periods";
import type { TodoDepartment, TodoItem } from "../../server/domain/todo";
import { echoed } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { useActionFieldLabels } from "./ActionFields";
import { ConflictNotice, useVersionedForm } from "./Conflict";
import { FollowUpFields } from "./FollowUpFields";
import { ErrorSummary, Notice, SelectField, TextField } from "./FormFields";
import { AssessmentBadge, StatusBadge } from "./StatusBadge";

interface DepartmentReportProps {
  report: TodoDepartment;
  period: PeriodView;
  /** The last refused submit on the page; each form shows it if it was its own. */
  failure?: FormFailure;
}

/** One action's status, progress and assessment for the period, saved together. */
function ReportForm({
  item,
  period,
  failure,
}: {
  item: TodoItem;
  period: PeriodView;
  failure?: FormFailure;
}) {
  const t = useT();
  const versioned = useVersionedForm(
    item.version,
    { status: item.status, progress: String(item.progress) },
    failure,
  );
  const values = versioned.values;
  const prefix = `a-${item.id}-`;
  const errors = failure?.conflict ? undefined : failure?.fieldErrors;
  const fieldLabels = useActionFieldLabels();
  const labels = {
    status: fieldLabels.status,
    progress: fieldLabels.progress,
    assessment: t("followUp.assessment"),
    comment: t("followUp.comment"),
  };
  return (
    <Form
      key={versioned.key}
      method="post"
      noValidate
      className="stack report-form"
      {...versioned.formProps}
    >
      <input type="hidden" name="periodId" value={period.id} />
      {versioned.hiddenInputs}
      {failure?.conflict && <ConflictNotice conflict={failure.conflict} id={`${prefix}conflict`} />}
      <ErrorSummary errors={errors} labels={labels} idPrefix={prefix} />
      {versioned.stale && <p className="live-note">{t("todo.changedMeanwhile")}</p>}
      <div className="field-row">
        <SelectField
          id={`${prefix}status`}
          name="status"
          label={labels.status}
          options={ACTION_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          defaultValue={echoed(values, "status", item.status)}
          error={errors?.status}
        />
        <TextField
          id={`${prefix}progress`}
          name="progress"
          label={labels.progress}
          inputMode="numeric"
          defaultValue={echoed(values, "progress", String(item.progress))}
          error={errors?.progress}
        />
      </div>
      <FollowUpFields
        idPrefix={prefix}
        legend={t("todo.assessmentFor", { period: period.name })}
        defaults={item}
        errors={errors}
        values={values}
      />
      <button type="submit" name="intent" value={`report:${item.id}`} className="button">
        {t("todo.save")}
        <span className="visually-hidden"> – {item.title}</span>
      </button>
    </Form>
  );
}

/** Klarmarkera (or reopen) the department's report, with why it cannot be done yet. */
function CompleteReport({ report, period, failure }: DepartmentReportProps) {
  const t = useT();
  const { department, status } = report;
  const reasonId = `reason-${department.id}`;
  return (
    <div className="panel report-status" id={`report-${department.id}`}>
      <ErrorSummary
        errors={failure?.fieldErrors}
        labels={{}}
        idPrefix={`report-${department.id}-`}
      />
      {status.completedAt ? (
        <>
          <p>
            <strong>
              <span aria-hidden="true">✓ </span>
              {t("todo.completed", {
                date: formatDate(status.completedAt),
                name: status.completedByName ?? t("conflict.someone"),
              })}
            </strong>
          </p>
          {report.canComplete && (
            <Form method="post">
              <input type="hidden" name="periodId" value={period.id} />
              <button
                type="submit"
                name="intent"
                value={`reopen:${department.id}`}
                className="button button-secondary"
              >
                {t("todo.reopen")}
              </button>
            </Form>
          )}
        </>
      ) : (
        <>
          <p id={reasonId}>
            {status.missing > 0
              ? t("todo.missing", { count: status.missing })
              : t("todo.readyToComplete")}
          </p>
          {report.canComplete ? (
            <Form method="post">
              <input type="hidden" name="periodId" value={period.id} />
              <button
                type="submit"
                name="intent"
                value={`complete:${department.id}`}
                className="button"
                disabled={status.missing > 0}
                aria-describedby={reasonId}
              >
                {t("todo.complete", { period: period.name })}
              </button>
            </Form>
          ) : (
            <p className="meta">{t("todo.completeByEditor")}</p>
          )}
        </>
      )}
    </div>
  );
}

/** A department's part of "Att göra": each action's report form, then klarmarkera. */
export function DepartmentReport({ report, period, failure }: DepartmentReportProps) {
  const t = useT();
  const [params] = useSearchParams();
  const { department, items } = report;
  const headingId = `dept-${department.id}`;
  const failed = (intent: string) => (failure?.intent === intent ? failure : undefined);
  return (
    <section aria-labelledby={headingId} className="todo-department">
      <h2 id={headingId}>{department.name}</h2>
      {params.get("klarmarkerad") === department.id && <Notice>{t("todo.completedNotice")}</Notice>}
      {params.get("oppnad") === department.id && <Notice>{t("todo.reopenedNotice")}</Notice>}
      {items.length === 0 ? (
        <p>{t("todo.nothingToReport", { period: period.name })}</p>
      ) : (
        <ul className="plain-list">
          {items.map((item) => (
            <li key={item.id} id={`action-${item.id}`} className="panel">
              <h3>
                <Link to={`/atgarder/${item.id}`}>{item.title}</Link>
              </h3>
              {params.get("sparad") === item.id && <Notice>{t("todo.saved")}</Notice>}
              <p className="badge-row">
                <StatusBadge status={item.shownStatus} />{" "}
                <span>
                  {t("actionList.progress")}:{" "}
                  {t("actionList.progressValue", { value: item.progress })}
                </span>{" "}
                {item.assessment ? (
                  <AssessmentBadge assessment={item.assessment} />
                ) : (
                  <span className="meta">{t("todo.noAssessment")}</span>
                )}
              </p>
              {report.canUpdate && (
                <ReportForm item={item} period={period} failure={failed(`report:${item.id}`)} />
              )}
            </li>
          ))}
        </ul>
      )}
      <CompleteReport
        report={report}
        period={period}
        failure={failed(`complete:${department.id}`)}
      />
    </section>
  );
}
