import { Router } from "express";
import type { DB } from "../../../db";
import type { SessionUser } from "../../auth/sessions";
import { deleteDepartment } from "../../domain/archiving";
import {
  createDepartment,
  type DepartmentView,
  listDepartments,
  updateDepartment,
} from "../../domain/departments";
import { ValidationError } from "../../domain/errors";
import { listPeriods } from "../../domain/periods";
import { getActiveStrategy } from "../../domain/strategies";
import { route } from "./respond";
import { presentGoal } from "./strategies";

const presentDepartment = ({ id, name, archived, version }: DepartmentView) => ({
  id,
  name,
  archived,
  version,
});

/** The reference data a client needs to fill in an action: goals, departments, periods. */
export function referenceRoutes(db: DB) {
  const router = Router();
  router.get(
    "/goals",
    route(async (user, _req, res) => {
      const active = await getActiveStrategy(db, user);
      res.json({ items: (active?.goals ?? []).map(presentGoal) });
    }),
  );
  router.get(
    "/departments",
    route(async (user, req, res) => {
      const { includeArchived = "false" } = req.query;
      if (includeArchived !== "true" && includeArchived !== "false")
        throw new ValidationError({ includeArchived: "validation.invalid" });
      const items = await listDepartments(db, user, {
        includeArchived: includeArchived === "true",
      });
      res.json({ items: items.map(presentDepartment) });
    }),
  );
  const departmentById = async (user: SessionUser, id: string) => {
    const found = (await listDepartments(db, user, { includeArchived: true })).find(
      (d) => d.id === id,
    );
    return presentDepartment(found as DepartmentView);
  };
  router.post(
    "/departments",
    route(async (user, req, res) => {
      const id = await createDepartment(db, user, req.body ?? {});
      res.status(201).json(await departmentById(user, id));
    }),
  );
  router.patch(
    "/departments/:id",
    route(async (user, req, res) => {
      await updateDepartment(db, user, req.params.id, req.body ?? {});
      res.json(await departmentById(user, req.params.id));
    }),
  );
  router.delete(
    "/departments/:id",
    route(async (user, req, res) => {
      await deleteDepartment(db, user, req.params.id);
      res.status(204).end();
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
