import type { SerializedEditorState } from "lexical";
import { z } from "zod";
import type { Executor } from "../../db";
import type { DocumentStatus } from "../../db/schema";
import { renderState } from "../collab/headless";
import { documentContent, type FrontMatter, getDocument } from "./documents";
import { type Actor, NotFoundError } from "./policy";

export const DOCUMENT_EXPORT_FORMATS = ["docx", "pdf"] as const;
export type DocumentExportFormat = (typeof DOCUMENT_EXPORT_FORMATS)[number];

/** `?format=docx|pdf`, and `versionId` for a stored version instead of the current text. */
export const DocumentExportQuery = z.object({
  format: z
    .enum(DOCUMENT_EXPORT_FORMATS, "validation.exportFormat")
    .describe("docx (Word) or pdf (PDF/A-2a with embedded fonts)"),
  versionId: z
    .string()
    .optional()
    .describe("A stored version (GET /documents/{id}/versions); the current content if left out"),
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
  versionId?: string,
): Promise<DocumentForExport> {
  const document = await getDocument(db, actor, documentId);
  const { name: organisationName } = await db
    .selectFrom("organisations")
    .select("name")
    .where("id", "=", actor.organisationId)
    .executeTakeFirstOrThrow();
  const base = { title: document.title, organisationName, frontMatter: document.frontMatter };

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
      content: renderState(version.state).json,
      edition: version.adopted
        ? { kind: "adopted", adoptedAt: createdAt }
        : { kind: "version", note: version.note, createdAt },
    };
  }

  const { json } = await documentContent(db, actor, document.id);
  if (document.status !== "adopted")
    return { ...base, content: json, edition: { kind: "current", status: document.status } };
  const adoption = await db
    .selectFrom("document_versions")
    .select("created_at")
    .where("document_id", "=", document.id)
    .where("adopted", "=", true)
    .orderBy("created_at", "desc")
    .executeTakeFirstOrThrow();
  return {
    ...base,
    content: json,
    edition: { kind: "adopted", adoptedAt: adoption.created_at.toISOString() },
  };
}
