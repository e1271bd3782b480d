import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatDate } from "../../common/format";
import { publishActionChanged } from "../../server/bus";
import {
  DISPLAY_STATUSES,
  displayStatus,
  getAction,
  updateAction,
} from "../../server/domain/actions";
import { can, NotFoundError } from "../../server/domain/policy";
import { ActionBoard } from "../components/ActionBoard";
import { useActionFieldLabels } from "../components/ActionFields";
import { Notice, SelectField, TextField } from "../components/FormFields";
import { StatusBadge } from "../components/StatusBadge";
import { actionOptions, actionsForUrl, isFiltered } from "../utils/actions.server";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { readForm, runForm } from "../utils/route.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const url = new URL(request.url);
  const movedId = url.searchParams.get("flyttad");
  const [{ items, filter, filterErrors }, options, moved] = await Promise.all([
    actionsForUrl(context.db, user, url),
    actionOptions(context.db, user),
    movedId
      ? getAction(context.db, user, movedId).catch((error) => {
          if (error instanceof NotFoundError) return null;
          throw error;
        })
      : null,
  ]);
  return {
    userId: user.userId,
    // The statuses in display order, here because the domain module is not for the browser.
    statuses: DISPLAY_STATUSES,
    board: url.searchParams.get("vy") === "tavla",
    filter,
    filterErrors,
    filtered: isFiltered(filter),
    options,
    canCreate: can(user, "actions:create"),
    canImport: can(user, "actions:import"),
    imported: Number.parseInt(url.searchParams.get("importerade") ?? "", 10) || 0,
    moved: moved && {
      id: moved.id,
      title: moved.title,
      status: moved.status,
      overdue: moved.overdue,
    },
    actions: items.map((a) => ({
      id: a.id,
      title: a.title,
      goalPosition: a.goalPosition,
      departmentName: a.departmentName,
      ownerName: a.ownerName,
      dueDate: a.dueDate,
      status: a.status,
      displayStatus: displayStatus(a),
      progress: a.progress,
      version: a.version,
      canMove: can(user, "actions:update-progress", {
        organisationId: user.organisationId,
        departmentId: a.departmentId,
      }),
    })),
  };
}

