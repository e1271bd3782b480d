import { Router } from "express";
import { en } from "../../../common/i18n/en";
import type { DB } from "../../../db";
import {
  ActionImportSchema,
  exportActionsCsv,
  importActions,
  previewActionImport,
} from "../../domain/action-csv";
import {
  createAction,
  getAction,
  listActions,
  statusProgressMismatch,
  toApiAction,
  updateAction,
} from "../../domain/actions";
import { deleteAction, setActionArchived } from "../../domain/archiving";
import { addComment, listCommentPage } from "../../domain/comments";
import { swedishToday } from "../../domain/dates";
import { ConflictError, ValidationError } from "../../domain/errors";
import { listFollowUps, saveFollowUp } from "../../domain/followups";
import { entityHistory } from "../../domain/history";
import { parseInput } from "../../domain/validation";
import type { ReadCache } from "../../read-cache";
import { contentDisposition } from "../../reports/outline";
import { archivingRoutes } from "./archiving";
import { fieldMessages, keptRoute, route, sendError } from "./respond";

export function actionRoutes(db: DB, readCache: ReadCache) {
  const router = Router();
  router.get(
    "/actions",
    keptRoute(readCache, db, "actions:read", async (user, req, today) => {
      const filter = { limit: "100", ...req.query };
      const { items, nextCursor } = await listActions(db, user, filter, today);
      return { items: items.map(toApiAction), ...(nextCursor ? { nextCursor } : {}) };
    }),
  );
  router.post(
    "/actions",
    route(async (user, req, res) => {
      const action = await createAction(db, user, req.body ?? {});
      res.status(201).json(toApiAction(action));
    }),
  );
  // Before /actions/:id, which would take "export" for an id.
  router.get(
    "/actions/export",
    route(async (user, req, res) => {
      const { limit: _limit, cursor: _cursor, ...filter } = req.query;
      const csv = await exportActionsCsv(db, user, filter);
      res
        .status(200)
        .set({
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": contentDisposition(`Åtgärder-${swedishToday()}.csv`),
          "Cache-Control": "private, no-store",
        })
        .send(csv);
    }),
  );
  router.post(
    "/actions/import",
    route(async (user, req, res) => {
      const { csv, dryRun } = parseInput(ActionImportSchema, req.body ?? {});
      if (!dryRun) {
        const created = await importActions(db, user, csv).catch((error: unknown) => {
          // The file is the body's `csv` field here.
          if (error instanceof ValidationError)
            throw new ValidationError({ csv: error.fields.file });
          throw error;
        });
        res.status(201).json({ items: created.map(toApiAction) });
        return;
      }
      const preview = await previewActionImport(db, user, csv);
      if (preview.fileError) throw new ValidationError({ csv: preview.fileError });
      res.json({
        valid: preview.rows.every((row) => Object.keys(row.errors).length === 0),
        rows: preview.rows.map(({ line, title, errors }) => ({
          line,
          title,
          errors: fieldMessages(errors),
        })),
      });
    }),
  );
  router.get(
    "/actions/:id",
    route(async (user, req, res) => {
      res.json(toApiAction(await getAction(db, user, req.params.id)));
    }),
  );
  router.patch(
    "/actions/:id",
    route(async (user, req, res) => {
      try {
        const action = await updateAction(db, user, req.params.id, req.body ?? {});
        // Saved as sent; a status and progress that contradict each other come with a warning.
        const mismatch = statusProgressMismatch(action);
        res.json({
          ...toApiAction(action),
          ...(mismatch && {
            warning: { code: "status-progress-mismatch", message: en[`mismatch.${mismatch}`] },
          }),
        });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const current = await getAction(db, user, req.params.id);
        sendError(
          res,
          409,
          "conflict",
          `The action was changed by ${error.current.changedBy ?? "someone"} since that version.`,
          {
            current: toApiAction(current),
          },
        );
      }
    }),
  );
  archivingRoutes(router, "actions", {
    setArchived: (user, id, archived) => setActionArchived(db, user, id, archived),
    present: toApiAction,
    remove: (user, id) => deleteAction(db, user, id),
  });
  router.get(
    "/actions/:id/followups",
    route(async (user, req, res) => {
      const followUps = await listFollowUps(db, user, req.params.id);
      res.json({ items: followUps.map((f) => ({ actionId: req.params.id, ...f })) });
    }),
  );
  router.put(
    "/actions/:id/followups/:periodId",
    route(async (user, req, res) => {
      const { id, periodId } = req.params;
      await saveFollowUp(db, user, id, periodId, req.body ?? {});
      // What was stored (the comment trimmed, who and when), not the request echoed back.
      const stored = (await listFollowUps(db, user, id)).find((f) => f.periodId === periodId);
      res.json({ actionId: id, ...stored });
    }),
  );

  router.get(
    "/actions/:id/comments",
    route(async (user, req, res) => {
      const { items, nextCursor } = await listCommentPage(db, user, req.params.id, req.query);
      res.json({ items, ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  router.post(
    "/actions/:id/comments",
    route(async (user, req, res) => {
      res.status(201).json(await addComment(db, user, req.params.id, req.body ?? {}));
    }),
  );
  router.get(
    "/actions/:id/history",
    route(async (user, req, res) => {
      const action = await getAction(db, user, req.params.id);
      // 200 a page unless asked: as many as the history held before it was paged.
      const { items, nextCursor } = await entityHistory(db, user, "action", action.id, {
        limit: "200",
        ...req.query,
      });
      res.json({ items, ...(nextCursor ? { nextCursor } : {}) });
    }),
  );

  return router;
}
