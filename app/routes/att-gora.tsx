import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import {
  Link,
  type ShouldRevalidateFunction,
  useActionData,
  useFetcher,
  useLoaderData,
} from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { formatDateTime, formatLongDate } from "../../common/format";
import { reviewsToDo } from "../../server/domain/document-reviews";
import {
  completePeriodReport,
  periodDeadlines,
  reopenPeriodReport,
} from "../../server/domain/followups";
import { todoList } from "../../server/domain/todo";
import { PeriodStateBadge } from "../components/StatusBadge";
import { AssessmentScale, DepartmentReport, type TodoResult } from "../components/TodoReport";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useLocale, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { dispatchIntent, readForm, runForm } from "../utils/route.server";
import { saveReports } from "./att-gora.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const todo = await todoList(context.db, user);
  const deadlines = todo.period ? await periodDeadlines(context.db, user, [todo.period]) : {};
  return {
    userId: user.userId,
    ...todo,
    reviews: await reviewsToDo(context.db, user),
    periodState: todo.period ? deadlines[todo.period.id].state : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const form = await readForm(request);
  const periodId = String(form.get("periodId") ?? "");
  const { db } = context;
  const reportCompletion = async (departmentId: string, completed: boolean) => {
    await (completed ? completePeriodReport : reopenPeriodReport)(db, user, departmentId, periodId);
    const notice = completed ? "klarmarkerad" : "oppnad";
    return redirect(`/att-gora?${notice}=${departmentId}#report-${departmentId}`, { status: 303 });
  };
  return runForm(form, () =>
    dispatchIntent<unknown>(form, {
      report: (actionId) => saveReports(db, user, form, [actionId]),
      reportAll: () => saveReports(db, user, form, form.getAll("changed").map(String)),
      complete: (departmentId) => reportCompletion(departmentId, true),
      reopen: (departmentId) => reportCompletion(departmentId, false),
    }),
  );
}

// A refused save (409) reloads the page's data too, so the form can show what is stored now.
export const shouldRevalidate: ShouldRevalidateFunction = ({
  actionStatus,
  defaultShouldRevalidate,
}) => actionStatus === 409 || defaultShouldRevalidate;

export const meta: MetaFunction = (args) => pageTitle(args, "todo.title");

/** What a save did, for the page's live region: "Sparat: <title>." or how many were saved. */
function useSavedAnnouncement(result: TodoResult | undefined, titleOf: (id: string) => string) {
  const t = useT();
  const [announcement, announce] = useState("");
  const titleOfRef = useRef(titleOf);
  titleOfRef.current = titleOf;
  useEffect(() => {
    if (!result?.ok) return;
    const { saved } = result;
    announce(
      saved.length === 1
        ? t("todo.savedTitle", { title: titleOfRef.current(saved[0]) })
        : t("todo.savedCount", { count: saved.length }),
    );
  }, [result, t]);
  return [announcement, announce] as const;
}

export default function Todo() {
  const t = useT();
  const locale = useLocale();
  const { userId, departmentIds, period, periodState, reports, reviews } =
    useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as TodoResult | undefined;
  // Saving with the page's script: one fetcher, so the page neither reloads nor scrolls.
  const saver = useFetcher<TodoResult>({ key: "todo-reports" });
  const lastChange = useLiveUpdates((event) => departmentIds.includes(event.departmentId), userId);
  const titleOf = (id: string) =>
    reports.flatMap((r) => r.items).find((item) => item.id === id)?.title ?? "";
  const [announcement, announce] = useSavedAnnouncement(saver.data, titleOf);
  return (
    <div className="page">
      <h1>{t("todo.title")}</h1>
      <p className="live-status" role="status">
        {lastChange && t("actionList.liveUpdated", { name: lastChange.actorName })}
      </p>
      {/* Heard, not seen: the saved card says so itself, and nothing above it moves. */}
      <p className="visually-hidden" role="status" data-testid="todo-announcement">
        {announcement}
      </p>
      {reviews.length > 0 && (
        <section className="panel" aria-labelledby="reviews-heading" data-testid="todo-reviews">
          <h2 id="reviews-heading">{t("todo.reviews")}</h2>
          <ul>
            {reviews.map((review) => (
              <li key={review.documentId}>
                <Link to={`/dokument/${review.documentId}`}>{review.title}</Link>{" "}
                <span className="meta">
                  {t("todo.reviewRequested", {
                    date: formatDateTime(review.requestedAt),
                    name: review.requestedByName ?? "",
                  })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {departmentIds.length === 0 ? (
        <div className="panel">
          <p>{t("todo.noDepartments")}</p>
          <p>
            <Link to="/atgarder">{t("todo.toActions")}</Link>
          </p>
        </div>
      ) : !period ? (
        <p className="panel">{t("todo.noPeriod")}</p>
      ) : (
        <>
          <p className="lead">
            {t("todo.period", { period: period.name })}{" "}
            <strong>
              {t("todo.deadline", {
                date: formatLongDate(period.reportDeadline, locale),
              })}
            </strong>{" "}
            {periodState && <PeriodStateBadge state={periodState} />}
          </p>
          <AssessmentScale />
          {reports.map((report) => (
            <DepartmentReport
              key={report.department.id}
              report={report}
              period={period}
              result={saver.data ?? failure}
              failure={failure}
              saver={saver}
              announce={announce}
            />
          ))}
        </>
      )}
    </div>
  );
}
