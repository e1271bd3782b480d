import { suggestionsInJson } from "../../common/suggestions";
import type { Executor } from "../../db";
import { actionsFromDocument, displayStatus } from "../../server/domain/actions";
import { listDepartments } from "../../server/domain/departments";
import { canComment, listThreads } from "../../server/domain/document-comments";
import { listReviews, possibleReviewers } from "../../server/domain/document-reviews";
import {
  documentContent,
  getDocument,
  listVersions,
  quarantinedUpdates,
} from "../../server/domain/documents";
import { ValidationError } from "../../server/domain/errors";
import { mentionablePeople } from "../../server/domain/mentions";
import { type Actor, can } from "../../server/domain/policy";
import { documentInput, frontMatterInput } from "../components/DocumentFields";

/** Everything the document page shows around the editor; the editor shows the actor's name. */
export async function documentPage(
  db: Executor,
  actor: Actor & { name: string },
  documentId: string,
) {
  const [document, content, versions, departments, actions, threads, people, reviews, reviewers] =
    await Promise.all([
      getDocument(db, actor, documentId),
      // Rendered from the stored Yjs state: the first paint, and the page without JavaScript.
      documentContent(db, actor, documentId),
      listVersions(db, actor, documentId),
      listDepartments(db, actor),
      actionsFromDocument(db, actor, documentId),
      listThreads(db, actor, documentId),
      mentionablePeople(db, actor.organisationId),
      listReviews(db, actor, documentId),
      possibleReviewers(db, actor.organisationId),
    ]);
  // After rendering, which sets aside what is outside the editor's schema.
  const quarantined = await quarantinedUpdates(db, actor, documentId);
  return {
    document,
    html: content.html,
    // Adopting refuses while any is open; the page says so before anyone tries.
    openSuggestions: suggestionsInJson(content.json.root as never).length,
    quarantined,
    versions,
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    user: { id: actor.userId, name: actor.name },
    canEdit: can(actor, "documents:edit"),
    canDelete: can(actor, "archived:delete"),
    actions: actions.map((a) => ({
      id: a.id,
      title: a.title,
      departmentName: a.departmentName,
      status: displayStatus(a),
    })),
    canCreateAction: can(actor, "actions:create"),
    threads,
    people,
    canComment: canComment(actor, document.status),
    reviews,
    reviewers,
    canRequestReview: document.writable,
  };
}

/** The details form as the domain takes it; adopting needs its checkbox ticked. */
export function documentMetaInput(form: FormData) {
  const status = String(form.get("status") ?? "");
  if (status === "adopted" && form.get("confirmAdopt") !== "on")
    throw new ValidationError({ confirmAdopt: "validation.confirmAdopt" });
  return {
    ...documentInput(form),
    ...frontMatterInput(form),
    status,
    version: form.get("version") ?? "",
  };
}
