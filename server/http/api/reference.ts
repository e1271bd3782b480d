import { Router } from "express";
import type { DB } from "../../../db";
import { listDepartments } from "../../domain/departments";
import { listPeriods } from "../../domain/periods";
import { getActiveStrategy } from "../../domain/strategies";
import { route } from "./respond";

/** The reference data a client needs to fill in an action: goals, departments, periods. */
export function referenceRoutes(db: DB) {
  const router = Router();
  router.get(
    "/goals",
    route(async (user, _req, res) => {
      const active = await getActiveStrategy(db, user);
      res.json({
        items: (active?.goals ?? []).map((g) => ({
          id: g.id,
          strategyId: g.strategy_id,
          number: g.position,
          title: g.title,
          description: g.description,
        })),
      });
    }),
  );
  router.get(
    "/departments",
    route(async (user, _req, res) => {
      res.json({
        items: (await listDepartments(db, user)).map((d) => ({ id: d.id, name: d.name })),
      });
    }),
  );
  router.get(
    "/periods",
    route(async (user, _req, res) => {
      res.json({ items: await listPeriods(db, user) });
    }),
  );
  return router;
}
