import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Link,
  useActionData,
  useLoaderData,
  useRevalidator,
  useSearchParams,
} from "@remix-run/react";
import { lazy, Suspense, useCallback, useState } from "react";
import type { DocumentPerson } from "../../common/collab-protocol";
import { deleteDocument, setDocumentArchived } from "../../server/domain/archiving";
import {
  replyToThread,
  setThreadResolved,
  startThread,
} from "../../server/domain/document-comments";
import { markReviewed, requestReview } from "../../server/domain/document-reviews";
import { createVersion, restoreVersion, updateDocumentMeta } from "../../server/domain/documents";
import { ArchivedNotice, ArchivePanel } from "../components/ArchivePanel";
import { DocumentComments } from "../components/DocumentComments";
import { DocumentStatusBadge, FrontMatterBlock } from "../components/DocumentFields";
import {
  DocumentActions,
  DocumentDownloads,
  DocumentMetaForm,
  DocumentPeople,
  DocumentVersions,
} from "../components/DocumentRail";
import { DocumentReview } from "../components/DocumentReview";
import { Notice } from "../components/FormFields";
import { SaveIndicator, type SaveStatus } from "../components/SaveIndicator";
import type { CommentDraft } from "../editor/CommentsPlugin";
import type { SaveState } from "../editor/provider.client";
import { requirePermission } from "../utils/auth.server";
import { useHydrated } from "../utils/hydrated";
import { pageTitle, useT } from "../utils/i18n";
import { useDocumentUpdates, useLiveUpdates } from "../utils/live";
import {
  assertDeletionConfirmed,
  dispatchIntent,
  guard,
  readForm,
  runForm,
} from "../utils/route.server";
import { documentMetaInput, documentPage } from "./dokument.$documentId.server";

// Lexical's collaboration code needs `window`: the editor loads in the browser after hydration.
const Editor = lazy(() => import("../editor/Editor.client"));

