import { Router } from "express";
import type { DB } from "../../../db";
import type { SessionUser } from "../../auth/sessions";
import type { Config } from "../../config";
import { inviteNewUser, sendInvitation } from "../../domain/one-time-links";
import { setTemporaryPassword } from "../../domain/passwords";
import {
  changeUser,
  getUser,
  listUserPage,
  setUserActive,
  type UserView,
} from "../../domain/users";
import { route } from "./respond";

/** A person as the API shows them: never a password or its hash. */
export const presentUser = ({ departmentNames: _names, ...user }: UserView) => user;

/** The organisation's people (admins): the same commands as Administration › Användare. */
export function userRoutes(db: DB, config: Config) {
  const router = Router();
  const userById = async (actor: SessionUser, id: string) =>
    presentUser(await getUser(db, actor, id));
  router.get(
    "/users",
    route(async (actor, req, res) => {
      const { items, nextCursor } = await listUserPage(db, actor, req.query);
      res.json({ items: items.map(presentUser), ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  router.post(
    "/users",
    route(async (actor, req, res) => {
      const { userId, expiresAt } = await inviteNewUser(db, config, actor, req.body ?? {});
      res.status(201).json({
        ...(await userById(actor, userId)),
        invitation: { expiresAt: expiresAt.toISOString() },
      });
    }),
  );
  router.get(
    "/users/:id",
    route(async (actor, req, res) => {
      res.json(await userById(actor, req.params.id));
    }),
  );
  router.patch(
    "/users/:id",
    route(async (actor, req, res) => {
      await changeUser(db, actor, req.params.id, req.body ?? {});
      res.json(await userById(actor, req.params.id));
    }),
  );
  for (const [path, active] of [
    ["/users/:id/deactivate", false],
    ["/users/:id/activate", true],
  ] as const)
    router.post(
      path,
      route(async (actor, req, res) => {
        await setUserActive(db, actor, req.params.id, active);
        res.json(await userById(actor, req.params.id));
      }),
    );
  router.post(
    "/users/:id/invitation",
    route(async (actor, req, res) => {
      const { expiresAt } = await sendInvitation(db, config, actor, req.params.id);
      res.status(201).json({ expiresAt: expiresAt.toISOString() });
    }),
  );
  router.post(
    "/users/:id/temporary-password",
    route(async (actor, req, res) => {
      await setTemporaryPassword(db, actor, req.params.id, req.body ?? {});
      res.status(204).end();
    }),
  );
  return router;
}
