import { Router } from "express";
import type { DB } from "../../../db";
import type { Config } from "../../config";
import {
  getIdentityProviderSettings,
  saveIdentityProviderSettings,
} from "../../domain/identity-provider";
import { getOrganisationSettings, updateRollUpThreshold } from "../../domain/organisations";
import { route } from "./respond";

/**
 * The organisation's own settings (admins), as on Administration › Organisation and › Inloggning
 * (the identity provider; its client secret is written, never read back).
 */
export function organisationRoutes(db: DB, config: Config) {
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
  router.get(
    "/identity-provider",
    route(async (actor, _req, res) => {
      res.json(await getIdentityProviderSettings(db, config, actor));
    }),
  );
  router.put(
    "/identity-provider",
    route(async (actor, req, res) => {
      await saveIdentityProviderSettings(db, config, actor, req.body ?? {});
      res.json(await getIdentityProviderSettings(db, config, actor));
    }),
  );
  return router;
}