const TITLE_ID = "document-title";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "documents:read");
  return guard(() => documentPage(context.db, user, params.documentId ?? ""));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "documents:read");
  const documentId = params.documentId ?? "";
  const form = await readForm(request);
  const back = (notice: string) => redirect(`/dokument/${documentId}?${notice}=1`, { status: 303 });
  return runForm(form, () =>
    dispatchIntent<Response | { ok: true }>(form, {
      async meta() {
        const input = documentMetaInput(form);
        const { adoptedNow } = await updateDocumentMeta(context.db, user, documentId, input);
        return back(adoptedNow ? "faststallt" : "sparat");
      },
      async version() {
        await createVersion(context.db, user, documentId, { note: form.get("note") ?? "" });
        return back("version-sparad");
      },
      // Comments are sent without leaving the page (a fetcher); the page's loaders run again.
      async "comment-start"() {
        await startThread(context.db, user, documentId, {
          anchorStart: form.get("anchorStart") ?? "",
          anchorEnd: form.get("anchorEnd") ?? "",
          quote: form.get("quote") ?? "",
          body: form.get("body") ?? "",
        });
        return { ok: true as const };
      },
      async "comment-reply"() {
        const threadId = String(form.get("threadId") ?? "");
        await replyToThread(context.db, user, documentId, threadId, {
          body: form.get("body") ?? "",
        });
        return { ok: true as const };
      },
      async "comment-resolve"() {
        await setThreadResolved(context.db, user, documentId, String(form.get("threadId")), true);
        return { ok: true as const };
      },
      async "comment-reopen"() {
        await setThreadResolved(context.db, user, documentId, String(form.get("threadId")), false);
        return { ok: true as const };
      },
      async "review-request"() {
        await requestReview(context.db, user, documentId, {
          reviewerIds: form.getAll("reviewerIds").map(String),
        });
        return back("granskning");
      },
      async "review-done"() {
        await markReviewed(context.db, user, documentId, { comment: form.get("comment") ?? "" });
        return back("granskad");
      },
      async restore() {
        const versionId = String(form.get("versionId"));
        await restoreVersion(context.db, user, documentId, versionId);
        return back("aterstalld");
      },
      async archive() {
        await setDocumentArchived(context.db, user, documentId, true);
        return back("arkiverat");
      },
      async unarchive() {
        await setDocumentArchived(context.db, user, documentId, false);
        return back("fran-arkivet");
      },
      async delete() {
        assertDeletionConfirmed(form);
        await deleteDocument(context.db, user, documentId);
        return redirect("/dokument?raderat=1", { status: 303 });
      },
    }),
  );
}

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "documents.title").map(({ title }) => ({
    title: `${args.data?.document.title ?? ""} – ${title}`,
  }));

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
  const {
    document,
    html,
    quarantined,
    versions,
    departments,
    user,
    canEdit,
    canDelete,
    actions,
    canCreateAction,
    threads,
    people: mentionable,
    canComment,
    reviews,
    reviewers,
    canRequestReview,
    openSuggestions,
  } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const hydrated = useHydrated();
  const revalidator = useRevalidator();
  const [saveStatus, setSaveStatus] = useState<SaveStatus>(null);
  // The editor lists the suggested changes here, in the rail.
  const [suggestionsContainer, setSuggestionsContainer] = useState<HTMLDivElement | null>(null);
  const [people, setPeople] = useState<DocumentPerson[] | null>(null);
  const failed = (intent: string) =>
    failure && "intent" in failure && failure.intent === intent ? failure : undefined;
  const frozen = document.status === "adopted" || document.archived;
  // Others' versions, restores and details arrive live; the editor keeps its own connection.
  const lastChange = useDocumentUpdates(document.id, user.id);
  // So do the actions made from it: a new one, a changed status, one moved off the document.
  useLiveUpdates(
    (event) => event.documentId === document.id || actions.some((a) => a.id === event.actionId),
    user.id,
  );

  const onSaveState = useCallback(
    (state: SaveState, error: string | undefined) => setSaveStatus({ state, error }),
    [],
  );
  const onFrozen = useCallback(() => revalidator.revalidate(), [revalidator]);
  const openThreads = threads.filter((thread) => thread.state === "open").length;
  const [draft, setDraft] = useState<CommentDraft | null>(null);
  const [noSelection, setNoSelection] = useState(false);
  const [activeThreadId, setActiveThreadId] = useState<string | null>(null);
  const [selectRequest, setSelectRequest] = useState<{ threadId: string } | null>(null);
  const onComment = useCallback((next: CommentDraft | null) => {
    setDraft(next);
    setNoSelection(next === null);
  }, []);
  const onDraftDone = useCallback(() => setDraft(null), []);
  const showInText = useCallback((threadId: string) => {
    setActiveThreadId(threadId);
    setSelectRequest({ threadId });
  }, []);

  return (
    <div className="page document-page">
      <p className="back-link">
        <Link to="/dokument">← {t("documents.back")}</Link>
      </p>
      <FrontMatterBlock frontMatter={document.frontMatter} />
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
      {params.has("granskning") && <Notice>{t("review.requestedNotice")}</Notice>}
      {params.has("granskad") && <Notice>{t("review.reviewedNotice")}</Notice>}
      {params.has("arkiverat") && <Notice>{t("archive.archivedNow")}</Notice>}
      {params.has("fran-arkivet") && <Notice>{t("archive.restoredNow")}</Notice>}
      {document.archived && <ArchivedNotice>{t("archive.documentNotice")}</ArchivedNotice>}

      <div className="document-layout">
        <div className="document-main">
          {quarantined ? (
            <p className="read-only-note" data-testid="quarantined">
              {t("documents.quarantined", { count: quarantined })}
            </p>
          ) : null}
          {!document.writable && !document.archived && (
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
                suggestionsContainer={suggestionsContainer}
                comments={{
                  threads: threads.map((thread, i) => ({
                    id: thread.id,
                    number: i + 1,
                    anchorStart: thread.anchorStart,
                    anchorEnd: thread.anchorEnd,
                    quote: thread.quote,
                    resolved: thread.state === "resolved",
                  })),
                  activeThreadId,
                  selectRequest,
                  canComment,
                  onComment,
                }}
              />
            </Suspense>
          ) : (
            <Content html={html} />
          )}
        </div>

        <div className="document-rail">
          <DocumentComments
            threads={threads}
            canComment={canComment}
            people={mentionable}
            draft={draft}
            noSelection={noSelection}
            activeThreadId={activeThreadId}
            onActivate={setActiveThreadId}
            onShowInText={showInText}
            onDraftDone={onDraftDone}
          />
          <div ref={setSuggestionsContainer} data-testid="suggestions-rail" />
          <DocumentReview
            reviews={reviews}
            userId={user.id}
            reviewers={reviewers}
            canRequest={canRequestReview}
            canMark={canComment}
            failed={failed}
          />
          <DocumentDownloads documentId={document.id} />
          <DocumentPeople people={people} selfId={user.id} saveState={saveStatus?.state} />
          <DocumentVersions document={document} versions={versions} failed={failed} />
          <DocumentActions documentId={document.id} actions={actions} canCreate={canCreateAction} />
          {canEdit && !frozen && openThreads > 0 && (
            <p className="read-only-note" data-testid="unresolved-comments">
              <span aria-hidden="true">⚠ </span>
              {t("comments.unresolvedWarning", { count: openThreads })}
            </p>
          )}
          {canEdit && !frozen && openSuggestions > 0 && (
            <p className="read-only-note" data-testid="open-suggestions">
              <span aria-hidden="true">⚠ </span>
              {t("suggestions.openWarning", { count: openSuggestions })}
            </p>
          )}
          {canEdit && !frozen && (
            <DocumentMetaForm
              document={document}
              departments={departments}
              failure={failed("meta")}
            />
          )}
          <ArchivePanel
            archived={document.archived}
            canArchive={canEdit}
            canDelete={canDelete}
            archiveHint={t("archive.archiveDocumentHint")}
            failure={failure && "intent" in failure ? failure : undefined}
          />
        </div>
      </div>
    </div>
  );
}
