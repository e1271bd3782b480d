import { sql } from "kysely";
import * as Y from "yjs";
import { z } from "zod";
import type { DocumentChange } from "../../common/live-events";
import { type ListedSuggestion, suggestionsInJson } from "../../common/suggestions";
import { type Executor, inTransaction, type Tx } from "../../db";
import {
  DOCUMENT_KINDS,
  DOCUMENT_STATUSES,
  type DocumentKind,
  type DocumentStatus,
} from "../../db/schema";
import {
  createInitialState,
  type RenderedDocument,
  renderState,
  updateToContent,
} from "../collab/headless";
import { safeHtml } from "../collab/safe-html";
import { appendUpdate, loadCheckedState, loadState, quarantinedCount } from "../collab/store";
import { ARCHIVED_FILTER, archivedCondition } from "./archived-filter";
import { recordAudit } from "./audit";
import { optionalDate } from "./dates";
import { ConflictError, ValidationError } from "./errors";
import { recordEvent } from "./events";
import { pageFields, readPage, type SortKey } from "./keyset";
import { type Actor, assertCan, can, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

const DocumentFields = z.object({
  title: freeText(z.string().trim().min(1, "validation.required").max(200, "validation.tooLong")),
  kind: z.enum(DOCUMENT_KINDS, "validation.documentKind"),
  departmentIds: z.array(z.uuid("validation.unknownDepartment")).default([]),
});
export const NewDocumentSchema = DocumentFields;

const line = (max: number) =>
  freeText(z.string("validation.invalid").trim().max(max, "validation.tooLong"));
/** The front matter's fields as the details form names them; a field left out is left as it is. */
const FrontMatterFields = z.object({
  frontMunicipality: line(120),
  frontSender: line(200),
  frontRegistrationNumber: line(60),
  frontDate: optionalDate,
  frontCaseOfficer: line(120),
  frontDocumentType: line(60),
});

export const DocumentUpdateSchema = DocumentFields.extend(FrontMatterFields.partial().shape).extend(
  {
    status: z.enum(DOCUMENT_STATUSES, "validation.documentStatus"),
    version: z.coerce
      .number("validation.version")
      .int("validation.version")
      .min(1, "validation.version"),
  },
);
export const VersionSchema = z.object({
  note: freeText(z.string().trim().max(500, "validation.tooLong")).default(""),
});

/** What a document says about itself when it leaves the portal as a file (all optional). */
export interface FrontMatter {
  /** Kommunens namn. */
  municipality: string;
  /** Förvaltning or avsändare. */
  sender: string;
  /** Diarienummer. */
  registrationNumber: string;
  date: string | null;
  /** Handläggare. */
  caseOfficer: string;
  /** "Yttrande", "Tjänsteskrivelse", "Samverkansform" or any other. */
  documentType: string;
}

export interface DocumentView {
  id: string;
  title: string;
  kind: DocumentKind;
  status: DocumentStatus;
  departmentIds: string[];
  departmentNames: string[];
  version: number;
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
  contentUpdatedAt: string;
  frontMatter: FrontMatter;
  /** Archived: out of the lists and searches unless asked for, read-only, restorable. */
  archived: boolean;
  /** May this actor type in it now (role allows, the document is neither adopted nor archived)? */
  writable: boolean;
}

/** The public JSON shape of a document (the API's `Document` schema). */
export function toApiDocument(d: DocumentView) {
  return {
    id: d.id,
    url: `/dokument/${d.id}`,
    title: d.title,
    kind: d.kind,
    status: d.status,
    departmentIds: d.departmentIds,
    version: d.version,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    contentUpdatedAt: d.contentUpdatedAt,
    frontMatter: d.frontMatter,
    archived: d.archived,
  };
}

function documentsQuery(db: Executor, organisationId: string) {
  return db
    .selectFrom("documents")
    .leftJoin("users as creator", "creator.id", "documents.created_by")
    .select((eb) => [
      "documents.id",
      "documents.title",
      "documents.kind",
      "documents.status",
      "documents.version",
      "documents.created_at",
      "documents.updated_at",
      "documents.content_updated_at",
      "documents.front_municipality",
      "documents.front_sender",
      "documents.front_registration_number",
      "documents.front_date",
      "documents.front_case_officer",
      "documents.front_document_type",
      "documents.archived_at",
      "creator.name as created_by_name",
      sql<
        string[]
      >`coalesce(array(select dd.department_id::text from document_departments dd join departments d on d.id = dd.department_id where dd.document_id = ${eb.ref("documents.id")} order by lower(d.name)), '{}')`.as(
        "department_ids",
      ),
      sql<
        string[]
      >`coalesce(array(select d.name from document_departments dd join departments d on d.id = dd.department_id where dd.document_id = ${eb.ref("documents.id")} order by lower(d.name)), '{}')`.as(
        "department_names",
      ),
    ])
    .where("documents.organisation_id", "=", organisationId);
}

type DocumentRow = Awaited<
  ReturnType<ReturnType<typeof documentsQuery>["executeTakeFirstOrThrow"]>
>;

function present(row: DocumentRow, actor: Actor): DocumentView {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    status: row.status,
    departmentIds: row.department_ids,
    departmentNames: row.department_names,
    version: row.version,
    createdByName: row.created_by_name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    contentUpdatedAt: row.content_updated_at.toISOString(),
    frontMatter: {
      municipality: row.front_municipality,
      sender: row.front_sender,
      registrationNumber: row.front_registration_number,
      date: row.front_date,
      caseOfficer: row.front_case_officer,
      documentType: row.front_document_type,
    },
    archived: row.archived_at !== null,
    writable: !isFrozen(row) && can(actor, "documents:edit"),
  };
}

