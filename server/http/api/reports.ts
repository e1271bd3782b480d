import { Router } from "express";
import type { DB } from "../../../db";
import type { SessionUser } from "../../auth/sessions";
import {
  completePeriodReport,
  periodReportStatus,
  reopenPeriodReport,
} from "../../domain/followups";
import {
  adoptPeriodReport,
  buildPeriodReport,
  getAdoptedReport,
  listAdoptions,
} from "../../domain/reports";
import { parseInput } from "../../domain/validation";
import { exportReport, ReportExportQuery } from "../../reports/export";
import { route } from "./respond";

/** Period reports: the live report, its files, adopting it, and each department's klarmarkering. */
export function reportRoutes(db: DB) {
  const router = Router();
  router.get(
    "/periods/:id/report",
    route(async (user, req, res) => {
      res.json(await buildPeriodReport(db, user, req.params.id));
    }),
  );
  router.get(
    "/periods/:id/report/export",
    route(async (user, req, res) => {
      const { format, adoptionId } = parseInput(ReportExportQuery, req.query);
      const report =
        adoptionId === undefined
          ? await buildPeriodReport(db, user, req.params.id)
          : await getAdoptedReport(db, user, req.params.id, adoptionId);
      const file = await exportReport(report, format);
      res
        .status(200)
        .set(Object.fromEntries(file.headers))
        .send(Buffer.from(await file.arrayBuffer()));
    }),
  );
  router.get(
    "/periods/:id/adoptions",
    route(async (user, req, res) => {
      res.json({ items: await listAdoptions(db, user, req.params.id) });
    }),
  );
  router.post(
    "/periods/:id/adoptions",
    route(async (user, req, res) => {
      const id = await adoptPeriodReport(db, user, req.params.id, req.body ?? {});
      res.status(201).json(await getAdoptedReport(db, user, req.params.id, id));
    }),
  );
  router.get(
    "/periods/:id/adoptions/:adoptionId",
    route(async (user, req, res) => {
      res.json(await getAdoptedReport(db, user, req.params.id, req.params.adoptionId));
    }),
  );
  const status = (user: SessionUser, periodId: string, departmentId: string) =>
    periodReportStatus(db, user, departmentId, periodId);
  router.get(
    "/periods/:id/departments/:departmentId/completion",
    route(async (user, req, res) => {
      res.json(await status(user, req.params.id, req.params.departmentId));
    }),
  );
  router.put(
    "/periods/:id/departments/:departmentId/completion",
    route(async (user, req, res) => {
      await completePeriodReport(db, user, req.params.departmentId, req.params.id);
      res.json(await status(user, req.params.id, req.params.departmentId));
    }),
  );
  router.delete(
    "/periods/:id/departments/:departmentId/completion",
    route(async (user, req, res) => {
      await reopenPeriodReport(db, user, req.params.departmentId, req.params.id);
      res.json(await status(user, req.params.id, req.params.departmentId));
    }),
  );
  return router;
}
