import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { getAction, recordActionChanged } from "./actions";
import { recordAudit } from "./audit";
import { recordEvent } from "./events";
import { pageFields, readPage } from "./keyset";
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

/** The action's comments, oldest first: every one (the action page shows them all). */
export async function listComments(
  db: Executor,
  actor: Actor,
  actionId: string,
): Promise<CommentView[]> {
  await getAction(db, actor, actionId);
  const rows = await commentsOf(db, actor, actionId)
    .orderBy("action_comments.created_at")
    .execute();
  return rows.map(present);
}

export const CommentPageSchema = z.object(pageFields(500));

/** The action's comments, oldest first, a page at a time (by keyset, bound to the action). */
export async function listCommentPage(
  db: Executor,
  actor: Actor,
  actionId: string,
  input: unknown = {},
): Promise<{ items: CommentView[]; nextCursor: string | null }> {
  await getAction(db, actor, actionId);
  const page = parseInput(CommentPageSchema, input);
  const { page: rows, nextCursor } = await readPage(
    commentsOf(db, actor, actionId),
    {
      list: "comments",
      sort: { expression: sql`action_comments.created_at`, type: "timestamptz", notNull: true },
      direction: "asc",
      idColumn: sql`action_comments.id`,
    },
    { ...page, actionId },
  );
  return { items: rows.map(present), nextCursor };
}

function commentsOf(db: Executor, actor: Actor, actionId: string) {
  return db
    .selectFrom("action_comments")
    .leftJoin("users", "users.id", "action_comments.author_id")
    .select([
      "action_comments.id",
      "action_comments.body",
      "action_comments.created_at",
      "users.name",
    ])
    .where("action_comments.action_id", "=", actionId)
    .where("action_comments.organisation_id", "=", actor.organisationId);
}

const present = (row: {
  id: string;
  body: string;
  name: string | null;
  created_at: Date;
}): CommentView => ({
  id: row.id,
  body: row.body,
  authorName: row.name,
  createdAt: row.created_at.toISOString(),
});

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
