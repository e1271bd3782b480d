import { Router } from "express";
import type { DB } from "../../../db";
import type { SessionUser } from "../../auth/sessions";
import { listDepartments } from "../../domain/departments";
import {
  getNotificationChoices,
  NotificationChoicesJsonSchema,
  setNotificationChoices,
} from "../../domain/notifications";
import { todoList } from "../../domain/todo";
import { setOwnLocale } from "../../domain/users";
import { parseInput } from "../../domain/validation";
import { route } from "./respond";

/** The token owner's own things: who they are, their language, Att göra and notification choices. */
export function meRoutes(db: DB) {
  const router = Router();
  const me = async (user: SessionUser) => {
    const departments = (await listDepartments(db, user))
      .filter((d) => user.departmentIds.includes(d.id))
      .map(({ id, name }) => ({ id, name }));
    const { userId: id, name, email, roles, locale } = user;
    return { id, name, email, roles, locale, departments };
  };
  router.get(
    "/me",
    route(async (user, _req, res) => {
      res.json(await me(user));
    }),
  );
  router.patch(
    "/me",
    route(async (user, req, res) => {
      await setOwnLocale(db, user, req.body);
      res.json({ ...(await me(user)), locale: req.body.locale });
    }),
  );
  router.get(
    "/todo",
    route(async (user, _req, res) => {
      res.json(await todoList(db, user));
    }),
  );
  router.get(
    "/notification-preferences",
    route(async (user, _req, res) => {
      res.json(await getNotificationChoices(db, user));
    }),
  );
  router.put(
    "/notification-preferences",
    route(async (user, req, res) => {
      const choices = parseInput(NotificationChoicesJsonSchema, req.body);
      await setNotificationChoices(db, user, choices);
      res.json(await getNotificationChoices(db, user));
    }),
  );
  return router;
}
