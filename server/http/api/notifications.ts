import { Router } from "express";
import type { DB } from "../../../db";
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "../../domain/notifications";
import { route } from "./respond";

/** The token owner's own notifications: the list, and marking them read. */
export function notificationRoutes(db: DB) {
  const router = Router();
  router.get(
    "/notifications",
    route(async (user, req, res) => {
      const { nextCursor, ...list } = await listNotifications(db, user, req.query);
      res.json({ ...list, ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  // Before /{id}/read, so "read-all" is never taken for an id.
  router.post(
    "/notifications/read-all",
    route(async (user, _req, res) => {
      await markAllNotificationsRead(db, user);
      res.status(204).end();
    }),
  );
  router.post(
    "/notifications/:id/read",
    route(async (user, req, res) => {
      await markNotificationRead(db, user, req.params.id);
      res.status(204).end();
    }),
  );
  return router;
}
