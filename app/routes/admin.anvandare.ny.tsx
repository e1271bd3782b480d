import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { listDepartments } from "../../server/domain/departments";
import { createUser } from "../../server/domain/users";
import { UserFields, userInput } from "../components/UserForm";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  return { departments: await listDepartments(context.db, user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "users:manage");
  const form = await readForm(request);
  return runForm(form, async () => {
    const id = await createUser(context.db, user, user.organisationId, userInput(form));
    return redirect(`/admin/anvandare/${id}?skapad=1`, { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "users.create");

export default function NewUser() {
  const t = useT();
  const { departments } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <div className="page narrow">
      <p>
        <Link to="/admin/anvandare">← {t("users.back")}</Link>
      </p>
      <h1>{t("users.create")}</h1>
      <Form method="post" className="stack" noValidate>
        <UserFields
          defaults={{ name: "", email: "", roles: [], departmentIds: [] }}
          departments={departments}
          errors={failure?.fieldErrors}
          values={failure?.values}
          withPassword
        />
        <button type="submit" className="button">
          {t("users.createSubmit")}
        </button>
      </Form>
    </div>
  );
}
