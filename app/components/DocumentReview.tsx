import { Form } from "@remix-run/react";
import { formatDateTime } from "../../common/format";
import type { ReviewView } from "../../server/domain/document-reviews";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { ErrorSummary, TextField, useMessage } from "./FormFields";

/**
 * The document's review: who was asked and who has marked it "Granskad" (when, with their
 * comment), "Granskad" for a reviewer whose turn it is, and "Skicka på granskning" for those who
 * write in the document.
 */
export function DocumentReview({
  reviews,
  userId,
  reviewers,
  canRequest,
  canMark,
  failed,
}: {
  reviews: ReviewView[];
  userId: string;
  reviewers: { id: string; name: string }[];
  canRequest: boolean;
  canMark: boolean;
  failed: (intent: string) => FormFailure | undefined;
}) {
  const t = useT();
  const message = useMessage();
  const mine = reviews.find((r) => r.reviewerId === userId && r.reviewedAt === null);
  const requestFailure = failed("review-request");
  const markFailure = failed("review-done");
  return (
    <section className="rail-section" aria-labelledby="review-heading">
      <h2 id="review-heading">{t("review.title")}</h2>
      {reviews.length === 0 ? (
        <p className="meta">{t("review.none")}</p>
      ) : (
        <ul className="plain-list review-list" data-testid="document-reviews">
          {reviews.map((review) => (
            <li key={review.reviewerId}>
              <strong>{review.reviewerName}</strong>:{" "}
              {review.reviewedAt ? (
                <span>
                  <span aria-hidden="true">✓ </span>
                  {t("review.reviewed", { date: formatDateTime(review.reviewedAt) })}
                </span>
              ) : (
                <span>
                  <span aria-hidden="true">◷ </span>
                  {t("review.pending")}
                </span>
              )}
              <br />
              <span className="meta">
                {t("review.requestedBy", {
                  date: formatDateTime(review.requestedAt),
                  name: review.requestedByName ?? "",
                })}
              </span>
              {review.comment && <p className="pre-line">{review.comment}</p>}
            </li>
          ))}
        </ul>
      )}
      {mine && canMark && (
        <Form method="post" className="stack" noValidate>
          <p>
            <strong>{t("review.yourTurn")}</strong>
          </p>
          {markFailure?.fieldErrors.form && (
            <p className="field-error">{message(markFailure.fieldErrors.form)}</p>
          )}
          <TextField
            id="review-comment"
            name="comment"
            label={t("review.comment")}
            multiline
            error={markFailure?.fieldErrors.comment}
          />
          <button type="submit" name="intent" value="review-done" className="button">
            {t("review.markReviewed")}
          </button>
        </Form>
      )}
      {canRequest && (
        <Form method="post" className="stack" noValidate>
          <ErrorSummary
            errors={requestFailure?.fieldErrors}
            labels={{ reviewerIds: t("review.reviewers"), form: t("review.reviewers") }}
            idPrefix="review-"
          />
          <fieldset className="checkbox-group" aria-describedby="review-reviewers-hint">
            <legend>{t("review.reviewers")}</legend>
            <p className="hint" id="review-reviewers-hint">
              {t("review.reviewersHint")}
            </p>
            {requestFailure?.fieldErrors.reviewerIds && (
              <p className="field-error" id="review-reviewerIds">
                <span aria-hidden="true">⚠ </span>
                {message(requestFailure.fieldErrors.reviewerIds)}
              </p>
            )}
            {reviewers
              .filter((person) => person.id !== userId)
              .map((person) => (
                <div className="checkbox" key={person.id}>
                  <input
                    type="checkbox"
                    id={`reviewer-${person.id}`}
                    name="reviewerIds"
                    value={person.id}
                  />
                  <label htmlFor={`reviewer-${person.id}`}>{person.name}</label>
                </div>
              ))}
          </fieldset>
          <button type="submit" name="intent" value="review-request" className="button">
            {t("review.request")}
          </button>
        </Form>
      )}
    </section>
  );
}
