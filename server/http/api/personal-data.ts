import { Router } from "express";
import type { DB } from "../../../db";
import { listPersonalDataFindings, purgePersonalData } from "../../domain/personal-data";
import { route } from "./respond";

/** A document's content changed by the server, through the co-editing hub (open editors get it). */
export type ApplyServerUpdate = (
  documentId: string,
  update: Uint8Array,
  userId: string | null,
) => Promise<void>;

/** Identity numbers stored before they were refused (admins), as on Personuppgifter att åtgärda. */
export function personalDataRoutes(db: DB, applyServerUpdate: ApplyServerUpdate) {
  const router = Router();
  router.get(
    "/personal-data",
    route(async (actor, _req, res) => {
      res.json({ items: await listPersonalDataFindings(db, actor) });
    }),
  );
  router.post(
    "/personal-data/purge",
    route(async (actor, req, res) => {
      await purgePersonalData(db, actor, req.body ?? {}, (documentId, update) =>
        applyServerUpdate(documentId, update, actor.userId),
      );
      res.status(204).end();
    }),
  );
  return router;
}
