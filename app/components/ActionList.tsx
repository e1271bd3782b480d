import { Form, Link } from "@remix-run/react";
import { formatDate } from "../../common/format";
import type { ActionListPage } from "../routes/atgarder._index.server";
import { useT } from "../utils/i18n";
import { useActionFieldLabels } from "./ActionFields";
import { ArchivedTag, ShowArchivedField } from "./ArchivePanel";
import { SelectField, TextField } from "./FormFields";
import { NarrowDisclosure, ScrollingTable } from "./Responsive";
import { StatusBadge } from "./StatusBadge";

/** The list page's URL with some parameters changed (undefined removes one). */
export type ListHref = (changes: Record<string, string | undefined>, path?: string) => string;

/** The list's URL for a filter and view; links change one thing and keep the rest. */
export function listHref(filter: Record<string, string>, board: boolean): ListHref {
  return (changes, path = "/atgarder") => {
    const params = new URLSearchParams({ ...filter, ...(board ? { vy: "tavla" } : {}) });
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) params.delete(key);
      else params.set(key, value);
    }
    const search = params.toString();
    return search ? `${path}?${search}` : path;
  };
}

/** Filter by goal, department, status, owner, text and lateness; works without JavaScript. */
export function ActionFilters({ data }: { data: ActionListPage }) {
  const t = useT();
  const labels = useActionFieldLabels();
  const { filter, board } = data;
  return (
    <NarrowDisclosure id="action-filters" label={t("filters.toggle")} className="filter-disclosure">
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
          <ShowArchivedField
            id="filter-archived"
            checked={filter.archived === "all" || filter.archived === "true"}
          />
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
    </NarrowDisclosure>
  );
}

type SortKey = "title" | "goal" | "department" | "dueDate" | "status";

/** The actions as a table whose column headings sort; a second click reverses the order. */
export function ActionTable({
  actions,
  filter,
  href,
  highlightId,
}: {
  actions: ActionListPage["actions"];
  filter: Record<string, string>;
  href: ListHref;
  /** The row someone else just changed. */
  highlightId?: string;
}) {
  const t = useT();
  const labels = useActionFieldLabels();
  const sort = filter.sort ?? "dueDate";
  const dir = filter.dir ?? "asc";
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
  return (
    <ScrollingTable label={t("actionList.title")}>
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
            <tr key={a.id} className={a.id === highlightId ? "just-updated" : undefined}>
              <th scope="row">
                <Link to={`/atgarder/${a.id}`}>{a.title}</Link>
                {a.archived && (
                  <>
                    {" "}
                    <ArchivedTag />
                  </>
                )}
              </th>
              <td className="nowrap">{t("home.goalNumber", { number: String(a.goalPosition) })}</td>
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
    </ScrollingTable>
  );
}
