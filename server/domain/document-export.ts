import type { SerializedEditorState } from "lexical";
import { z } from "zod";
import { replaceIdentityNumbers } from "../../common/personnummer";
import type { Executor } from "../../db";
import type { DocumentStatus } from "../../db/schema";
import { renderState } from "../collab/headless";
import { loadCheckedState } from "../collab/store";
import { flatContent } from "../export/blocks";
import { threadsInState } from "./document-comments";
import { type FrontMatter, getDocument } from "./documents";
import { PURGED_MARK } from "./personal-data";
import { type Actor, NotFoundError } from "./policy";

export const DOCUMENT_EXPORT_FORMATS = ["docx", "pdf"] as const;
export type DocumentExportFormat = (typeof DOCUMENT_EXPORT_FORMATS)[number];

/** A query flag: "true" or "false", left out for false. */
const flag = (description: string) =>
  z
    .enum(["true", "false"], "validation.invalid")
    .transform((value) => value === "true")
    .optional()
    .describe(description);

/** `?format=docx|pdf`, and `versionId` for a stored version instead of the current text. */
export const DocumentExportQuery = z.object({
  format: z
    .enum(DOCUMENT_EXPORT_FORMATS, "validation.exportFormat")
    .describe("docx (Word) or pdf (PDF/A-2a with embedded fonts)"),
  versionId: z
    .string()
    .optional()
    .describe("A stored version (GET /documents/{id}/versions); the current content if left out"),
  comments: flag(
    "true: the comment threads go with the file, in Word as Word comments on their passages (replies threaded, resolved threads marked done), in PDF as a list at the end",
  ),
  suggestions: flag(
    "true: open suggested changes go with the file, in Word as tracked changes (insertions and deletions with author and time), in PDF underlined or struck through; otherwise the file reads as if each were rejected",
  ),
});

/** Which state of the text a file holds: the live one, a named version, or the adopted one. */
export type Edition =
  | { kind: "current"; status: Exclude<DocumentStatus, "adopted"> }
  | { kind: "version"; note: string; createdAt: string }
  | { kind: "adopted"; adoptedAt: string };

/** Everything a Word or PDF file of a document is made from. */
export interface DocumentForExport {
  title: string;
  organisationName: string;
  frontMatter: FrontMatter;
  edition: Edition;
  /** Lexical JSON, rendered from the stored Yjs state (never from an older copy). */
  content: SerializedEditorState;
  /** The comment threads, when asked for; oldest first. */
  comments?: ExportedThread[];
  /** Open suggested changes go with the file as changes (otherwise it reads as if rejected). */
  suggestions?: boolean;
}

export interface ExportedComment {
  author: string;
  createdAt: string;
  body: string;
}

export interface ExportedThread {
  /**
   * The passage's flat range in `content` (common/comment-anchor.ts); null when its text is gone
   * ("Text borttagen"): the file lists such threads after the text, with the words they had.
   */
  range: { start: number; end: number } | null;
  quote: string;
  /** When and by whom a resolved thread was resolved; null while it is open. */
  resolved: { at: string; by: string } | null;
  comments: ExportedComment[];
}

/**
 * The threads on the text a file is made from. A thread on text written after that state (a
 * stored version older than its passage) is not about that text and stays out. The identity
 * number guard refuses them at the door; this keeps one stored before it out of any file.
 */
async function exportedThreads(
  db: Executor,
  actor: Actor,
  documentId: string,
  state: Uint8Array,
  content: SerializedEditorState,
): Promise<ExportedThread[]> {
  const { text, threads } = await threadsInState(db, actor, documentId, state);
  const clean = (value: string | null) => replaceIdentityNumbers(value ?? "", PURGED_MARK);
  // Offsets hold only while the rendered content reads as the Y.Doc does (it always should).
  const aligned = flatContent(content).text === text;
  return threads
    .filter(({ where }) => where.kind !== "unknown")
    .map(({ view, where }) => ({
      range: where.kind === "found" && aligned ? { start: where.start, end: where.end } : null,
      quote: clean(view.quote),
      resolved: view.resolvedAt ? { at: view.resolvedAt, by: clean(view.resolvedByName) } : null,
      comments: view.comments.map((comment) => ({
        author: clean(comment.authorName),
        createdAt: comment.createdAt,
        body: clean(comment.body),
      })),
    }));
}

/**
 * A document as it leaves the portal: anyone who may read it may export it, the current content
 * by default or any of its stored versions. An adopted document is exported as adopted, dated
 * by its adopted version.
 */
export async function documentForExport(
  db: Executor,
  actor: Actor,
  documentId: string,
  {
    versionId,
    comments = false,
    suggestions = false,
  }: { versionId?: string; comments?: boolean; suggestions?: boolean } = {},
): Promise<DocumentForExport> {
  const document = await getDocument(db, actor, documentId);
  const { name: organisationName } = await db
    .selectFrom("organisations")
    .select("name")
    .where("id", "=", actor.organisationId)
    .executeTakeFirstOrThrow();
  const base = {
    title: document.title,
    organisationName,
    frontMatter: document.frontMatter,
    ...(suggestions && { suggestions }),
  };
  const withComments = async (state: Uint8Array, content: SerializedEditorState) => ({
    content,
    ...(comments && {
      comments: await exportedThreads(db, actor, document.id, state, content),
    }),
  });

  if (versionId !== undefined) {
    if (!z.uuid().safeParse(versionId).success) throw new NotFoundError();
    const version = await db
      .selectFrom("document_versions")
      .select(["state", "note", "adopted", "created_at"])
      .where("id", "=", versionId)
      .where("document_id", "=", document.id)
      .where("organisation_id", "=", actor.organisationId)
      .executeTakeFirst();
    if (!version) throw new NotFoundError();
    const createdAt = version.created_at.toISOString();
    return {
      ...base,
      // Rendered anew: a version named before content was checked keeps only what is allowed.
      ...(await withComments(version.state, renderState(version.state).json)),
      edition: version.adopted
        ? { kind: "adopted", adoptedAt: createdAt }
        : { kind: "version", note: version.note, createdAt },
    };
  }

  const stored = await loadCheckedState(db, document.id);
  if (!stored) throw new NotFoundError();
  const current = await withComments(stored.state, renderState(stored.state).json);
  if (document.status !== "adopted")
    return { ...base, ...current, edition: { kind: "current", status: document.status } };
  const adoption = await db
    .selectFrom("document_versions")
    .select("created_at")
    .where("document_id", "=", document.id)
    .where("adopted", "=", true)
    .orderBy("created_at", "desc")
    .executeTakeFirstOrThrow();
  return {
    ...base,
    ...current,
    edition: { kind: "adopted", adoptedAt: adoption.created_at.toISOString() },
  };
}
