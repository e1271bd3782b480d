import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { recordAudit } from "./audit";
import { assertWritable, getDocument } from "./documents";
import { ValidationError } from "./errors";
import { recordEvent } from "./events";
import { type Actor, assertCan, can, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

/**
 * A document's review: "Skicka på granskning" names reviewers and sets the status *för
 * granskning*; each reviewer marks it "Granskad", with an optional comment. Reviewers are the
 * organisation's people who may comment on documents (`documents:comment`).
 */

export const RequestReviewSchema = z.object({
  reviewerIds: z
    .array(z.uuid("validation.reviewers"), "validation.reviewers")
    .min(1, "validation.reviewers")
    .max(50, "validation.reviewers"),
});
export const MarkReviewedSchema = z.object({
  comment: freeText(z.string("validation.invalid").trim().max(2000, "validation.tooLong")).default(
    "",
  ),
});

export interface ReviewView {
  id: string;
  reviewerId: string;
  reviewerName: string;
  requestedAt: string;
  requestedByName: string | null;
  reviewedAt: string | null;
  comment: string;
}

/** Who may be asked to review: the organisation's active people who may comment on documents. */
export async function possibleReviewers(
  db: Executor,
  organisationId: string,
): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.name", "memberships.roles"])
    .where("memberships.organisation_id", "=", organisationId)
    .where("memberships.deactivated_at", "is", null)
    .orderBy(sql`lower(users.name)`)
    .execute();
  return rows
    .filter((row) =>
      can(
        { userId: row.id, organisationId, roles: row.roles, departmentIds: [] },
        "documents:comment",
      ),
    )
    .map(({ id, name }) => ({ id, name }));
}

/** Sends the document for review by `reviewerIds`: status *för granskning*, each asked anew. */
export async function requestReview(
  db: Executor,
  actor: Actor,
  documentId: string,
  input: unknown,
): Promise<void> {
  const document = await getDocument(db, actor, documentId);
  assertCan(actor, "documents:edit");
  assertWritable(document);
  const reviewerIds = [...new Set(parseInput(RequestReviewSchema, input).reviewerIds)];
  const allowed = new Set((await possibleReviewers(db, actor.organisationId)).map((p) => p.id));
  if (!reviewerIds.every((id) => allowed.has(id)))
    throw new ValidationError({ reviewerIds: "validation.reviewers" });
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable("documents")
      .set((eb) => ({
        status: "review",
        version: eb("version", "+", 1),
        updated_by: actor.userId,
        updated_at: new Date(),
      }))
      .where("id", "=", documentId)
      .execute();
    await trx
      .insertInto("document_reviews")
      .values(
        reviewerIds.map((reviewer_id) => ({
          organisation_id: actor.organisationId,
          document_id: documentId,
          reviewer_id,
          requested_by: actor.userId,
        })),
      )
      .onConflict((oc) =>
        oc.columns(["document_id", "reviewer_id"]).doUpdateSet({
          requested_by: actor.userId,
          requested_at: new Date(),
          reviewed_at: null,
          comment: "",
        }),
      )
      .execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "document.review-requested",
      entityType: "document",
      entityId: documentId,
      before: { status: document.status },
      after: { status: "review", reviewerIds },
    });
    await recordEvent(trx, actor, { type: "document.review-requested", documentId, reviewerIds });
  });
}

/**
 * The actor, asked to review the document, marks it "Granskad"; `reviewId` names the request
 * (the API's address), which must be one of the document's and the actor's own.
 */
export async function markReviewed(
  db: Executor,
  actor: Actor,
  documentId: string,
  input: unknown,
  reviewId?: string,
): Promise<void> {
  const document = await getDocument(db, actor, documentId);
  assertCan(actor, "documents:comment");
  if (reviewId !== undefined) await assertReviewOf(db, actor, documentId, reviewId);
  if (document.status === "adopted")
    throw new ValidationError({ form: "validation.documentFrozen" });
  const { comment } = parseInput(MarkReviewedSchema, input);
  await inTransaction(db, async (trx) => {
    let review = trx
      .updateTable("document_reviews")
      .set({ reviewed_at: new Date(), comment })
      .where("document_id", "=", documentId)
      .where("reviewer_id", "=", actor.userId)
      .where("organisation_id", "=", actor.organisationId)
      .where("reviewed_at", "is", null);
    if (reviewId !== undefined) review = review.where("id", "=", reviewId);
    const marked = await review.executeTakeFirst();
    if (marked.numUpdatedRows === 0n) throw new ValidationError({ form: "validation.notReviewer" });
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "document.reviewed",
      entityType: "document",
      entityId: documentId,
      after: { comment },
    });
    await recordEvent(trx, actor, {
      type: "document.reviewed",
      documentId,
      reviewerId: actor.userId,
    });
  });
}

async function assertReviewOf(db: Executor, actor: Actor, documentId: string, reviewId: string) {
  const found =
    z.uuid().safeParse(reviewId).success &&
    (await db
      .selectFrom("document_reviews")
      .select("id")
      .where("id", "=", reviewId)
      .where("document_id", "=", documentId)
      .where("organisation_id", "=", actor.organisationId)
      .executeTakeFirst());
  if (!found) throw new NotFoundError();
}

/** Who was asked to review the document, when, and who has marked it "Granskad". */
export async function listReviews(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<ReviewView[]> {
  await getDocument(db, actor, documentId);
  const rows = await db
    .selectFrom("document_reviews as r")
    .innerJoin("users as reviewer", "reviewer.id", "r.reviewer_id")
    .leftJoin("users as requester", "requester.id", "r.requested_by")
    .select([
      "r.id",
      "r.reviewer_id",
      "reviewer.name as reviewer_name",
      "r.requested_at",
      "requester.name as requested_by_name",
      "r.reviewed_at",
      "r.comment",
    ])
    .where("r.document_id", "=", documentId)
    .where("r.organisation_id", "=", actor.organisationId)
    .orderBy(sql`lower(reviewer.name)`)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    reviewerId: r.reviewer_id,
    reviewerName: r.reviewer_name,
    requestedAt: r.requested_at.toISOString(),
    requestedByName: r.requested_by_name,
    reviewedAt: r.reviewed_at?.toISOString() ?? null,
    comment: r.comment,
  }));
}

/** The documents the actor is asked to review and has not marked "Granskad" (for Att göra). */
export async function reviewsToDo(
  db: Executor,
  actor: Actor,
): Promise<
  { documentId: string; title: string; requestedAt: string; requestedByName: string | null }[]
> {
  if (!can(actor, "documents:read")) return [];
  const rows = await db
    .selectFrom("document_reviews as r")
    .innerJoin("documents as d", "d.id", "r.document_id")
    .leftJoin("users as requester", "requester.id", "r.requested_by")
    .select(["d.id", "d.title", "r.requested_at", "requester.name as requested_by_name"])
    .where("r.reviewer_id", "=", actor.userId)
    .where("r.organisation_id", "=", actor.organisationId)
    .where("r.reviewed_at", "is", null)
    .where("d.status", "=", "review")
    .where("d.archived_at", "is", null)
    .orderBy("r.requested_at")
    .execute();
  return rows.map((r) => ({
    documentId: r.id,
    title: r.title,
    requestedAt: r.requested_at.toISOString(),
    requestedByName: r.requested_by_name,
  }));
}
