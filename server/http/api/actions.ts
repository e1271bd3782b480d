import { Router } from "express";
import type { DB } from "../../../db";
import {
  createAction,
  getAction,
  listActions,
  toApiAction,
  updateAction,
} from "../../domain/actions";
import { ConflictError } from "../../domain/errors";
import { saveFollowUp } from "../../domain/followups";
import { route, sendError } from "./respond";

export function actionRoutes(db: DB) {
  const router = Router();
  router.get(
    "/actions",
    route(async (user, req, res) => {
      const { items, nextCursor } = await listActions(db, user, { limit: "100", ...req.query });
      res.json({ items: items.map(toApiAction), ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  router.post(
    "/actions",
    route(async (user, req, res) => {
      const action = await createAction(db, user, req.body ?? {});
      res.status(201).json(toApiAction(action));
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
        res.json(toApiAction(action));
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
  router.put(
    "/actions/:id/followups/:periodId",
    route(async (user, req, res) => {
      await saveFollowUp(db, user, req.params.id, req.params.periodId, req.body ?? {});
      res.json({
        actionId: req.params.id,
        periodId: req.params.periodId,
        assessment: req.body.assessment,
        comment: String(req.body.comment).trim(),
      });
    }),
  );

  return router;
}
