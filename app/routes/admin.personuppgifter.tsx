import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listPersonalDataFindings, purgePersonalData } from "../../server/domain/personal-data";
import { Notice } from "../components/FormFields";
import { ScrollingTable } from "../components/Responsive";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "personalData:purge");
  return { findings: await listPersonalDataFindings(context.db, user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "personalData:purge");
  const form = await readForm(request);
  return runForm(form, async () => {
    await purgePersonalData(
      context.db,
      user,
      { place: form.get("place"), id: form.get("id"), field: form.get("field") },
      (documentId, update) => context.collab.applyServerUpdate(documentId, update, user.userId),
    );
    return redirect("/admin/personuppgifter?borttaget=1", { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "personalData.title");

export default function PersonalData() {
  const t = useT();
  const { findings } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="page">
      <h1>{t("personalData.title")}</h1>
      {params.has("borttaget") && <Notice>{t("personalData.purged")}</Notice>}
      <p>{t("personalData.intro")}</p>
      {findings.length === 0 ? (
        <p>{t("personalData.none")}</p>
      ) : (
        <>
          <p>{t("personalData.count", { count: findings.length })}</p>
          <ScrollingTable label={t("personalData.caption")}>
            <table className="table">
              <caption>{t("personalData.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("personalData.place")}</th>
                  <th scope="col">{t("personalData.field")}</th>
                  <th scope="col">{t("personalData.excerpt")}</th>
                  <th scope="col">{t("personalData.purgeColumn")}</th>
                </tr>
              </thead>
              <tbody>
                {findings.map((finding) => {
                  const place = t(`personalData.places.${finding.place}`);
                  const field = t(`personalData.fields.${finding.field}`);
                  return (
                    <tr key={`${finding.place}:${finding.id}:${finding.field}`}>
                      <th scope="row">
                        {place}
                        {": "}
                        {finding.href ? (
                          <Link to={finding.href}>{finding.label}</Link>
                        ) : (
                          finding.label
                        )}
                      </th>
                      <td>{field}</td>
                      <td>{finding.excerpt}</td>
                      <td>
                        <Form method="post">
                          <input type="hidden" name="place" value={finding.place} />
                          <input type="hidden" name="id" value={finding.id} />
                          <input type="hidden" name="field" value={finding.field} />
                          <button type="submit" className="button button-secondary">
                            {t("personalData.purge")}
                            <span className="visually-hidden">
                              {` – ${place}, ${finding.label}, ${field}`}
                            </span>
                          </button>
                        </Form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollingTable>
        </>
      )}
    </div>
  );
}
