import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction, type Tx } from "../../db";
import { type ActionDetails, getAction, recordActionChanged } from "./actions";
import { recordAudit } from "./audit";
import { type DocumentView, getDocument, recordDocumentChanged } from "./documents";
import { InUseError } from "./errors";
import { recordEvent } from "./events";
import { reopenForNewAction } from "./followups";
import { type Actor, assertCan, NotFoundError } from "./policy";

/**
 * Archiving and deleting actions, documents and departments (ADR 0031). Archiving hides a thing
 * from the lists, counts and searches and keeps everything about it; deleting removes it for
 * good, only once it is archived and nothing that must be kept refers to it. Audit rows stay.
 */

/** Archives an action, or restores it from the archive; doing what is already so changes nothing. */
export async function setActionArchived(
  db: Executor,
  actor: Actor,
  actionId: string,
  archived: boolean,
): Promise<ActionDetails> {
  const action = await getAction(db, actor, actionId);
  assertCan(actor, "actions:edit", {
    organisationId: actor.organisationId,
    departmentId: action.departmentId,
  });
  await inTransaction(db, async (trx) => {
    // A new version (an open form of it is stale now), but the same updated_at: that says when
    // its content changed, and decides whether a finished action is reported in a period.
    const changed = await trx
      .updateTable("actions")
      .set({
        archived_at: archived ? new Date() : null,
        version: sql<number>`version + 1`,
        updated_by: actor.userId,
      })
      .where("id", "=", actionId)
      .where("archived_at", archived ? "is" : "is not", null)
      .returning("version")
      .executeTakeFirst();
    if (!changed) return;
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: archived ? "action.archived" : "action.unarchived",
      entityType: "action",
      entityId: actionId,
      before: { archived: !archived, version: changed.version - 1 },
      after: { archived, version: changed.version },
    });
    await recordActionChanged(trx, actor, action, archived ? "archived" : "unarchived");
    // Back in the lists, it is back in its department's report too: as if it were new.
    if (!archived) await reopenForNewAction(trx, actor, action);
  });
  return getAction(db, actor, actionId);
}

/** Archives a document, or restores it from the archive (an adopted one may be archived too). */
export async function setDocumentArchived(
  db: Executor,
  actor: Actor,
  documentId: string,
  archived: boolean,
): Promise<DocumentView> {
  await getDocument(db, actor, documentId);
  assertCan(actor, "documents:edit");
  await inTransaction(db, async (trx) => {
    const changed = await trx
      .updateTable("documents")
      .set({
        archived_at: archived ? new Date() : null,
        version: sql<number>`version + 1`,
        updated_by: actor.userId,
      })
      .where("id", "=", documentId)
      .where("archived_at", archived ? "is" : "is not", null)
      .returning("id")
      .executeTakeFirst();
    if (!changed) return;
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: archived ? "document.archived" : "document.unarchived",
      entityType: "document",
      entityId: documentId,
      before: { archived: !archived },
      after: { archived },
    });
    // The co-editing hub hears "archived" too, and turns open editors read-only.
    await recordDocumentChanged(trx, actor, documentId, archived ? "archived" : "unarchived");
  });
  return getDocument(db, actor, documentId);
}

/** Does any adopted period report's frozen copy list the action? */
async function inAdoptedReport(trx: Tx, organisationId: string, actionId: string) {
  const listed = "$.goals[*].actions[*] ? (@.id == $id)";
  const row = await trx
    .selectFrom("report_adoptions")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where(
      sql<boolean>`jsonb_path_exists(data, ${listed}::jsonpath, jsonb_build_object('id', ${actionId}::text))`,
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The row as it is inside the deleting transaction: it must exist and be archived. */
async function assertArchived(trx: Tx, table: "actions" | "documents", id: string) {
  const row = await trx
    .selectFrom(table)
    .select("archived_at")
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  if (row.archived_at === null) throw new InUseError({ form: "deletion.archiveFirst" });
}

/**
 * Deletes an archived action with its comments, follow-ups and involved departments (admins). An
 * action an adopted report shows, or that was reported on in an adopted period, is kept.
 */
export async function deleteAction(db: Executor, actor: Actor, actionId: string): Promise<void> {
  const action = await getAction(db, actor, actionId);
  assertCan(actor, "archived:delete");
  await inTransaction(db, async (trx) => {
    await assertArchived(trx, "actions", actionId);
    const reportedInAdopted = await trx
      .selectFrom("follow_ups")
      .innerJoin("report_adoptions", "report_adoptions.period_id", "follow_ups.period_id")
      .select("follow_ups.id")
      .where("follow_ups.action_id", "=", actionId)
      .limit(1)
      .executeTakeFirst();
    if (reportedInAdopted || (await inAdoptedReport(trx, actor.organisationId, actionId)))
      throw new InUseError({ form: "deletion.actionInAdoptedReport" });
    // Comments, follow-ups and involved departments go with it (ON DELETE CASCADE).
    await trx.deleteFrom("actions").where("id", "=", actionId).execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "action.deleted",
      entityType: "action",
      entityId: actionId,
      before: { title: action.title, departmentId: action.departmentId, goalId: action.goalId },
    });
    await recordActionChanged(trx, actor, action, "deleted");
  });
}

