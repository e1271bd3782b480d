import { type NextFunction, type Request, type Response, Router } from "express";
import type { DB } from "../../../db";
import type { Authenticator } from "../../auth/authenticator";
import { createApiToken } from "../../auth/tokens";
import type { Config } from "../../config";
import type { ReadCache } from "../../read-cache";
import { readJsonBody, unreadableBody } from "../bodies";
import { openApiDocument } from "../openapi";
import { refuse, requireSameOrigin } from "../security";
import { actionRoutes } from "./actions";
import { auditLogRoutes } from "./audit-log";
import { enforceBodyContract } from "./contract";
import { documentRoutes } from "./documents";
import { meRoutes } from "./me";
import { notificationRoutes } from "./notifications";
import { organisationRoutes } from "./organisation";
import { overviewRoutes } from "./overview";
import { type ApplyServerUpdate, personalDataRoutes } from "./personal-data";
import { referenceRoutes } from "./reference";
import { reportRoutes } from "./reports";
import { handleError, route, sendError, sendUnauthorized } from "./respond";
import { searchRoutes } from "./search";
import { strategyRoutes } from "./strategies";
import { tokenRoutes } from "./tokens";
import { userRoutes } from "./users";
import { webhookRoutes } from "./webhooks";

/** The JSON API under /api/v1: one module per resource, the contract in ../openapi.ts. */
export function createApiRouter(deps: {
  db: DB;
  readCache: ReadCache;
  config: Config;
  auth: Authenticator;
  applyServerUpdate: ApplyServerUpdate;
}) {
  const { db, config, auth } = deps;
  const router = Router();
  // A script gone wrong should not starve the people using the portal: requests per token per minute.
  const windows = new Map<string, { start: number; count: number }>();

  router.use(readJsonBody(config.bodyLimitBytes));
  router.get("/openapi.json", (_req, res) => res.json(openApiDocument));

  // Creating a token needs a signed-in browser session from our own origin; a token cannot
  // make another (a request with an Authorization header is never signed in by its cookie).
  // Who is asking is answered first: a stranger gets 401, not a same-origin or field complaint.
  const signedInByCookie = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const user = await auth.fromCookie(req.headers);
      if (!user) {
        const message = req.headers.authorization
          ? "Tokens are created from a signed-in browser session, without an Authorization header."
          : "Sign in first.";
        return sendUnauthorized(res, message);
      }
      res.locals.user = user;
      next();
    } catch (error) {
      handleError(error, res);
    }
  };
  router.post(
    "/tokens",
    signedInByCookie,
    requireSameOrigin(config),
    enforceBodyContract,
    route(async (user, req, res) => {
      res.status(201).json(await createApiToken(db, user, config.sessionSecret, req.body ?? {}));
    }),
  );

  // Every other endpoint: the bearer token alone (never the cookie), acting with the owner's permissions.
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const user = await auth.fromBearerToken(req.headers);
      if (!user) {
        const presented = /^bearer\s/i.test(req.headers.authorization ?? "");
        return sendUnauthorized(res, "A valid bearer token is required.", presented);
      }
      const now = Date.now();
      const window = windows.get(user.sessionId);
      if (!window || now - window.start > 60_000)
        windows.set(user.sessionId, { start: now, count: 1 });
      else if (++window.count > config.apiRateLimitPerMinute) {
        res.setHeader("Retry-After", String(Math.ceil((window.start + 60_000 - now) / 1000)));
        return sendError(res, 429, "rate_limited", "Too many requests; slow down.");
      }
      res.locals.user = user;
      next();
    } catch (error) {
      handleError(error, res);
    }
  });

  router.use(enforceBodyContract);
  router.use(
    referenceRoutes(db),
    reportRoutes(db),
    actionRoutes(db, deps.readCache),
    documentRoutes(db),
    searchRoutes(db),
    tokenRoutes(db),
    webhookRoutes(db, config.webhooks),
    notificationRoutes(db),
    meRoutes(db),
    overviewRoutes(db, deps.readCache),
    userRoutes(db, config),
    strategyRoutes(db),
    organisationRoutes(db, config),
    auditLogRoutes(db),
    personalDataRoutes(db, deps.applyServerUpdate),
  );
  router.use((_req, res) => sendError(res, 404, "not_found", "No such endpoint."));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const unreadable = unreadableBody(error);
    if (unreadable) return refuse(req, res, unreadable.status, unreadable.message);
    handleError(error, res);
  });
  return router;
}
