import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { listDepartments } from "../../server/domain/departments";
import { getActiveStrategy } from "../../server/domain/strategies";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "organisation:read");
  const [active, departments] = await Promise.all([
    getActiveStrategy(context.db, user),
    listDepartments(context.db, user),
  ]);
  return {
    name: user.name,
    roles: user.roles,
    strategy: active && {
      name: active.strategy.name,
      description: active.strategy.description,
      validFrom: active.strategy.valid_from,
      validTo: active.strategy.valid_to,
      goals: active.goals.map((goal) => ({
        id: goal.id,
        position: goal.position,
        title: goal.title,
      })),
    },
    departments: departments.map((d) => ({ id: d.id, name: d.name, memberCount: d.memberCount })),
  };
}

export const meta: MetaFunction = (args) => pageTitle(args, "home.title");

export default function Overview() {
  const t = useT();
  const { name, roles, strategy, departments } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("home.title")}</h1>
      <p>
        {t("home.welcome", { name })}.{" "}
        {t("home.roles", { roles: roles.map((role) => t(`role.${role}`)).join(", ") })}
      </p>
      <section aria-labelledby="strategy-heading" className="panel">
        {strategy ? (
          <>
            <h2 id="strategy-heading">{strategy.name}</h2>
            <p className="meta">
              {t("home.validYears", { from: strategy.validFrom, to: strategy.validTo })}
            </p>
            {strategy.description && <p>{strategy.description}</p>}
            <h3>{t("home.goals")}</h3>
            <ol className="goal-cards">
              {strategy.goals.map((goal) => (
                <li key={goal.id} className="goal-card">
                  <span className="goal-number">
                    {t("home.goalNumber", { number: String(goal.position) })}
                  </span>
                  <span className="goal-title">{goal.title}</span>
                </li>
              ))}
            </ol>
          </>
        ) : (
          <>
            <h2 id="strategy-heading">{t("home.strategy")}</h2>
            <p>{t("home.noStrategy")}</p>
          </>
        )}
      </section>
      <section aria-labelledby="departments-heading" className="panel">
        <h2 id="departments-heading">{t("home.departments")}</h2>
        {departments.length === 0 ? (
          <p>{t("home.noDepartments")}</p>
        ) : (
          <ul className="department-list">
            {departments.map((d) => (
              <li key={d.id}>
                <strong>{d.name}</strong>{" "}
                <span className="meta">{t("home.members", { count: d.memberCount })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
