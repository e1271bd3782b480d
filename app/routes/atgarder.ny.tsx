import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { publishActionChanged } from "../../server/bus";
import { createAction } from "../../server/domain/actions";
import { ActionFields, actionInput } from "../components/ActionFields";
import { actionOptions } from "../utils/actions.server";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:create");
  return { options: await actionOptions(context.db, user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:create");
  const form = await request.formData();
  return runForm(form, async () => {
    const created = await createAction(context.db, user, actionInput(form));
    publishActionChanged(context.bus, user, created, "created");
    return redirect(`/atgarder/${created.id}?skapad=1`, { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "actionNew.title");

export default function NewAction() {
  const t = useT();
  const { options } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <div className="page narrow">
      <p>
        <Link to="/atgarder">← {t("actionList.back")}</Link>
      </p>
      <h1>{t("actionNew.title")}</h1>
      <p>{t("actionNew.intro")}</p>
      {options.goals.length === 0 && <p className="panel">{t("actionNew.noGoals")}</p>}
      <Form method="post" className="stack" noValidate>
        <ActionFields
          defaults={{}}
          options={options}
          errors={failure?.fieldErrors}
          values={failure?.values}
        />
        <button type="submit" className="button">
          {t("actionNew.submit")}
        </button>
      </Form>
    </div>
  );
}
