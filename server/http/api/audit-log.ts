import { Router } from "express";
import type { DB } from "../../../db";
import { listAuditLog } from "../../domain/audit-log";
import { route } from "./respond";

/** The organisation's audit log (admins), with the filters of the portal's page, by keyset. */
export function auditLogRoutes(db: DB) {
  const router = Router();
  router.get(
    "/audit-log",
    route(async (user, req, res) => {
      const { entries, nextCursor } = await listAuditLog(db, user, req.query);
      res.json({ items: entries, ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  return router;
}
