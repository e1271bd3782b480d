import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatLongDate } from "../../common/format";
import { filterFromSearchParams } from "../../server/domain/actions";
import { changesSince, recordOverviewVisit } from "../../server/domain/changes";
import { loadDashboard } from "../../server/domain/dashboard";
import { swedishToday } from "../../server/domain/dates";
import {
  Activity,
  DepartmentTable,
  GoalCards,
  GoalsAtAGlance,
  ReportsAtAGlance,
  SinceLastVisit,
  Trend,
} from "../components/Dashboard";
import { NarrowDisclosure } from "../components/Responsive";
import { PeriodStateBadge } from "../components/StatusBadge";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useLocale, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import type { KeepRendered } from "../utils/rendered-pages.server";
import { guard } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "dashboard:read");
  const url = new URL(request.url);
  const filter = filterFromSearchParams(url.searchParams);
  return guard(async () => {
    // Serving the page is the visit; what changed is what came after the previous one.
    const since = await recordOverviewVisit(context.db, user);
    const today = swedishToday();
    // The person's own overview (their activity, their visit) of the day, kept while nothing in
    // the organisation changes.
    const key = `overview-page ${user.userId} ${today} ${since} ${url.search}`;
    const { dashboard, changes } = await context.readCache.read(
      context.db,
      user,
      "dashboard:read",
      key,
      async () => {
        const [dashboard, changes] = await Promise.all([
          loadDashboard(context.db, user, filter, today),
          since ? changesSince(context.db, user, since) : [],
        ]);
        return { dashboard, changes };
      },
    );
    return {
      name: user.name,
      roles: user.roles,
      userId: user.userId,
      dashboard,
      since,
      changes,
    };
  });
}

/** Read far more often than its organisation changes: rendered once per change and minute. */
export const handle: KeepRendered = { keepRendered: true };

export const meta: MetaFunction = (args) => pageTitle(args, "home.title");

export default function Overview() {
  const t = useT();
  const locale = useLocale();
  const { name, roles, userId, dashboard, since, changes } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const lastChange = useLiveUpdates(undefined, userId);
  const { strategy, period } = dashboard;
  return (
    <div className="page">
      <h1>{t("home.title")}</h1>
      <p>
        {t("home.welcome", { name })}.{" "}
        {t("home.roles", { roles: roles.map((role) => t(`role.${role}`)).join(", ") })}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {lastChange ? t("dashboard.updatedBy", { name: lastChange.actorName }) : ""}
      </p>
      {strategy && (
        <>
          <p className="meta">
            {strategy.name}
            {period &&
              ` · ${t("dashboard.periodLine", { period: period.name, deadline: formatLongDate(period.reportDeadline, locale) })}`}
            {dashboard.periodState && (
              <>
                {" "}
                <PeriodStateBadge state={dashboard.periodState} />
              </>
            )}
          </p>
          <section aria-labelledby="glance-heading" className="glance">
            <h2 id="glance-heading" className="visually-hidden">
              {period ? t("glance.heading", { period: period.name }) : t("glance.headingNoPeriod")}
            </h2>
            <section aria-labelledby="glance-goals-heading">
              <h3 id="glance-goals-heading">{t("glance.goals")}</h3>
              <GoalsAtAGlance goals={dashboard.goals} />
            </section>
            <section aria-labelledby="glance-reports-heading">
              <h3 id="glance-reports-heading">
                {t("glance.reports")}
                {period && ` ${period.name}`}
              </h3>
              <ReportsAtAGlance departments={dashboard.departments} />
            </section>
          </section>
        </>
      )}
      <section aria-labelledby="since-heading" className="since">
        <h2 id="since-heading">{t("glance.since")}</h2>
        <SinceLastVisit since={since} changes={changes} />
      </section>
      <NarrowDisclosure
        id="overview-filters"
        label={t("filters.toggle")}
        className="filter-disclosure"
      >
        <Form method="get" className="filter-bar" aria-label={t("dashboard.filters")}>
          <div className="field">
            <label htmlFor="f-strategy">{t("home.strategy")}</label>
            <select
              id="f-strategy"
              name="strategyId"
              defaultValue={params.get("strategyId") ?? strategy?.id ?? ""}
            >
              {dashboard.strategies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-period">{t("dashboard.period")}</label>
            <select
              id="f-period"
              name="periodId"
              defaultValue={params.get("periodId") ?? period?.id ?? ""}
            >
              {dashboard.periods.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-department">{t("dashboard.department")}</label>
            <select
              id="f-department"
              name="departmentId"
              defaultValue={params.get("departmentId") ?? ""}
            >
              <option value="">{t("dashboard.all")}</option>
              {dashboard.departmentOptions.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-goal">{t("dashboard.goal")}</label>
            <select id="f-goal" name="goalId" defaultValue={params.get("goalId") ?? ""}>
              <option value="">{t("dashboard.all")}</option>
              {dashboard.goalOptions.map((g) => (
                <option key={g.id} value={g.id}>
                  {t("home.goalNumber", { number: String(g.position) })}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button-secondary">
            {t("dashboard.apply")}
          </button>
        </Form>
      </NarrowDisclosure>

      {!strategy ? (
        <p>{t("home.noStrategy")}</p>
      ) : (
        <>
          <section aria-labelledby="goals-heading">
            <h2 id="goals-heading">{t("home.goals")}</h2>
            <GoalCards goals={dashboard.goals} />
          </section>
          <section aria-labelledby="departments-heading">
            <h2 id="departments-heading">{t("home.departments")}</h2>
            <DepartmentTable departments={dashboard.departments} period={period} />
          </section>
          <section aria-labelledby="trend-heading">
            <h2 id="trend-heading">{t("dashboard.trend")}</h2>
            <p className="meta">{t("dashboard.trendIntro")}</p>
            <Trend goals={dashboard.goals} periods={dashboard.periods} trend={dashboard.trend} />
          </section>
        </>
      )}
      <section aria-labelledby="activity-heading">
        <h2 id="activity-heading">{t("dashboard.activity")}</h2>
        <Activity items={dashboard.activity} />
      </section>
    </div>
  );
}
