import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { formatDateTime } from "../../common/format";
import type { CommentThreadView } from "../../server/domain/document-comments";
import type { CommentDraft } from "../editor/CommentsPlugin";
import { useT } from "../utils/i18n";
import { MentionField } from "./MentionField";
import { RelativeTime } from "./RelativeTime";

type Person = { id: string; name: string };
type FetcherData = { ok: false; fieldErrors: Record<string, string> } | { ok: true } | undefined;

/** Submits a comment form without leaving the page; `onDone` after it was saved. */
function CommentForm({
  intent,
  hidden,
  label,
  submit,
  people,
  autoFocus,
  onDone,
  onCancel,
}: {
  intent: string;
  hidden?: Record<string, string>;
  label: string;
  submit: string;
  people: Person[];
  autoFocus?: boolean;
  onDone?: () => void;
  onCancel?: () => void;
}) {
  const t = useT();
  const fetcher = useFetcher<FetcherData>();
  const [generation, setGeneration] = useState(0);
  const id = useId();
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) {
      setGeneration((n) => n + 1);
      done.current?.();
    }
  }, [fetcher.state, fetcher.data]);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.fieldErrors : undefined;
  return (
    <fetcher.Form method="post" className="comment-form" noValidate>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(hidden ?? {}).map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      <MentionField
        key={generation}
        id={`${id}-body`}
        name="body"
        label={label}
        people={people}
        error={error?.body ?? error?.anchorStart ?? error?.quote ?? error?.form}
        autoFocus={autoFocus}
      />
      <div className="button-row">
        <button type="submit" className="button" disabled={fetcher.state !== "idle"}>
          {submit}
        </button>
        {onCancel && (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t("comments.cancel")}
          </button>
        )}
      </div>
    </fetcher.Form>
  );
}

function ResolveButton({ thread }: { thread: CommentThreadView }) {
  const t = useT();
  const fetcher = useFetcher();
  const resolved = thread.state === "resolved";
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="threadId" value={thread.id} />
      <button
        type="submit"
        name="intent"
        value={resolved ? "comment-reopen" : "comment-resolve"}
        className="button button-secondary"
        disabled={fetcher.state !== "idle"}
      >
        {resolved ? t("comments.reopen") : t("comments.resolve")}
      </button>
    </fetcher.Form>
  );
}

function Thread({
  thread,
  number,
  active,
  canComment,
  people,
  onActivate,
  onShowInText,
}: {
  thread: CommentThreadView;
  number: number;
  active: boolean;
  canComment: boolean;
  people: Person[];
  onActivate: () => void;
  onShowInText: () => void;
}) {
  const t = useT();
  const headingId = `thread-${thread.id}-heading`;
  const deleted = thread.anchorState === "deleted";
  return (
    <article
      className={`comment-thread${active ? " comment-thread-active" : ""}${thread.state === "resolved" ? " comment-thread-resolved" : ""}`}
      aria-labelledby={headingId}
      id={`thread-${thread.id}`}
      data-testid="comment-thread"
      tabIndex={-1}
      onFocus={onActivate}
    >
      <h3 id={headingId} className="comment-thread-heading">
        <span className="comment-number" aria-hidden="true">
          {number}
        </span>
        {t("comments.thread", { number })}
        {thread.state === "resolved" && (
          <span className="comment-state">
            {" "}
            –{" "}
            {t("comments.resolvedBy", {
              date: formatDateTime(thread.resolvedAt ?? thread.createdAt),
              name: thread.resolvedByName ?? "",
            })}
          </span>
        )}
      </h3>
      {deleted ? (
        <p className="comment-quote comment-quote-deleted" data-testid="comment-quote">
          <strong>{t("comments.textDeleted")}</strong>
          <span className="meta"> ({thread.quote})</span>
        </p>
      ) : (
        <blockquote className="comment-quote" data-testid="comment-quote">
          {thread.quote}
        </blockquote>
      )}
      <ol className="plain-list comment-list">
        {thread.comments.map((comment) => (
          <li key={comment.id}>
            <p className="meta">
              <strong>{comment.authorName ?? t("actionPage.unknownPerson")}</strong>,{" "}
              <RelativeTime iso={comment.createdAt} />
            </p>
            <p className="pre-line">{comment.body}</p>
            {comment.mentions.length > 0 && (
              <p className="meta">
                {t("comments.mentions", { names: comment.mentions.map((m) => m.name).join(", ") })}
              </p>
            )}
          </li>
        ))}
      </ol>
      <div className="button-row">
        {!deleted && thread.state === "open" && (
          <button type="button" className="button button-secondary" onClick={onShowInText}>
            {t("comments.showInText")}
          </button>
        )}
        {canComment && <ResolveButton thread={thread} />}
      </div>
      {canComment && thread.state === "open" && (
        <CommentForm
          intent="comment-reply"
          hidden={{ threadId: thread.id }}
          label={t("comments.replyLabel")}
          submit={t("comments.sendReply")}
          people={people}
        />
      )}
    </article>
  );
}

