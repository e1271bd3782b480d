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

export interface ActionsForUrl {
  items: ActionDetails[];
  /** The filter and sort actually applied, as URL parameters. */
  filter: Record<string, string>;
  /** Parameters that were not valid and were left out, with the reason (an i18n key). */
  filterErrors: Record<string, string>;
}

/**
 * Every action matching the filter in a URL, all pages. A hand-edited or stale URL with a bad
 * value (an archived department, a typo) still shows a list: the bad part is dropped and named.
 */
export async function actionsForUrl(db: Executor, actor: Actor, url: URL): Promise<ActionsForUrl> {
  const given = filterFromSearchParams(url.searchParams);
  const filter = Object.fromEntries(LIST_KEYS.flatMap((k) => (given[k] ? [[k, given[k]]] : [])));
  const filterErrors: Record<string, string> = {};
  for (;;) {
    try {
      const items: ActionDetails[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await listActions(db, actor, { ...filter, cursor: cursor ?? undefined });
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return { items, filter, filterErrors };
    } catch (error) {
      const bad = error instanceof ValidationError ? Object.keys(error.fields) : [];
      if (!bad.every((key) => key in filter) || bad.length === 0) throw error;
      for (const key of bad) {
        filterErrors[key] = (error as ValidationError).fields[key];
        delete filter[key];
      }
    }
  }
}

/** True when the URL narrows the list (sorting alone does not). */
export function isFiltered(filter: Record<string, string>): boolean {
  return FILTER_KEYS.some((key) => filter[key]);
}
