import { Router } from "express";
import type { DB } from "../../../db";
import { getOrganisationSettings, updateRollUpThreshold } from "../../domain/organisations";
import { route } from "./respond";

/** The organisation's own settings (admins), as on Administration › Organisation. */
export function organisationRoutes(db: DB) {
  const router = Router();
  router.get(
    "/organisation",
    route(async (actor, _req, res) => {
      res.json(await getOrganisationSettings(db, actor));
    }),
  );
  router.patch(
    "/organisation",
    route(async (actor, req, res) => {
      await updateRollUpThreshold(db, actor, req.body ?? {});
      res.json(await getOrganisationSettings(db, actor));
    }),
  );
  return router;
}
