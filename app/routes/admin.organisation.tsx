import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { rollUpRule } from "../../common/rollup";
import { getOrganisationSettings, updateRollUpThreshold } from "../../server/domain/organisations";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "organisation:manage");
  return { settings: await getOrganisationSettings(context.db, user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "organisation:manage");
  const form = await readForm(request);
  return runForm(form, async () => {
    await updateRollUpThreshold(context.db, user, {
      rollUpThreshold: form.get("rollUpThreshold"),
    });
    return redirect("/admin/organisation?sparat=1", { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "organisationSettings.title");

/** The organisation's own settings: how much must be assessed before a goal's roll-up is given. */
export default function OrganisationSettings() {
  const t = useT();
  const { settings } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="page narrow">
      <h1>{t("organisationSettings.title")}</h1>
      {params.has("sparat") && <Notice>{t("organisationSettings.saved")}</Notice>}
      <Form method="post" className="stack panel" noValidate>
        <ErrorSummary
          errors={failure?.fieldErrors}
          labels={{ rollUpThreshold: t("organisationSettings.rollUpThreshold") }}
        />
        <TextField
          id="rollUpThreshold"
          name="rollUpThreshold"
          label={t("organisationSettings.rollUpThreshold")}
          hint={t("organisationSettings.rollUpThresholdHint")}
          inputMode="numeric"
          defaultValue={echoed(
            failure?.values,
            "rollUpThreshold",
            String(settings.rollUpThreshold),
          )}
          error={failure?.fieldErrors.rollUpThreshold}
        />
        <p className="meta">{rollUpRule(settings.rollUpThreshold, t)}</p>
        <button type="submit" className="button">
          {t("organisationSettings.save")}
        </button>
      </Form>
    </div>
  );
}
