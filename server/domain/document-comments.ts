import * as Y from "yjs";
import { z } from "zod";
import {
  encodeAnchor,
  type FlatText,
  flatten,
  isRelativePosition,
  type ResolvedAnchor,
  resolveAnchor,
} from "../../common/comment-anchor";
import { type Executor, inTransaction, type Tx } from "../../db";
import { loadState } from "../collab/store";
import { recordAudit } from "./audit";
import { getDocument } from "./documents";
import { ValidationError } from "./errors";
import { recordEvent } from "./events";
import { mentionablePeople, mentionedIn } from "./mentions";
import { type Actor, assertCan, can, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

/**
 * Comments on a document's text: threads anchored to a passage (two Yjs relative positions, see
 * common/comment-anchor.ts), with replies, @-mentions of the organisation's people, resolved and
 * reopened. Whoever reads the document reads its comments; `documents:comment` writes them.
 */

const body = freeText(
  z
    .string("validation.required")
    .trim()
    .min(1, "validation.required")
    .max(5000, "validation.tooLong"),
);
// An encoded relative position is a few dozen bytes; the client sends it as base64.
const anchor = z
  .string("validation.commentAnchor")
  .max(400, "validation.commentAnchor")
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, "validation.commentAnchor");

export const NewThreadSchema = z.object({
  anchorStart: anchor,
  anchorEnd: anchor,
  quote: freeText(
    z
      .string("validation.commentAnchor")
      .trim()
      .min(1, "validation.commentAnchor")
      .max(2000, "validation.tooLong"),
  ),
  body,
});
export const ReplySchema = z.object({ body });
/** A thread started by the passage's words (the API), found in the document's text as it is now. */
export const PassageThreadSchema = z.object({
  passage: freeText(
    z
      .string("validation.required")
      .min(1, "validation.required")
      .max(2000, "validation.tooLong")
      .refine((text) => text.trim() !== "" && !text.includes("\n"), "validation.passageOneLine"),
  ).describe("The commented words, exactly as they stand in one paragraph"),
  occurrence: z
    .number("validation.invalid")
    .int("validation.invalid")
    .min(1, "validation.invalid")
    .max(10_000, "validation.invalid")
    .optional()
    .describe("Which occurrence of the words, counted from the start (default 1)"),
  body,
});

export type AnchorState = "anchored" | "deleted";

export interface DocumentCommentView {
  id: string;
  authorId: string | null;
  authorName: string | null;
  body: string;
  mentions: { id: string; name: string }[];
  createdAt: string;
}

export interface CommentThreadView {
  id: string;
  /** The passage as it reads now, or as it read when the thread was started if it was deleted. */
  quote: string;
  /** `deleted`: the passage's text is gone ("Text borttagen"); the thread is kept. */
  anchorState: AnchorState;
  /** The anchor (base64-encoded Yjs relative positions), for the editor to find the passage. */
  anchorStart: string;
  anchorEnd: string;
  state: "open" | "resolved";
  resolvedAt: string | null;
  resolvedByName: string | null;
  createdAt: string;
  comments: DocumentCommentView[];
}

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/** The document, readable by the actor; for writing, also the permission and not adopted. */
async function documentFor(db: Executor, actor: Actor, documentId: string, write: boolean) {
  const document = await getDocument(db, actor, documentId);
  if (write) {
    assertCan(actor, "documents:comment");
    if (document.status === "adopted")
      throw new ValidationError({ form: "validation.documentFrozen" });
  }
  return document;
}

async function threadOf(db: Executor, actor: Actor, documentId: string, threadId: string) {
  if (!z.uuid().safeParse(threadId).success) throw new NotFoundError();
  const thread = await db
    .selectFrom("document_comment_threads")
    .select(["id", "resolved_at"])
    .where("id", "=", threadId)
    .where("document_id", "=", documentId)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!thread) throw new NotFoundError();
  return thread;
}

