import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDate } from "../../common/format";
import { periodDeadlines } from "../../server/domain/followups";
import { listPeriods } from "../../server/domain/periods";
import { can } from "../../server/domain/policy";
import { adoptionsByPeriod } from "../../server/domain/reports";
import { Badge } from "../components/Badge";
import { ScrollingTable } from "../components/Responsive";
import { PeriodStateBadge } from "../components/StatusBadge";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read-adopted");
  const periods = await listPeriods(context.db, user);
  const [adoptions, deadlines] = await Promise.all([
    adoptionsByPeriod(context.db, user),
    periodDeadlines(context.db, user, periods),
  ]);
  return {
    canReadLive: can(user, "reports:read-live"),
    // Newest first: the period being reported on now is what people look for.
    periods: periods.reverse().map((period) => ({
      ...period,
      adoptions: adoptions[period.id],
      state: deadlines[period.id].state,
    })),
  };
}

export const meta: MetaFunction = (args) => pageTitle(args, "reports.title");

export default function Reports() {
  const t = useT();
  const { periods, canReadLive } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("reports.title")}</h1>
      <p>{t(canReadLive ? "reports.intro" : "reports.introAdoptedOnly")}</p>
      {periods.length === 0 ? (
        <p className="panel">{t("reports.noPeriods")}</p>
      ) : (
        <ScrollingTable label={t("reports.listCaption")}>
          <table className="table">
            <caption className="visually-hidden">{t("reports.listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reports.colPeriod")}</th>
                <th scope="col">{t("reports.colDates")}</th>
                <th scope="col">{t("reports.colAdoption")}</th>
              </tr>
            </thead>
            <tbody>
              {periods.map((period) => {
                const latest = period.adoptions?.latest;
                return (
                  <tr key={period.id}>
                    <th scope="row">
                      <Link to={`/rapporter/${period.id}`}>
                        {t("reports.reportTitle", { period: period.name })}
                      </Link>{" "}
                      <PeriodStateBadge state={period.state} />
                    </th>
                    <td>
                      {formatDate(period.startDate)} – {formatDate(period.endDate)}
                    </td>
                    <td>
                      {latest ? (
                        <>
                          <Badge tone="ok" symbol="✓">
                            {latest.adoptedByName
                              ? t("reports.adoptedBy", {
                                  date: formatDate(latest.adoptedAt),
                                  name: latest.adoptedByName,
                                })
                              : t("reports.adoptedOn", { date: formatDate(latest.adoptedAt) })}
                          </Badge>
                          {period.adoptions.count > 1 && (
                            <span className="meta">
                              {" "}
                              {t("reports.adoptionCount", { count: period.adoptions.count })}
                            </span>
                          )}
                        </>
                      ) : (
                        <Badge tone="muted" symbol="○">
                          {t("reports.notAdopted")}
                        </Badge>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollingTable>
      )}
    </div>
  );
}
