import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ROLES } from "../../db/schema";
import { listDepartments } from "../../server/domain/departments";
import {
  BACKCHANNEL_LOGOUT_PATH,
  CALLBACK_PATH,
  getIdentityProviderSettings,
  saveIdentityProviderSettings,
} from "../../server/domain/identity-provider";
import { expectedOrigin } from "../../server/http/security";
import { ErrorSummary, Notice, SelectField, TextField } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

/** Empty rows for new group mappings below the saved ones. */
const NEW_MAPPING_ROWS = 3;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "identity-provider:manage");
  const origin = expectedOrigin(
    Object.fromEntries(request.headers),
    context.secure,
    context.config,
  );
  return {
    settings: await getIdentityProviderSettings(context.db, context.config, user),
    departments: await listDepartments(context.db, user),
    redirectUri: origin + CALLBACK_PATH,
    backchannelUri: origin + BACKCHANNEL_LOGOUT_PATH,
  };
}

const lines = (value: FormDataEntryValue | null) =>
  String(value ?? "")
    .split(/[\s,;]+/)
    .filter(Boolean);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "identity-provider:manage");
  const form = await readForm(request);
  return runForm(form, async () => {
    const groups = form.getAll("group").map(String);
    const roles = form.getAll("role").map(String);
    const departments = form.getAll("departmentId").map(String);
    await saveIdentityProviderSettings(context.db, context.config, user, {
      displayName: form.get("displayName"),
      issuer: form.get("issuer"),
      clientId: form.get("clientId"),
      clientSecret: form.get("clientSecret") ?? "",
      scopes: form.get("scopes"),
      emailClaim: form.get("emailClaim"),
      groupsClaim: form.get("groupsClaim"),
      trustUnverifiedEmail: form.get("trustUnverifiedEmail") === "on",
      emailDomains: lines(form.get("emailDomains")),
      groupMappings: groups.flatMap((group, i) =>
        group.trim() ? [{ group, role: roles[i], departmentId: departments[i] || null }] : [],
      ),
      passwordSignIn: form.get("passwordSignIn") === "on",
      version: form.get("version"),
    });
    return redirect("/admin/inloggning?sparat=1", { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "idp.title");

export default function IdentityProviderPage() {
  const t = useT();
  const { settings, departments, redirectUri, backchannelUri } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const values = failure?.values;
  const errors = failure?.fieldErrors;
  const locked = settings.fromEnvironment;
  const mappings = [
    ...settings.groupMappings,
    ...Array.from({ length: NEW_MAPPING_ROWS }, () => ({ group: "", role: "", departmentId: "" })),
  ];
  const text = (name: keyof typeof settings) => echoed(values, name, String(settings[name]));
  return (
    <div className="page narrow">
      <h1>{t("idp.title")}</h1>
      <p>{t("idp.intro")}</p>
      {params.has("sparat") && <Notice>{t("idp.saved")}</Notice>}
      {settings.secretUnreadable && (
        <div className="error-summary" role="alert">
          <p>{t("idp.secretUnreadable")}</p>
        </div>
      )}
      <dl>
        <dt>{t("idp.redirectUri")}</dt>
        <dd>
          <code>{redirectUri}</code>
        </dd>
        <dt>{t("idp.backchannelUri")}</dt>
        <dd>
          <code>{backchannelUri}</code>
        </dd>
      </dl>
      <ErrorSummary
        errors={errors}
        labels={{
          displayName: t("idp.displayName"),
          issuer: t("idp.issuer"),
          clientId: t("idp.clientId"),
          clientSecret: t("idp.clientSecret"),
          scopes: t("idp.scopes"),
          emailClaim: t("idp.emailClaim"),
          groupsClaim: t("idp.groupsClaim"),
          emailDomains: t("idp.emailDomains"),
          groupMappings: t("idp.mappings"),
        }}
      />
      <Form method="post" className="stack" noValidate>
        <input
          type="hidden"
          name="version"
          value={failure?.conflict?.version ?? settings.version}
        />
        <fieldset className="stack">
          <legend>{t("idp.connection")}</legend>
          {locked && <p className="hint">{t("idp.fromEnvironment")}</p>}
          {locked ? (
            <dl>
              <dt>{t("idp.displayName")}</dt>
              <dd>{settings.displayName}</dd>
              <dt>{t("idp.issuer")}</dt>
              <dd>{settings.issuer}</dd>
              <dt>{t("idp.clientId")}</dt>
              <dd>{settings.clientId}</dd>
            </dl>
          ) : (
            <>
              <TextField
                id="displayName"
                name="displayName"
                label={t("idp.displayName")}
                hint={t("idp.displayNameHint")}
                defaultValue={text("displayName")}
                error={errors?.displayName}
              />
              <TextField
                id="issuer"
                name="issuer"
                label={t("idp.issuer")}
                hint={t("idp.issuerHint")}
                defaultValue={text("issuer")}
                error={errors?.issuer}
              />
              <TextField
                id="clientId"
                name="clientId"
                label={t("idp.clientId")}
                defaultValue={text("clientId")}
                error={errors?.clientId}
              />
              <TextField
                id="clientSecret"
                name="clientSecret"
                type="password"
                autoComplete="off"
                label={t("idp.clientSecret")}
                hint={settings.secretStored ? t("idp.clientSecretKept") : t("idp.clientSecretHint")}
                error={errors?.clientSecret}
              />
              <TextField
                id="scopes"
                name="scopes"
                label={t("idp.scopes")}
                defaultValue={text("scopes")}
                error={errors?.scopes}
              />
              <TextField
                id="emailClaim"
                name="emailClaim"
                label={t("idp.emailClaim")}
                defaultValue={text("emailClaim")}
                error={errors?.emailClaim}
              />
              <TextField
                id="groupsClaim"
                name="groupsClaim"
                label={t("idp.groupsClaim")}
                hint={t("idp.groupsClaimHint")}
                defaultValue={text("groupsClaim")}
                error={errors?.groupsClaim}
              />
            </>
          )}
        </fieldset>
        <fieldset className="stack">
          <legend>{t("idp.accounts")}</legend>
          <TextField
            id="emailDomains"
            name="emailDomains"
            multiline
            label={t("idp.emailDomains")}
            hint={t("idp.emailDomainsHint")}
            defaultValue={echoed(values, "emailDomains", settings.emailDomains.join("\n"))}
            error={errors?.emailDomains}
          />
          <div className="checkbox">
            <input
              type="checkbox"
              id="trustUnverifiedEmail"
              name="trustUnverifiedEmail"
              defaultChecked={settings.trustUnverifiedEmail}
              aria-describedby="trustUnverifiedEmail-hint"
            />
            <label htmlFor="trustUnverifiedEmail">{t("idp.trustUnverified")}</label>
          </div>
          <p className="hint" id="trustUnverifiedEmail-hint">
            {t("idp.trustUnverifiedHint")}
          </p>
          <div className="checkbox">
            <input
              type="checkbox"
              id="passwordSignIn"
              name="passwordSignIn"
              defaultChecked={settings.passwordSignIn}
              aria-describedby="passwordSignIn-hint"
            />
            <label htmlFor="passwordSignIn">{t("idp.passwordSignIn")}</label>
          </div>
          <p className="hint" id="passwordSignIn-hint">
            {t("idp.passwordSignInHint")}
          </p>
        </fieldset>
        <fieldset className="stack">
          <legend>{t("idp.mappings")}</legend>
          <p className="hint">{t("idp.mappingsHint")}</p>
          {mappings.map((mapping, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the form
            <div key={i} className="panel stack">
              <TextField
                id={`group-${i}`}
                name="group"
                label={t("idp.group", { number: i + 1 })}
                defaultValue={mapping.group}
              />
              <SelectField
                id={`role-${i}`}
                name="role"
                label={t("idp.role", { number: i + 1 })}
                defaultValue={mapping.role}
                options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
              />
              <SelectField
                id={`department-${i}`}
                name="departmentId"
                label={t("idp.department", { number: i + 1 })}
                defaultValue={mapping.departmentId ?? ""}
                placeholder={t("idp.noDepartment")}
                options={departments.map((d) => ({ value: d.id, label: d.name }))}
              />
            </div>
          ))}
        </fieldset>
        <button type="submit" className="button">
          {t("idp.save")}
        </button>
      </Form>
    </div>
  );
}