async function insertComment(
  trx: Tx,
  actor: Actor,
  documentId: string,
  threadId: string,
  text: string,
): Promise<string> {
  const mentionedUserIds = mentionedIn(text, await mentionablePeople(trx, actor.organisationId));
  const { id } = await trx
    .insertInto("document_comments")
    .values({
      organisation_id: actor.organisationId,
      thread_id: threadId,
      author_id: actor.userId,
      body: text,
      mentioned_user_ids: mentionedUserIds,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    organisationId: actor.organisationId,
    actorId: actor.userId,
    action: "document.comment-added",
    entityType: "document",
    entityId: documentId,
    after: { threadId, commentId: id, body: text, mentionedUserIds },
  });
  await recordEvent(trx, actor, {
    type: "document.comment-added",
    documentId,
    threadId,
    commentId: id,
    mentionedUserIds,
  });
  return id;
}

/** Starts a thread on a passage with its first comment; answers the thread's id. */
export async function startThread(
  db: Executor,
  actor: Actor,
  documentId: string,
  input: unknown,
): Promise<{ threadId: string; commentId: string }> {
  await documentFor(db, actor, documentId, true);
  const data = parseInput(NewThreadSchema, input);
  const start = fromBase64(data.anchorStart);
  const end = fromBase64(data.anchorEnd);
  if (!isRelativePosition(start) || !isRelativePosition(end))
    throw new ValidationError({ anchorStart: "validation.commentAnchor" });
  return insertThread(db, actor, documentId, { start, end, quote: data.quote, body: data.body });
}

/**
 * Starts a thread on the words `passage` (its `occurrence`-th appearance) in the stored text: the
 * anchor the editor would have made from that selection, for clients that hold no Y.Doc.
 */
export async function startThreadOnPassage(
  db: Executor,
  actor: Actor,
  documentId: string,
  input: unknown,
): Promise<{ threadId: string; commentId: string }> {
  await documentFor(db, actor, documentId, true);
  const data = parseInput(PassageThreadSchema, input);
  const doc = new Y.Doc();
  try {
    const stored = await loadState(db, documentId);
    if (stored) Y.applyUpdate(doc, stored.state);
    const flat = flatten(doc);
    let at = -1;
    for (let seen = 0; seen < (data.occurrence ?? 1); seen++) {
      at = flat.text.indexOf(data.passage, at + 1);
      if (at < 0) throw new ValidationError({ passage: "validation.passageNotFound" });
    }
    const anchor = encodeAnchor(flat, at, at + data.passage.length);
    if (!anchor) throw new ValidationError({ passage: "validation.passageNotFound" });
    return insertThread(db, actor, documentId, {
      ...anchor,
      quote: data.passage.trim(),
      body: data.body,
    });
  } finally {
    doc.destroy();
  }
}

function insertThread(
  db: Executor,
  actor: Actor,
  documentId: string,
  { start, end, quote, body }: { start: Uint8Array; end: Uint8Array; quote: string; body: string },
): Promise<{ threadId: string; commentId: string }> {
  return inTransaction(db, async (trx) => {
    const { id: threadId } = await trx
      .insertInto("document_comment_threads")
      .values({
        organisation_id: actor.organisationId,
        document_id: documentId,
        anchor_start: start,
        anchor_end: end,
        quote,
        created_by: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const commentId = await insertComment(trx, actor, documentId, threadId, body);
    return { threadId, commentId };
  });
}

/** Answers in a thread. */
export async function replyToThread(
  db: Executor,
  actor: Actor,
  documentId: string,
  threadId: string,
  input: unknown,
): Promise<string> {
  await documentFor(db, actor, documentId, true);
  await threadOf(db, actor, documentId, threadId);
  const data = parseInput(ReplySchema, input);
  return inTransaction(db, (trx) => insertComment(trx, actor, documentId, threadId, data.body));
}

/** Resolves a thread (it stays, marked resolved) or reopens it. */
export async function setThreadResolved(
  db: Executor,
  actor: Actor,
  documentId: string,
  threadId: string,
  resolved: boolean,
): Promise<void> {
  await documentFor(db, actor, documentId, true);
  const thread = await threadOf(db, actor, documentId, threadId);
  if ((thread.resolved_at !== null) === resolved) return;
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable("document_comment_threads")
      .set(
        resolved
          ? { resolved_at: new Date(), resolved_by: actor.userId }
          : { resolved_at: null, resolved_by: null },
      )
      .where("id", "=", threadId)
      .execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: resolved ? "document.comment-resolved" : "document.comment-reopened",
      entityType: "document",
      entityId: documentId,
      after: { threadId },
    });
    await recordEvent(trx, actor, { type: "document.changed", documentId, change: "comments" });
  });
}

