import { Router } from "express";
import type { DB } from "../../../db";
import { listApiTokens, revokeApiToken } from "../../auth/tokens";
import { route } from "./respond";

/** The token owner's own tokens: which exist (never their secrets), and revoking one. */
export function tokenRoutes(db: DB) {
  const router = Router();
  router.get(
    "/tokens",
    route(async (user, _req, res) => {
      res.json({ items: await listApiTokens(db, user) });
    }),
  );
  router.delete(
    "/tokens/:id",
    route(async (user, req, res) => {
      await revokeApiToken(db, user, req.params.id);
      res.status(204).end();
    }),
  );
  return router;
}
