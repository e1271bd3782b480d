import { Router } from "express";
import type { DB } from "../../../db";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookSettings,
} from "../../domain/webhooks";
import { route } from "./respond";

/** The organisation's webhooks (admins): register, change, rotate the secret, remove, deliveries. */
export function webhookRoutes(db: DB, settings: WebhookSettings) {
  const router = Router();
  router.get(
    "/webhooks",
    route(async (user, _req, res) => {
      res.json({ items: await listWebhooks(db, user) });
    }),
  );
  router.post(
    "/webhooks",
    route(async (user, req, res) => {
      const { webhook, secret } = await createWebhook(db, user, settings, req.body ?? {});
      res.status(201).json({ ...webhook, secret });
    }),
  );
  router.get(
    "/webhooks/:id",
    route(async (user, req, res) => {
      res.json(await getWebhook(db, user, req.params.id));
    }),
  );
  router.patch(
    "/webhooks/:id",
    route(async (user, req, res) => {
      res.json(await updateWebhook(db, user, settings, req.params.id, req.body ?? {}));
    }),
  );
  router.delete(
    "/webhooks/:id",
    route(async (user, req, res) => {
      await deleteWebhook(db, user, req.params.id);
      res.status(204).end();
    }),
  );
  router.post(
    "/webhooks/:id/secret",
    route(async (user, req, res) => {
      res.json(await rotateWebhookSecret(db, user, settings, req.params.id));
    }),
  );
  router.get(
    "/webhooks/:id/deliveries",
    route(async (user, req, res) => {
      const { items, nextCursor } = await listWebhookDeliveries(db, user, req.params.id, req.query);
      res.json({ items, ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  return router;
}
