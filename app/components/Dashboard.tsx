import { Link } from "@remix-run/react";
import { formatDate, formatLongDateTime } from "../../common/format";
import { rollUpCoverage, rollUpRule } from "../../common/rollup";
import type { Assessment } from "../../db/schema";
import type { DisplayStatus } from "../../server/domain/actions";
import type { ChangeItem } from "../../server/domain/changes";
import type { DepartmentSummary, GoalSummary, TrendPoint } from "../../server/domain/dashboard";
import type { PeriodView } from "../../server/domain/periods";
import { useLocale, useT } from "../utils/i18n";
import { useCan } from "../utils/permissions";
import { ChangeList } from "./Changes";
import { ScrollingTable } from "./Responsive";
import {
  ASSESSMENT_LOOK,
  AssessmentBadge,
  ReportStateBadge,
  RollUpBadge,
  STATUS_LOOK,
  StatusBadge,
} from "./StatusBadge";

const STATUS_ORDER: DisplayStatus[] = [
  "done",
  "in_progress",
  "not_started",
  "overdue",
  "paused",
  "cancelled",
];
const ASSESSMENT_ORDER: Assessment[] = ["on_track", "at_risk", "off_track", "not_assessed"];

function percent(share: number) {
  return Math.round(share * 100);
}

/** A count that opens the matching actions, for those who may read actions (not observers). */
function ActionsLink({ to, children }: { to: string; children: React.ReactNode }) {
  return useCan("actions:read") ? <Link to={to}>{children}</Link> : children;
}

/** Status bar: proportional segments, each with its symbol and count, and the same as a list. */
function StatusBar({ goal }: { goal: GoalSummary }) {
  const t = useT();
  const present = STATUS_ORDER.filter((s) => goal.statusCounts[s] > 0);
  return (
    <>
      <div className="status-bar" aria-hidden="true">
        {present.map((status) => (
          <span
            key={status}
            className={`status-segment tone-${STATUS_LOOK[status].tone}`}
            style={{ flexGrow: goal.statusCounts[status] }}
          >
            {STATUS_LOOK[status].symbol} {goal.statusCounts[status]}
          </span>
        ))}
      </div>
      <ul className="status-legend">
        {present.map((status) => (
          <li key={status}>
            <ActionsLink to={`/atgarder?goalId=${goal.id}&status=${status}`}>
              <StatusBadge status={status} /> {goal.statusCounts[status]}
            </ActionsLink>
          </li>
        ))}
        {present.length === 0 && <li>{t("dashboard.noActions")}</li>}
      </ul>
    </>
  );
}

export function GoalCards({ goals }: { goals: GoalSummary[] }) {
  const t = useT();
  return (
    <ul className="dashboard-goals">
      {goals.map((goal) => (
        <li key={goal.id} id={`goal-${goal.id}`} className="goal-card dashboard-goal">
          <h3>
            <span className="goal-number">
              {t("home.goalNumber", { number: String(goal.position) })}
            </span>
            <span className="goal-title">{goal.title}</span>
          </h3>
          <p>
            <span className="visually-hidden">{t("rollUp.label")}: </span>
            <RollUpBadge result={goal.rollUp.result} />
          </p>
          <p className="meta">{rollUpCoverage(goal.rollUp, goal.assessmentCounts, t)}</p>
          <StatusBar goal={goal} />
          <p>
            {t("dashboard.doneShare", { percent: String(percent(goal.doneShare)) })} ·{" "}
            <ActionsLink to={`/atgarder?goalId=${goal.id}&status=overdue`}>
              {t("dashboard.overdueCount", { count: goal.overdue })}
            </ActionsLink>
          </p>
        </li>
      ))}
    </ul>
  );
}

