import { Form, Link } from "@remix-run/react";
import type { DocumentPerson } from "../../common/collab-protocol";
import { cursorColor } from "../../common/cursor-color";
import { formatDateTime } from "../../common/format";
import type { DisplayStatus } from "../../server/domain/actions";
import type { DocumentView, VersionView } from "../../server/domain/documents";
import type { SaveState } from "../editor/provider.client";
import { echoed } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { Badge } from "./Badge";
import { useVersionedForm } from "./Conflict";
import {
  DocumentFields,
  FrontMatterFields,
  frontMatterValues,
  SelectInput,
  statusOptions,
  useDocumentLabels,
} from "./DocumentFields";
import { CheckboxField, ErrorSummary, TextField } from "./FormFields";
import { initials } from "./OnlineUsers";
import { StatusBadge } from "./StatusBadge";

/** Who has the document open now, as the editor's connection reports them. */
export function DocumentPeople({
  people,
  selfId,
  saveState,
}: {
  people: DocumentPerson[] | null;
  selfId: string;
  saveState: SaveState | undefined;
}) {
  const t = useT();
  // Unknown while disconnected; say why rather than "connecting" for as long as it lasts.
  const unknown =
    saveState === "signed_out"
      ? t("documents.peopleSignedOut")
      : saveState === "offline"
        ? t("documents.peopleOffline")
        : t("documents.peopleConnecting");
  return (
    <section className="rail-section" aria-labelledby="people-heading">
      <h2 id="people-heading">{t("documents.people")}</h2>
      {people === null ? (
        <p className="meta">{unknown}</p>
      ) : (
        <ul className="people-list" data-testid="document-people">
          {people.map((person) => (
            <li key={person.id}>
              <span
                className="person-chip"
                style={{ backgroundColor: cursorColor(person.id) }}
                aria-hidden="true"
              >
                {initials(person.name)}
              </span>
              {person.id === selfId ? t("documents.you", { name: person.name }) : person.name}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The document's saved versions, restoring one, and saving a new one (for those who may write). */
export function DocumentVersions({
  document,
  versions,
  failed,
}: {
  document: Pick<DocumentView, "id" | "writable">;
  versions: VersionView[];
  failed: (intent: string) => FormFailure | undefined;
}) {
  const t = useT();
  return (
    <section className="rail-section" aria-labelledby="versions-heading">
      <h2 id="versions-heading">{t("documents.versions")}</h2>
      <ErrorSummary errors={failed("restore")?.fieldErrors} labels={{}} idPrefix="restore-" />
      {versions.length === 0 ? (
        <p className="meta">{t("documents.noVersions")}</p>
      ) : (
        <ul className="version-list">
          {versions.map((version) => {
            const date = formatDateTime(version.createdAt);
            return (
              <li key={version.id}>
                <Link to={`/dokument/${document.id}/versioner/${version.id}`}>
                  {version.note || t("documents.versionUntitled")}
                </Link>
                {version.adopted && (
                  <>
                    {" "}
                    <Badge tone="ok" symbol="✓">
                      {t("documents.versionAdopted")}
                    </Badge>
                  </>
                )}
                <p className="meta">
                  {t("documents.versionBy", { name: version.createdByName ?? "–", date })}
                </p>
                {document.writable && (
                  <Form method="post" preventScrollReset>
                    <input type="hidden" name="versionId" value={version.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="restore"
                      className="button button-secondary button-small"
                      aria-label={t("documents.versionRestoreLabel", { date })}
                    >
                      {t("documents.versionRestore")}
                    </button>
                  </Form>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {document.writable && (
        <Form method="post" className="stack" noValidate preventScrollReset>
          <ErrorSummary
            errors={failed("version")?.fieldErrors}
            labels={{ note: t("documents.versionNote") }}
            idPrefix="version-"
          />
          <TextField
            id="version-note"
            name="note"
            label={t("documents.versionNote")}
            hint={t("documents.versionNoteHint")}
            defaultValue={echoed(failed("version")?.values, "note")}
            error={failed("version")?.fieldErrors.note}
          />
          <button type="submit" name="intent" value="version" className="button">
            {t("documents.versionSave")}
          </button>
        </Form>
      )}
    </section>
  );
}

/** The actions created from the document, and the way to create one (roles that may). */
export function DocumentActions({
  documentId,
  actions,
  canCreate,
}: {
  documentId: string;
  actions: { id: string; title: string; departmentName: string; status: DisplayStatus }[];
  canCreate: boolean;
}) {
  const t = useT();
  return (
    <section className="rail-section" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{t("documents.actions")}</h2>
      {actions.length === 0 ? (
        <p className="meta">{t(canCreate ? "documents.noActions" : "documents.noActionsReader")}</p>
      ) : (
        <ul className="linked-actions" data-testid="document-actions">
          {actions.map((action) => (
            <li key={action.id}>
              <Link to={`/atgarder/${action.id}`}>{action.title}</Link>
              <p className="meta">{action.departmentName}</p>
              <StatusBadge status={action.status} />
            </li>
          ))}
        </ul>
      )}
      {canCreate && (
        <p>
          <Link
            to={`/atgarder/ny?dokument=${documentId}`}
            className="button button-secondary button-small"
          >
            {t("documents.createAction")}
          </Link>
        </p>
      )}
    </section>
  );
}

/**
 * The document (or one stored version) as Word and PDF files: a plain GET form, so the browser
 * downloads the file with or without JavaScript; the current text may take its comments along,
 * any text its open suggested changes.
 */
export function DocumentDownloads({
  documentId,
  versionId,
}: {
  documentId: string;
  versionId?: string;
}) {
  const t = useT();
  return (
    <section className="rail-section" aria-labelledby="export-heading">
      <h2 id="export-heading">{t("documents.export")}</h2>
      <p className="meta">
        {t(versionId ? "documents.exportVersionHint" : "documents.exportHint")}
      </p>
      <form method="get" action={`/dokument/${documentId}/export`} className="download-form">
        {versionId ? (
          <input type="hidden" name="versionId" value={versionId} />
        ) : (
          <CheckboxField
            id="export-comments"
            name="comments"
            value="true"
            label={t("documents.exportWithComments")}
            hint={t("documents.exportWithCommentsHint")}
          />
        )}
        <CheckboxField
          id="export-suggestions"
          name="suggestions"
          value="true"
          label={t("documents.exportWithSuggestions")}
          hint={t("documents.exportWithSuggestionsHint")}
        />
        <div className="button-row">
          <button type="submit" name="format" value="docx" className="button button-secondary">
            {t("documents.exportDocx")}
          </button>
          <button type="submit" name="format" value="pdf" className="button button-secondary">
            {t("documents.exportPdf")}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Title, kind, departments, front matter and status; adopting asks for the confirmation word. */
export function DocumentMetaForm({
  document,
  departments,
  failure,
}: {
  document: DocumentView;
  departments: { id: string; name: string }[];
  failure?: FormFailure;
}) {
  const t = useT();
  const labels = useDocumentLabels();
  const metaForm = useVersionedForm(
    document.version,
    {
      title: document.title,
      kind: document.kind,
      departmentIds: document.departmentIds,
      status: document.status,
      ...frontMatterValues(document.frontMatter),
    },
    failure,
  );
  return (
    <section className="rail-section" aria-labelledby="meta-heading">
      <h2 id="meta-heading">{t("documents.meta")}</h2>
      {metaForm.stale && (
        <p className="live-note">
          {t("documents.metaStale")}{" "}
          <button type="button" className="link-button" onClick={metaForm.restart}>
            {t("documents.metaRestart")}
          </button>
        </p>
      )}
      <Form
        method="post"
        className="stack"
        noValidate
        preventScrollReset
        // Follows saved changes (anyone's) until the viewer starts editing.
        key={metaForm.key}
        {...metaForm.formProps}
      >
        {metaForm.hiddenInputs}
        <ErrorSummary errors={failure?.fieldErrors} labels={labels} idPrefix="meta-" />
        <DocumentFields
          idPrefix="meta-"
          departments={departments}
          defaults={{
            title: document.title,
            kind: document.kind,
            departmentIds: document.departmentIds,
          }}
          errors={failure?.fieldErrors}
          values={metaForm.values}
        />
        <FrontMatterFields
          frontMatter={document.frontMatter}
          errors={failure?.fieldErrors}
          values={metaForm.values}
        />
        <SelectInput
          id="meta-status"
          name="status"
          label={labels.status}
          options={statusOptions(t)}
          defaultValue={echoed(metaForm.values, "status", document.status)}
          error={failure?.fieldErrors.status}
        />
        <CheckboxField
          id="meta-confirmAdopt"
          name="confirmAdopt"
          label={labels.confirmAdopt}
          hint={t("documents.confirmAdoptHint")}
          error={failure?.fieldErrors.confirmAdopt}
        />
        <button type="submit" name="intent" value="meta" className="button">
          {t("documents.metaSave")}
        </button>
      </Form>
    </section>
  );
}
