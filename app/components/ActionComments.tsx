import { Form, useLocation, useSearchParams } from "@remix-run/react";
import type { CommentView } from "../../server/domain/comments";
import type { MentionablePerson } from "../../server/domain/mentions";
import { echoed } from "../utils/forms";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { ErrorSummary, Notice } from "./FormFields";
import { MentionField } from "./MentionField";
import { RelativeTime } from "./RelativeTime";

/** An action's comments, oldest first, and the box for a new one (for those who may comment). */
export function ActionComments({
  comments,
  canComment,
  people,
  failure,
}: {
  comments: CommentView[];
  canComment: boolean;
  /** Whom "@" suggests in the comment box. */
  people: MentionablePerson[];
  failure?: FormFailure;
}) {
  const t = useT();
  // A new location (after one's own comment was saved) empties the box; live reloads do not.
  const location = useLocation();
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="comments-heading" id="kommentar">
      <h2 id="comments-heading">{t("actionPage.comments")}</h2>
      {params.has("kommentar") && <Notice>{t("actionPage.commentAdded")}</Notice>}
      {comments.length === 0 ? (
        <p>{t("actionPage.noComments")}</p>
      ) : (
        <ol className="plain-list comments">
          {comments.map((comment) => (
            <li key={comment.id}>
              <p className="meta">
                <strong>{comment.authorName ?? t("actionPage.unknownPerson")}</strong>,{" "}
                <RelativeTime iso={comment.createdAt} />
              </p>
              <p className="pre-line">{comment.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canComment && (
        <Form key={location.key} method="post" noValidate className="stack">
          <ErrorSummary
            errors={failure?.fieldErrors}
            labels={{ body: t("actionPage.newComment") }}
            idPrefix="comment-"
          />
          <MentionField
            id="comment-body"
            name="body"
            label={t("actionPage.newComment")}
            people={people}
            defaultValue={echoed(failure?.values, "body")}
            error={failure?.fieldErrors.body}
          />
          <button type="submit" name="intent" value="comment" className="button">
            {t("actionPage.addComment")}
          </button>
        </Form>
      )}
    </section>
  );
}
