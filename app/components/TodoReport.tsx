import { type FetcherWithComponents, Form, Link, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { formatDate } from "../../common/format";
import { ACTION_STATUSES, ASSESSMENTS } from "../../db/schema";
import type { PeriodView } from "../../server/domain/periods";
import type { TodoDepartment, TodoItem } from "../../server/domain/todo";
import type { ReportsResult } from "../routes/att-gora.server";
import { echoed } from "../utils/forms";
import { useHydrated } from "../utils/hydrated";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { useActionFieldLabels } from "./ActionFields";
import { Badge } from "./Badge";
import { ConflictNotice, useVersionedForm } from "./Conflict";
import { FollowUpFields } from "./FollowUpFields";
import { ErrorSummary, Notice, SelectField, TextField } from "./FormFields";
import { MismatchQuestion, withoutQuestion } from "./MismatchQuestion";
import { AssessmentBadge, StatusBadge } from "./StatusBadge";

/** What the page's last submit answered: saved reports, refused ones, or a refused klarmarkera. */
export type TodoResult = ReportsResult | FormFailure;
/** Saves reports without leaving the page (see the route). */
type Saver = FetcherWithComponents<TodoResult>;

interface DepartmentReportProps {
  report: TodoDepartment;
  period: PeriodView;
  /** The last save's answer (from the saver, or the page's form without a script). */
  result?: TodoResult;
  /** The page form's answer: a refused klarmarkera shows at its button. */
  failure?: TodoResult;
  saver: Saver;
  /** Says something in the page's live region. */
  announce: (message: string) => void;
}

const cardFailure = (result: TodoResult | undefined, actionId: string) =>
  result && "cards" in result ? result.cards[actionId] : undefined;

const isRefused = (failure: FormFailure | undefined) =>
  failure !== undefined && (Object.keys(failure.fieldErrors).length > 0 || !!failure.conflict);

/** The assessment scale in the catalogue's words, explained once for the whole page. */
export function AssessmentScale() {
  const t = useT();
  return (
    <details className="panel assessment-scale">
      <summary>{t("todo.scale.title")}</summary>
      <p>{t("todo.scale.intro")}</p>
      <dl>
        {ASSESSMENTS.map((assessment) => (
          <div key={assessment}>
            <dt>
              <AssessmentBadge assessment={assessment} />
            </dt>
            <dd>{t(`todo.scale.${assessment}`)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** The due date, and when it has passed, "Försenad" with the date it passed. */
function DueDate({ item }: { item: TodoItem }) {
  const t = useT();
  return (
    <span data-testid="due-date">
      {!item.dueDate ? (
        t("todo.noDueDate")
      ) : item.shownStatus === "overdue" ? (
        <Badge tone="bad" symbol="!">
          {t("todo.overdueSince", { date: formatDate(item.dueDate) })}
        </Badge>
      ) : (
        t("todo.dueDate", { date: formatDate(item.dueDate) })
      )}
    </span>
  );
}

/**
 * One action's status, progress (and due date where the role may) and assessment for the
 * period, saved together. Its save button stays the same element across saves, so focus stays
 * on it; the fields are re-created with what is stored once a save went through.
 */
function ReportForm({
  item,
  period,
  canEditDueDate,
  result,
  saver,
}: {
  item: TodoItem;
  period: PeriodView;
  canEditDueDate: boolean;
  result?: TodoResult;
  saver: Saver;
}) {
  const t = useT();
  const hydrated = useHydrated();
  // This card's refusal stays until the card itself is saved, whatever other cards do meanwhile.
  const [failure, setFailure] = useState(() => cardFailure(result, item.id));
  const versioned = useVersionedForm(
    item.version,
    {
      status: item.status,
      progress: String(item.progress),
      ...(canEditDueDate && { dueDate: item.dueDate ?? "" }),
    },
    failure,
  );
  const restart = useRef(versioned.restart);
  restart.current = versioned.restart;
  useEffect(() => {
    const own = cardFailure(result, item.id);
    if (own) setFailure(own);
    else if (result?.ok && result.saved.includes(item.id)) {
      setFailure(undefined);
      restart.current();
    }
  }, [result, item.id]);

  const values = versioned.values;
  const prefix = `a-${item.id}-`;
  const { errors, question } = withoutQuestion(
    failure?.conflict ? undefined : failure?.fieldErrors,
  );
  // Several cards refused at once: the common summary under "Spara alla ändrade" takes focus.
  const ownSubmit = failure?.intent !== "reportAll";
  const fieldLabels = useActionFieldLabels();
  const labels = {
    status: fieldLabels.status,
    progress: fieldLabels.progress,
    dueDate: fieldLabels.dueDate,
    assessment: t("followUp.assessment"),
    comment: t("followUp.comment"),
  };
  return (
    <saver.Form
      method="post"
      noValidate
      className="stack report-form"
      data-action-id={item.id}
      data-changed={versioned.editing || undefined}
      {...versioned.formProps}
    >
      <input type="hidden" name="periodId" value={period.id} />
      {hydrated && <input type="hidden" name="inPlace" value="1" />}
      <div key={versioned.key} className="stack">
        {versioned.hiddenInputs}
        {failure?.conflict && (
          <ConflictNotice conflict={failure.conflict} id={`${prefix}conflict`} />
        )}
        <ErrorSummary errors={errors} labels={labels} idPrefix={prefix} focus={ownSubmit} />
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
          {canEditDueDate && (
            <TextField
              id={`${prefix}dueDate`}
              name="dueDate"
              type="date"
              label={labels.dueDate}
              defaultValue={echoed(values, "dueDate", item.dueDate ?? "")}
              error={errors?.dueDate}
            />
          )}
        </div>
        <FollowUpFields
          idPrefix={prefix}
          legend={t("todo.assessmentFor", { period: period.name })}
          defaults={item}
          errors={errors}
          values={values}
        />
        <MismatchQuestion
          id={`${prefix}confirmMismatch`}
          question={question}
          focus={ownSubmit && !errors}
        />
      </div>
      <button type="submit" name="intent" value={`report:${item.id}`} className="button">
        {t("todo.save")}
        <span className="visually-hidden"> – {item.title}</span>
      </button>
      {result?.ok && result.saved.includes(item.id) && (
        // Seen here; the page's live region says it aloud.
        <p className="notice" aria-hidden="true">
          ✓ {t("todo.saved")}
        </p>
      )}
    </saver.Form>
  );
}

/**
 * "Spara alla ändrade": every card of the department changed since it was last saved, in one
 * all-or-nothing save. Needs the page's script (each card's own button works without it).
 */
function SaveAll({ report, period, result, saver, announce }: DepartmentReportProps) {
  const t = useT();
  const summary = useRef<HTMLDivElement>(null);
  const refusedBatch = result && "cards" in result && result.intent === "reportAll";
  const refused = refusedBatch
    ? report.items.filter((item) => isRefused(cardFailure(result, item.id)))
    : [];
  useEffect(() => {
    if (refused.length > 0) summary.current?.focus();
  }, [refused.length]);

  const saveAll = (event: React.MouseEvent<HTMLButtonElement>) => {
    const section = event.currentTarget.closest("section");
    const changed = [...(section?.querySelectorAll<HTMLFormElement>("form[data-changed]") ?? [])];
    if (changed.length === 0) return announce(t("todo.nothingChanged"));
    const body = new FormData();
    body.set("intent", "reportAll");
    body.set("periodId", period.id);
    body.set("inPlace", "1");
    for (const form of changed) {
      const id = form.dataset.actionId ?? "";
      body.append("changed", id);
      for (const [name, value] of new FormData(form))
        if (name !== "periodId" && name !== "inPlace") body.append(`${id}.${name}`, value);
    }
    saver.submit(body, { method: "post" });
  };

  return (
    <div className="save-all">
      {refused.length > 0 && (
        <div className="error-summary" role="alert" tabIndex={-1} ref={summary}>
          <p>
            <strong>{t("todo.nothingSaved", { count: refused.length })}</strong>
          </p>
          <ul>
            {refused.map((item) => (
              <li key={item.id}>
                <a href={`#action-${item.id}`}>{item.title}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="hint" id={`save-all-${report.department.id}`}>
        {t("todo.saveAllHint")}
      </p>
      <button
        type="button"
        className="button"
        onClick={saveAll}
        aria-describedby={`save-all-${report.department.id}`}
      >
        {t("todo.saveAll")}
      </button>
    </div>
  );
}

/** Klarmarkera (or reopen) the department's report, with what is missing before it can be. */
function CompleteReport({
  report,
  period,
  failure,
}: {
  report: TodoDepartment;
  period: PeriodView;
  failure?: FormFailure;
}) {
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
          {status.reopened && (
            <p className="report-reopened">
              <strong>
                <span aria-hidden="true">↺ </span>
                {t("reports.reopened", {
                  date: formatDate(status.reopened.at),
                  action: status.reopened.actionTitle,
                })}
              </strong>
            </p>
          )}
          <p id={reasonId}>
            {status.missing > 0
              ? t("todo.missing", { count: status.missing })
              : t("todo.readyToComplete")}
          </p>
          {report.missing.length > 0 && (
            <ul aria-labelledby={reasonId}>
              {report.missing.map((item) => (
                <li key={item.id}>
                  <a href={`#action-${item.id}`}>{item.title}</a>
                </li>
              ))}
            </ul>
          )}
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

/**
 * A department's part of "Att göra": each action's card with its report form (in a fixed
 * order: saving never moves a card), "Spara alla ändrade", then klarmarkera.
 */
export function DepartmentReport(props: DepartmentReportProps) {
  const { report, period, result, failure, saver } = props;
  const t = useT();
  const hydrated = useHydrated();
  const [params] = useSearchParams();
  const { department, items } = report;
  const headingId = `dept-${department.id}`;
  const completion = failure && !("cards" in failure) && !failure.ok ? failure : undefined;
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
                <StatusBadge status={item.status} /> <DueDate item={item} />{" "}
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
                <ReportForm
                  item={item}
                  period={period}
                  canEditDueDate={report.canEditDueDate}
                  result={result}
                  saver={saver}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {hydrated && report.canUpdate && items.length > 1 && <SaveAll {...props} />}
      <CompleteReport
        report={report}
        period={period}
        failure={completion?.intent === `complete:${department.id}` ? completion : undefined}
      />
    </section>
  );
}
