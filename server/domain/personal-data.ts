import { type RawBuilder, sql } from "kysely";
import type { SerializedEditorState } from "lexical";
import { z } from "zod";
import {
  containsIdentityNumber,
  findIdentityNumbers,
  maskIdentityNumbers,
  replaceIdentityNumbers,
} from "../../common/personnummer";
import { type Executor, inTransaction } from "../../db";
import { renderState, stateFromContent, updateToContent } from "../collab/headless";
import { compact, loadState } from "../collab/store";
import { textEverWritten } from "../collab/written-text";
import { recordAudit } from "./audit";
import { refreshRenderedFromState } from "./documents";
import { recordEvent } from "./events";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { parseInput } from "./validation";

/**
 * Identity numbers stored before every written form was refused: found by a scan over every
 * place that holds free text (documents with their history, versions, actions, follow-ups,
 * comments on actions and on documents' text with the passages they quote, reviews, names, the
 * audit log and adopted reports) and purged one finding at a time.
 */

/** What a purged number is replaced with. */
export const PURGED_MARK = "[personnummer borttaget]";

export const PERSONAL_DATA_PLACES = [
  "document",
  "version",
  "action",
  "followUp",
  "comment",
  "documentComment",
  "commentedPassage",
  "review",
  "user",
  "department",
  "strategy",
  "goal",
  "token",
  "auditEvent",
  "reportAdoption",
] as const;
export type PersonalDataPlace = (typeof PERSONAL_DATA_PLACES)[number];

export const PERSONAL_DATA_FIELDS = [
  "title",
  "content",
  "history",
  "note",
  "description",
  "comment",
  "body",
  "quote",
  "name",
  "before",
  "after",
  "data",
] as const;
export type PersonalDataField = (typeof PERSONAL_DATA_FIELDS)[number];

export interface PersonalDataFinding {
  place: PersonalDataPlace;
  id: string;
  /** The column, or `content` (a document's text now) or `history` (its stored edits). */
  field: PersonalDataField;
  /** The thing's own name, masked. */
  label: string;
  href: string | null;
  /** The text around the first number, every number masked ("811218-****"). */
  excerpt: string;
}

/** Plain text columns, one table each. */
interface RowPlace {
  place: PersonalDataPlace;
  table: string;
  fields: readonly PersonalDataField[];
  label: string;
  href: (row: Record<string, string>) => string | null;
  /** Editable rows carry a version for optimistic concurrency: a purge is a change. */
  versioned: boolean;
  /** The rows, when the link needs a column of another table (default: the table's own rows). */
  rows?: (organisationId: string) => RawBuilder<Record<string, string>>;
}

const ROW_PLACES: readonly RowPlace[] = [
  {
    place: "action",
    table: "actions",
    fields: ["title", "description"],
    label: "title",
    href: (row) => `/atgarder/${row.id}`,
    versioned: true,
  },
  {
    place: "followUp",
    table: "follow_ups",
    fields: ["comment"],
    label: "comment",
    href: (row) => `/atgarder/${row.action_id}`,
    versioned: false,
  },
  {
    place: "comment",
    table: "action_comments",
    fields: ["body"],
    label: "body",
    href: (row) => `/atgarder/${row.action_id}`,
    versioned: false,
  },
  {
    place: "documentComment",
    table: "document_comments",
    fields: ["body"],
    label: "body",
    href: (row) => `/dokument/${row.document_id}`,
    versioned: false,
    rows: (organisationId) => sql`
      select c.*, t.document_id from document_comments c
      join document_comment_threads t on t.id = c.thread_id
      where c.organisation_id = ${organisationId} order by c.id`,
  },
  {
    place: "commentedPassage",
    table: "document_comment_threads",
    fields: ["quote"],
    label: "quote",
    href: (row) => `/dokument/${row.document_id}`,
    versioned: false,
  },
  {
    place: "review",
    table: "document_reviews",
    fields: ["comment"],
    label: "comment",
    href: (row) => `/dokument/${row.document_id}`,
    versioned: false,
  },
  {
    place: "department",
    table: "departments",
    fields: ["name"],
    label: "name",
    href: () => "/admin/forvaltningar",
    versioned: true,
  },
  {
    place: "strategy",
    table: "strategies",
    fields: ["name", "description"],
    label: "name",
    href: (row) => `/admin/strategier/${row.id}`,
    versioned: true,
  },
  {
    place: "goal",
    table: "goals",
    fields: ["title", "description"],
    label: "title",
    href: (row) => `/admin/strategier/${row.strategy_id}`,
    versioned: false,
  },
  {
    place: "token",
    table: "api_tokens",
    fields: ["name"],
    label: "name",
    href: () => null,
    versioned: false,
  },
];

