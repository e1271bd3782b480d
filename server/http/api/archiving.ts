import type { Router } from "express";
import type { SessionUser } from "../../auth/sessions";
import { route } from "./respond";

/**
 * `POST /{things}/{id}/archive` and `…/unarchive` (answering the thing as it now is) and
 * `DELETE /{things}/{id}`, the same for every kind that can be archived (ADR 0031).
 */
export function archivingRoutes<T>(
  router: Router,
  things: string,
  commands: {
    setArchived(user: SessionUser, id: string, archived: boolean): Promise<T>;
    present(thing: T): unknown;
    remove(user: SessionUser, id: string): Promise<void>;
  },
) {
  router.delete(
    `/${things}/:id`,
    route(async (user, req, res) => {
      await commands.remove(user, req.params.id);
      res.status(204).end();
    }),
  );
  for (const [change, archived] of [
    ["archive", true],
    ["unarchive", false],
  ] as const) {
    router.post(
      `/${things}/:id/${change}`,
      route(async (user, req, res) => {
        res.json(commands.present(await commands.setArchived(user, req.params.id, archived)));
      }),
    );
  }
}
