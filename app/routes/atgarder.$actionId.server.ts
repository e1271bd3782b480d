import type { Executor } from "../../db";
import { displayStatus, getAction } from "../../server/domain/actions";
import { listComments } from "../../server/domain/comments";
import { swedishToday } from "../../server/domain/dates";
import { listDepartments } from "../../server/domain/departments";
import { listFollowUps } from "../../server/domain/followups";
import { entityHistory } from "../../server/domain/history";
import { mentionablePeople } from "../../server/domain/mentions";
import { currentPeriod, listPeriods } from "../../server/domain/periods";
import { type Actor, can } from "../../server/domain/policy";
import { actionOptions } from "../utils/actions.server";

/**
 * Everything the action page shows: the action, its follow-ups, comments and a page of its
 * history (from `historyCursor`, the "older changes" link's, or the newest).
 */
export async function actionPage(
  db: Executor,
  actor: Actor,
  actionId: string,
  historyCursor?: string,
) {
  const item = await getAction(db, actor, actionId);
  const resource = { organisationId: actor.organisationId, departmentId: item.departmentId };
  const canComment = can(actor, "actions:comment", resource);
  const [followUps, comments, history, periods, current, options, departments, people] =
    await Promise.all([
      listFollowUps(db, actor, item.id),
      listComments(db, actor, item.id),
      entityHistory(db, actor, "action", item.id, { cursor: historyCursor }),
      listPeriods(db, actor),
      currentPeriod(db, actor),
      actionOptions(db, actor),
      listDepartments(db, actor, { includeArchived: true }),
      // Whom the comment box suggests after an "@".
      canComment ? mentionablePeople(db, actor.organisationId) : [],
    ]);
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
    userId: actor.userId,
    item,
    shownStatus: displayStatus(item),
    involvedNames: item.involvedDepartmentIds.map((id) => names[id] ?? id),
    followUps,
    comments,
    history: history.items,
    olderHistory: history.nextCursor,
    periods: shownPeriods,
    currentPeriodId: current?.id ?? null,
    options,
    names,
    people,
    can: {
      // An archived action is kept as it was until it is restored (ADR 0031).
      edit: !item.archived && can(actor, "actions:edit", resource),
      report: !item.archived && can(actor, "actions:update-progress", resource),
      comment: canComment,
      archive: can(actor, "actions:edit", resource),
      delete: can(actor, "archived:delete"),
    },
  };
}
