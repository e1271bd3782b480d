import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { changeOwnPassword } from "../../server/domain/passwords";
import { PasswordChangeForm, passwordChangeInput } from "../components/PasswordChange";
import { getSession } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm, safeRedirect } from "../utils/route.server";

/**
 * Where a temporary password leads: until the person has chosen their own, every other page sends
 * them here (app/utils/auth.server.ts) and their sockets and tokens act for nobody.
 */
async function requireTemporaryPassword(request: Request, context: LoaderFunctionArgs["context"]) {
  const session = await getSession(request, context);
  if (!session) throw redirect("/login");
  // Someone with a password of their own changes it in Inställningar.
  if (!session.mustChangePassword) throw redirect("/installningar");
  return session;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireTemporaryPassword(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requireTemporaryPassword(request, context);
  const form = await readForm(request);
  return runForm(form, async () => {
    await changeOwnPassword(context.db, session, passwordChangeInput(form));
    return redirect(safeRedirect(form.get("redirectTo")), { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "password.forcedTitle");

export default function ForcedPasswordChange() {
  const t = useT();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="page narrow">
      <h1>{t("password.forcedTitle")}</h1>
      <p>{t("password.forcedIntro")}</p>
      <PasswordChangeForm
        errors={failure?.fieldErrors}
        redirectTo={params.get("redirectTo") ?? "/"}
        submitLabel={t("password.submit")}
      />
      <Form method="post" action="/logout" className="stack">
        <button type="submit" className="button button-secondary">
          {t("nav.logout")}
        </button>
      </Form>
    </div>
  );
}
