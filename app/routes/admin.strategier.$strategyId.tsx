import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  addGoal,
  getStrategy,
  removeGoal,
  updateGoal,
  updateStrategy,
} from "../../server/domain/strategies";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { StrategyFields, strategyInput } from "../components/StrategyFields";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { guard, readForm, runForm } from "../utils/route.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "strategies:manage");
  return guard(() => getStrategy(context.db, user, params.strategyId ?? ""));
}

function goalInput(form: FormData) {
  return {
    position: form.get("position") ?? "",
    title: form.get("title") ?? "",
    description: form.get("description") ?? "",
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "strategies:manage");
  const strategyId = params.strategyId ?? "";
  const form = await readForm(request);
  const intent = String(form.get("intent"));
  const back = (notice: string) =>
    redirect(`/admin/strategier/${strategyId}?${notice}=1`, { status: 303 });
  return runForm(form, async () => {
    if (intent === "save") {
      await updateStrategy(context.db, user, strategyId, strategyInput(form));
      return back("sparat");
    }
    if (intent === "add-goal") {
      await addGoal(context.db, user, strategyId, goalInput(form));
      return back("mal-sparat");
    }
    if (intent.startsWith("remove-goal:")) {
      await removeGoal(context.db, user, intent.slice("remove-goal:".length));
      return back("mal-borttaget");
    }
    await updateGoal(context.db, user, intent.replace(/^save-goal:/, ""), goalInput(form));
    return back("mal-sparat");
  });
}

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "strategies.title").map(({ title }) => ({
    title: `${args.data?.strategy.name ?? ""} – ${title}`,
  }));

function GoalFields({
  prefix,
  defaults,
  failure,
}: {
  prefix: string;
  defaults: { position: string; title: string; description: string };
  failure?: { fieldErrors: Record<string, string>; values: Record<string, string | string[]> };
}) {
  const t = useT();
  const labels = {
    position: t("strategies.goalPosition"),
    title: t("strategies.goalTitle"),
    description: t("strategies.goalDescription"),
  };
  const errors = failure?.fieldErrors;
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} idPrefix={prefix} />
      <TextField
        id={`${prefix}position`}
        name="position"
        label={labels.position}
        inputMode="numeric"
        defaultValue={echoed(failure?.values, "position", defaults.position)}
        error={errors?.position}
      />
      <TextField
        id={`${prefix}title`}
        name="title"
        label={labels.title}
        multiline
        defaultValue={echoed(failure?.values, "title", defaults.title)}
        error={errors?.title}
      />
      <TextField
        id={`${prefix}description`}
        name="description"
        label={labels.description}
        multiline
        defaultValue={echoed(failure?.values, "description", defaults.description)}
        error={errors?.description}
      />
    </>
  );
}

export default function EditStrategy() {
  const t = useT();
  const { strategy, goals } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const failed = (intent: string) => (failure?.intent === intent ? failure : undefined);
  const nextPosition = String(Math.max(0, ...goals.map((g) => g.position)) + 1);
  return (
    <div className="page narrow">
      <p>
        <Link to="/admin/strategier">← {t("strategies.back")}</Link>
      </p>
      <h1>{strategy.name}</h1>
      {params.has("skapad") && <Notice>{t("strategies.created")}</Notice>}
      {params.has("sparat") && <Notice>{t("strategies.saved")}</Notice>}
      {params.has("mal-sparat") && <Notice>{t("strategies.goalSaved")}</Notice>}
      {params.has("mal-borttaget") && <Notice>{t("strategies.goalRemoved")}</Notice>}
      <Form method="post" className="stack panel" noValidate>
        <input type="hidden" name="version" value={strategy.version} />
        <StrategyFields
          defaults={{
            name: strategy.name,
            description: strategy.description,
            validFrom: String(strategy.valid_from),
            validTo: String(strategy.valid_to),
            isActive: strategy.is_active,
          }}
          errors={failed("save")?.fieldErrors}
          values={failed("save")?.values}
        />
        <button type="submit" name="intent" value="save" className="button">
          {t("strategies.save")}
        </button>
      </Form>
      <h2>{t("strategies.goals")}</h2>
      {goals.length === 0 && <p>{t("strategies.noGoals")}</p>}
      <ul className="plain-list">
        {goals.map((goal) => (
          <li key={goal.id} className="panel">
            <Form method="post" className="stack" noValidate>
              <fieldset>
                <legend>{t("home.goalNumber", { number: String(goal.position) })}</legend>
                <GoalFields
                  prefix={`g-${goal.id}-`}
                  defaults={{
                    position: String(goal.position),
                    title: goal.title,
                    description: goal.description,
                  }}
                  failure={failed(`save-goal:${goal.id}`)}
                />
                <ErrorSummary
                  errors={failed(`remove-goal:${goal.id}`)?.fieldErrors}
                  labels={{}}
                  idPrefix={`r-${goal.id}-`}
                />
                <div className="button-row">
                  <button
                    type="submit"
                    name="intent"
                    value={`save-goal:${goal.id}`}
                    className="button button-secondary"
                  >
                    {t("strategies.goalSave", { number: String(goal.position) })}
                  </button>
                  <button
                    type="submit"
                    name="intent"
                    value={`remove-goal:${goal.id}`}
                    className="button button-danger"
                  >
                    {t("strategies.goalRemove", { number: String(goal.position) })}
                  </button>
                </div>
              </fieldset>
            </Form>
          </li>
        ))}
      </ul>
      <section className="panel" aria-labelledby="add-goal-heading">
        <h2 id="add-goal-heading">{t("strategies.goalAdd")}</h2>
        <Form method="post" className="stack" noValidate>
          <GoalFields
            prefix="new-goal-"
            defaults={{ position: nextPosition, title: "", description: "" }}
            failure={failed("add-goal")}
          />
          <button type="submit" name="intent" value="add-goal" className="button">
            {t("strategies.goalAddSubmit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
