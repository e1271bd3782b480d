import { Router } from "express";
import type { DB } from "../../../db";
import { loadDashboard } from "../../domain/dashboard";
import { route } from "./respond";

/** The kommunchef's overview of a period, without the page's filter choices and activity feed. */
export function overviewRoutes(db: DB) {
  const router = Router();
  router.get(
    "/overview",
    route(async (user, req, res) => {
      const overview = await loadDashboard(db, user, req.query);
      const { strategy, period, periodState, goals, departments, trend } = overview;
      res.json({ strategy, period, periodState, goals, departments, trend });
    }),
  );
  return router;
}