/** JSON columns (copies of what was written): every string in them is checked. */
const JSON_PLACES = {
  auditEvent: { table: "audit_events", fields: ["before", "after"], label: "action" },
  reportAdoption: { table: "report_adoptions", fields: ["data"], label: "adopted_at" },
} as const;

const labelOf = (value: unknown) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value);

const EXCERPT_RADIUS = 40;

function excerptOf(text: string): string {
  const masked = maskIdentityNumbers(text).replace(/\s+/g, " ");
  const at = Math.max(0, masked.indexOf("-****") - 8);
  const from = Math.max(0, at - EXCERPT_RADIUS);
  const to = Math.min(masked.length, at + 13 + EXCERPT_RADIUS);
  return `${from > 0 ? "…" : ""}${masked.slice(from, to).trim()}${to < masked.length ? "…" : ""}`;
}

function finding(
  place: PersonalDataPlace,
  id: string,
  field: PersonalDataField,
  label: string,
  href: string | null,
  text: string,
): PersonalDataFinding {
  return { place, id, field, label: maskIdentityNumbers(label), href, excerpt: excerptOf(text) };
}

function stringsIn(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(stringsIn).join("\n");
  if (value && typeof value === "object") return Object.values(value).map(stringsIn).join("\n");
  return "";
}

/** The value with every number in its strings replaced by PURGED_MARK. */
function scrubbed<T>(value: T): T {
  if (typeof value === "string") return replaceIdentityNumbers(value, PURGED_MARK) as T;
  if (Array.isArray(value)) return value.map(scrubbed) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubbed(v)])) as T;
  return value;
}

const asJson = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

async function rowsOf(db: Executor, table: string, organisationId: string) {
  const { rows } = await sql<Record<string, string>>`
    select * from ${sql.table(table)} where organisation_id = ${organisationId} order by id`.execute(
    db,
  );
  return rows;
}

/** The stored Yjs rows of a document: its snapshot and every log row not folded into it. */
async function storedUpdates(db: Executor, documentId: string): Promise<Uint8Array[]> {
  const snapshot = await db
    .selectFrom("document_snapshots")
    .select("state")
    .where("document_id", "=", documentId)
    .execute();
  const log = await db
    .selectFrom("document_updates")
    .select("update")
    .where("document_id", "=", documentId)
    .orderBy("id")
    .execute();
  return [...snapshot.map((r) => r.state), ...log.map((r) => r.update)].map(
    (bytes) => new Uint8Array(bytes),
  );
}

async function scanDocuments(db: Executor, organisationId: string) {
  const found: PersonalDataFinding[] = [];
  const documents = await db
    .selectFrom("documents")
    .select(["id", "title", "rendered_text"])
    .where("organisation_id", "=", organisationId)
    .orderBy("title")
    .execute();
  for (const document of documents) {
    const href = `/dokument/${document.id}`;
    const add = (field: PersonalDataField, text: string) =>
      found.push(finding("document", document.id, field, document.title, href, text));
    if (containsIdentityNumber(document.title)) add("title", document.title);
    const stored = await loadState(db, document.id);
    const content = `${stored ? renderState(stored.state).text : ""}\n${document.rendered_text ?? ""}`;
    if (containsIdentityNumber(content)) add("content", content);
    else {
      const history = textEverWritten(await storedUpdates(db, document.id));
      if (containsIdentityNumber(history)) add("history", history);
    }
  }
  const versions = await db
    .selectFrom("document_versions")
    .innerJoin("documents", "documents.id", "document_versions.document_id")
    .select([
      "document_versions.id",
      "document_versions.document_id",
      "document_versions.note",
      "document_versions.state",
      "document_versions.rendered_text",
      "documents.title",
    ])
    .where("document_versions.organisation_id", "=", organisationId)
    .orderBy("document_versions.created_at")
    .execute();
  for (const version of versions) {
    const href = `/dokument/${version.document_id}/versioner/${version.id}`;
    const add = (field: PersonalDataField, text: string) =>
      found.push(finding("version", version.id, field, version.title, href, text));
    if (containsIdentityNumber(version.note)) add("note", version.note);
    const content = `${version.rendered_text}\n${textEverWritten([new Uint8Array(version.state)])}`;
    if (containsIdentityNumber(content)) add("content", content);
  }
  return found;
}

