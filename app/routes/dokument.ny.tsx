import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { listDepartments } from "../../server/domain/departments";
import { createDocument } from "../../server/domain/documents";
import { DocumentFields, documentInput, useDocumentLabels } from "../components/DocumentFields";
import { ErrorSummary } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "documents:create");
  const departments = await listDepartments(context.db, user);
  return { departments: departments.map((d) => ({ id: d.id, name: d.name })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "documents:create");
  const form = await readForm(request);
  return runForm(form, async () => {
    // The server makes the first Yjs state; the editor only ever syncs it.
    const id = await createDocument(context.db, user, documentInput(form));
    return redirect(`/dokument/${id}?skapat=1`, { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "documents.new");

export default function NewDocument() {
  const t = useT();
  const { departments } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const labels = useDocumentLabels();
  return (
    <div className="page narrow">
      <p>
        <Link to="/dokument">← {t("documents.back")}</Link>
      </p>
      <h1>{t("documents.new")}</h1>
      <p>{t("documents.newIntro")}</p>
      <Form method="post" className="stack panel" noValidate>
        <ErrorSummary errors={failure?.fieldErrors} labels={labels} />
        <DocumentFields
          departments={departments}
          defaults={{ title: "", kind: "", departmentIds: [] }}
          errors={failure?.fieldErrors}
          values={failure?.values}
        />
        <button type="submit" className="button">
          {t("documents.create")}
        </button>
      </Form>
    </div>
  );
}
