import { Router } from "express";
import type { DB } from "../../../db";
import type { Goal, Strategy } from "../../../db/schema";
import type { SessionUser } from "../../auth/sessions";
import {
  addGoal,
  changeGoal,
  changeStrategy,
  createStrategy,
  getGoal,
  getStrategy,
  listStrategies,
  removeGoal,
} from "../../domain/strategies";
import { route } from "./respond";

export const presentGoal = (goal: Goal) => ({
  id: goal.id,
  strategyId: goal.strategy_id,
  number: goal.position,
  title: goal.title,
  description: goal.description,
});

const presentStrategy = (strategy: Strategy) => ({
  id: strategy.id,
  name: strategy.name,
  description: strategy.description,
  validFrom: strategy.valid_from,
  validTo: strategy.valid_to,
  isActive: strategy.is_active,
  version: strategy.version,
});

/** Strategies and their goals: everyone reads them, admins change them (Administration › Strategier). */
export function strategyRoutes(db: DB) {
  const router = Router();
  const strategyById = async (actor: SessionUser, id: string) => {
    const { strategy, goals } = await getStrategy(db, actor, id);
    return { ...presentStrategy(strategy), goals: goals.map(presentGoal) };
  };
  router.get(
    "/strategies",
    route(async (actor, _req, res) => {
      res.json({ items: (await listStrategies(db, actor)).map(presentStrategy) });
    }),
  );
  router.post(
    "/strategies",
    route(async (actor, req, res) => {
      const id = await createStrategy(db, actor, req.body ?? {});
      res.status(201).json(await strategyById(actor, id));
    }),
  );
  router.get(
    "/strategies/:id",
    route(async (actor, req, res) => {
      res.json(await strategyById(actor, req.params.id));
    }),
  );
  router.patch(
    "/strategies/:id",
    route(async (actor, req, res) => {
      await changeStrategy(db, actor, req.params.id, req.body ?? {});
      res.json(await strategyById(actor, req.params.id));
    }),
  );
  router.post(
    "/strategies/:id/goals",
    route(async (actor, req, res) => {
      const id = await addGoal(db, actor, req.params.id, req.body ?? {});
      res.status(201).json(presentGoal(await getGoal(db, actor, id)));
    }),
  );
  router.patch(
    "/goals/:id",
    route(async (actor, req, res) => {
      await changeGoal(db, actor, req.params.id, req.body ?? {});
      res.json(presentGoal(await getGoal(db, actor, req.params.id)));
    }),
  );
  router.delete(
    "/goals/:id",
    route(async (actor, req, res) => {
      await removeGoal(db, actor, req.params.id);
      res.status(204).end();
    }),
  );
  return router;
}
