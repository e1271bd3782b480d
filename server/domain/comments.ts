import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { getAction, recordActionChanged } from "./actions";
import { recordAudit } from "./audit";
import { recordEvent } from "./events";
import { mentionablePeople, mentionedIn } from "./mentions";
import { type Actor, assertCan } from "./policy";
import { freeText, parseInput } from "./validation";

export const CommentSchema = z.object({
  body: freeText(z.string().trim().min(1, "validation.required").max(5000, "validation.tooLong")),
});

export interface CommentView {
  id: string;
  body: string;
  authorName: string | null;
  createdAt: string;
}

export async function listComments(
  db: Executor,
  actor: Actor,
  actionId: string,
): Promise<CommentView[]> {
  await getAction(db, actor, actionId);
  const rows = await db
    .selectFrom("action_comments")
    .leftJoin("users", "users.id", "action_comments.author_id")
    .select([
      "action_comments.id",
      "action_comments.body",
      "action_comments.created_at",
      "users.name",
    ])
    .where("action_comments.action_id", "=", actionId)
    .where("action_comments.organisation_id", "=", actor.organisationId)
    .orderBy("action_comments.created_at")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    authorName: r.name,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Adds a comment to an action; answers it as stored. */
export async function addComment(
  db: Executor,
  actor: Actor,
  actionId: string,
  input: unknown,
): Promise<CommentView> {
  const action = await getAction(db, actor, actionId);
  assertCan(actor, "actions:comment", { organisationId: actor.organisationId });
  const { body } = parseInput(CommentSchema, input);
  return inTransaction(db, async (trx) => {
    const { id, created_at } = await trx
      .insertInto("action_comments")
      .values({
        organisation_id: actor.organisationId,
        action_id: actionId,
        author_id: actor.userId,
        body,
      })
      .returning(["id", "created_at"])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "comment.added",
      entityType: "action",
      entityId: actionId,
      after: { commentId: id, body },
    });
    await recordActionChanged(trx, actor, action, "comment");
    await recordEvent(trx, actor, {
      type: "action.comment-added",
      actionId,
      commentId: id,
      mentionedUserIds: mentionedIn(body, await mentionablePeople(trx, actor.organisationId)),
    });
    const author = await trx
      .selectFrom("users")
      .select("name")
      .where("id", "=", actor.userId)
      .executeTakeFirst();
    return { id, body, authorName: author?.name ?? null, createdAt: created_at.toISOString() };
  });
}
