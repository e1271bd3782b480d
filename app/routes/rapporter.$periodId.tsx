import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useRouteLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { formatDate, formatDateTime } from "../../common/format";
import { translator } from "../../common/i18n";
import { ValidationError } from "../../server/domain/errors";
import { listPeriods } from "../../server/domain/periods";
import { can, NotFoundError } from "../../server/domain/policy";
import {
  adoptPeriodReport,
  buildPeriodReport,
  getAdoptedReport,
  listAdoptions,
} from "../../server/domain/reports";
import {
  APPENDIX_HEADING_LEVEL,
  adoptionStatus,
  departmentStatus,
  EXPORT_FORMATS,
  nestHeadings,
  rollUpBasis,
} from "../../server/reports/outline";
import { Badge } from "../components/Badge";
import { ErrorSummary, Notice } from "../components/FormFields";
import { AssessmentBadge, StatusBadge } from "../components/StatusBadge";
import type { RootData } from "../root";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { guard, readForm, runForm } from "../utils/route.server";

/** `?fastställd=<id>` shows that adopted version instead of the live report. */
const ADOPTION_PARAM = "fastställd";

const adoptedUrl = (periodId: string, adoptionId: string, extra: Record<string, string> = {}) =>
  `/rapporter/${periodId}?${new URLSearchParams({ [ADOPTION_PARAM]: adoptionId, ...extra })}`;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read-adopted");
  const t = translator(user.locale);
  const periodId = params.periodId ?? "";
  const requested = new URL(request.url).searchParams.get(ADOPTION_PARAM);
  const canReadLive = can(user, "reports:read-live");
  return guard(async () => {
    const [adoptions, periods] = await Promise.all([
      listAdoptions(context.db, user, periodId),
      listPeriods(context.db, user),
    ]);
    const period = periods.find((p) => p.id === periodId);
    if (!period) throw new NotFoundError();
    // Observers read adopted versions only: the latest unless they asked for another.
    const adoptionId = requested ?? (canReadLive ? null : (adoptions[0]?.id ?? null));
    const report = adoptionId
      ? await getAdoptedReport(context.db, user, periodId, adoptionId)
      : canReadLive
        ? await buildPeriodReport(context.db, user, periodId)
        : null;
    const shownIndex = adoptions.findIndex((a) => a.id === report?.adoption?.id);
    return {
      period,
      adoptions,
      canReadLive,
      canAdopt: can(user, "reports:adopt"),
      supersededBy: shownIndex > 0 ? adoptions[shownIndex - 1] : null,
      latestAdoption: adoptions[0] ?? null,
      report: report && {
        adoptionId: report.adoption?.id ?? null,
        status: adoptionStatus(report, t),
        organisation: report.organisation.name,
        strategy: report.strategy?.name ?? null,
        actionCount: report.goals.reduce((n, g) => n + g.actions.length, 0),
        goals: report.goals.map((goal) => ({ ...goal, basis: rollUpBasis(goal, t) })),
        departments: report.departments.map((d) => ({ ...d, status: departmentStatus(d, t) })),
        appendices: report.appendices.map(({ text: _text, ...a }) => ({
          ...a,
          html: nestHeadings(a.html, APPENDIX_HEADING_LEVEL),
        })),
      },
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "reports:adopt");
  const form = await readForm(request);
  const periodId = params.periodId ?? "";
  return runForm(form, async () => {
    if (form.get("confirm") !== "on")
      throw new ValidationError({ confirm: "validation.confirmReview" });
    const adoptionId = await adoptPeriodReport(context.db, user, periodId);
    return redirect(adoptedUrl(periodId, adoptionId, { sparat: "1" }), { status: 303 });
  });
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle({ matches }, "reports.reportTitle", { period: data?.period.name ?? "" });

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type ReportData = NonNullable<Data["report"]>;

function Downloads({ periodId, adoptionId }: { periodId: string; adoptionId: string | null }) {
  const t = useT();
  const href = (format: string) =>
    `/rapporter/${periodId}?${new URLSearchParams({ format, ...(adoptionId ? { [ADOPTION_PARAM]: adoptionId } : {}) })}`;
  return (
    <nav aria-labelledby="downloads-label" className="report-downloads">
      <span id="downloads-label">{t("reports.downloads")}</span>
      <ul>
        {EXPORT_FORMATS.map((format) => (
          <li key={format}>
            <a href={href(format)} download>
              {t(`reports.format.${format}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function GoalSection({ goal }: { goal: ReportData["goals"][number] }) {
  const t = useT();
  const heading = t("reports.goalHeading", { number: goal.position, title: goal.title });
  return (
    <section aria-labelledby={`goal-${goal.id}`} className="report-section">
      <h2 id={`goal-${goal.id}`}>{heading}</h2>
      <p className="report-rollup">
        {t("reports.rollUpLabel")} <AssessmentBadge assessment={goal.rollUp} />{" "}
        <span className="meta">{goal.basis}</span>
      </p>
      {goal.actions.length > 0 && (
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
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td>{a.progress} %</td>
                <td>
                  <AssessmentBadge assessment={a.assessment} />
                </td>
                <td className="report-comment">{a.comment ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ReportBody({ report }: { report: ReportData }) {
  const t = useT();
  return (
    <>
      {report.actionCount === 0 && <p className="panel">{t("reports.empty")}</p>}
      {report.goals.map((goal) => (
        <GoalSection key={goal.id} goal={goal} />
      ))}
      <section aria-labelledby="departments-heading" className="report-section">
        <h2 id="departments-heading">{t("reports.departments")}</h2>
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
                <th scope="row">{d.name}</th>
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

function AdoptForm() {
  const t = useT();
  const failure = useActionData<typeof action>();
  const error = failure?.fieldErrors.confirm;
  return (
    <section aria-labelledby="adopt-heading" id="faststall" className="panel no-print">
      <h2 id="adopt-heading">{t("reports.adoptHeading")}</h2>
      <p>{t("reports.adoptIntro")}</p>
      <Form method="post" className="stack" noValidate>
        <ErrorSummary
          errors={failure?.fieldErrors}
          labels={{ confirm: t("reports.adoptConfirm") }}
        />
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

export default function PeriodReportPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const { period, report, adoptions, supersededBy, latestAdoption } = data;
  const userId = useRouteLoaderData<RootData>("root")?.user?.id;
  const [params] = useSearchParams();
  const live = report !== null && report.adoptionId === null;
  const lastChange = useLiveUpdates(
    (event) => live && (event.type === "action.changed" || event.periodId === period.id),
    userId,
  );
  const title = t("reports.reportTitle", { period: period.name });
  return (
    <div className="page report">
      <p className="no-print">
        <Link to="/rapporter">{t("reports.back")}</Link>
      </p>
      <h1>{title}</h1>
      {params.has("sparat") && report?.adoptionId && <Notice>{t("reports.adoptedNotice")}</Notice>}
      <p role="status" className="meta">
        {lastChange ? t("reports.updatedBy", { name: lastChange.actorName }) : ""}
      </p>
      {report ? (
        <>
          <ul className="report-facts">
            <li>{report.organisation}</li>
            <li>
              {report.strategy
                ? t("reports.strategyLine", { name: report.strategy })
                : t("reports.noStrategy")}
            </li>
            <li>
              {t("reports.periodLine", {
                start: formatDate(period.startDate),
                end: formatDate(period.endDate),
                deadline: formatDate(period.reportDeadline),
              })}
            </li>
            <li>
              {live ? (
                <Badge tone="info" symbol="◐">
                  {report.status}
                </Badge>
              ) : (
                <Badge tone="ok" symbol="✓">
                  {report.status}
                </Badge>
              )}
            </li>
          </ul>
          {supersededBy && latestAdoption && (
            <p className="report-superseded">
              {t("reports.superseded", { date: formatDateTime(supersededBy.adoptedAt) })}{" "}
              <Link to={adoptedUrl(period.id, latestAdoption.id)}>{t("reports.showLatest")}</Link>
            </p>
          )}
          {!live && data.canReadLive && (
            <p className="no-print">
              <Link to={`/rapporter/${period.id}`}>{t("reports.showLive")}</Link>
            </p>
          )}
          {live && data.canAdopt && (
            <p className="no-print">
              <a href="#faststall">{t("reports.adoptHint")}</a>
            </p>
          )}
          <Downloads periodId={period.id} adoptionId={report.adoptionId} />
          <ReportBody report={report} />
        </>
      ) : (
        <p className="panel">{t("reports.observerNone", { period: period.name })}</p>
      )}
      <section aria-labelledby="adoptions-heading" className="report-section no-print">
        <h2 id="adoptions-heading">{t("reports.adoptions")}</h2>
        {adoptions.length === 0 ? (
          <p>{t("reports.noAdoptions")}</p>
        ) : (
          <ol className="plain-list">
            {adoptions.map((adoption) => {
              const label = adoption.adoptedByName
                ? t("reports.adoptedBy", {
                    date: formatDateTime(adoption.adoptedAt),
                    name: adoption.adoptedByName,
                  })
                : t("reports.adoptedOn", { date: formatDateTime(adoption.adoptedAt) });
              const shown = adoption.id === report?.adoptionId;
              return (
                <li key={adoption.id}>
                  <Link
                    to={adoptedUrl(period.id, adoption.id)}
                    aria-current={shown ? "page" : undefined}
                  >
                    {label}
                  </Link>
                  {shown && <span className="meta"> {t("reports.shownNow")}</span>}
                </li>
              );
            })}
          </ol>
        )}
      </section>
      {live && data.canAdopt && <AdoptForm />}
    </div>
  );
}