export const DocumentFilterSchema = z.object({
  kind: z.enum(DOCUMENT_KINDS, "validation.documentKind").optional(),
  status: z.enum(DOCUMENT_STATUSES, "validation.documentStatus").optional(),
  departmentId: z.uuid("validation.unknownDepartment").optional(),
  q: z.string().trim().max(200, "validation.tooLong").optional(),
  archived: ARCHIVED_FILTER,
});

/** A page of documents for the API: the list's filter, a page size and where the page starts. */
export const DocumentPageSchema = DocumentFilterSchema.extend({
  ...pageFields(100),
});

export async function listDocuments(
  db: Executor,
  actor: Actor,
  rawFilter: unknown = {},
): Promise<DocumentView[]> {
  assertCan(actor, "documents:read");
  const filter = parseInput(DocumentFilterSchema, rawFilter);
  const rows = await filteredDocuments(db, actor, filter)
    .orderBy("documents.content_updated_at", "desc")
    .orderBy("documents.id")
    .execute();
  return rows.map((row) => present(row, actor));
}

/** The newest edit first, as listDocuments, one page at a time by keyset (see keyset.ts). */
export async function listDocumentPage(
  db: Executor,
  actor: Actor,
  rawFilter: unknown = {},
): Promise<{ items: DocumentView[]; nextCursor: string | null }> {
  assertCan(actor, "documents:read");
  const filter = parseInput(DocumentPageSchema, rawFilter);
  const { page, nextCursor } = await readPage(
    filteredDocuments(db, actor, filter),
    { list: "documents", sort: DOCUMENT_SORT, direction: "desc", idColumn: sql`documents.id` },
    filter,
  );
  return { items: page.map((row) => present(row, actor)), nextCursor };
}

const DOCUMENT_SORT: SortKey = {
  expression: sql`documents.content_updated_at`,
  type: "timestamptz",
  notNull: true,
};

