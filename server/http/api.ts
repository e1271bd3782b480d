import { type NextFunction, type Request, type Response, Router } from "express";
import { snippetParts } from "../../common/highlight";
import { isMessageKey } from "../../common/i18n";
import { en } from "../../common/i18n/en";
import type { DB } from "../../db";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../../db/unavailable";
import type { Authenticator } from "../auth/authenticator";
import type { SessionUser } from "../auth/sessions";
import { createApiToken } from "../auth/tokens";
import type { Config } from "../config";
import {
  actionsFromDocument,
  createAction,
  getAction,
  listActions,
  toApiAction,
  updateAction,
} from "../domain/actions";
import { listDepartments } from "../domain/departments";
import {
  createDocument,
  createVersion,
  type DocumentView,
  documentContent,
  getDocument,
  listDocuments,
  listVersions,
} from "../domain/documents";
import { ConflictError, ValidationError } from "../domain/errors";
import { saveFollowUp } from "../domain/followups";
import { listPeriods } from "../domain/periods";
import { ForbiddenError, NotFoundError } from "../domain/policy";
import { search } from "../domain/search";
import { getActiveStrategy } from "../domain/strategies";
import { reportError } from "../log";
import { readJsonBody, unreadableBody } from "./bodies";
import { type ErrorCode, openApiDocument } from "./openapi";
import { refuse, requireSameOrigin } from "./security";

export function sendError(
  res: Response,
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
) {
  res.status(status).json({ error: { code, message, ...extra } });
}

/** Field messages in English: the API speaks to scripts, the catalogue already has the words. */
function fieldMessages(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, key]) => [
      field,
      isMessageKey(key) ? (en[key] as string) : key,
    ]),
  );
}

function handleError(error: unknown, res: Response) {
  if (error instanceof ValidationError) {
    const personal = Object.values(error.fields).includes("validation.identityNumber");
    return personal
      ? sendError(
          res,
          422,
          "personal_identity_number",
          "A field contains a Swedish personal identity number; data about individuals is not stored.",
          { fields: fieldMessages(error.fields) },
        )
      : sendError(res, 400, "invalid_input", "The request has invalid fields.", {
          fields: fieldMessages(error.fields),
        });
  }
  if (error instanceof ConflictError)
    return sendError(
      res,
      409,
      "conflict",
      "The action was changed by someone else since that version.",
    );
  if (error instanceof NotFoundError) return sendError(res, 404, "not_found", "No such resource.");
  if (error instanceof ForbiddenError)
    return sendError(res, 403, "forbidden", "Your role does not allow this.");
  reportError(res, error);
  if (isDatabaseUnavailable(error)) {
    res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS));
    return sendError(res, 503, "unavailable", "The database is unavailable; try again shortly.");
  }
  return sendError(res, 500, "internal", "Something went wrong.");
}