async function scanRows(db: Executor, organisationId: string) {
  const found: PersonalDataFinding[] = [];
  for (const place of ROW_PLACES) {
    const rows = place.rows
      ? (await place.rows(organisationId).execute(db)).rows
      : await rowsOf(db, place.table, organisationId);
    for (const row of rows) {
      for (const field of place.fields) {
        const text = row[field] ?? "";
        if (containsIdentityNumber(text))
          found.push(finding(place.place, row.id, field, row[place.label], place.href(row), text));
      }
    }
  }
  const users = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id", "users.name"])
    .where("memberships.organisation_id", "=", organisationId)
    .execute();
  for (const user of users) {
    if (containsIdentityNumber(user.name))
      found.push(
        finding("user", user.id, "name", user.name, `/admin/anvandare/${user.id}`, user.name),
      );
  }
  for (const [place, { table, fields, label }] of Object.entries(JSON_PLACES)) {
    for (const row of await rowsOf(db, table, organisationId)) {
      for (const field of fields) {
        const text = stringsIn(asJson(row[field]));
        if (containsIdentityNumber(text))
          found.push(
            finding(place as PersonalDataPlace, row.id, field, labelOf(row[label]), null, text),
          );
      }
    }
  }
  return found;
}

/** Every stored identity number of one organisation, where it is and in which field. */
export async function scanPersonalData(
  db: Executor,
  organisationId: string,
): Promise<PersonalDataFinding[]> {
  return [...(await scanDocuments(db, organisationId)), ...(await scanRows(db, organisationId))];
}

/** The admin page's list: for admins only, like the purge. */
export async function listPersonalDataFindings(db: Executor, actor: Actor) {
  assertCan(actor, "personalData:purge");
  return scanPersonalData(db, actor.organisationId);
}

export const PurgeSchema = z.object({
  place: z.enum(PERSONAL_DATA_PLACES, "validation.invalid"),
  id: z.uuid("validation.invalid"),
  field: z.enum(PERSONAL_DATA_FIELDS, "validation.invalid"),
});

/** Applies an update to a live document through the co-editing hub, so open editors get it. */
export type ApplyDocumentUpdate = (documentId: string, update: Uint8Array) => Promise<void>;

/**
 * Removes every identity number from one finding's place: its text now and its history. The
 * audit entry names the place and how many numbers went, never a number.
 */
export async function purgePersonalData(
  db: Executor,
  actor: Actor,
  input: unknown,
  applyToDocument: ApplyDocumentUpdate,
): Promise<void> {
  assertCan(actor, "personalData:purge");
  const target = parseInput(PurgeSchema, input);
  const removed =
    target.place === "document"
      ? await purgeDocument(db, actor, target.id, applyToDocument)
      : await inTransaction(db, (trx) => purgeStored(trx, actor, target));
  await inTransaction(db, async (trx) => {
    await scrubAuditOf(trx, actor.organisationId, target.id);
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "personal-data.purged",
      entityType: target.place,
      entityId: target.id,
      after: { field: target.field, removed },
    });
    await recordEvent(trx, actor, {
      type: "personal-data.purged",
      place: target.place,
      entityId: target.id,
      field: target.field,
    });
  });
}

type PurgeTarget = z.infer<typeof PurgeSchema>;

