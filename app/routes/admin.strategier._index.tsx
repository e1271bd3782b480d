import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { createStrategy, listStrategies } from "../../server/domain/strategies";
import { ActiveBadge } from "../components/Badge";
import { ScrollingTable } from "../components/Responsive";
import { StrategyFields, strategyInput } from "../components/StrategyFields";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "strategies:manage");
  const strategies = await listStrategies(context.db, user);
  return {
    strategies: strategies.map((s) => ({
      id: s.id,
      name: s.name,
      validFrom: s.valid_from,
      validTo: s.valid_to,
      isActive: s.is_active,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "strategies:manage");
  const form = await readForm(request);
  return runForm(form, async () => {
    const id = await createStrategy(context.db, user, strategyInput(form));
    return redirect(`/admin/strategier/${id}?skapad=1`, { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "strategies.title");

export default function Strategies() {
  const t = useT();
  const { strategies } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <div className="page narrow">
      <h1>{t("strategies.title")}</h1>
      <p>{t("strategies.intro")}</p>
      <ScrollingTable label={t("strategies.title")}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("strategies.name")}</th>
              <th scope="col">{t("strategies.years")}</th>
              <th scope="col">{t("users.status")}</th>
            </tr>
          </thead>
          <tbody>
            {strategies.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link to={`/admin/strategier/${s.id}`}>{s.name}</Link>
                </th>
                <td>
                  {s.validFrom}–{s.validTo}
                </td>
                <td>
                  <ActiveBadge
                    active={s.isActive}
                    labels={{ active: t("strategies.active"), inactive: "–" }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
      <section className="panel" aria-labelledby="create-heading">
        <h2 id="create-heading">{t("strategies.create")}</h2>
        <Form method="post" className="stack" noValidate>
          <StrategyFields
            defaults={{ name: "", description: "", validFrom: "", validTo: "", isActive: false }}
            errors={failure?.fieldErrors}
            values={failure?.values}
          />
          <button type="submit" className="button">
            {t("strategies.createSubmit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
