import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import { isMessageKey } from "../../../common/i18n";
import { en } from "../../../common/i18n/en";
import type { Executor } from "../../../db";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../../../db/unavailable";
import type { SessionUser } from "../../auth/sessions";
import { swedishToday } from "../../domain/dates";
import { ConflictError, InUseError, ValidationError } from "../../domain/errors";
import { ForbiddenError, NotFoundError, type Permission } from "../../domain/policy";
import { reportError } from "../../log";
import type { ReadCache } from "../../read-cache";
import type { ErrorCode } from "../openapi";

/**
 * A read whose JSON is kept per organisation data version (server/read-cache.ts): computed and
 * serialised once per version, with an ETag, so an unchanged answer costs a lookup (and a client
 * that sends If-None-Match gets 304). The answer may depend on the organisation's data, the
 * address with its query (in any order) and today (overdue, deadlines), which `compute` is given.
 */
export const keptRoute = (
  readCache: ReadCache,
  db: Executor,
  permission: Permission,
  compute: (user: SessionUser, req: Request, today: string) => Promise<unknown>,
) =>
  route(async (user, req, res) => {
    const today = swedishToday();
    const query = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
    query.sort();
    const kept = await readCache.read(
      db,
      user,
      permission,
      `${req.baseUrl}${req.path} ${today} ${query}`,
      async () => {
        // Kept as bytes: a long list is not encoded again for every reader.
        const body = Buffer.from(JSON.stringify(await compute(user, req, today)), "utf8");
        return { body, etag: `W/"${createHash("sha1").update(body).digest("base64url")}"` };
      },
      ({ body }) => body.length,
    );
    res.setHeader("ETag", kept.etag);
    res.type("json").send(kept.body);
  });

export function sendError(
  res: Response,
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
) {
  res.status(status).json({ error: { code, message, ...extra } });
}

/** 401 with the challenge RFC 6750 asks for; `invalid_token` when a token was sent but is not valid. */
export function sendUnauthorized(res: Response, message: string, tokenPresented = false) {
  res.setHeader(
    "WWW-Authenticate",
    tokenPresented ? 'Bearer realm="samverkan", error="invalid_token"' : 'Bearer realm="samverkan"',
  );
  sendError(res, 401, "unauthorized", message);
}

/** Field messages in English: the API speaks to scripts, the catalogue already has the words. */
export function fieldMessages(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, key]) => [
      field,
      isMessageKey(key) ? (en[key] as string) : key,
    ]),
  );
}

export function handleError(error: unknown, res: Response) {
  if (error instanceof InUseError)
    return sendError(res, 409, "conflict", "It is in use and cannot be removed.", {
      fields: fieldMessages(error.fields),
    });
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
      "It was changed by someone else since that version; read it again.",
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

/** An endpoint behind the bearer token: the signed-in user in, every error in the API's shape. */
export const route =
  (handler: (user: SessionUser, req: Request, res: Response) => Promise<void>) =>
  async (req: Request, res: Response) => {
    try {
      await handler(res.locals.user as SessionUser, req, res);
    } catch (error) {
      handleError(error, res);
    }
  };