/**
 * The document's comments: a new comment on the selected passage, then the open threads in the
 * order they were started (numbered as their markers in the text), resolved ones behind a
 * button. Ctrl+Alt+J and Ctrl+Alt+K move between the open threads from anywhere on the page.
 */
export function DocumentComments({
  threads,
  canComment,
  people,
  draft,
  noSelection,
  activeThreadId,
  onActivate,
  onShowInText,
  onDraftDone,
}: {
  threads: CommentThreadView[];
  canComment: boolean;
  people: Person[];
  draft: CommentDraft | null;
  /** "Kommentera" was chosen with nothing selected. */
  noSelection: boolean;
  activeThreadId: string | null;
  onActivate: (threadId: string) => void;
  onShowInText: (threadId: string) => void;
  onDraftDone: () => void;
}) {
  const t = useT();
  const [showResolved, setShowResolved] = useState(false);
  const open = threads.filter((thread) => thread.state === "open");
  const resolved = threads.filter((thread) => thread.state === "resolved");
  const numbers = new Map(threads.map((thread, i) => [thread.id, i + 1]));
  const openRef = useRef(open);
  openRef.current = open;
  const activeRef = useRef(activeThreadId);
  activeRef.current = activeThreadId;

  const jump = (step: 1 | -1) => {
    const list = openRef.current;
    if (list.length === 0) return;
    const at = list.findIndex((thread) => thread.id === activeRef.current);
    const next = list[(at + step + list.length) % list.length] ?? list[0];
    onActivate(next.id);
    const element = document.getElementById(`thread-${next.id}`);
    element?.focus();
    element?.scrollIntoView({ block: "nearest" });
  };
  const jumpRef = useRef(jump);
  jumpRef.current = jump;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey && event.altKey)) return;
      if (event.code === "KeyJ") jumpRef.current(1);
      else if (event.code === "KeyK") jumpRef.current(-1);
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const item = (thread: CommentThreadView) => (
    <li key={thread.id}>
      <Thread
        thread={thread}
        number={numbers.get(thread.id) ?? 0}
        active={thread.id === activeThreadId}
        canComment={canComment}
        people={people}
        onActivate={() => onActivate(thread.id)}
        onShowInText={() => onShowInText(thread.id)}
      />
    </li>
  );

  return (
    <section className="rail-section document-comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">{t("comments.title")}</h2>
      {noSelection && !draft && (
        <p className="read-only-note" role="status">
          {t("comments.selectFirst")}
        </p>
      )}
      {draft && (
        <div className="comment-draft" data-testid="comment-draft">
          <h3>{t("comments.new")}</h3>
          <p className="meta">{t("comments.onText")}</p>
          <blockquote className="comment-quote">{draft.quote}</blockquote>
          <CommentForm
            intent="comment-start"
            hidden={{ ...draft }}
            label={t("comments.body")}
            submit={t("comments.save")}
            people={people}
            autoFocus
            onDone={onDraftDone}
            onCancel={onDraftDone}
          />
        </div>
      )}
      <p className="meta" role="status">
        {t("comments.openCount", { count: open.length })}
      </p>
      {threads.length === 0 ? (
        <p>{canComment ? t("comments.emptyWriter") : t("comments.empty")}</p>
      ) : (
        <>
          {open.length > 1 && (
            <div className="button-row">
              <button
                type="button"
                className="button button-secondary"
                aria-keyshortcuts="Control+Alt+K"
                onClick={() => jump(-1)}
              >
                ← {t("comments.previous")}
              </button>
              <button
                type="button"
                className="button button-secondary"
                aria-keyshortcuts="Control+Alt+J"
                onClick={() => jump(1)}
              >
                {t("comments.next")} →
              </button>
            </div>
          )}
          {open.length > 0 && <p className="hint">{t("comments.jumpHint")}</p>}
          <ol className="plain-list comment-threads">{open.map(item)}</ol>
          {resolved.length > 0 && (
            <>
              <button
                type="button"
                className="button button-secondary"
                aria-expanded={showResolved}
                onClick={() => setShowResolved(!showResolved)}
              >
                {showResolved
                  ? t("comments.hideResolved")
                  : t("comments.showResolved", { count: resolved.length })}
              </button>
              {showResolved && <ol className="plain-list comment-threads">{resolved.map(item)}</ol>}
            </>
          )}
        </>
      )}
    </section>
  );
}
