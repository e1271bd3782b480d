import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "../../common/format";
import { isMessageKey } from "../../common/i18n";
import { auditLogChoices, listAuditLog } from "../../server/domain/audit-log";
import { SelectField, TextField } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { guard } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requirePermission(request, context, "users:manage");
  const params = new URL(request.url).searchParams;
  return guard(async () => {
    const [log, choices] = await Promise.all([
      listAuditLog(context.db, actor, Object.fromEntries(params)),
      auditLogChoices(context.db, actor),
    ]);
    return { ...log, ...choices };
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "auditLog.title");

export default function AuditLog() {
  const t = useT();
  const { filter, entries, nextCursor, kinds, people } = useLoaderData<typeof loader>();
  const kindLabel = (action: string) => {
    const key = `auditLog.kind.${action}`;
    return isMessageKey(key) ? t(key) : action;
  };
  const next = new URLSearchParams(
    Object.entries({ ...filter, cursor: nextCursor ?? "" }).filter(
      (pair): pair is [string, string] => typeof pair[1] === "string" && pair[1] !== "",
    ),
  );
  return (
    <div className="page">
      <h1>{t("auditLog.title")}</h1>
      <p>{t("auditLog.intro")}</p>
      <Form method="get" className="filter-bar" aria-label={t("auditLog.filters")}>
        <SelectField
          id="kind"
          name="kind"
          label={t("auditLog.kind")}
          defaultValue={filter.kind ?? ""}
          placeholder={t("auditLog.all")}
          options={kinds.map((kind) => ({ value: kind, label: kindLabel(kind) }))}
        />
        <SelectField
          id="personId"
          name="personId"
          label={t("auditLog.person")}
          defaultValue={filter.personId ?? ""}
          placeholder={t("auditLog.all")}
          options={people.map((person) => ({ value: person.id, label: person.name }))}
        />
        <TextField
          id="from"
          name="from"
          type="date"
          label={t("auditLog.from")}
          defaultValue={filter.from ?? ""}
        />
        <TextField
          id="to"
          name="to"
          type="date"
          label={t("auditLog.to")}
          defaultValue={filter.to ?? ""}
        />
        <button type="submit" className="button">
          {t("auditLog.apply")}
        </button>
      </Form>
      {entries.length === 0 ? (
        <p>{t("auditLog.none")}</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">{t("auditLog.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("auditLog.at")}</th>
              <th scope="col">{t("auditLog.kind")}</th>
              <th scope="col">{t("auditLog.by")}</th>
              <th scope="col">{t("auditLog.concerns")}</th>
              <th scope="col">{t("auditLog.details")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                </td>
                <td>{kindLabel(entry.action)}</td>
                <td>{entry.actorName ?? t("auditLog.system")}</td>
                <td>{entry.subjectName ?? entry.entityType}</td>
                <td>
                  {Object.entries(entry.details)
                    .map(([key, value]) => `${key}: ${value}`)
                    .join(", ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor && (
        <p>
          <Link to={`/admin/logg?${next}`}>{t("auditLog.next")}</Link>
        </p>
      )}
    </div>
  );
}
