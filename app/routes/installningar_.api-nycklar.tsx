import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatDate } from "../../common/format";
import { createApiToken, listApiTokens, revokeApiToken } from "../../server/auth/tokens";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { ScrollingTable } from "../components/Responsive";
import { ShownOnce } from "../components/ShownOnce";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

// The trailing underscore keeps this page out of /installningar's layout (that page has no outlet).
const PATH = "/installningar/api-nycklar";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "tokens:manage-own");
  return { tokens: await listApiTokens(context.db, user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "tokens:manage-own");
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  return runForm(form, async () => {
    if (intent === "revoke") {
      await revokeApiToken(context.db, user, String(form.get("tokenId") ?? ""));
      return redirect(`${PATH}?aterkallad=1`, { status: 303 });
    }
    const name = String(form.get("name") ?? "");
    // Answered in place, not redirected: the token exists only in this response.
    const { token } = await createApiToken(context.db, user, context.config.sessionSecret, {
      name,
    });
    return { ok: true as const, created: { name: name.trim(), token } };
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "apiKeys.title");

export default function ApiKeys() {
  const t = useT();
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const failure = result?.ok === false ? result : undefined;
  const created = result?.ok ? result.created : undefined;
  const confirming = tokens.find((token) => token.id === params.get("aterkalla"));
  const labels = { name: t("apiKeys.name") };
  return (
    <div className="page narrow">
      <p>
        <Link to="/installningar">← {t("apiKeys.back")}</Link>
      </p>
      <h1>{t("apiKeys.title")}</h1>
      <p>{t("apiKeys.intro")}</p>
      <p>
        {t("apiKeys.docsBefore")} <a href="/api/v1/openapi.json">{t("apiKeys.docsLink")}</a>.{" "}
        {t("apiKeys.usage")} <code>Authorization: Bearer svk_…</code>
      </p>
      {params.has("aterkallad") && <Notice>{t("apiKeys.revoked")}</Notice>}

      {created && (
        <ShownOnce
          id="new-token"
          heading={t("apiKeys.createdHeading", { name: created.name })}
          warning={t("apiKeys.copyNow")}
          label={t("apiKeys.token")}
          value={created.token}
        />
      )}

      {confirming && (
        <section className="panel" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">{t("apiKeys.confirmHeading", { name: confirming.name })}</h2>
          <p>{t("apiKeys.confirmText")}</p>
          <Form method="post" action={PATH} className="button-row">
            <input type="hidden" name="tokenId" value={confirming.id} />
            <button type="submit" name="intent" value="revoke" className="button button-danger">
              {t("apiKeys.confirmRevoke")}
            </button>
            <Link to={PATH} className="button button-secondary">
              {t("apiKeys.cancel")}
            </Link>
          </Form>
        </section>
      )}

      <h2>{t("apiKeys.yourKeys")}</h2>
      {tokens.length === 0 ? (
        <p>{t("apiKeys.none")}</p>
      ) : (
        <ScrollingTable label={t("apiKeys.yourKeys")}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("apiKeys.name")}</th>
                <th scope="col">{t("apiKeys.created")}</th>
                <th scope="col">{t("apiKeys.lastUsed")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("apiKeys.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>{formatDate(token.createdAt)}</td>
                  <td>
                    {token.lastUsedAt ? formatDate(token.lastUsedAt) : t("apiKeys.neverUsed")}
                  </td>
                  <td>
                    <Link to={`${PATH}?aterkalla=${token.id}`}>
                      {t("apiKeys.revoke")}
                      <span className="visually-hidden"> {token.name}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollingTable>
      )}

      <section className="panel" aria-labelledby="create-heading">
        <h2 id="create-heading">{t("apiKeys.create")}</h2>
        <Form key={created?.token} method="post" action={PATH} className="stack" noValidate>
          <ErrorSummary errors={failure?.fieldErrors} labels={labels} />
          <TextField
            id="name"
            name="name"
            label={labels.name}
            hint={t("apiKeys.nameHint")}
            defaultValue={echoed(failure?.values, "name")}
            error={failure?.fieldErrors.name}
          />
          <button type="submit" name="intent" value="create" className="button">
            {t("apiKeys.createSubmit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
