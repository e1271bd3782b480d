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
  useLocation,
  useSearchParams,
} from "@remix-run/react";
import { formatDate, formatDateTime, formatLongDate, formatRelative } from "../../common/format";
import { isMessageKey } from "../../common/i18n";
import type { Assessment } from "../../db/schema";
import { publishActionChanged } from "../../server/bus";
import {
  type DisplayStatus,
  displayStatus,
  getAction,
  updateAction,
} from "../../server/domain/actions";
import { addComment, listComments } from "../../server/domain/comments";
import { swedishToday } from "../../server/domain/dates";
import { listDepartments } from "../../server/domain/departments";
import { type FollowUpView, listFollowUps, saveFollowUp } from "../../server/domain/followups";
import { entityHistory, type HistoryEntry } from "../../server/domain/history";
import { currentPeriod, listPeriods, type PeriodView } from "../../server/domain/periods";
import { can } from "../../server/domain/policy";
import {
  ActionFields,
  type ActionOptions,
  actionInput,
  useActionFieldLabels,
} from "../components/ActionFields";
import { ConflictNotice, useVersionedForm } from "../components/Conflict";
import { FollowUpFields } from "../components/FollowUpFields";
import { ErrorSummary, Notice, TextField } from "../components/FormFields";
import { AssessmentBadge, StatusBadge } from "../components/StatusBadge";
import { actionOptions } from "../utils/actions.server";
import { requirePermission } from "../utils/auth.server";
import { echoed } from "../utils/forms";
import { pageTitle, useLocale, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { type FormFailure, guard, readForm, runForm } from "../utils/route.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const { db } = context;
  return guard(async () => {
    const item = await getAction(db, user, params.actionId ?? "");
    const [followUps, comments, history, periods, current, options, departments] =
      await Promise.all([
        listFollowUps(db, user, item.id),
        listComments(db, user, item.id),
        entityHistory(db, user, "action", item.id),
        listPeriods(db, user),
        currentPeriod(db, user),
        actionOptions(db, user),
        listDepartments(db, user, { includeArchived: true }),
      ]);
    const resource = { organisationId: user.organisationId, departmentId: item.departmentId };
    // Every period from the action's start until today, newest first, and always the period
    // being reported on now (as in "Att göra", which asks for it whenever there is no start date).
    const from = item.startDate ?? item.createdAt.slice(0, 10);
    const today = swedishToday();
    const shownPeriods = periods
      .filter((p) => (p.endDate >= from || p.id === current?.id) && p.startDate <= today)
      .reverse();
    // The history names goals, departments, people and documents rather than showing their ids.
    const names: Record<string, string> = {};
    for (const d of departments) names[d.id] = d.name;
    for (const o of options.owners) names[o.id] = o.name;
    for (const d of options.documents) names[d.id] = d.title;
    if (item.ownerId && item.ownerName) names[item.ownerId] = item.ownerName;
    for (const p of periods) names[p.id] = p.name;
    return {
      userId: user.userId,
      item,
      shownStatus: displayStatus(item),
      involvedNames: item.involvedDepartmentIds.map((id) => names[id] ?? id),
      followUps,
      comments,
      history,
      periods: shownPeriods,
      currentPeriodId: current?.id ?? null,
      options,
      names,
      can: {
        edit: can(user, "actions:edit", resource),
        report: can(user, "actions:update-progress", resource),
        comment: can(user, "actions:comment", resource),
      },
    };
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const id = params.actionId ?? "";
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const { db, bus } = context;
  const back = (notice: string) =>
    redirect(`/atgarder/${id}?${notice}=1#${notice}`, { status: 303 });
  return runForm(form, async () => {
    if (intent === "save") {
      // The domain decides from the fields sent: an editor's form has only status and progress.
      const updated = await updateAction(db, user, id, actionInput(form));
      publishActionChanged(bus, user, updated, "updated");
      return back("sparat");
    }
    if (intent.startsWith("followup:")) {
      const { departmentId } = await saveFollowUp(db, user, id, intent.slice("followup:".length), {
        assessment: form.get("assessment") ?? undefined,
        comment: String(form.get("comment") ?? ""),
      });
      publishActionChanged(bus, user, { id, departmentId }, "followup");
      return back("uppfoljning");
    }
    if (intent === "comment") {
      const { departmentId } = await addComment(db, user, id, {
        body: String(form.get("body") ?? ""),
      });
      publishActionChanged(bus, user, { id, departmentId }, "comment");
      return back("kommentar");
    }
    throw new Response("Bad Request", { status: 400 });
  });
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

/** "för 5 minuter sedan", with the exact time in a tooltip. */
function When({ iso }: { iso: string }) {
  const locale = useLocale();
  return (
    <time dateTime={iso} title={formatDateTime(iso)} suppressHydrationWarning>
      {formatRelative(iso, locale)}
    </time>
  );
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["item"];

function Summary({
  item,
  shownStatus,
  involvedNames,
}: {
  item: Item;
  shownStatus: DisplayStatus;
  involvedNames: string[];
}) {
  const t = useT();
  const locale = useLocale();
  const labels = useActionFieldLabels();
  return (
    <section aria-labelledby="summary-heading" className="panel">
      <h2 id="summary-heading" className="visually-hidden">
        {t("actionPage.summary")}
      </h2>
      <dl className="summary-list">
        <dt>{labels.goalId}</dt>
        <dd>{t("actionPage.goal", { number: item.goalPosition, title: item.goalTitle })}</dd>
        <dt>{labels.status}</dt>
        <dd>
          <StatusBadge status={shownStatus} />
        </dd>
        <dt>{t("actionList.progress")}</dt>
        <dd>
          <span className="progress-bar" aria-hidden="true">
            <span style={{ width: `${item.progress}%` }} />
          </span>{" "}
          {t("actionList.progressValue", { value: item.progress })}
        </dd>
        <dt>{labels.departmentId}</dt>
        <dd>{item.departmentName}</dd>
        <dt>{labels.involvedDepartmentIds}</dt>
        <dd>{involvedNames.length > 0 ? involvedNames.join(", ") : t("actionPage.none")}</dd>
        <dt>{labels.ownerId}</dt>
        <dd>{item.ownerName ?? t("actionPage.noOwner")}</dd>
        <dt>{labels.startDate}</dt>
        <dd>{formatDate(item.startDate)}</dd>
        <dt>{labels.dueDate}</dt>
        <dd>{formatDate(item.dueDate)}</dd>
        <dt>{t("actionPage.lastChanged")}</dt>
        <dd>
          {t("actionPage.changedBy", { name: item.updatedByName ?? t("actionPage.unknownPerson") })}{" "}
          <When iso={item.updatedAt} />
        </dd>
      </dl>
      {item.startDate && item.dueDate && (
        <p>
          {t("actionPage.runs", {
            from: formatLongDate(item.startDate, locale),
            to: formatLongDate(item.dueDate, locale),
          })}
        </p>
      )}
      {item.description && <p className="pre-line">{item.description}</p>}
    </section>
  );
}

/** The edit form's fields as a browser would send them. */
function formValuesOf(item: Item): Record<string, string | string[]> {
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
  item: Item;
  options: ActionOptions;
  allFields: boolean;
  failure?: FormFailure;
}) {
  const t = useT();
  const [params] = useSearchParams();
  const versioned = useVersionedForm(item.version, formValuesOf(item), failure);
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
          errors={failure?.conflict ? undefined : failure?.fieldErrors}
          values={versioned.values}
          editableFields={allFields ? undefined : ["status", "progress"]}
        />
        <button type="submit" name="intent" value="save" className="button">
          {t("actionPage.save")}
        </button>
      </Form>
    </section>
  );
}

function FollowUpForm({
  period,
  followUp,
  failure,
}: {
  period: PeriodView;
  followUp?: FollowUpView;
  failure?: FormFailure;
}) {
  const t = useT();
  const prefix = `fu-${period.id}-`;
  const labels = { assessment: t("followUp.assessment"), comment: t("followUp.comment") };
  return (
    <Form method="post" noValidate className="stack">
      <ErrorSummary errors={failure?.fieldErrors} labels={labels} idPrefix={prefix} />
      <FollowUpFields
        idPrefix={prefix}
        legend={t("actionPage.assessmentFor", { period: period.name })}
        defaults={followUp ?? { assessment: null, comment: "" }}
        errors={failure?.fieldErrors}
        values={failure?.values}
      />
      <button type="submit" name="intent" value={`followup:${period.id}`} className="button">
        {t("actionPage.saveFollowUp", { period: period.name })}
      </button>
    </Form>
  );
}

function FollowUps() {
  const t = useT();
  const { periods, followUps, currentPeriodId, can } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const byPeriod = new Map(followUps.map((f) => [f.periodId, f]));
  return (
    <section aria-labelledby="followups-heading" id="uppfoljning">
      <h2 id="followups-heading">{t("actionPage.followUps")}</h2>
      {params.has("uppfoljning") && <Notice>{t("actionPage.followUpSaved")}</Notice>}
      {periods.length === 0 && <p>{t("actionPage.noPeriods")}</p>}
      <ol className="plain-list">
        {periods.map((period) => {
          const followUp = byPeriod.get(period.id);
          const isCurrent = period.id === currentPeriodId;
          const failed = failure?.intent === `followup:${period.id}` ? failure : undefined;
          const form = <FollowUpForm period={period} followUp={followUp} failure={failed} />;
          return (
            <li key={period.id} className="panel followup">
              <h3>
                {period.name}
                {isCurrent && <span className="meta"> – {t("actionPage.currentPeriod")}</span>}
              </h3>
              {followUp ? (
                <>
                  <p>
                    <AssessmentBadge assessment={followUp.assessment as Assessment} />
                  </p>
                  <p className="pre-line">{followUp.comment}</p>
                  <p className="meta">
                    {followUp.updatedByName ?? t("actionPage.unknownPerson")},{" "}
                    <When iso={followUp.updatedAt} />
                  </p>
                </>
              ) : (
                <p>{t("actionPage.noFollowUp")}</p>
              )}
              {can.report &&
                (isCurrent ? (
                  form
                ) : followUp ? null : (
                  <details open={failed !== undefined}>
                    <summary>{t("actionPage.addFollowUp", { period: period.name })}</summary>
                    {form}
                  </details>
                ))}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function Comments() {
  const t = useT();
  const { comments, can } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result?.intent === "comment" ? result : undefined;
  // A new location (after one's own comment was saved) empties the box; live reloads do not.
  const location = useLocation();
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="comments-heading" id="kommentar">
      <h2 id="comments-heading">{t("actionPage.comments")}</h2>
      {params.has("kommentar") && <Notice>{t("actionPage.commentAdded")}</Notice>}
      {comments.length === 0 ? (
        <p>{t("actionPage.noComments")}</p>
      ) : (
        <ol className="plain-list comments">
          {comments.map((comment) => (
            <li key={comment.id}>
              <p className="meta">
                <strong>{comment.authorName ?? t("actionPage.unknownPerson")}</strong>,{" "}
                <When iso={comment.createdAt} />
              </p>
              <p className="pre-line">{comment.body}</p>
            </li>
          ))}
        </ol>
      )}
      {can.comment && (
        <Form key={location.key} method="post" noValidate className="stack">
          <ErrorSummary
            errors={failure?.fieldErrors}
            labels={{ body: t("actionPage.newComment") }}
            idPrefix="comment-"
          />
          <TextField
            id="comment-body"
            name="body"
            label={t("actionPage.newComment")}
            multiline
            defaultValue={echoed(failure?.values, "body")}
            error={failure?.fieldErrors.body}
          />
          <button type="submit" name="intent" value="comment" className="button">
            {t("actionPage.addComment")}
          </button>
        </Form>
      )}
    </section>
  );
}

const HISTORY_SENTENCE: Record<
  string,
  "history.created" | "history.updated" | "history.followUp" | "history.comment"
> = {
  "action.created": "history.created",
  "action.updated": "history.updated",
  "followup.saved": "history.followUp",
  "comment.added": "history.comment",
};

function History({ history }: { history: HistoryEntry[] }) {
  const t = useT();
  const { names, item, options } = useLoaderData<typeof loader>();
  const goals = [
    ...options.goals,
    { id: item.goalId, position: item.goalPosition, title: item.goalTitle },
  ];
  const locale = useLocale();
  const fieldName = (field: string) => {
    const key = `actionPage.field.${field}`;
    const name = isMessageKey(key) ? t(key) : field;
    return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
  };
  const show = (field: string, value: unknown): string => {
    if (value === null || value === "" || (Array.isArray(value) && value.length === 0))
      return t("actionPage.none");
    if (Array.isArray(value)) return value.map((v) => show(field, v)).join(", ");
    const text = String(value);
    const key = field === "status" ? `status.${text}` : `assessment.${text}`;
    if ((field === "status" || field === "assessment") && isMessageKey(key)) return t(key);
    if (field === "progress") return t("actionList.progressValue", { value: text });
    const goal = field === "goalId" ? goals.find((g) => g.id === text) : undefined;
    if (goal) return t("actionPage.goal", { number: goal.position, title: goal.title });
    return names[text] ?? text;
  };
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t("actionPage.history")}</h2>
      <ol className="timeline">
        {history.map((entry) => {
          const sentence = HISTORY_SENTENCE[entry.action];
          // Creation lists every field; the summary above shows them, so only later changes are spelled out.
          const changes =
            entry.action === "action.created" || entry.action === "comment.added"
              ? []
              : Object.entries(entry.changes);
          return (
            <li key={entry.id}>
              <p>
                {sentence
                  ? t(sentence, {
                      name: entry.actorName ?? t("actionPage.unknownPerson"),
                      period: entry.periodId ? (names[entry.periodId] ?? "") : "",
                    })
                  : entry.action}{" "}
                <span className="meta">
                  <When iso={entry.at} />
                </span>
              </p>
              {changes.length > 0 && (
                <ul>
                  {changes.map(([field, [from, to]]) => (
                    <li key={field}>
                      {t("history.change", {
                        field: fieldName(field),
                        from: show(field, from),
                        to: show(field, to),
                      })}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export default function ActionPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const { item, userId, options } = data;
  const result = useActionData<typeof action>();
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
      <p className="live-status" role="status">
        {lastChange && t("actionList.liveUpdated", { name: lastChange.actorName })}
      </p>
      <Summary item={item} shownStatus={data.shownStatus} involvedNames={data.involvedNames} />
      {(data.can.edit || data.can.report) && (
        <EditForm
          item={item}
          options={options}
          allFields={data.can.edit}
          failure={result?.intent === "save" ? result : undefined}
        />
      )}
      <FollowUps />
      <Comments />
      <History history={data.history} />
    </div>
  );
}
