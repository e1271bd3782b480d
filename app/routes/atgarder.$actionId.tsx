import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Form,
  Link,
  type ShouldRevalidateFunction,
  useActionData,
  useLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { type ActionDetails, updateAction } from "../../server/domain/actions";
import { deleteAction, setActionArchived } from "../../server/domain/archiving";
import { addComment } from "../../server/domain/comments";
import { saveFollowUp } from "../../server/domain/followups";
import { ActionComments } from "../components/ActionComments";
import { ActionFields, type ActionOptions, actionInput } from "../components/ActionFields";
import { ActionFollowUps } from "../components/ActionFollowUps";
import { ActionHistory } from "../components/ActionHistory";
import { ActionSummary } from "../components/ActionSummary";
import { ArchivedNotice, ArchivePanel } from "../components/ArchivePanel";
import { ConflictNotice, useVersionedForm } from "../components/Conflict";
import { Notice } from "../components/FormFields";
import { MismatchQuestion, withoutQuestion } from "../components/MismatchQuestion";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import {
  assertDeletionConfirmed,
  dispatchIntent,
  type FormFailure,
  guard,
  readForm,
  runForm,
} from "../utils/route.server";
import { actionPage } from "./atgarder.$actionId.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const historyCursor = new URL(request.url).searchParams.get("historik") ?? undefined;
  return guard(() => actionPage(context.db, user, params.actionId ?? "", historyCursor));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const id = params.actionId ?? "";
  const form = await readForm(request);
  const { db } = context;
  const back = (notice: string) =>
    redirect(`/atgarder/${id}?${notice}=1#${notice}`, { status: 303 });
  return runForm(form, () =>
    dispatchIntent(form, {
      async save() {
        // The domain decides from the fields sent: an editor's form has only status and progress.
        // A contradicting status and progress is asked about until the box is ticked.
        const onMismatch = form.has("confirmMismatch") ? "accept" : "ask";
        await updateAction(db, user, id, actionInput(form), { onMismatch });
        return back("sparat");
      },
      async followup(periodId) {
        await saveFollowUp(db, user, id, periodId, {
          assessment: form.get("assessment") ?? undefined,
          comment: String(form.get("comment") ?? ""),
        });
        return back("uppfoljning");
      },
      async comment() {
        await addComment(db, user, id, { body: String(form.get("body") ?? "") });
        return back("kommentar");
      },
      async archive() {
        await setActionArchived(db, user, id, true);
        return back("arkiverad");
      },
      async unarchive() {
        await setActionArchived(db, user, id, false);
        return back("fran-arkivet");
      },
      async delete() {
        assertDeletionConfirmed(form);
        await deleteAction(db, user, id);
        return redirect("/atgarder?raderad=1", { status: 303 });
      },
    }),
  );
}

// A refused save (409) reloads the page's data too, so the summary shows what the other person saved.
export const shouldRevalidate: ShouldRevalidateFunction = ({
  actionStatus,
  defaultShouldRevalidate,
}) => actionStatus === 409 || defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "nav.actions").map(({ title }) => ({
    title: args.data ? `${args.data.item.title} – ${title}` : title,
  }));

/** The edit form's fields as a browser would send them. */
function formValuesOf(item: ActionDetails): Record<string, string | string[]> {
  return {
    title: item.title,
    description: item.description,
    goalId: item.goalId,
    departmentId: item.departmentId,
    involvedDepartmentIds: item.involvedDepartmentIds,
    ownerId: item.ownerId ?? "",
    documentId: item.documentId ?? "",
    startDate: item.startDate ?? "",
    dueDate: item.dueDate ?? "",
    status: item.status,
    progress: String(item.progress),
  };
}

function EditForm({
  item,
  options,
  allFields,
  failure,
}: {
  item: ActionDetails;
  options: ActionOptions;
  allFields: boolean;
  failure?: FormFailure;
}) {
  const t = useT();
  const [params] = useSearchParams();
  const versioned = useVersionedForm(item.version, formValuesOf(item), failure);
  const { errors, question } = withoutQuestion(
    failure?.conflict ? undefined : failure?.fieldErrors,
  );
  return (
    <section aria-labelledby="edit-heading" className="panel" id="sparat">
      <h2 id="edit-heading">{t(allFields ? "actionPage.edit" : "actionPage.editProgress")}</h2>
      {params.has("sparat") && <Notice>{t("actionPage.saved")}</Notice>}
      {versioned.stale && (
        <p className="live-note">
          {t("actionPage.staleNote")} <a href={`/atgarder/${item.id}`}>{t("actionPage.reload")}</a>
        </p>
      )}
      <Form key={versioned.key} method="post" noValidate className="stack" {...versioned.formProps}>
        {versioned.hiddenInputs}
        {failure?.conflict && <ConflictNotice conflict={failure.conflict} id="edit-conflict" />}
        <ActionFields
          defaults={item}
          options={options}
          errors={errors}
          values={versioned.values}
          editableFields={allFields ? undefined : ["status", "progress"]}
        />
        <MismatchQuestion id="confirmMismatch" question={question} focus={!errors} />
        <button type="submit" name="intent" value="save" className="button">
          {t("actionPage.save")}
        </button>
      </Form>
    </section>
  );
}

export default function ActionPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const { item, userId, options } = data;
  const result = useActionData<typeof action>();
  const failed = (intent: string) => (result?.intent === intent ? result : undefined);
  const [params] = useSearchParams();
  const lastChange = useLiveUpdates(
    (event) => event.type === "action.changed" && event.actionId === item.id,
    userId,
  );
  return (
    <div className="page">
      <p>
        <Link to="/atgarder">← {t("actionPage.back")}</Link>
      </p>
      <h1>{item.title}</h1>
      {item.documentId && (
        <p>
          {t("actionPage.fromDocument")}{" "}
          <Link to={`/dokument/${item.documentId}`}>{item.documentTitle}</Link>
        </p>
      )}
      {params.has("skapad") && <Notice>{t("actionPage.created")}</Notice>}
      {params.has("arkiverad") && <Notice>{t("archive.archivedNow")}</Notice>}
      {params.has("fran-arkivet") && <Notice>{t("archive.restoredNow")}</Notice>}
      {item.archived && <ArchivedNotice>{t("archive.actionNotice")}</ArchivedNotice>}
      <p className="live-status" role="status">
        {lastChange && t("actionList.liveUpdated", { name: lastChange.actorName })}
      </p>
      <ActionSummary
        item={item}
        shownStatus={data.shownStatus}
        involvedNames={data.involvedNames}
      />
      {(data.can.edit || data.can.report) && (
        <EditForm
          item={item}
          options={options}
          allFields={data.can.edit}
          failure={failed("save")}
        />
      )}
      <ActionFollowUps
        periods={data.periods}
        followUps={data.followUps}
        currentPeriodId={data.currentPeriodId}
        canReport={data.can.report}
        failure={result}
      />
      <ActionComments
        comments={data.comments}
        canComment={data.can.comment}
        people={data.people}
        failure={failed("comment")}
      />
      <ArchivePanel
        archived={item.archived}
        canArchive={data.can.archive}
        canDelete={data.can.delete}
        archiveHint={t("archive.archiveActionHint")}
        failure={result?.ok === false ? result : undefined}
      />
      <ActionHistory
        history={data.history}
        older={data.olderHistory}
        names={data.names}
        // The action's own goal too, should it no longer belong to the active strategy.
        goals={[
          ...options.goals,
          { id: item.goalId, position: item.goalPosition, title: item.goalTitle },
        ]}
      />
    </div>
  );
}
