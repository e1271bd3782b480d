import type { Executor } from "../../db";
import { DISPLAY_STATUSES, displayStatus, getAction } from "../../server/domain/actions";
import { type Actor, can, NotFoundError } from "../../server/domain/policy";
import { actionOptions, actionsForUrl, isFiltered } from "../utils/actions.server";

/** An action the page names as just moved; gone (or never there) is no notice, not an error. */
async function movedAction(db: Executor, actor: Actor, movedId: string | null) {
  if (!movedId) return null;
  try {
    const { id, title, status, overdue } = await getAction(db, actor, movedId);
    return { id, title, status, overdue };
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** The action list or board for a URL: its filter, the matching actions, what the actor may do. */
export async function actionListPage(db: Executor, actor: Actor, url: URL) {
  const [{ items, nextCursor, filter, filterErrors }, options, moved] = await Promise.all([
    actionsForUrl(db, actor, url),
    actionOptions(db, actor),
    movedAction(db, actor, url.searchParams.get("flyttad")),
  ]);
  return {
    userId: actor.userId,
    // The statuses in display order, here because the domain module is not for the browser.
    statuses: DISPLAY_STATUSES,
    board: url.searchParams.get("vy") === "tavla",
    filter,
    filterErrors,
    nextCursor,
    filtered: isFiltered(filter),
    options,
    canCreate: can(actor, "actions:create"),
    canImport: can(actor, "actions:import"),
    imported: Number.parseInt(url.searchParams.get("importerade") ?? "", 10) || 0,
    deleted: url.searchParams.has("raderad"),
    moved,
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
      archived: a.archived,
      version: a.version,
      // An archived action stays as it was until it is restored (ADR 0031).
      canMove:
        !a.archived &&
        can(actor, "actions:update-progress", {
          organisationId: actor.organisationId,
          departmentId: a.departmentId,
        }),
    })),
  };
}

export type ActionListPage = Awaited<ReturnType<typeof actionListPage>>;
