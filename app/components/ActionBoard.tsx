import { Form, Link, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useState } from "react";
import { formatDate, formatDateTime } from "../../common/format";
import { ACTION_STATUSES, type ActionStatus } from "../../db/schema";
import type { DisplayStatus } from "../../server/domain/actions";
import { useT } from "../utils/i18n";
import type { FormFailure } from "../utils/route.server";
import { ArchivedTag } from "./ArchivePanel";
import { useMessage } from "./FormFields";
import { StatusBadge } from "./StatusBadge";

export interface BoardAction {
  id: string;
  title: string;
  departmentName: string;
  dueDate: string | null;
  /** The stored status; the column is `displayStatus` (Försenad is derived from the due date). */
  status: ActionStatus;
  displayStatus: DisplayStatus;
  archived: boolean;
  version: number;
  /** May this viewer change the status (policy: actions:update-progress for its department)? */
  canMove: boolean;
}

const MOVE_OPTIONS = { method: "post", replace: true, preventScrollReset: true } as const;

/**
 * Actions in one column per display status. A card moves by drag and drop or, for keyboards and
 * without JavaScript, with its "Flytta till…" form; both post intent=move to the page's action,
 * which redirects back with `flyttad=<id>` so focus can return to the moved card.
 */
export function ActionBoard({
  columns,
  actions,
  failure,
  movedId,
  highlightId,
}: {
  /** DISPLAY_STATUSES from the loader (the domain module is server-only). */
  columns: readonly DisplayStatus[];
  actions: BoardAction[];
  /** A refused move (stale version, not allowed), shown on the card it was for. */
  failure?: FormFailure;
  movedId: string | null;
  /** The card someone else just changed. */
  highlightId?: string;
}) {
  const t = useT();
  const submit = useSubmit();
  const location = useLocation();
  const [dragged, setDragged] = useState<BoardAction | null>(null);
  const [over, setOver] = useState<DisplayStatus | null>(null);

  // After a move the card is in another column: put focus back on it, not on the page top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per navigation, not on live reloads
  useEffect(() => {
    if (movedId) document.getElementById(`card-${movedId}`)?.focus();
  }, [location.key]);

  const accepts = (column: DisplayStatus) =>
    dragged !== null && column !== "overdue" && column !== dragged.status;

  return (
    <>
      <p className="hint">{t("actionBoard.hint")}</p>
      <div className="board">
        {columns.map((column) => {
          const cards = actions.filter((a) => a.displayStatus === column);
          return (
            <section
              key={column}
              className={`board-column${over === column && accepts(column) ? " drop-target" : ""}`}
              aria-labelledby={`column-${column}`}
              onDragOver={(event) => {
                if (!accepts(column)) return;
                event.preventDefault();
                event.dataTransfer.dropEffect = "move";
                setOver(column);
              }}
              onDragLeave={() => setOver((current) => (current === column ? null : current))}
              onDrop={(event) => {
                event.preventDefault();
                setOver(null);
                if (!dragged || !accepts(column)) return;
                submit(
                  {
                    intent: "move",
                    actionId: dragged.id,
                    version: String(dragged.version),
                    status: column,
                  },
                  MOVE_OPTIONS,
                );
              }}
            >
              <h2 id={`column-${column}`} className="board-column-heading">
                <StatusBadge status={column} />{" "}
                <span className="board-count">
                  {t("actionList.count", { count: cards.length })}
                </span>
              </h2>
              {column === "overdue" && <p className="hint">{t("actionBoard.overdueColumnHint")}</p>}
              {cards.length === 0 ? (
                <p className="meta">{t("actionBoard.emptyColumn")}</p>
              ) : (
                <ul className="board-cards">
                  {cards.map((card) => (
                    <li key={card.id}>
                      <BoardCard
                        card={card}
                        failure={failure?.values.actionId === card.id ? failure : undefined}
                        highlighted={card.id === highlightId}
                        onDragStart={() => setDragged(card)}
                        onDragEnd={() => {
                          setDragged(null);
                          setOver(null);
                        }}
                      />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
    </>
  );
}

function BoardCard({
  card,
  failure,
  highlighted,
  onDragStart,
  onDragEnd,
}: {
  card: BoardAction;
  failure?: FormFailure;
  highlighted: boolean;
  onDragStart: () => void;
  onDragEnd: () => void;
}) {
  const t = useT();
  const message = useMessage();
  const navigation = useNavigation();
  const moving =
    navigation.formData?.get("intent") === "move" &&
    navigation.formData.get("actionId") === card.id;
  const titleId = `card-${card.id}-title`;
  const statusName = (status: DisplayStatus) => t(`status.${status}`);
  return (
    <article
      id={`card-${card.id}`}
      className={`board-card${highlighted ? " just-updated" : ""}`}
      tabIndex={-1}
      aria-labelledby={titleId}
      aria-busy={moving || undefined}
      draggable={card.canMove}
      onDragStart={(event) => {
        event.dataTransfer.setData("text/plain", card.title);
        event.dataTransfer.effectAllowed = "move";
        onDragStart();
      }}
      onDragEnd={onDragEnd}
    >
      <h3 id={titleId} className="board-card-title">
        <Link to={`/atgarder/${card.id}`}>{card.title}</Link>
        {card.archived && (
          <>
            {" "}
            <ArchivedTag />
          </>
        )}
      </h3>
      <p className="meta">{card.departmentName}</p>
      <p className="meta">
        {card.dueDate
          ? t("actionBoard.due", { date: formatDate(card.dueDate) })
          : t("actionBoard.noDue")}
      </p>
      <StatusBadge status={card.displayStatus} />
      {card.displayStatus === "overdue" && (
        <p className="hint">
          {t("actionBoard.overdueExplained", { status: statusName(card.status) })}
        </p>
      )}
      {failure && (
        <p className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {failure.conflict
            ? t("actionBoard.conflict", {
                name: failure.conflict.changedBy ?? t("actionBoard.someone"),
                time: failure.conflict.changedAt ? formatDateTime(failure.conflict.changedAt) : "",
                status: statusName(card.displayStatus),
              })
            : Object.values(failure.fieldErrors).map(message).join(" ")}
        </p>
      )}
      {card.canMove && (
        <Form {...MOVE_OPTIONS} className="move-form">
          <input type="hidden" name="intent" value="move" />
          <input type="hidden" name="actionId" value={card.id} />
          <input type="hidden" name="version" value={card.version} />
          <label htmlFor={`move-${card.id}`}>
            {t("actionBoard.moveTo")}
            <span className="visually-hidden"> {card.title}</span>
          </label>
          <div className="move-controls">
            <select id={`move-${card.id}`} name="status">
              {ACTION_STATUSES.filter((s) => s !== card.status).map((s) => (
                <option key={s} value={s}>
                  {statusName(s)}
                </option>
              ))}
            </select>
            <button type="submit" className="button button-secondary" disabled={moving}>
              {moving ? t("actionBoard.moving") : t("actionBoard.moveSubmit")}
              <span className="visually-hidden"> {card.title}</span>
            </button>
          </div>
        </Form>
      )}
    </article>
  );
}
