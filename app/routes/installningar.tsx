import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { LOCALES } from "../../db/schema";
import { changeOwnPassword } from "../../server/domain/passwords";
import { Notice } from "../components/FormFields";
import { PasswordChangeForm, passwordChangeInput } from "../components/PasswordChange";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { dispatchIntent, readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "settings:update-own");
  return { locale: user.locale };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "settings:update-own");
  const form = await readForm(request);
  return runForm(form, () =>
    dispatchIntent(form, {
      "change-password": async () => {
        await changeOwnPassword(context.db, user, passwordChangeInput(form));
        return redirect("/installningar?losenord=1", { status: 303 });
      },
    }),
  );
}

export const meta: MetaFunction = (args) => pageTitle(args, "settings.title");

export default function Settings() {
  const t = useT();
  const { locale } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="page narrow">
      <h1>{t("settings.title")}</h1>
      {params.has("sparat") && <Notice>{t("settings.saved")}</Notice>}
      {/* The language switch in the header and this form share one action. */}
      <Form method="post" action="/sprak" className="stack">
        <input type="hidden" name="redirectTo" value="/installningar?sparat=1" />
        <fieldset className="field">
          <legend>{t("settings.language")}</legend>
          {LOCALES.map((option) => (
            <div className="radio" key={option}>
              <input
                type="radio"
                id={`locale-${option}`}
                name="locale"
                value={option}
                defaultChecked={option === locale}
              />
              <label htmlFor={`locale-${option}`} lang={option}>
                {t(`language.${option}`)}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" className="button">
          {t("settings.save")}
        </button>
      </Form>
      <section className="panel" aria-labelledby="password-heading">
        <h2 id="password-heading">{t("password.title")}</h2>
        {params.has("losenord") && <Notice>{t("password.changed")}</Notice>}
        <PasswordChangeForm errors={failure?.fieldErrors} submitLabel={t("password.submit")} />
      </section>
    </div>
  );
}