/**
 * Deletes an archived document with its content, versions, comments and reviews (admins). An
 * adopted document is never deleted, nor one that actions were created from.
 */
export async function deleteDocument(
  db: Executor,
  actor: Actor,
  documentId: string,
): Promise<void> {
  const document = await getDocument(db, actor, documentId);
  assertCan(actor, "archived:delete");
  await inTransaction(db, async (trx) => {
    await assertArchived(trx, "documents", documentId);
    const adoptedVersion = await trx
      .selectFrom("document_versions")
      .select("id")
      .where("document_id", "=", documentId)
      .where("adopted", "=", true)
      .limit(1)
      .executeTakeFirst();
    if (document.status === "adopted" || adoptedVersion)
      throw new InUseError({ form: "deletion.documentAdopted" });
    const linkedAction = await trx
      .selectFrom("actions")
      .select("id")
      .where("document_id", "=", documentId)
      .limit(1)
      .executeTakeFirst();
    if (linkedAction) throw new InUseError({ form: "deletion.documentHasActions" });
    // Its content, versions, comment threads, reviews and departments go with it (CASCADE).
    await trx.deleteFrom("documents").where("id", "=", documentId).execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "document.deleted",
      entityType: "document",
      entityId: documentId,
      before: { title: document.title, kind: document.kind, status: document.status },
    });
    await recordDocumentChanged(trx, actor, documentId, "deleted");
  });
}

/**
 * Deletes a department nothing refers to: no actions (owned or involved), documents, people or
 * period reports. One that has any is archived instead, which keeps all of that.
 */
export async function deleteDepartment(
  db: Executor,
  actor: Actor,
  departmentId: string,
): Promise<void> {
  assertCan(actor, "departments:manage");
  if (!z.uuid().safeParse(departmentId).success) throw new NotFoundError();
  await inTransaction(db, async (trx) => {
    const department = await trx
      .selectFrom("departments")
      .select(["name", "archived_at"])
      .where("id", "=", departmentId)
      .where("organisation_id", "=", actor.organisationId)
      .executeTakeFirst();
    if (!department) throw new NotFoundError();
    if (await departmentInUse(trx, departmentId))
      throw new InUseError({ form: "deletion.departmentInUse" });
    // Counts of assessments moved away with its actions: only zeros are left.
    await trx.deleteFrom("assessment_counts").where("department_id", "=", departmentId).execute();
    await trx.deleteFrom("departments").where("id", "=", departmentId).execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "department.deleted",
      entityType: "department",
      entityId: departmentId,
      before: { name: department.name, archived: department.archived_at !== null },
    });
    await recordEvent(trx, actor, { type: "department.changed", departmentId, change: "deleted" });
  });
}

/** Whether anything that must be kept refers to the department. */
export async function departmentInUse(db: Executor, departmentId: string): Promise<boolean> {
  const referring = (table: string) =>
    sql<boolean>`exists (select 1 from ${sql.table(table)} where department_id = ${departmentId})`;
  const { inUse } = await db
    .selectNoFrom(
      sql<boolean>`${sql.join(
        [
          "actions",
          "action_departments",
          "document_departments",
          "user_departments",
          "period_reports",
        ].map(referring),
        sql` or `,
      )}`.as("inUse"),
    )
    .executeTakeFirstOrThrow();
  return inUse;
}
