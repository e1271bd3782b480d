import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useRevalidator,
  useSearchParams,
} from "@remix-run/react";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { formatDateTime } from "../../common/format";
import { isMessageKey } from "../../common/i18n";
import { publishDocumentChanged } from "../../server/bus";
import {
  actionsFromDocument,
  type DisplayStatus,
  displayStatus,
} from "../../server/domain/actions";
import { listDepartments } from "../../server/domain/departments";
import {
  createVersion,
  documentContent,
  getDocument,
  listVersions,
  restoreVersion,
  updateDocumentMeta,
} from "../../server/domain/documents";
import { ValidationError } from "../../server/domain/errors";
import { can } from "../../server/domain/policy";
import { Badge } from "../components/Badge";
import { useVersionedForm } from "../components/Conflict";
import {
  DocumentFields,
  DocumentStatusBadge,
  documentInput,
  SelectInput,
  statusOptions,
  useDocumentLabels,
} from "../components/DocumentFields";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { initials } from "../components/OnlineUsers";
import { StatusBadge } from "../components/StatusBadge";
import type { DocumentPerson } from "../editor/Editor.client";
import { cursorColor } from "../editor/presence";
import type { SaveState } from "../editor/provider.client";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useT } from "../utils/i18n";
import { useDocumentUpdates, useLiveUpdates } from "../utils/live";
import { guard, readForm, runForm } from "../utils/route.server";

// Lexical's collaboration code needs `window`: the editor loads in the browser after hydration.
const Editor = lazy(() => import("../editor/Editor.client"));

const TITLE_ID = "document-title";
/** Typed in "Bekräfta fastställande"; either language's word is accepted. */
const ADOPT_WORDS = ["fastställ", "adopt"];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "documents:read");
  const documentId = params.documentId ?? "";
  const [document, content, versions, departments, actions] = await guard(() =>
    Promise.all([
      getDocument(context.db, user, documentId),
      // Rendered from the stored Yjs state: the first paint, and the page without JavaScript.
      documentContent(context.db, user, documentId),
      listVersions(context.db, user, documentId),
      listDepartments(context.db, user),
      actionsFromDocument(context.db, user, documentId),
    ]),
  );
  return {
    document,
    html: content.html,
    versions,
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    user: { id: user.userId, name: user.name },
    canEdit: can(user, "documents:edit"),
    actions: actions.map((a) => ({
      id: a.id,
      title: a.title,
      departmentName: a.departmentName,
      status: displayStatus(a),
    })),
    canCreateAction: can(user, "actions:create"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "documents:read");
  const documentId = params.documentId ?? "";
  const form = await readForm(request);
  const intent = String(form.get("intent"));
  const back = (notice: string) => redirect(`/dokument/${documentId}?${notice}=1`, { status: 303 });
  return runForm(form, async () => {
    if (intent === "meta") {
      const status = String(form.get("status") ?? "");
      const confirmation = String(form.get("confirmAdopt") ?? "")
        .trim()
        .toLowerCase();
      if (status === "adopted" && !ADOPT_WORDS.includes(confirmation))
        throw new ValidationError({ confirmAdopt: "validation.confirmAdopt" });
      const { adoptedNow } = await updateDocumentMeta(context.db, user, documentId, {
        ...documentInput(form),
        status,
        version: form.get("version") ?? "",
      });
      publishDocumentChanged(context.bus, user, documentId, adoptedNow ? "adopted" : "meta");
      if (adoptedNow) {
        // Open editors turn read-only at once; the hub refuses any later update.
        context.collab.documentChanged(documentId, true);
        return back("faststallt");
      }
      return back("sparat");
    }
    if (intent === "version") {
      await createVersion(context.db, user, documentId, { note: form.get("note") ?? "" });
      publishDocumentChanged(context.bus, user, documentId, "version");
      return back("version-sparad");
    }
    if (intent === "restore") {
      await restoreVersion(context.db, user, documentId, String(form.get("versionId")), (update) =>
        context.collab.applyServerUpdate(documentId, update, user.userId),
      );
      publishDocumentChanged(context.bus, user, documentId, "restored");
      return back("aterstalld");
    }
    throw new Response("Bad Request", { status: 400 });
  });
}

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "documents.title").map(({ title }) => ({
    title: `${args.data?.document.title ?? ""} – ${title}`,
  }));

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

type SaveStatus = { state: SaveState; error: string | undefined } | null;

/** Next to the title, in a polite live region; "Sparat" only when the server has committed all. */
function SaveIndicator({ status }: { status: SaveStatus }) {
  const t = useT();
  let symbol = "";
  let text = "";
  if (status === null) {
    text = t("save.connecting");
  } else if (status.state === "saved") {
    symbol = "✓";
    text = t("save.saved");
  } else if (status.state === "saving") {
    symbol = "↻";
    text = t("save.saving");
  } else if (status.state === "offline" || status.state === "signed_out") {
    symbol = "⚠";
    text = t(status.state === "offline" ? "save.offline" : "save.signedOut");
  } else {
    symbol = "!";
    const reason = `collabError.${status.error}`;
    text = isMessageKey(reason)
      ? t("save.unsavedBecause", { reason: t(reason) })
      : t("save.unsaved");
  }
  return (
    <p
      className={`save-indicator save-${status?.state ?? "connecting"}`}
      role="status"
      data-testid="save-indicator"
    >
      {symbol && <span aria-hidden="true">{symbol} </span>}
      {text}
    </p>
  );
}

