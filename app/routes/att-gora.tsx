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
  useLoaderData,
} from "@remix-run/react";
import { formatLongDate } from "../../common/format";
import {
  completePeriodReport,
  reopenPeriodReport,
  reportOnAction,
} from "../../server/domain/followups";
import { todoList } from "../../server/domain/todo";
import { DepartmentReport } from "../components/TodoReport";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useLocale, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { dispatchIntent, readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  return { userId: user.userId, ...(await todoList(context.db, user)) };
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
    dispatchIntent(form, {
      async report(actionId) {
        await reportOnAction(db, user, actionId, periodId, {
          version: form.get("version"),
          status: String(form.get("status") ?? ""),
          progress: String(form.get("progress") ?? ""),
          assessment: form.get("assessment") ?? undefined,
          comment: String(form.get("comment") ?? ""),
        });
        return redirect(`/att-gora?sparad=${actionId}#action-${actionId}`, { status: 303 });
      },
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

export default function Todo() {
  const t = useT();
  const locale = useLocale();
  const { userId, departmentIds, period, reports } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const lastChange = useLiveUpdates((event) => departmentIds.includes(event.departmentId), userId);
  return (
    <div className="page">
      <h1>{t("todo.title")}</h1>
      <p className="live-status" role="status">
        {lastChange && t("actionList.liveUpdated", { name: lastChange.actorName })}
      </p>
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
              {t("todo.deadline", { date: formatLongDate(period.reportDeadline, locale) })}
            </strong>
          </p>
          {reports.map((report) => (
            <DepartmentReport
              key={report.department.id}
              report={report}
              period={period}
              failure={failure}
            />
          ))}
        </>
      )}
    </div>
  );
}
