import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Form,
  Link,
  type ShouldRevalidateFunction,
  useActionData,
  useLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { formatDate, formatLongDate } from "../../common/format";
import { type Executor, inTransaction } from "../../db";
import { ACTION_STATUSES, type Assessment } from "../../db/schema";
import { publishActionChanged, publishPeriodReportChanged } from "../../server/bus";
import {
  type ActionDetails,
  type DisplayStatus,
  displayStatus,
  getAction,
  listActions,
  updateAction,
} from "../../server/domain/actions";
import { listDepartments } from "../../server/domain/departments";
import {
  actionsToReport,
  completePeriodReport,
  periodReportStatus,
  reopenPeriodReport,
  saveFollowUp,
} from "../../server/domain/followups";
import { currentPeriod, type PeriodView } from "../../server/domain/periods";
import { type Actor, can } from "../../server/domain/policy";
import { useActionFieldLabels } from "../components/ActionFields";
import { ConflictNotice, useVersionedForm } from "../components/Conflict";
import { FollowUpFields } from "../components/FollowUpFields";
import { ErrorSummary, Notice, SelectField, TextField } from "../components/FormFields";
import { AssessmentBadge, StatusBadge } from "../components/StatusBadge";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useLocale, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { type FormFailure, readForm, runForm } from "../utils/route.server";

type ReportItem = Pick<ActionDetails, "id" | "title" | "status" | "progress" | "version"> & {
  shownStatus: DisplayStatus;
  assessment: Assessment | null;
  comment: string;
};

const assessed = (item: { assessment: Assessment | null }) =>
  item.assessment !== null && item.assessment !== "not_assessed";

/** A department's actions to report on in the period, those still lacking an assessment first. */
async function reportItems(
  db: Executor,
  actor: Actor,
  departmentId: string,
  period: PeriodView,
): Promise<ReportItem[]> {
  const [rows, { items }] = await Promise.all([
    actionsToReport(db, actor.organisationId, departmentId, {
      id: period.id,
      start_date: period.startDate,
      end_date: period.endDate,
    })
      .select(["actions.id", "follow_ups.assessment", "follow_ups.comment"])
      .execute(),
    listActions(db, actor, { departmentId, sort: "title" }),
  ]);
  const followUps = new Map(rows.map((row) => [row.id, row]));
  return items
    .flatMap((a) => {
      const followUp = followUps.get(a.id);
      if (!followUp) return [];
      const { id, title, status, progress, version } = a;
      const { assessment, comment } = followUp;
      const shownStatus = displayStatus(a);
      return [
        { id, title, status, shownStatus, progress, version, assessment, comment: comment ?? "" },
      ];
    })
    .sort((a, b) => Number(assessed(a)) - Number(assessed(b)));
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const period = await currentPeriod(context.db, user);
  const departments = (await listDepartments(context.db, user)).filter((d) =>
    user.departmentIds.includes(d.id),
  );
  const reports = period
    ? await Promise.all(
        departments.map(async ({ id, name }) => {
          const resource = { organisationId: user.organisationId, departmentId: id };
          return {
            department: { id, name },
            status: await periodReportStatus(context.db, user, id, period.id),
            items: await reportItems(context.db, user, id, period),
            canUpdate: can(user, "actions:update-progress", resource),
            canComplete: can(user, "period-reports:complete", resource),
          };
        }),
      )
    : [];
  return {
    userId: user.userId,
    hasDepartments: departments.length > 0,
    departmentIds: departments.map((d) => d.id),
    period,
    reports,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const [command, id = ""] = intent.split(":");
  const periodId = String(form.get("periodId") ?? "");
  const { db, bus } = context;
  return runForm(form, async () => {
    if (command === "report") {
      const current = await getAction(db, user, id);
      const status = String(form.get("status") ?? "");
      const progress = String(form.get("progress") ?? "");
      const changed = status !== current.status || progress !== String(current.progress);
      // Both or neither: a refused status change must not leave a half-saved report behind.
      await inTransaction(db, async (trx) => {
        if (changed) {
          await updateAction(trx, user, id, { version: form.get("version"), status, progress });
        }
        await saveFollowUp(trx, user, id, periodId, {
          assessment: form.get("assessment") ?? undefined,
          comment: String(form.get("comment") ?? ""),
        });
      });
      if (changed) publishActionChanged(bus, user, current, "updated");
      publishActionChanged(bus, user, current, "followup");
      return redirect(`/att-gora?sparad=${id}#action-${id}`, { status: 303 });
    }
    if (command === "complete" || command === "reopen") {
      const completed = command === "complete";
      await (completed ? completePeriodReport : reopenPeriodReport)(db, user, id, periodId);
      publishPeriodReportChanged(bus, user, { departmentId: id, periodId, completed });
      return redirect(`/att-gora?${completed ? "klarmarkerad" : "oppnad"}=${id}#report-${id}`, {
        status: 303,
      });
    }
    throw new Response("Bad Request", { status: 400 });
  });
}

// A refused save (409) reloads the page's data too, so the form can show what is stored now.
export const shouldRevalidate: ShouldRevalidateFunction = ({
  actionStatus,
  defaultShouldRevalidate,
}) => actionStatus === 409 || defaultShouldRevalidate;

export const meta: MetaFunction = (args) => pageTitle(args, "todo.title");

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Report = LoaderData["reports"][number];

function ReportForm({
  item,
  period,
  failure,
}: {
  item: ReportItem;
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

function CompleteReport({ report, period }: { report: Report; period: PeriodView }) {
  const t = useT();
  const failure = useActionData<typeof action>();
  const { department, status } = report;
  const failed = failure?.intent === `complete:${department.id}` ? failure : undefined;
  const reasonId = `reason-${department.id}`;
  return (
    <div className="panel report-status" id={`report-${department.id}`}>
      <ErrorSummary
        errors={failed?.fieldErrors}
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

function DepartmentReport({ report, period }: { report: Report; period: PeriodView }) {
  const t = useT();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { department, items } = report;
  const headingId = `dept-${department.id}`;
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
                <ReportForm
                  item={item}
                  period={period}
                  failure={failure?.intent === `report:${item.id}` ? failure : undefined}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <CompleteReport report={report} period={period} />
    </section>
  );
}

export default function Todo() {
  const t = useT();
  const locale = useLocale();
  const { userId, hasDepartments, departmentIds, period, reports } = useLoaderData<typeof loader>();
  const lastChange = useLiveUpdates((event) => departmentIds.includes(event.departmentId), userId);
  return (
    <div className="page">
      <h1>{t("todo.title")}</h1>
      <p className="live-status" role="status">
        {lastChange && t("actionList.liveUpdated", { name: lastChange.actorName })}
      </p>
      {!hasDepartments ? (
        <div className="panel">
          <p>{t("todo.noDepartments")}</p>
          <p>
            <Link to="/atgarder">{t("todo.toActions")}</Link>
          </p>
        </div>
      ) : !period ? (
        <p className="panel">{t("todo.noPeriod")}</p>
      ) : (
        <>
          <p className="lead">
            {t("todo.period", { period: period.name })}{" "}
            <strong>
              {t("todo.deadline", { date: formatLongDate(period.reportDeadline, locale) })}
            </strong>
          </p>
          {reports.map((report) => (
            <DepartmentReport key={report.department.id} report={report} period={period} />
          ))}
        </>
      )}
    </div>
  );
}
