import { Link } from "@remix-run/react";
import { formatDate, formatDateTime, formatLongDate, formatRelative } from "../../common/format";
import { ASSESSMENT_SEVERITY, type Assessment } from "../../db/schema";
import type { DisplayStatus } from "../../server/domain/actions";
import type {
  ActivityItem,
  DepartmentSummary,
  GoalSummary,
  TrendPoint,
} from "../../server/domain/dashboard";
import type { PeriodView } from "../../server/domain/periods";
import { useLocale, useT } from "../utils/i18n";
import { useCan } from "../utils/permissions";
import { ASSESSMENT_LOOK, AssessmentBadge, STATUS_LOOK, StatusBadge } from "./StatusBadge";

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

/** How the roll-up was reached, in words (shown under the badge and read by screen readers). */
function RollUpExplanation({ goal }: { goal: GoalSummary }) {
  const t = useT();
  const assessed = ASSESSMENT_SEVERITY.reduce((sum, a) => sum + goal.assessmentCounts[a], 0);
  if (assessed === 0) return <p className="meta">{t("dashboard.rollUpNone")}</p>;
  const parts = ASSESSMENT_ORDER.filter((a) => goal.assessmentCounts[a] > 0).map(
    (a) => `${goal.assessmentCounts[a]} ${t(`assessment.${a}`).toLowerCase()}`,
  );
  return <p className="meta">{t("dashboard.rollUpRule", { parts: parts.join(", ") })}</p>;
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
        <li key={goal.id} className="goal-card dashboard-goal">
          <h3>
            <span className="goal-number">
              {t("home.goalNumber", { number: String(goal.position) })}
            </span>
            <span className="goal-title">{goal.title}</span>
          </h3>
          <p>
            <AssessmentBadge assessment={goal.rollUp} />{" "}
            <span className="visually-hidden">{t("dashboard.rollUpLabel")}</span>
          </p>
          <RollUpExplanation goal={goal} />
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
  const locale = useLocale();
  return (
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
              {d.completedAt ? (
                <span className="badge badge-ok">
                  <span aria-hidden="true">✓ </span>
                  {t("dashboard.completed", {
                    date: formatDate(d.completedAt),
                    name: d.completedByName ?? "–",
                  })}
                </span>
              ) : period ? (
                <span className="badge badge-warn">
                  <span aria-hidden="true">▲ </span>
                  {d.missing > 0
                    ? t("dashboard.notReported", {
                        deadline: formatLongDate(period.reportDeadline, locale),
                        count: d.missing,
                      })
                    : t("dashboard.readyToReport", {
                        deadline: formatLongDate(period.reportDeadline, locale),
                      })}
                </span>
              ) : (
                "–"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Assessments per goal per period: a small stacked-bar chart, and the same numbers as a table. */
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
  return (
    <div className="trend">
      {goals.map((goal) => {
        const max = Math.max(
          1,
          ...shown.map((p) => Object.values(count(p.id, goal.id) ?? {}).reduce((a, b) => a + b, 0)),
        );
        return (
          <figure key={goal.id} className="trend-goal">
            <figcaption>{t("home.goalNumber", { number: String(goal.position) })}</figcaption>
            <div className="trend-bars" aria-hidden="true">
              {shown.map((period) => {
                const counts = count(period.id, goal.id);
                return (
                  <div key={period.id} className="trend-bar" title={period.name}>
                    <div
                      className="trend-stack"
                      style={{
                        height: `${(Object.values(counts ?? {}).reduce((a, b) => a + b, 0) / max) * 100}%`,
                      }}
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
                    <span className="trend-label">
                      {period.name.replace(/^\d{2}(\d{2}) /, "$1 ")}
                    </span>
                  </div>
                );
              })}
            </div>
            <details className="trend-table">
              <summary>{t("dashboard.trendTable", { number: String(goal.position) })}</summary>
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
            </details>
          </figure>
        );
      })}
    </div>
  );
}

/** "skapade åtgärden", "ändrade dokumentet", … from the audit event's kind. */
function activityVerb(item: { action: string; entityType: "action" | "document" }) {
  const created = item.action.endsWith(".created");
  if (item.entityType === "document")
    return created ? "dashboard.createdDocument" : "dashboard.changedDocument";
  return created ? "dashboard.createdAction" : "dashboard.changedAction";
}

export function Activity({ items }: { items: ActivityItem[] }) {
  const t = useT();
  const locale = useLocale();
  if (items.length === 0) return <p>{t("dashboard.noActivity")}</p>;
  return (
    <ul className="activity">
      {items.map((item) => (
        <li key={item.id}>
          <strong>{item.actorName ?? t("dashboard.someone")}</strong> {t(activityVerb(item))}{" "}
          <Link
            to={
              item.entityType === "document"
                ? `/dokument/${item.entityId}`
                : `/atgarder/${item.entityId}`
            }
          >
            {item.entityTitle ?? "–"}
          </Link>{" "}
          <time dateTime={item.at} title={formatDateTime(item.at)}>
            {formatRelative(item.at, locale)}
          </time>
        </li>
      ))}
    </ul>
  );
}
