import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { updateAction } from "../../server/domain/actions";
import { ActionBoard } from "../components/ActionBoard";
import { ActionFilters, ActionTable, listHref } from "../components/ActionList";
import { Notice } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { useLiveUpdates } from "../utils/live";
import { dispatchIntent, readForm, runForm } from "../utils/route.server";
import { actionListPage } from "./atgarder._index.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  return actionListPage(context.db, user, new URL(request.url));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "actions:read");
  const form = await readForm(request);
  return runForm(form, () =>
    dispatchIntent(form, {
      /** The board's "Flytta till…" and drag and drop: change the stored status of one action. */
      async move() {
        const moved = await updateAction(context.db, user, String(form.get("actionId") ?? ""), {
          version: form.get("version") ?? "",
          status: form.get("status") ?? "",
        });
        // Back to the same board and filter; `flyttad` names the card for the notice and focus.
        const back = new URL(request.url).searchParams;
        for (const key of ["index", "flyttad", "importerade"]) back.delete(key);
        back.set("flyttad", moved.id);
        return redirect(`/atgarder?${back}`, { status: 303 });
      },
    }),
  );
}

export const meta: MetaFunction = (args) => pageTitle(args, "actionList.title");

export default function Actions() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const lastChange = useLiveUpdates((event) => event.type === "action.changed", data.userId);
  const { filter, board, actions } = data;
  const href = listHref(filter, board);
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
      {data.deleted && <Notice>{t("archive.actionDeleted")}</Notice>}
      {data.filterErrors.cursor && <Notice>{t("validation.cursor")}</Notice>}

      <ActionFilters data={data} />

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
        <ActionTable
          actions={actions}
          filter={filter}
          href={href}
          highlightId={lastChange?.actionId}
        />
      )}
      {data.nextCursor && (
        <p>
          <Link to={href({ cursor: data.nextCursor })}>{t("actionList.more")}</Link>
        </p>
      )}
    </div>
  );
}
