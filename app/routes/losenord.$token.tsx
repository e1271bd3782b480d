import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { openLink, setPasswordWithLink } from "../../server/domain/one-time-links";
import { ErrorSummary, TextField } from "../components/FormFields";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const link = await openLink(context.db, params.token ?? "");
  return { email: link?.email ?? null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  return runForm(form, async () => {
    await setPasswordWithLink(context.db, params.token ?? "", {
      newPassword: form.get("newPassword") ?? "",
      confirmPassword: form.get("confirmPassword") ?? "",
    });
    return redirect("/login?losenord=sparat", { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "link.title");

/** An invitation's or password reset's link: choose a password, once. */
export default function SetPasswordWithLink() {
  const t = useT();
  const { email } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const labels = { newPassword: t("password.new"), confirmPassword: t("password.confirm") };
  return (
    <div className="page narrow">
      <h1>{t("link.title")}</h1>
      {email === null ? (
        <>
          <p>{t("link.unusable")}</p>
          <p>
            <Link to="/glomt-losenord">{t("forgot.link")}</Link>
          </p>
        </>
      ) : (
        <>
          <p>{t("link.intro", { email })}</p>
          <ErrorSummary errors={failure?.fieldErrors} labels={labels} />
          <Form method="post" className="stack" noValidate>
            <TextField
              id="newPassword"
              name="newPassword"
              type="password"
              label={labels.newPassword}
              hint={t("password.rules")}
              autoComplete="new-password"
              error={failure?.fieldErrors.newPassword}
              required
            />
            <TextField
              id="confirmPassword"
              name="confirmPassword"
              type="password"
              label={labels.confirmPassword}
              autoComplete="new-password"
              error={failure?.fieldErrors.confirmPassword}
              required
            />
            <button type="submit" className="button">
              {t("link.submit")}
            </button>
          </Form>
        </>
      )}
    </div>
  );
}
