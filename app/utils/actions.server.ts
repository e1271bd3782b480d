import type { Executor } from "../../db";
import {
  type ActionDetails,
  filterFromSearchParams,
  listActions,
} from "../../server/domain/actions";
import { listDepartments } from "../../server/domain/departments";
import { documentChoices } from "../../server/domain/documents";
import { ValidationError } from "../../server/domain/errors";
import type { Actor } from "../../server/domain/policy";
import { getActiveStrategy } from "../../server/domain/strategies";
import { listActiveMembers } from "../../server/domain/users";
import type { ActionOptions } from "../components/ActionFields";

/**
 * The choices in action forms and filters: active strategy's goals, departments, people and the
 * documents an action can come from.
 */
export async function actionOptions(db: Executor, actor: Actor): Promise<ActionOptions> {
  const [active, departments, owners, documents] = await Promise.all([
    getActiveStrategy(db, actor),
    listDepartments(db, actor),
    listActiveMembers(db, actor),
    documentChoices(db, actor),
  ]);
  return {
    goals: (active?.goals ?? []).map(({ id, position, title }) => ({ id, position, title })),
    departments: departments.map(({ id, name }) => ({ id, name })),
    owners,
    documents,
  };
}

/** The URL parameters that make up a filter of the action list (all optional). */
export const FILTER_KEYS = [
  "goalId",
  "departmentId",
  "status",
  "ownerId",
  "overdue",
  "q",
  "archived",
] as const;
const LIST_KEYS = [...FILTER_KEYS, "sort", "dir"];

/** How many actions the list shows at a time; "Visa fler åtgärder" leads to the next page. */
const LIST_PAGE = 100;

export interface ActionsForUrl {
  items: ActionDetails[];
  /** Where the next page starts (the URL's `cursor`); null on the last page or when all were read. */
  nextCursor: string | null;
  /** The filter and sort actually applied, as URL parameters. */
  filter: Record<string, string>;
  /** Parameters that were not valid and were left out, with the reason (an i18n key). */
  filterErrors: Record<string, string>;
}

/**
 * The actions matching the filter in a URL: the page its `cursor` names (the first without
 * one), or with `everyPage` all of them. A hand-edited or stale URL with a bad value (an archived
 * department, a typo, a cursor of another filter) still shows a list: the bad part is dropped
 * and named.
 */
export async function actionsForUrl(
  db: Executor,
  actor: Actor,
  url: URL,
  { everyPage = false } = {},
): Promise<ActionsForUrl> {
  const given = filterFromSearchParams(url.searchParams);
  const filter = Object.fromEntries(LIST_KEYS.flatMap((k) => (given[k] ? [[k, given[k]]] : [])));
  const filterErrors: Record<string, string> = {};
  let start = everyPage ? undefined : given.cursor;
  for (;;) {
    try {
      if (!everyPage) {
        const page = await listActions(db, actor, { ...filter, limit: LIST_PAGE, cursor: start });
        return { items: page.items, nextCursor: page.nextCursor, filter, filterErrors };
      }
      const items: ActionDetails[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await listActions(db, actor, { ...filter, cursor: cursor ?? undefined });
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return { items, nextCursor: null, filter, filterErrors };
    } catch (error) {
      const bad = error instanceof ValidationError ? Object.keys(error.fields) : [];
      const droppable = (key: string) => key in filter || (key === "cursor" && start);
      if (!bad.every(droppable) || bad.length === 0) throw error;
      for (const key of bad) {
        filterErrors[key] = (error as ValidationError).fields[key];
        if (key === "cursor") start = undefined;
        else delete filter[key];
      }
    }
  }
}

/** True when the URL narrows the list (sorting alone does not). */
export function isFiltered(filter: Record<string, string>): boolean {
  return FILTER_KEYS.some((key) => filter[key]);
}
