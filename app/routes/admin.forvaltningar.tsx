import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { deleteDepartment, departmentInUse } from "../../server/domain/archiving";
import {
  createDepartment,
  listDepartments,
  updateDepartment,
} from "../../server/domain/departments";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "departments:manage");
  const departments = await listDepartments(context.db, user, { includeArchived: true });
  return {
    departments: await Promise.all(
      departments.map(async (d) => ({
        ...d,
        // Only one nothing refers to: any other is archived instead (ADR 0031).
        deletable: !(await departmentInUse(context.db, d.id)),
      })),
    ),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "departments:manage");
  const form = await readForm(request);
  return runForm(form, async () => {
    const intent = String(form.get("intent"));
    if (intent.startsWith("delete:")) {
      await deleteDepartment(context.db, user, intent.slice("delete:".length));
      return redirect("/admin/forvaltningar?raderad=1", { status: 303 });
    }
    if (intent === "create") {
      await createDepartment(context.db, user, { name: form.get("name") });
      return redirect(
        `/admin/forvaltningar?skapad=${encodeURIComponent(String(form.get("name")).trim())}`,
        { status: 303 },
      );
    }
    await updateDepartment(context.db, user, intent.replace(/^update:/, ""), {
      name: form.get("name"),
      version: form.get("version"),
      archived: form.get("archived") === "on",
    });
    return redirect("/admin/forvaltningar?sparat=1", { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "departments.title");

export default function Departments() {
  const t = useT();
  const { departments } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const failed = (intent: string) => (failure?.intent === intent ? failure : undefined);
  const createFailure = failed("create");
  return (
    <div className="page narrow">
      <h1>{t("departments.title")}</h1>
      {params.has("sparat") && <Notice>{t("departments.saved")}</Notice>}
      {params.has("raderad") && <Notice>{t("departments.deleted")}</Notice>}
      {params.get("skapad") && (
        <Notice>{t("departments.created", { name: params.get("skapad") ?? "" })}</Notice>
      )}
      <ul className="plain-list">
        {departments.map((department) => {
          const f = failed(`update:${department.id}`) ?? failed(`delete:${department.id}`);
          const prefix = `d-${department.id}-`;
          return (
            <li key={department.id} className="panel">
              <Form method="post" className="stack" noValidate>
                <fieldset>
                  <legend>{t("departments.editLegend", { name: department.name })}</legend>
                  <ErrorSummary
                    errors={f?.fieldErrors}
                    labels={{ name: t("departments.name") }}
                    idPrefix={prefix}
                  />
                  <input type="hidden" name="version" value={department.version} />
                  <TextField
                    id={`${prefix}name`}
                    name="name"
                    label={t("departments.name")}
                    defaultValue={echoed(f?.values, "name", department.name)}
                    error={f?.fieldErrors.name}
                  />
                  <div className="checkbox">
                    <input
                      type="checkbox"
                      id={`${prefix}archived`}
                      name="archived"
                      defaultChecked={department.archived}
                    />
                    <label htmlFor={`${prefix}archived`}>{t("departments.archived")}</label>
                  </div>
                  <p className="meta">
                    {t("departments.members")}: {department.memberCount}
                  </p>
                  <button
                    type="submit"
                    name="intent"
                    value={`update:${department.id}`}
                    className="button button-secondary"
                  >
                    {t("departments.save", { name: department.name })}
                  </button>
                </fieldset>
              </Form>
              {department.deletable && (
                <Form method="post">
                  <button
                    type="submit"
                    name="intent"
                    value={`delete:${department.id}`}
                    className="button button-danger"
                  >
                    {t("departments.delete", { name: department.name })}
                  </button>
                </Form>
              )}
            </li>
          );
        })}
      </ul>
      <section className="panel" aria-labelledby="add-heading">
        <h2 id="add-heading">{t("departments.add")}</h2>
        <Form method="post" className="stack" noValidate>
          <ErrorSummary
            errors={createFailure?.fieldErrors}
            labels={{ name: t("departments.name") }}
            idPrefix="new-"
          />
          <TextField
            id="new-name"
            name="name"
            label={t("departments.name")}
            defaultValue={echoed(createFailure?.values, "name")}
            error={createFailure?.fieldErrors.name}
          />
          <button type="submit" name="intent" value="create" className="button">
            {t("departments.addSubmit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
