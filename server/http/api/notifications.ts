import { Router } from "express";
import type { DB } from "../../../db";
import {
  listMailOutbox,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "../../domain/notifications";
import { withoutLinkSecrets } from "../../domain/one-time-links";
import { route } from "./respond";

/**
 * The token owner's own notifications: the list, and marking them read. And the organisation's
 * e-mails (admins, as Utskick) with the secrets of invitation and reset links left out: a token
 * that leaks must not hand out sign-ins.
 */
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
  router.get(
    "/mail-outbox",
    route(async (user, req, res) => {
      const { items, nextCursor } = await listMailOutbox(db, user, req.query);
      res.json({
        items: items.map((entry) => ({ ...entry, text: withoutLinkSecrets(entry.text) })),
        ...(nextCursor ? { nextCursor } : {}),
      });
    }),
  );
  return router;
}
