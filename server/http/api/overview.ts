import { Router } from "express";
import type { DB } from "../../../db";
import { loadDashboard } from "../../domain/dashboard";
import type { ReadCache } from "../../read-cache";
import { keptRoute } from "./respond";

/** The kommunchef's overview of a period, without the page's filter choices and activity feed. */
export function overviewRoutes(db: DB, readCache: ReadCache) {
  const router = Router();
  router.get(
    "/overview",
    keptRoute(readCache, db, "dashboard:read", async (user, req, today) => {
      const overview = await loadDashboard(db, user, req.query, today);
      const { strategy, period, periodState, goals, departments, trend } = overview;
      return { strategy, period, periodState, goals, departments, trend };
    }),
  );
  return router;
}