async function purgeStored(trx: Executor, actor: Actor, target: PurgeTarget): Promise<number> {
  if (target.place === "version") return purgeVersion(trx, actor, target.id);
  if (target.place === "user") return purgeUserName(trx, actor, target.id);
  const rowPlace = ROW_PLACES.find((p) => p.place === target.place);
  const jsonPlace = JSON_PLACES[target.place as keyof typeof JSON_PLACES];
  const table = rowPlace?.table ?? jsonPlace?.table;
  const fields: readonly PersonalDataField[] = rowPlace?.fields ?? jsonPlace?.fields ?? [];
  if (!table || !fields.includes(target.field)) throw new NotFoundError();
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.ref(target.field)} as value from ${sql.table(table)}
    where id = ${target.id} and organisation_id = ${actor.organisationId}`.execute(trx);
  if (rows.length === 0) throw new NotFoundError();
  const before = jsonPlace ? asJson(rows[0].value) : String(rows[0].value);
  const after = scrubbed(before);
  const value = jsonPlace ? JSON.stringify(after) : after;
  await sql`
    update ${sql.table(table)} set ${sql.ref(target.field)} = ${value}
    ${rowPlace?.versioned ? sql`, version = version + 1` : sql``}
    where id = ${target.id} and organisation_id = ${actor.organisationId}`.execute(trx);
  return findIdentityNumbers(stringsIn(before)).length;
}

async function purgeUserName(trx: Executor, actor: Actor, userId: string): Promise<number> {
  const user = await trx
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select("users.name")
    .where("users.id", "=", userId)
    .where("memberships.organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!user) throw new NotFoundError();
  const name = scrubbed(user.name);
  await trx.updateTable("users").set({ name }).where("id", "=", userId).execute();
  // The outbox keeps each event's author by name as it was then (sign-ins, every change).
  await trx
    .updateTable("domain_events")
    .set({ actor_name: name })
    .where("actor_id", "=", userId)
    .execute();
  return findIdentityNumbers(user.name).length;
}

/** A version is frozen and shared with no editor: it gets a fresh state of its cleaned content. */
async function purgeVersion(trx: Executor, actor: Actor, versionId: string): Promise<number> {
  const version = await trx
    .selectFrom("document_versions")
    .select(["note", "rendered_json", "rendered_text", "state"])
    .where("id", "=", versionId)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!version) throw new NotFoundError();
  const content = scrubbed(asJson(version.rendered_json)) as SerializedEditorState;
  const state = stateFromContent(content);
  const rendered = renderState(state);
  await trx
    .updateTable("document_versions")
    .set({
      note: scrubbed(version.note),
      state,
      rendered_json: JSON.stringify(rendered.json),
      rendered_html: rendered.html,
      rendered_text: rendered.text,
    })
    .where("id", "=", versionId)
    .execute();
  const written = textEverWritten([new Uint8Array(version.state)]);
  return findIdentityNumbers(`${version.note}\n${version.rendered_text}\n${written}`).length;
}

/**
 * A live document is cleaned by an ordinary edit through the hub (open editors receive it, and
 * nothing is rebuilt, which would duplicate content in reconnecting editors); then its whole log
 * is folded into one snapshot, where Yjs garbage-collects the deleted text, so no stored update
 * still holds the number. The rendered text, HTML and search index follow the cleaned state.
 */
async function purgeDocument(
  db: Executor,
  actor: Actor,
  documentId: string,
  applyToDocument: ApplyDocumentUpdate,
): Promise<number> {
  const document = await db
    .selectFrom("documents")
    .select("title")
    .where("id", "=", documentId)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!document) throw new NotFoundError();
  const history = textEverWritten(await storedUpdates(db, documentId));
  const removed = findIdentityNumbers(`${document.title}\n${history}`).length;
  if (containsIdentityNumber(document.title)) {
    await db
      .updateTable("documents")
      .set((eb) => ({ title: scrubbed(document.title), version: eb("version", "+", 1) }))
      .where("id", "=", documentId)
      .execute();
  }
  const stored = await loadState(db, documentId);
  if (!stored) return removed;
  const content = renderState(stored.state).json;
  const cleaned = scrubbed(content);
  if (JSON.stringify(cleaned) !== JSON.stringify(content))
    await applyToDocument(documentId, updateToContent(stored.state, cleaned));
  await compact(db, documentId);
  const compacted = await loadState(db, documentId);
  if (compacted) await refreshRenderedFromState(db, documentId, compacted.state);
  return removed;
}

/** The audit log's copies of a purged thing's text (its before and after) are cleaned too. */
async function scrubAuditOf(trx: Executor, organisationId: string, entityId: string) {
  const events = await trx
    .selectFrom("audit_events")
    .select(["id", "before", "after"])
    .where("organisation_id", "=", organisationId)
    .where((eb) =>
      eb.or([eb("entity_id", "=", entityId), eb(sql`after::text`, "like", `%${entityId}%`)]),
    )
    .execute();
  for (const event of events) {
    const before = asJson(event.before);
    const after = asJson(event.after);
    if (!containsIdentityNumber(`${stringsIn(before)}\n${stringsIn(after)}`)) continue;
    await trx
      .updateTable("audit_events")
      .set({
        before: before === null ? null : JSON.stringify(scrubbed(before)),
        after: after === null ? null : JSON.stringify(scrubbed(after)),
      })
      .where("id", "=", event.id)
      .execute();
  }
}

/** Counts and places only, never a number or an excerpt: safe for the server log. */
export function describeFindings(findings: readonly PersonalDataFinding[]): string {
  if (findings.length === 0) return "no stored identity numbers found";
  const places = findings.map((f) => `${f.place} ${f.id} ${f.field}`).join("; ");
  return `${findings.length} stored identity number finding(s), purge them at /admin/personuppgifter: ${places}`;
}

/** Scans every organisation (at start-up and by `npm run pdata:scan`). */
export async function scanAllOrganisations(db: Executor) {
  const organisations = await db.selectFrom("organisations").select(["id", "slug"]).execute();
  const result: { organisation: string; findings: PersonalDataFinding[] }[] = [];
  for (const organisation of organisations)
    result.push({
      organisation: organisation.slug,
      findings: await scanPersonalData(db, organisation.id),
    });
  return result;
}

/** The start-up check: warns with counts and places when something needs purging. */
export async function reportStoredPersonalData(db: Executor): Promise<void> {
  try {
    for (const { organisation, findings } of await scanAllOrganisations(db)) {
      if (findings.length > 0)
        console.warn(`Organisation ${organisation}: ${describeFindings(findings)}`);
    }
  } catch (error) {
    console.error(`The scan for stored identity numbers failed: ${(error as Error).message}`);
  }
}
