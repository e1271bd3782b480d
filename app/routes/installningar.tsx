import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { LOCALES } from "../../db/schema";
import { Notice } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "settings:update-own");
  return { locale: user.locale };
}

export const meta: MetaFunction = (args) => pageTitle(args, "settings.title");

export default function Settings() {
  const t = useT();
  const { locale } = useLoaderData<typeof loader>();
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
    </div>
  );
}