/** A thread and where its passage is in one state of the text. */
interface ResolvedThread {
  view: CommentThreadView;
  where: ResolvedAnchor;
}

/** Every thread of a document, oldest first, each resolved against `doc`. */
async function resolvedThreads(
  db: Executor,
  actor: Actor,
  documentId: string,
  doc: Y.Doc,
  flat: FlatText,
): Promise<ResolvedThread[]> {
  const [threads, comments, people] = await Promise.all([
    db
      .selectFrom("document_comment_threads as t")
      .leftJoin("users as resolver", "resolver.id", "t.resolved_by")
      .select([
        "t.id",
        "t.anchor_start",
        "t.anchor_end",
        "t.quote",
        "t.resolved_at",
        "t.created_at",
        "resolver.name as resolved_by_name",
      ])
      .where("t.document_id", "=", documentId)
      .where("t.organisation_id", "=", actor.organisationId)
      .orderBy("t.created_at")
      .orderBy("t.id")
      .execute(),
    db
      .selectFrom("document_comments as c")
      .innerJoin("document_comment_threads as t", "t.id", "c.thread_id")
      .leftJoin("users as author", "author.id", "c.author_id")
      .select([
        "c.id",
        "c.thread_id",
        "c.author_id",
        "c.body",
        "c.mentioned_user_ids",
        "c.created_at",
        "author.name as author_name",
      ])
      .where("t.document_id", "=", documentId)
      .where("c.organisation_id", "=", actor.organisationId)
      .orderBy("c.created_at")
      .orderBy("c.id")
      .execute(),
    mentionablePeople(db, actor.organisationId),
  ]);
  const names = new Map(people.map((p) => [p.id, p.name]));
  return threads.map((t) => {
    const where = resolveAnchor(doc, flat, { start: t.anchor_start, end: t.anchor_end }, t.quote);
    const view: CommentThreadView = {
      id: t.id,
      quote: where.kind === "found" ? where.text : t.quote,
      anchorState: where.kind === "deleted" ? "deleted" : "anchored",
      anchorStart: toBase64(t.anchor_start),
      anchorEnd: toBase64(t.anchor_end),
      state: t.resolved_at ? "resolved" : "open",
      resolvedAt: t.resolved_at?.toISOString() ?? null,
      resolvedByName: t.resolved_at ? t.resolved_by_name : null,
      createdAt: t.created_at.toISOString(),
      comments: comments
        .filter((c) => c.thread_id === t.id)
        .map((c) => ({
          id: c.id,
          authorId: c.author_id,
          authorName: c.author_name,
          body: c.body,
          mentions: c.mentioned_user_ids.flatMap((id) => {
            const name = names.get(id);
            return name ? [{ id, name }] : [];
          }),
          createdAt: c.created_at.toISOString(),
        })),
    };
    return { view, where };
  });
}

function docOf(state: Uint8Array | undefined) {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  return { doc, flat: flatten(doc) };
}

/** Every thread of a document, oldest first, with the passage as it reads in the stored text now. */
export async function listThreads(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<CommentThreadView[]> {
  await documentFor(db, actor, documentId, false);
  const stored = await loadState(db, documentId);
  const { doc, flat } = docOf(stored?.state);
  const threads = await resolvedThreads(db, actor, documentId, doc, flat);
  return threads.map((thread) => thread.view);
}

/**
 * Every thread resolved against one state of the text (the one a file is made from), with the
 * flat text the ranges refer to: for those who may read the document, as listThreads.
 */
export async function threadsInState(
  db: Executor,
  actor: Actor,
  documentId: string,
  state: Uint8Array,
): Promise<{ text: string; threads: ResolvedThread[] }> {
  await documentFor(db, actor, documentId, false);
  const { doc, flat } = docOf(state);
  return { text: flat.text, threads: await resolvedThreads(db, actor, documentId, doc, flat) };
}

/** May the actor write comments on this document now? */
export function canComment(actor: Actor, status: string): boolean {
  return status !== "adopted" && can(actor, "documents:comment");
}
