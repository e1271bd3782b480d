import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatDateTime, formatRelative } from "../../common/format";
import { DOCUMENT_KINDS, DOCUMENT_STATUSES } from "../../db/schema";
import { listDepartments } from "../../server/domain/departments";
import { listDocuments } from "../../server/domain/documents";
import { can } from "../../server/domain/policy";
import { ArchivedTag, ShowArchivedField } from "../components/ArchivePanel";
import {
  DocumentStatusBadge,
  kindOptions,
  SelectInput,
  statusOptions,
  useDocumentLabels,
} from "../components/DocumentFields";
import { Notice, TextField } from "../components/FormFields";
import { NarrowDisclosure, ScrollingTable } from "../components/Responsive";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useLocale, useT } from "../utils/i18n";
import { useDocumentListUpdates } from "../utils/live";

/** Only values the filter knows; anything else in the address is ignored rather than an error. */
function filterFrom(url: URL, departmentIds: Set<string>) {
  const get = (name: string) => url.searchParams.get(name)?.trim() ?? "";
  const kind = get("kind");
  const status = get("status");
  const departmentId = get("departmentId");
  const q = get("q").slice(0, 200);
  const archived = get("archived");
  return {
    kind: (DOCUMENT_KINDS as readonly string[]).includes(kind) ? kind : undefined,
    status: (DOCUMENT_STATUSES as readonly string[]).includes(status) ? status : undefined,
    departmentId: departmentIds.has(departmentId) ? departmentId : undefined,
    q: q || undefined,
    archived: archived === "all" || archived === "true" ? archived : undefined,
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "documents:read");
  const departments = await listDepartments(context.db, user);
  const filter = filterFrom(new URL(request.url), new Set(departments.map((d) => d.id)));
  const documents = await listDocuments(context.db, user, filter);
  return {
    filter,
    filtered: Object.values(filter).some(Boolean),
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    canCreate: can(user, "documents:create"),
    deleted: new URL(request.url).searchParams.has("raderat"),
    userId: user.userId,
    documents: documents.map((d) => ({
      id: d.id,
      title: d.title,
      kind: d.kind,
      status: d.status,
      archived: d.archived,
      departmentNames: d.departmentNames,
      contentUpdatedAt: d.contentUpdatedAt,
    })),
  };
}

export const meta: MetaFunction = (args) => pageTitle(args, "documents.title");

export default function Documents() {
  const t = useT();
  const locale = useLocale();
  const { filter, filtered, departments, canCreate, deleted, documents, userId } =
    useLoaderData<typeof loader>();
  // A document created, renamed or moved on by someone else shows up without a reload.
  const lastChange = useDocumentListUpdates(userId);
  const labels = useDocumentLabels();
  const all = t("documents.all");
  return (
    <div className="page">
      <div className="page-heading">
        <h1>{t("documents.title")}</h1>
        {canCreate && (
          <Link to="/dokument/ny" className="button">
            {t("documents.new")}
          </Link>
        )}
      </div>

      <NarrowDisclosure
        id="document-filters"
        label={t("filters.toggle")}
        className="filter-disclosure"
      >
        <Form
          method="get"
          action="/dokument"
          className="filters panel"
          role="search"
          aria-label={t("documents.filters")}
          key={JSON.stringify(filter)}
        >
          <div className="field-row">
            <SelectInput
              id="filter-kind"
              name="kind"
              label={labels.kind}
              placeholder={all}
              options={kindOptions(t)}
              defaultValue={filter.kind ?? ""}
            />
            <SelectInput
              id="filter-department"
              name="departmentId"
              label={labels.departmentIds}
              placeholder={all}
              options={departments.map((d) => ({ value: d.id, label: d.name }))}
              defaultValue={filter.departmentId ?? ""}
            />
            <SelectInput
              id="filter-status"
              name="status"
              label={labels.status}
              placeholder={all}
              options={statusOptions(t)}
              defaultValue={filter.status ?? ""}
            />
            <TextField
              id="filter-q"
              name="q"
              type="search"
              label={t("documents.titleFilter")}
              defaultValue={filter.q ?? ""}
            />
            <ShowArchivedField id="filter-archived" checked={filter.archived !== undefined} />
          </div>
          <div className="button-row">
            <button type="submit" className="button">
              {t("documents.filterSubmit")}
            </button>
            {filtered && (
              <Link to="/dokument" className="button button-secondary">
                {t("documents.filterClear")}
              </Link>
            )}
          </div>
        </Form>
      </NarrowDisclosure>

      {deleted && <Notice>{t("archive.documentDeleted")}</Notice>}
      <p role="status">{t("documents.count", { count: documents.length })}</p>
      <p className="visually-hidden" role="status">
        {lastChange ? t("documents.liveUpdated", { name: lastChange.actorName }) : ""}
      </p>
      {documents.length === 0 ? (
        <p className="empty-state">
          {filtered
            ? t("documents.noMatch")
            : canCreate
              ? t("documents.empty")
              : t("documents.emptyReader")}
        </p>
      ) : (
        <ScrollingTable label={t("documents.title")}>
          <table className="table">
            <caption className="visually-hidden">{t("documents.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{labels.title}</th>
                <th scope="col">{labels.kind}</th>
                <th scope="col">{labels.status}</th>
                <th scope="col">{labels.departmentIds}</th>
                <th scope="col">{t("documents.lastEdited")}</th>
              </tr>
            </thead>
            <tbody>
              {documents.map((d) => (
                <tr
                  key={d.id}
                  className={d.id === lastChange?.documentId ? "just-updated" : undefined}
                >
                  <td>
                    <Link to={`/dokument/${d.id}`}>{d.title}</Link>
                    {d.archived && (
                      <>
                        {" "}
                        <ArchivedTag />
                      </>
                    )}
                  </td>
                  <td>{t(`documentKind.${d.kind}`)}</td>
                  <td>
                    <DocumentStatusBadge status={d.status} />
                  </td>
                  <td>
                    {d.departmentNames.length > 0
                      ? d.departmentNames.join(", ")
                      : t("documents.noDepartments")}
                  </td>
                  <td>
                    {/* Relative to "now", which differs by a moment between server and browser. */}
                    <time
                      dateTime={d.contentUpdatedAt}
                      title={formatDateTime(d.contentUpdatedAt)}
                      suppressHydrationWarning
                    >
                      {formatRelative(d.contentUpdatedAt, locale)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollingTable>
      )}
    </div>
  );
}
