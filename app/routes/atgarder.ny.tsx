import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { createAction } from "../../server/domain/actions";
import { ActionFields, actionInput } from "../components/ActionFields";
import { actionOptions } from "../utils/actions.server";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:create");
  const options = await actionOptions(context.db, user);
  // "Skapa åtgärd från dokumentet" links here with ?dokument=<id>; an id that is not one of the
  // organisation's documents preselects nothing.
  const documentId = new URL(request.url).searchParams.get("dokument");
  const fromDocument = options.documents.find((d) => d.id === documentId) ?? null;
  return { options, fromDocument };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:create");
  const form = await readForm(request);
  return runForm(form, async () => {
    const created = await createAction(context.db, user, actionInput(form));
    return redirect(`/atgarder/${created.id}?skapad=1`, { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "actionNew.title");

export default function NewAction() {
  const t = useT();
  const { options, fromDocument } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  // What the form links to now: after a refused submit, what the person chose.
  const linkedId = echoed(failure?.values, "documentId", fromDocument?.id);
  const linked = options.documents.find((d) => d.id === linkedId);
  return (
    <div className="page narrow">
      <p>
        {fromDocument ? (
          <Link to={`/dokument/${fromDocument.id}`}>← {t("actionNew.backToDocument")}</Link>
        ) : (
          <Link to="/atgarder">← {t("actionList.back")}</Link>
        )}
      </p>
      <h1>{t("actionNew.title")}</h1>
      <p>{t("actionNew.intro")}</p>
      {linked && (
        <p className="panel">
          {t("actionPage.fromDocument")} <Link to={`/dokument/${linked.id}`}>{linked.title}</Link>
        </p>
      )}
      {options.goals.length === 0 && <p className="panel">{t("actionNew.noGoals")}</p>}
      <Form method="post" className="stack" noValidate>
        <ActionFields
          defaults={{ documentId: fromDocument?.id ?? null }}
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