function People({
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

/** The actions created from the document, and the way to create one (roles that may). */
function DocumentActions({
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

function Content({ html }: { html: string }) {
  return (
    <div
      className="document-content"
      data-testid="document-static"
      // Our own server's rendering of the Yjs state (Lexical exports, links sanitised).
      // biome-ignore lint/security/noDangerouslySetInnerHtml: HTML rendered by the server's headless Lexical
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

export default function DocumentPage() {
  const t = useT();
  const { document, html, versions, departments, user, canEdit, actions, canCreateAction } =
    useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const hydrated = useHydrated();
  const revalidator = useRevalidator();
  const labels = useDocumentLabels();
  const [saveStatus, setSaveStatus] = useState<SaveStatus>(null);
  const [people, setPeople] = useState<DocumentPerson[] | null>(null);
  const failed = (intent: string) => (failure?.intent === intent ? failure : undefined);
  const frozen = document.status === "adopted";
  // Others' versions, restores and details arrive live; the editor keeps its own connection.
  const lastChange = useDocumentUpdates(document.id, user.id);
  // So do the actions made from it: a new one, a changed status, one moved off the document.
  useLiveUpdates(
    (event) => event.documentId === document.id || actions.some((a) => a.id === event.actionId),
    user.id,
  );
  const metaForm = useVersionedForm(
    document.version,
    {
      title: document.title,
      kind: document.kind,
      departmentIds: document.departmentIds,
      status: document.status,
    },
    failed("meta"),
  );

  const onSaveState = useCallback(
    (state: SaveState, error: string | undefined) => setSaveStatus({ state, error }),
    [],
  );
  const onFrozen = useCallback(() => revalidator.revalidate(), [revalidator]);

  return (
    <div className="page document-page">
      <p>
        <Link to="/dokument">← {t("documents.back")}</Link>
      </p>
      <div className="document-heading">
        <h1 id={TITLE_ID}>{document.title}</h1>
        {document.writable && hydrated && <SaveIndicator status={saveStatus} />}
      </div>
      <p className="document-meta">
        <span>{t(`documentKind.${document.kind}`)}</span>
        <DocumentStatusBadge status={document.status} />
        {document.departmentNames.length > 0 && <span>{document.departmentNames.join(", ")}</span>}
      </p>
      <p className="visually-hidden" role="status">
        {lastChange && t(`documents.live.${lastChange.change}`, { name: lastChange.actorName })}
      </p>
      {params.has("skapat") && <Notice>{t("documents.created")}</Notice>}
      {params.has("sparat") && <Notice>{t("documents.metaSaved")}</Notice>}
      {params.has("faststallt") && <Notice>{t("documents.adoptedNow")}</Notice>}
      {params.has("version-sparad") && <Notice>{t("documents.versionSaved")}</Notice>}
      {params.has("aterstalld") && <Notice>{t("documents.versionRestored")}</Notice>}

      <div className="document-layout">
        <div className="document-main">
          {!document.writable && (
            <p className="read-only-note">
              {frozen ? t("documents.frozen") : t("documents.readOnly")}
            </p>
          )}
          {hydrated ? (
            <Suspense fallback={<Content html={html} />}>
              <Editor
                key={document.id}
                documentId={document.id}
                titleId={TITLE_ID}
                user={user}
                writable={document.writable}
                fallback={<Content html={html} />}
                onSaveState={onSaveState}
                onPeople={setPeople}
                onFrozen={onFrozen}
              />
            </Suspense>
          ) : (
            <Content html={html} />
          )}
        </div>

        <div className="document-rail">
          <People people={people} selfId={user.id} saveState={saveStatus?.state} />

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

          <DocumentActions documentId={document.id} actions={actions} canCreate={canCreateAction} />

          {canEdit && !frozen && (
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
                <ErrorSummary
                  errors={failed("meta")?.fieldErrors}
                  labels={labels}
                  idPrefix="meta-"
                />
                <DocumentFields
                  idPrefix="meta-"
                  departments={departments}
                  defaults={{
                    title: document.title,
                    kind: document.kind,
                    departmentIds: document.departmentIds,
                  }}
                  errors={failed("meta")?.fieldErrors}
                  values={metaForm.values}
                />
                <SelectInput
                  id="meta-status"
                  name="status"
                  label={labels.status}
                  options={statusOptions(t)}
                  defaultValue={echoed(metaForm.values, "status", document.status)}
                  error={failed("meta")?.fieldErrors.status}
                />
                <TextField
                  id="meta-confirmAdopt"
                  name="confirmAdopt"
                  label={labels.confirmAdopt}
                  hint={t("documents.confirmAdoptHint")}
                  defaultValue=""
                  error={failed("meta")?.fieldErrors.confirmAdopt}
                />
                <button type="submit" name="intent" value="meta" className="button">
                  {t("documents.metaSave")}
                </button>
              </Form>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}