/** The board's "Flytta till…" and drag and drop: change the stored status of one action. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const form = await readForm(request);
  if (form.get("intent") !== "move") throw new Response("Bad Request", { status: 400 });
  return runForm(form, async () => {
    const moved = await updateAction(context.db, user, String(form.get("actionId") ?? ""), {
      version: form.get("version") ?? "",
      status: form.get("status") ?? "",
    });
    publishActionChanged(context.bus, user, moved, "updated");
    // Back to the same board and filter; `flyttad` names the card for the notice and focus.
    const back = new URL(request.url).searchParams;
    for (const key of ["index", "flyttad", "importerade"]) back.delete(key);
    back.set("flyttad", moved.id);
    return redirect(`/atgarder?${back}`, { status: 303 });
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "actionList.title");

type SortKey = "title" | "goal" | "department" | "dueDate" | "status";

export default function Actions() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const labels = useActionFieldLabels();
  const lastChange = useLiveUpdates((event) => event.type === "action.changed", data.userId);
  const { filter, board, actions } = data;

  /** This page's URL with some parameters changed (undefined removes one). */
  const href = (changes: Record<string, string | undefined>, path = "/atgarder") => {
    const params = new URLSearchParams({ ...filter, ...(board ? { vy: "tavla" } : {}) });
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) params.delete(key);
      else params.set(key, value);
    }
    const search = params.toString();
    return search ? `${path}?${search}` : path;
  };
  const sort = filter.sort ?? "dueDate";
  const dir = filter.dir ?? "asc";
  /** A column heading that sorts by it; a second click reverses the order. */
  const sortHeader = (column: SortKey, label: string) => {
    const active = sort === column;
    return (
      <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}>
        <Link
          to={href({ sort: column, dir: active && dir === "asc" ? "desc" : "asc" })}
          preventScrollReset
        >
          {label}
          {active && <span aria-hidden="true"> {dir === "asc" ? "▲" : "▼"}</span>}
        </Link>
      </th>
    );
  };
  const movedText =
    data.moved &&
    t(data.moved.overdue ? "actionBoard.movedStillOverdue" : "actionBoard.moved", {
      title: data.moved.title,
      status: t(`status.${data.moved.status}`),
    });

  return (
    <div className="page wide">
      <div className="page-heading">
        <h1>{t("actionList.title")}</h1>
        <div className="button-row">
          {data.canCreate && (
            <Link to="/atgarder/ny" className="button">
              {t("actionNew.title")}
            </Link>
          )}
          {data.canImport && (
            <Link to="/atgarder/import" className="button button-secondary">
              {t("actionList.import")}
            </Link>
          )}
          <a href={href({ vy: undefined }, "/atgarder.csv")} className="button button-secondary">
            {t("actionList.export")}
          </a>
        </div>
      </div>
      {data.imported > 0 && <Notice>{t("actionList.imported", { count: data.imported })}</Notice>}
      {movedText && <Notice>{movedText}</Notice>}

      <Form
        method="get"
        action="/atgarder"
        className="filters panel"
        role="search"
        aria-label={t("actionList.filters")}
        // A new filter from a link (clear, another view) re-creates the inputs; live reloads don't.
        key={JSON.stringify(filter)}
      >
        {board && <input type="hidden" name="vy" value="tavla" />}
        {filter.sort && <input type="hidden" name="sort" value={filter.sort} />}
        {filter.dir && <input type="hidden" name="dir" value={filter.dir} />}
        <div className="filter-fields">
          <SelectField
            id="filter-goal"
            name="goalId"
            label={labels.goalId}
            placeholder={t("actionList.all")}
            options={data.options.goals.map((g) => ({
              value: g.id,
              label: t("actionForm.goalOption", { number: String(g.position), title: g.title }),
            }))}
            defaultValue={filter.goalId ?? ""}
            error={data.filterErrors.goalId}
          />
          <SelectField
            id="filter-department"
            name="departmentId"
            label={labels.departmentId}
            placeholder={t("actionList.all")}
            options={data.options.departments.map((d) => ({ value: d.id, label: d.name }))}
            defaultValue={filter.departmentId ?? ""}
            error={data.filterErrors.departmentId}
          />
          <SelectField
            id="filter-status"
            name="status"
            label={labels.status}
            placeholder={t("actionList.all")}
            options={data.statuses.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            defaultValue={filter.status ?? ""}
            error={data.filterErrors.status}
          />
          <SelectField
            id="filter-owner"
            name="ownerId"
            label={labels.ownerId}
            placeholder={t("actionList.all")}
            options={data.options.owners.map((o) => ({ value: o.id, label: o.name }))}
            defaultValue={filter.ownerId ?? ""}
            error={data.filterErrors.ownerId}
          />
          <TextField
            id="filter-q"
            name="q"
            type="search"
            label={t("actionList.text")}
            hint={t("actionList.textHint")}
            defaultValue={filter.q ?? ""}
            error={data.filterErrors.q}
          />
          <div className="checkbox filter-overdue">
            <input
              type="checkbox"
              id="filter-overdue"
              name="overdue"
              value="true"
              defaultChecked={filter.overdue === "true" || filter.overdue === "1"}
            />
            <label htmlFor="filter-overdue">{t("actionList.overdueOnly")}</label>
          </div>
        </div>
        <div className="button-row">
          <button type="submit" className="button">
            {t("actionList.filterSubmit")}
          </button>
          {data.filtered && (
            <Link
              to={board ? "/atgarder?vy=tavla" : "/atgarder"}
              className="button button-secondary"
            >
              {t("actionList.filterClear")}
            </Link>
          )}
        </div>
      </Form>

      <div className="list-toolbar">
        <nav aria-label={t("actionList.views")} className="view-switch">
          <Link to={href({ vy: undefined })} aria-current={board ? undefined : "page"}>
            {t("actionList.viewList")}
          </Link>
          <Link to={href({ vy: "tavla" })} aria-current={board ? "page" : undefined}>
            {t("actionList.viewBoard")}
          </Link>
        </nav>
        <p className="result-count">{t("actionList.count", { count: actions.length })}</p>
      </div>
      <p className="visually-hidden" role="status">
        {lastChange ? t("actionList.liveUpdated", { name: lastChange.actorName }) : ""}
      </p>

      {actions.length === 0 ? (
        data.filtered ? (
          <p className="empty-state">{t("actionList.noMatch")}</p>
        ) : (
          <div className="empty-state">
            <p>{t("actionList.empty")}</p>
            {(data.canCreate || data.canImport) && (
              <ul className="button-row plain-list">
                {data.canCreate && (
                  <li>
                    <Link to="/atgarder/ny">{t("actionList.emptyCreate")}</Link>
                  </li>
                )}
                {data.canImport && (
                  <li>
                    <Link to="/atgarder/import">{t("actionList.emptyImport")}</Link>
                  </li>
                )}
              </ul>
            )}
          </div>
        )
      ) : board ? (
        <ActionBoard
          columns={data.statuses}
          actions={actions}
          failure={failure}
          movedId={data.moved?.id ?? null}
          highlightId={lastChange?.actionId}
        />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{t("actionList.title")}</caption>
            <thead>
              <tr>
                {sortHeader("title", labels.title)}
                {sortHeader("goal", labels.goalId)}
                {sortHeader("department", labels.departmentId)}
                <th scope="col">{labels.ownerId}</th>
                {sortHeader("dueDate", labels.dueDate)}
                {sortHeader("status", labels.status)}
                <th scope="col">{t("actionList.progress")}</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((a) => (
                <tr
                  key={a.id}
                  className={a.id === lastChange?.actionId ? "just-updated" : undefined}
                >
                  <th scope="row">
                    <Link to={`/atgarder/${a.id}`}>{a.title}</Link>
                  </th>
                  <td className="nowrap">
                    {t("home.goalNumber", { number: String(a.goalPosition) })}
                  </td>
                  <td>{a.departmentName}</td>
                  <td>{a.ownerName ?? "–"}</td>
                  <td className="nowrap">{formatDate(a.dueDate)}</td>
                  <td>
                    <StatusBadge status={a.displayStatus} />
                  </td>
                  <td>{t("actionList.progressValue", { value: a.progress })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