export function DepartmentTable({
  departments,
  period,
}: {
  departments: DepartmentSummary[];
  period: PeriodView | null;
}) {
  const t = useT();
  return (
    <ScrollingTable label={t("dashboard.departmentsCaption")}>
      <table className="table">
        <caption className="visually-hidden">{t("dashboard.departmentsCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("dashboard.department")}</th>
            <th scope="col">{t("dashboard.owned")}</th>
            <th scope="col">{t("dashboard.overdue")}</th>
            <th scope="col">
              {period ? t("dashboard.reportFor", { period: period.name }) : t("dashboard.report")}
            </th>
          </tr>
        </thead>
        <tbody>
          {departments.map((d) => (
            <tr key={d.id}>
              <th scope="row">{d.name}</th>
              <td>
                <ActionsLink to={`/atgarder?departmentId=${d.id}`}>{d.owned}</ActionsLink>
              </td>
              <td>
                {d.overdue > 0 ? (
                  <ActionsLink to={`/atgarder?departmentId=${d.id}&status=overdue`}>
                    {d.overdue}
                  </ActionsLink>
                ) : (
                  0
                )}
              </td>
              <td>
                {d.reportState === "completed" ? (
                  <ReportStateBadge state="completed">
                    {t("dashboard.completed", {
                      date: formatDate(d.completedAt ?? ""),
                      name: d.completedByName ?? "–",
                    })}
                  </ReportStateBadge>
                ) : d.reportState === "nothing_to_report" || d.reportState === "late" ? (
                  <ReportStateBadge state={d.reportState}>
                    {t(`glance.${d.reportState}`)}
                    {d.missing > 0 && ` (${t("glance.missing", { count: d.missing })})`}
                  </ReportStateBadge>
                ) : period && d.reportState !== "none" ? (
                  <ReportStateBadge state={d.reportState}>
                    {d.missing > 0
                      ? t("dashboard.notReported", {
                          deadline: formatDate(period.reportDeadline),
                          count: d.missing,
                        })
                      : t("dashboard.readyToReport", {
                          deadline: formatDate(period.reportDeadline),
                        })}
                  </ReportStateBadge>
                ) : (
                  "–"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}

/** "T3 2020" → "T3 20": short enough to stand under a bar. */
function shortPeriodName(name: string) {
  return name.replace(/\b(?:19|20)(\d{2})\b/, "$1");
}

const total = (counts: Record<Assessment, number> | undefined) =>
  counts ? ASSESSMENT_ORDER.reduce((sum, a) => sum + counts[a], 0) : 0;

/**
 * Assessments per goal per period: a stacked-bar chart per goal with labelled axes, one legend
 * in words for all of them, and the same numbers as a table under each chart.
 */
export function Trend({
  goals,
  periods,
  trend,
}: {
  goals: GoalSummary[];
  periods: PeriodView[];
  trend: TrendPoint[];
}) {
  const t = useT();
  const shown = periods.filter((p) => trend.some((point) => point.periodId === p.id));
  if (shown.length === 0) return <p>{t("dashboard.noTrend")}</p>;
  const count = (periodId: string, goalId: string) =>
    trend.find((p) => p.periodId === periodId && p.goalId === goalId)?.counts;
  const range = t("dashboard.trendRange", {
    first: shown[0].name,
    last: shown[shown.length - 1].name,
  });
  return (
    <>
      <ul className="trend-legend" data-testid="trend-legend" aria-label={t("dashboard.legend")}>
        {ASSESSMENT_ORDER.map((a) => (
          <li key={a}>
            <AssessmentBadge assessment={a} />
          </li>
        ))}
      </ul>
      <div className="trend">
        {goals.map((goal) => {
          const goalName = t("home.goalNumber", { number: String(goal.position) });
          const max = Math.max(1, ...shown.map((p) => total(count(p.id, goal.id))));
          return (
            <figure key={goal.id} className="trend-goal">
              <figcaption>{goalName}</figcaption>
              <div className="trend-chart">
                <span className="trend-axis-y">{t("dashboard.axisCount")}</span>
                <span className="trend-ticks" aria-hidden="true">
                  <span>{max}</span>
                  <span>0</span>
                </span>
                <div
                  className="trend-bars"
                  role="img"
                  aria-label={t("dashboard.trendChart", { goal: goalName, range })}
                >
                  {shown.map((period) => {
                    const counts = count(period.id, goal.id);
                    return (
                      <div key={period.id} className="trend-bar" title={period.name}>
                        <div
                          className="trend-stack"
                          style={{ height: `${(total(counts) / max) * 100}%` }}
                        >
                          {ASSESSMENT_ORDER.map((a) =>
                            counts?.[a] ? (
                              <span
                                key={a}
                                className={`trend-segment tone-${ASSESSMENT_LOOK[a].tone}`}
                                style={{ flexGrow: counts[a] }}
                              >
                                {ASSESSMENT_LOOK[a].symbol}
                              </span>
                            ) : null,
                          )}
                        </div>
                        <span className="trend-label">{shortPeriodName(period.name)}</span>
                      </div>
                    );
                  })}
                </div>
                <span className="trend-axis-x">{t("dashboard.axisPeriod")}</span>
              </div>
              <details className="trend-table">
                <summary>{t("dashboard.trendTable", { number: String(goal.position) })}</summary>
                <ScrollingTable
                  label={t("dashboard.trendTable", { number: String(goal.position) })}
                >
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">{t("dashboard.period")}</th>
                        {ASSESSMENT_ORDER.map((a) => (
                          <th key={a} scope="col">
                            <AssessmentBadge assessment={a} />
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((period) => (
                        <tr key={period.id}>
                          <th scope="row">{period.name}</th>
                          {ASSESSMENT_ORDER.map((a) => (
                            <td key={a}>{count(period.id, goal.id)?.[a] ?? 0}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </ScrollingTable>
              </details>
            </figure>
          );
        })}
      </div>
    </>
  );
}

export function Activity({ items }: { items: ChangeItem[] }) {
  const t = useT();
  if (items.length === 0) return <p>{t("dashboard.noActivity")}</p>;
  return <ChangeList changes={items} />;
}

/** Per goal its roll-up and coverage, one line each: the first thing the kommunchef reads. */
export function GoalsAtAGlance({ goals }: { goals: GoalSummary[] }) {
  const t = useT();
  const [first] = goals;
  return (
    <>
      <ul className="glance-list" data-testid="glance-goals">
        {goals.map((goal) => (
          <li key={goal.id}>
            <a href={`#goal-${goal.id}`} className="glance-name">
              <span className="goal-number">
                {t("home.goalNumber", { number: String(goal.position) })}
              </span>{" "}
              <span className="glance-title">{goal.title}</span>
            </a>
            <span className="glance-state">
              <RollUpBadge result={goal.rollUp.result} />{" "}
              <span className="meta">
                {t("rollUp.coverage", {
                  assessed: goal.rollUp.assessed,
                  counted: goal.rollUp.counted,
                })}
              </span>
            </span>
          </li>
        ))}
      </ul>
      {first && <p className="meta">{rollUpRule(first.rollUp.threshold, t)}</p>}
    </>
  );
}

/** Per department whether this period's report is klarmarkerad, not yet, or late. */
export function ReportsAtAGlance({ departments }: { departments: DepartmentSummary[] }) {
  const t = useT();
  return (
    <ul className="glance-list" data-testid="glance-reports">
      {departments.map((d) => (
        <li key={d.id}>
          <span className="glance-name">{d.name}</span>
          <span className="glance-state">
            {d.reportState === "none" ? (
              t("glance.none")
            ) : (
              <ReportStateBadge state={d.reportState}>
                {d.reportState === "completed" && d.completedAt
                  ? t("glance.completed", { date: formatDate(d.completedAt) })
                  : t(`glance.${d.reportState}`)}
              </ReportStateBadge>
            )}
            {d.reportState !== "completed" && d.missing > 0 && (
              <>
                {" "}
                <span className="meta">{t("glance.missing", { count: d.missing })}</span>
              </>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** How many changes show before "Visa alla": the list must not push everything else down. */
const SINCE_SHOWN = 5;

/** What others changed since the person's previous visit, old → new. */
export function SinceLastVisit({
  since,
  changes,
}: {
  since: string | null;
  changes: ChangeItem[];
}) {
  const t = useT();
  const locale = useLocale();
  if (!since) return <p>{t("glance.firstVisit")}</p>;
  const when = formatLongDateTime(since, locale);
  if (changes.length === 0) return <p>{t("glance.nothingNew", { when })}</p>;
  const rest = changes.slice(SINCE_SHOWN);
  return (
    <>
      <p className="meta">{t("glance.sinceIntro", { when, count: changes.length })}</p>
      <ChangeList changes={changes.slice(0, SINCE_SHOWN)} />
      {rest.length > 0 && (
        <details>
          <summary>{t("glance.showMore", { count: rest.length })}</summary>
          <ChangeList changes={rest} />
        </details>
      )}
    </>
  );
}