export function createApiRouter(deps: { db: DB; config: Config; auth: Authenticator }) {
  const { db, config, auth } = deps;
  const router = Router();
  // A script gone wrong should not starve the people using the portal: requests per token per minute.
  const windows = new Map<string, { start: number; count: number }>();

  router.use(readJsonBody(config.bodyLimitBytes));
  router.get("/openapi.json", (_req, res) => res.json(openApiDocument));

  // Creating a token needs a signed-in browser session from our own origin; a token cannot
  // make another (a request with an Authorization header is never signed in by its cookie).
  router.post("/tokens", requireSameOrigin(config), async (req, res) => {
    try {
      const user = await auth.fromCookie(req.headers);
      if (!user) {
        const message = req.headers.authorization
          ? "Tokens are created from a signed-in browser session, without an Authorization header."
          : "Sign in first.";
        return sendError(res, 401, "unauthorized", message);
      }
      const created = await createApiToken(db, user, config.sessionSecret, req.body ?? {});
      res.status(201).json(created);
    } catch (error) {
      handleError(error, res);
    }
  });

  // Every other endpoint: the bearer token alone (never the cookie), acting with the owner's permissions.
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const user = await auth.fromBearerToken(req.headers);
      if (!user) return sendError(res, 401, "unauthorized", "A valid bearer token is required.");
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

  const route =
    (handler: (user: SessionUser, req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response) => {
      try {
        await handler(res.locals.user as SessionUser, req, res);
      } catch (error) {
        handleError(error, res);
      }
    };

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
  router.get(
    "/actions",
    route(async (user, req, res) => {
      const { items, nextCursor } = await listActions(db, user, { limit: "100", ...req.query });
      res.json({ items: items.map(toApiAction), ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  router.post(
    "/actions",
    route(async (user, req, res) => {
      const action = await createAction(db, user, req.body ?? {});
      res.status(201).json(toApiAction(action));
    }),
  );
  router.get(
    "/actions/:id",
    route(async (user, req, res) => {
      res.json(toApiAction(await getAction(db, user, req.params.id)));
    }),
  );
  router.patch(
    "/actions/:id",
    route(async (user, req, res) => {
      try {
        const action = await updateAction(db, user, req.params.id, req.body ?? {});
        res.json(toApiAction(action));
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const current = await getAction(db, user, req.params.id);
        sendError(
          res,
          409,
          "conflict",
          `The action was changed by ${error.current.changedBy ?? "someone"} since that version.`,
          {
            current: toApiAction(current),
          },
        );
      }
    }),
  );
  router.put(
    "/actions/:id/followups/:periodId",
    route(async (user, req, res) => {
      await saveFollowUp(db, user, req.params.id, req.params.periodId, req.body ?? {});
      res.json({
        actionId: req.params.id,
        periodId: req.params.periodId,
        assessment: req.body.assessment,
        comment: String(req.body.comment).trim(),
      });
    }),
  );

  const documentJson = (d: DocumentView) => ({
    id: d.id,
    url: `/dokument/${d.id}`,
    title: d.title,
    kind: d.kind,
    status: d.status,
    departmentIds: d.departmentIds,
    version: d.version,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    contentUpdatedAt: d.contentUpdatedAt,
  });
  router.get(
    "/documents",
    route(async (user, req, res) => {
      res.json({ items: (await listDocuments(db, user, req.query)).map(documentJson) });
    }),
  );
  router.post(
    "/documents",
    route(async (user, req, res) => {
      const id = await createDocument(db, user, req.body ?? {});
      res.status(201).json(documentJson(await getDocument(db, user, id)));
    }),
  );
  router.get(
    "/documents/:id",
    route(async (user, req, res) => {
      const document = await getDocument(db, user, req.params.id);
      const actions = await actionsFromDocument(db, user, document.id);
      res.json({
        ...documentJson(document),
        actions: actions.map((a) => ({ id: a.id, title: a.title })),
      });
    }),
  );
  router.get(
    "/documents/:id/content",
    route(async (user, req, res) => {
      const format = req.query.format ?? "json";
      if (format !== "json" && format !== "html" && format !== "text") {
        throw new ValidationError({ format: "validation.contentFormat" });
      }
      const content = await documentContent(db, user, req.params.id);
      if (format === "text") res.type("text/plain; charset=utf-8").send(content.text);
      else if (format === "html") res.type("text/html; charset=utf-8").send(content.html);
      else res.json(content.json);
    }),
  );
  router.get(
    "/documents/:id/versions",
    route(async (user, req, res) => {
      res.json({ items: await listVersions(db, user, req.params.id) });
    }),
  );
  router.post(
    "/documents/:id/versions",
    route(async (user, req, res) => {
      const id = await createVersion(db, user, req.params.id, req.body ?? {});
      const version = (await listVersions(db, user, req.params.id)).find((v) => v.id === id);
      res.status(201).json(version);
    }),
  );
  // Snippets as plain text with [start, end) offsets of the matches: safe to show as text anywhere.
  router.get(
    "/search",
    route(async (user, req, res) => {
      const hits = await search(db, user, { ...req.query, q: req.query.q ?? "" });
      res.json({
        items: hits.map(({ snippet, ...hit }) => {
          const parts = snippetParts(snippet);
          return {
            ...hit,
            snippet: parts.map((part) => part.text).join(""),
            highlights: parts
              .filter((part) => part.match)
              .map((part) => [part.start, part.start + part.text.length]),
          };
        }),
      });
    }),
  );
  router.use((_req, res) => sendError(res, 404, "not_found", "No such endpoint."));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const unreadable = unreadableBody(error);
    if (unreadable) return refuse(req, res, unreadable.status, unreadable.message);
    handleError(error, res);
  });
  return router;
}
