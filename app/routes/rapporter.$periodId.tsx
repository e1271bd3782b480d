import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Link,
  useActionData,
  useLoaderData,
  useRouteLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { formatDate, formatDateTime } from "../../common/format";
import { ValidationError } from "../../server/domain/errors";
import { adoptPeriodReport } from "../../server/domain/reports";
import { EXPORT_FORMATS } from "../../server/reports/outline";
import { Badge } from "../components/Badge";
import { Notice } from "../components/FormFields";
import {
  ADOPTION_PARAM,
  AdoptReportForm,
  adoptedUrl,
  PeriodReportBody,
} from "../components/PeriodReport";
import { PeriodStateBadge } from "../components/StatusBadge";
import type { RootData } from "../root";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { guard, readForm, runForm } from "../utils/route.server";
import { periodReportPage } from "./rapporter.$periodId.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read-adopted");
  const requested = new URL(request.url).searchParams.get(ADOPTION_PARAM);
  return guard(() => periodReportPage(context.db, user, params.periodId ?? "", requested));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "reports:adopt");
  const form = await readForm(request);
  const periodId = params.periodId ?? "";
  return runForm(form, async () => {
    if (form.get("confirm") !== "on")
      throw new ValidationError({ confirm: "validation.confirmReview" });
    const adoptionId = await adoptPeriodReport(context.db, user, periodId, {
      reason: form.get("reason") ?? undefined,
    });
    return redirect(adoptedUrl(periodId, adoptionId, { sparat: "1" }), { status: 303 });
  });
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle({ matches }, "reports.reportTitle", { period: data?.period.name ?? "" });

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

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

/** Every adopted version of the report, the one shown marked. */
function Adoptions({ data }: { data: Data }) {
  const t = useT();
  const { period, adoptions, report } = data;
  return (
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
  );
}

export default function PeriodReportPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const { period, report, supersededBy, latestAdoption } = data;
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
              <PeriodStateBadge state={data.periodState} />
            </li>
            {report.adoptionReason && <li>{report.adoptionReason}</li>}
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
          <PeriodReportBody report={report} />
        </>
      ) : (
        <p className="panel">{t("reports.observerNone", { period: period.name })}</p>
      )}
      <Adoptions data={data} />
      {live && data.canAdopt && data.gaps && <AdoptReportForm failure={failure} gaps={data.gaps} />}
    </div>
  );
}
