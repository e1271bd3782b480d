import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { LOCALES } from "../../db/schema";
import { getNotificationChoices, setNotificationChoices } from "../../server/domain/notifications";
import { changeOwnPassword } from "../../server/domain/passwords";
import { Notice } from "../components/FormFields";
import { PasswordChangeForm, passwordChangeInput } from "../components/PasswordChange";
import { ScrollingTable } from "../components/Responsive";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { dispatchIntent, readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "settings:update-own");
  return { locale: user.locale, choices: await getNotificationChoices(context.db, user) };
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
      notifications: async () => {
        await setNotificationChoices(context.db, user, {
          inApp: form.getAll("inApp"),
          email: form.getAll("email"),
          weeklyDigest: form.get("weeklyDigest"),
        });
        return redirect("/installningar?notiser=1#notiser", { status: 303 });
      },
    }),
  );
}

export const meta: MetaFunction = (args) => pageTitle(args, "settings.title");

export default function Settings() {
  const t = useT();
  const { locale, choices } = useLoaderData<typeof loader>();
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
      <section className="panel" id="notiser" aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">{t("notificationSettings.title")}</h2>
        {params.has("notiser") && <Notice>{t("notificationSettings.saved")}</Notice>}
        <p>{t("notificationSettings.intro")}</p>
        <Form method="post" className="stack">
          <ScrollingTable label={t("notificationSettings.title")}>
            <table className="table">
              <caption className="visually-hidden">{t("notificationSettings.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("notificationSettings.kind")}</th>
                  <th scope="col">{t("notificationSettings.inApp")}</th>
                  <th scope="col">{t("notificationSettings.email")}</th>
                </tr>
              </thead>
              <tbody>
                {choices.kinds.map((choice) => {
                  const label = t(`notificationKind.${choice.kind}`);
                  return (
                    <tr key={choice.kind}>
                      <th scope="row">{label}</th>
                      <td>
                        <input
                          type="checkbox"
                          name="inApp"
                          value={choice.kind}
                          defaultChecked={choice.inApp}
                          aria-label={t("notificationSettings.inAppFor", { kind: label })}
                        />
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          name="email"
                          value={choice.kind}
                          defaultChecked={choice.email}
                          aria-label={t("notificationSettings.emailFor", { kind: label })}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollingTable>
          <div className="checkbox">
            <input
              type="checkbox"
              id="weeklyDigest"
              name="weeklyDigest"
              defaultChecked={choices.weeklyDigest}
            />
            <label htmlFor="weeklyDigest">{t("notificationSettings.digest")}</label>
          </div>
          <button type="submit" name="intent" value="notifications" className="button">
            {t("notificationSettings.save")}
          </button>
        </Form>
      </section>
      <section className="panel" aria-labelledby="password-heading">
        <h2 id="password-heading">{t("password.title")}</h2>
        {params.has("losenord") && <Notice>{t("password.changed")}</Notice>}
        <PasswordChangeForm errors={failure?.fieldErrors} submitLabel={t("password.submit")} />
      </section>
    </div>
  );
}