function filteredDocuments(
  db: Executor,
  actor: Actor,
  filter: z.output<typeof DocumentFilterSchema>,
) {
  let query = documentsQuery(db, actor.organisationId);
  const archived = archivedCondition("documents.archived_at", filter.archived);
  if (archived) query = query.where(archived);
  if (filter.kind) query = query.where("documents.kind", "=", filter.kind);
  if (filter.status) query = query.where("documents.status", "=", filter.status);
  if (filter.departmentId) {
    const departmentId = filter.departmentId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("document_departments as dd")
          .select("dd.document_id")
          .whereRef("dd.document_id", "=", "documents.id")
          .where("dd.department_id", "=", departmentId),
      ),
    );
  }
  if (filter.q)
    query = query.where(
      "documents.title",
      "ilike",
      `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    );
  return query;
}

export async function getDocument(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<DocumentView> {
  assertCan(actor, "documents:read");
  if (!z.uuid().safeParse(documentId).success) throw new NotFoundError();
  const row = await documentsQuery(db, actor.organisationId)
    .where("documents.id", "=", documentId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return present(row, actor);
}

/** Adopted (fastställd) or archived: nobody writes in it, nor names or restores versions of it. */
function isFrozen(document: { status: DocumentStatus; archived_at: Date | null }) {
  return document.status === "adopted" || document.archived_at !== null;
}

/** Refuses a change to an adopted or archived document, saying which. */
export function assertWritable(document: DocumentView) {
  if (document.status === "adopted")
    throw new ValidationError({ form: "validation.documentFrozen" });
  if (document.archived) throw new ValidationError({ form: "validation.documentArchived" });
}

/**
 * Whether a document is frozen, for a co-editing join: the same access rule as getDocument (the
 * actor's organisation, `documents:read`) in a lighter read, as a whole meeting may join at once.
 */
export async function isDocumentFrozen(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<boolean> {
  assertCan(actor, "documents:read");
  if (!z.uuid().safeParse(documentId).success) throw new NotFoundError();
  const frozen = await documentFrozenState(db, documentId, actor.organisationId);
  if (frozen === undefined) throw new NotFoundError();
  return frozen;
}

/**
 * Whether a document (of `organisationId`, when given) is frozen, as committed; undefined when
 * there is no such document. For the co-editing hub.
 */
export async function documentFrozenState(
  db: Executor,
  documentId: string,
  organisationId?: string,
): Promise<boolean | undefined> {
  const row = await db
    .selectFrom("documents")
    .select(["status", "archived_at"])
    .where("id", "=", documentId)
    .$if(organisationId !== undefined, (query) =>
      query.where("organisation_id", "=", organisationId!),
    )
    .executeTakeFirst();
  return row && isFrozen(row);
}

/** Every document by title, for choosing one in a form (an action's "Från dokument"). */
export async function documentChoices(
  db: Executor,
  actor: Actor,
): Promise<{ id: string; title: string }[]> {
  assertCan(actor, "documents:read");
  return db
    .selectFrom("documents")
    .select(["id", "title"])
    .where("organisation_id", "=", actor.organisationId)
    .where("archived_at", "is", null)
    .orderBy(sql`lower(title)`)
    .orderBy("id")
    .execute();
}

async function assertDepartments(trx: Tx, organisationId: string, ids: string[]) {
  if (ids.length === 0) return;
  const found = await trx
    .selectFrom("departments")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("id", "in", ids)
    .execute();
  if (found.length !== new Set(ids).size)
    throw new ValidationError({ departmentIds: "validation.unknownDepartment" });
}

async function setDepartments(trx: Tx, organisationId: string, documentId: string, ids: string[]) {
  await trx.deleteFrom("document_departments").where("document_id", "=", documentId).execute();
  const unique = [...new Set(ids)];
  if (unique.length > 0) {
    await trx
      .insertInto("document_departments")
      .values(
        unique.map((department_id) => ({
          document_id: documentId,
          department_id,
          organisation_id: organisationId,
        })),
      )
      .execute();
  }
}

async function storeRendered(
  trx: Executor,
  documentId: string,
  rendered: RenderedDocument,
  editedAt?: Date,
) {
  await trx
    .updateTable("documents")
    .set({
      rendered_text: rendered.text,
      rendered_html: rendered.html,
      rendered_json: JSON.stringify(rendered.json),
      rendered_at: new Date(),
      // Never backwards: another process may render an older edit after this one.
      ...(editedAt && { content_updated_at: sql<Date>`greatest(content_updated_at, ${editedAt})` }),
    })
    .where("id", "=", documentId)
    .execute();
}

/** Records, in the change's transaction, that a document changed besides its text. */
export function recordDocumentChanged(
  trx: Tx,
  actor: Actor,
  documentId: string,
  change: DocumentChange,
) {
  return recordEvent(trx, actor, { type: "document.changed", documentId, change });
}

/**
 * Creates a document and its first Yjs state on the server (one empty paragraph, or what
 * `buildContent` puts in the root): no client ever bootstraps content.
 */
export async function createDocument(
  db: Executor,
  actor: Actor,
  input: unknown,
  buildContent?: () => void,
): Promise<string> {
  assertCan(actor, "documents:create");
  const data = parseInput(NewDocumentSchema, input);
  const state = createInitialState(buildContent);
  return inTransaction(db, async (trx) => {
    await assertDepartments(trx, actor.organisationId, data.departmentIds);
    const { id } = await trx
      .insertInto("documents")
      .values({
        organisation_id: actor.organisationId,
        title: data.title,
        kind: data.kind,
        created_by: actor.userId,
        updated_by: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await setDepartments(trx, actor.organisationId, id, data.departmentIds);
    await trx
      .insertInto("document_snapshots")
      .values({ document_id: id, state, last_update_id: 0 })
      .execute();
    await storeRendered(trx, id, renderState(state));
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "document.created",
      entityType: "document",
      entityId: id,
      after: data,
    });
    await recordDocumentChanged(trx, actor, id, "created");
    return id;
  });
}

/** The stored content, rendered from the Yjs state (never from an old copy). */
export async function documentContent(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<RenderedDocument> {
  await getDocument(db, actor, documentId);
  const stored = await loadCheckedState(db, documentId);
  if (!stored) throw new NotFoundError();
  return renderState(stored.state);
}

/** The open suggestions (track changes) in a document's stored content, in reading order. */
export async function documentSuggestions(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<ListedSuggestion[]> {
  const content = await documentContent(db, actor, documentId);
  return suggestionsInJson(content.json.root as never);
}

/**
 * How many co-editing updates of a document were set aside because they were outside the
 * editor's schema: for the organisation's administrators (those who manage its people), null
 * for everyone else.
 */
export async function quarantinedUpdates(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<number | null> {
  await getDocument(db, actor, documentId);
  if (!can(actor, "users:manage")) return null;
  return quarantinedCount(db, documentId);
}

/**
 * Re-renders a document's text, HTML and JSON into its row (search, exports, read-only views),
 * and records `editedAt`, when its content was last edited: appending to the update log does not
 * touch the row, so that each keystroke costs one INSERT.
 */
export async function refreshRenderedFromState(
  db: Executor,
  documentId: string,
  state: Uint8Array,
  editedAt?: Date,
): Promise<void> {
  await storeRendered(db, documentId, renderState(state), editedAt);
}

async function insertVersion(
  trx: Tx,
  actor: Actor,
  documentId: string,
  note: string,
  adopted: boolean,
): Promise<string> {
  const stored = await loadState(trx, documentId);
  if (!stored) throw new NotFoundError();
  const rendered = renderState(stored.state);
  const { id } = await trx
    .insertInto("document_versions")
    .values({
      document_id: documentId,
      organisation_id: actor.organisationId,
      note,
      state: stored.state,
      rendered_json: JSON.stringify(rendered.json),
      rendered_html: rendered.html,
      rendered_text: rendered.text,
      adopted,
      created_by: actor.userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    organisationId: actor.organisationId,
    actorId: actor.userId,
    action: adopted ? "document.adopted" : "document.version-created",
    entityType: "document",
    entityId: documentId,
    after: { versionId: id, note },
  });
  return id;
}

/** The front matter after a details form: the fields it sent, the others as they were. */
function changedFrontMatter(
  before: FrontMatter,
  data: Partial<z.output<typeof FrontMatterFields>>,
): FrontMatter {
  return {
    municipality: data.frontMunicipality ?? before.municipality,
    sender: data.frontSender ?? before.sender,
    registrationNumber: data.frontRegistrationNumber ?? before.registrationNumber,
    date: data.frontDate === undefined ? before.date : data.frontDate,
    caseOfficer: data.frontCaseOfficer ?? before.caseOfficer,
    documentType: data.frontDocumentType ?? before.documentType,
  };
}

/**
 * Title, kind, departments, front matter and status, with optimistic concurrency. Becoming *fastställd*
 * freezes the document (read-only from then on) and keeps that adopted version.
 */
export async function updateDocumentMeta(
  db: Executor,
  actor: Actor,
  documentId: string,
  input: unknown,
): Promise<{ adoptedNow: boolean }> {
  const before = await getDocument(db, actor, documentId);
  assertCan(actor, "documents:edit");
  assertWritable(before);
  const data = parseInput(DocumentUpdateSchema, input);
  const adoptedNow = data.status === "adopted";
  const frontMatter = changedFrontMatter(before.frontMatter, data);
  await inTransaction(db, async (trx) => {
    await assertDepartments(trx, actor.organisationId, data.departmentIds);
    const updated = await trx
      .updateTable("documents")
      .set({
        title: data.title,
        kind: data.kind,
        status: data.status,
        front_municipality: frontMatter.municipality,
        front_sender: frontMatter.sender,
        front_registration_number: frontMatter.registrationNumber,
        front_date: frontMatter.date,
        front_case_officer: frontMatter.caseOfficer,
        front_document_type: frontMatter.documentType,
        version: data.version + 1,
        updated_by: actor.userId,
        updated_at: new Date(),
      })
      .where("id", "=", documentId)
      .where("version", "=", data.version)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new ConflictError({ version: before.version });
    await setDepartments(trx, actor.organisationId, documentId, data.departmentIds);
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "document.updated",
      entityType: "document",
      entityId: documentId,
      before: {
        title: before.title,
        kind: before.kind,
        status: before.status,
        departmentIds: before.departmentIds,
        frontMatter: before.frontMatter,
      },
      after: {
        title: data.title,
        kind: data.kind,
        status: data.status,
        departmentIds: data.departmentIds,
        frontMatter,
      },
    });
    if (adoptedNow) {
      // Counted in the stored state, in the transaction that adopts it.
      const stored = await loadState(trx, documentId);
      if (stored && suggestionsInJson(renderState(stored.state).json.root as never).length > 0)
        throw new ValidationError({ status: "validation.openSuggestions" });
      await insertVersion(trx, actor, documentId, "Fastställd", true);
    }
    // The co-editing hub hears "adopted" too, and turns open editors read-only.
    await recordDocumentChanged(trx, actor, documentId, adoptedNow ? "adopted" : "meta");
  });
  return { adoptedNow };
}

/**
 * The API's change of a document (PATCH): only the fields to change, with the version read, and
 * the front matter by its published names; what is left out stays as it is.
 */
export const DocumentChangesSchema = z.object({
  version: z.int("validation.version").min(1, "validation.version"),
  title: DocumentFields.shape.title.optional(),
  kind: DocumentFields.shape.kind.optional(),
  departmentIds: z.array(z.uuid("validation.unknownDepartment")).optional(),
  status: z.enum(DOCUMENT_STATUSES, "validation.documentStatus").optional(),
  frontMatter: z
    .object({
      municipality: FrontMatterFields.shape.frontMunicipality,
      sender: FrontMatterFields.shape.frontSender,
      registrationNumber: FrontMatterFields.shape.frontRegistrationNumber,
      date: FrontMatterFields.shape.frontDate,
      caseOfficer: FrontMatterFields.shape.frontCaseOfficer,
      documentType: FrontMatterFields.shape.frontDocumentType,
    })
    .partial()
    .optional(),
});

/** Changes some of a document's metadata or its status (updateDocumentMeta with the rest kept). */
export async function changeDocument(
  db: Executor,
  actor: Actor,
  documentId: string,
  input: unknown,
): Promise<{ adoptedNow: boolean }> {
  const before = await getDocument(db, actor, documentId);
  assertCan(actor, "documents:edit");
  const { frontMatter = {}, ...changes } = parseInput(DocumentChangesSchema, input);
  const front = Object.fromEntries(
    Object.entries(frontMatter).map(([key, value]) => [
      `front${key[0].toUpperCase()}${key.slice(1)}`,
      value,
    ]),
  );
  return updateDocumentMeta(db, actor, documentId, {
    title: before.title,
    kind: before.kind,
    departmentIds: before.departmentIds,
    status: before.status,
    ...front,
    ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)),
  });
}

export interface VersionView {
  id: string;
  note: string;
  adopted: boolean;
  createdByName: string | null;
  createdAt: string;
}

export async function createVersion(
  db: Executor,
  actor: Actor,
  documentId: string,
  input: unknown,
): Promise<string> {
  const document = await getDocument(db, actor, documentId);
  assertCan(actor, "documents:edit");
  assertWritable(document);
  const { note } = parseInput(VersionSchema, input);
  return inTransaction(db, async (trx) => {
    const id = await insertVersion(trx, actor, documentId, note, false);
    await recordDocumentChanged(trx, actor, documentId, "version");
    return id;
  });
}

export async function listVersions(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<VersionView[]> {
  await getDocument(db, actor, documentId);
  const rows = await db
    .selectFrom("document_versions")
    .leftJoin("users", "users.id", "document_versions.created_by")
    .select([
      "document_versions.id",
      "document_versions.note",
      "document_versions.adopted",
      "document_versions.created_at",
      "users.name",
    ])
    .where("document_versions.document_id", "=", documentId)
    .where("document_versions.organisation_id", "=", actor.organisationId)
    .orderBy("document_versions.created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    note: r.note,
    adopted: r.adopted,
    createdByName: r.name,
    createdAt: r.created_at.toISOString(),
  }));
}

export async function getVersion(
  db: Executor,
  actor: Actor,
  documentId: string,
  versionId: string,
) {
  await getDocument(db, actor, documentId);
  if (!z.uuid().safeParse(versionId).success) throw new NotFoundError();
  const row = await db
    .selectFrom("document_versions")
    .leftJoin("users", "users.id", "document_versions.created_by")
    .select([
      "document_versions.id",
      "document_versions.note",
      "document_versions.adopted",
      "document_versions.created_at",
      "document_versions.rendered_html",
      "document_versions.rendered_text",
      "document_versions.rendered_json",
      "users.name",
    ])
    .where("document_versions.id", "=", versionId)
    .where("document_versions.document_id", "=", documentId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return {
    id: row.id,
    note: row.note,
    adopted: row.adopted,
    createdByName: row.name,
    createdAt: row.created_at.toISOString(),
    // Rendered when the version was named, possibly before content was checked.
    html: safeHtml(row.rendered_html),
    text: row.rendered_text,
    json: row.rendered_json as RenderedDocument["json"],
  };
}

/**
 * Restores a version as a new change on top of the document's history (history is never
 * rewritten): one transaction appends the Yjs update that brings the content back to the
 * document's log, renders it, and records the audit entry and the event. The co-editing hub hears
 * "restored" after COMMIT and sends the update to every open editor.
 */
export async function restoreVersion(
  db: Executor,
  actor: Actor,
  documentId: string,
  versionId: string,
): Promise<void> {
  const document = await getDocument(db, actor, documentId);
  assertCan(actor, "documents:edit");
  assertWritable(document);
  const version = await getVersion(db, actor, documentId, versionId);
  await inTransaction(db, async (trx) => {
    const stored = await loadState(trx, documentId);
    if (!stored) throw new NotFoundError();
    const update = updateToContent(stored.state, version.json);
    await appendUpdate(trx, documentId, update, actor.userId);
    await storeRendered(
      trx,
      documentId,
      renderState(Y.mergeUpdates([stored.state, update])),
      new Date(),
    );
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "document.version-restored",
      entityType: "document",
      entityId: documentId,
      after: { versionId },
    });
    await recordDocumentChanged(trx, actor, documentId, "restored");
  });
}
