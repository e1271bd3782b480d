import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { type DestinationStream, type Logger, pino } from "pino";
import { isDatabaseUnavailable } from "../db/unavailable";
import type { Config } from "./config";

export type { Logger };

/** Structured JSON logs, one object a line, on standard output (or `destination` in tests). */
export function createLogger(config: Config, destination?: DestinationStream): Logger {
  return pino({ level: config.logLevel, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** Reports an unexpected error; `log` is the request's own logger when there is a request. */
export type ErrorReporter = (error: unknown, log?: Logger) => void;

/**
 * Errors of one kind are logged once per interval: the first at once (with its stack, unless
 * it is the database being unreachable, which says all in a line), then how many more there were.
 * An outage otherwise writes a stack trace for every request that meets it.
 */
export function createErrorReporter(
  log: Logger,
  intervalSeconds: number,
  onUnavailable: () => void,
): ErrorReporter {
  const repeats = new Map<string, number>();
  return (error, requestLog = log) => {
    const unavailable = isDatabaseUnavailable(error);
    if (unavailable) onUnavailable();
    const message = messagesOf(error);
    const kind = unavailable ? "database_unavailable" : message.slice(0, 200);
    const seen = repeats.get(kind);
    if (seen !== undefined) {
      repeats.set(kind, seen + 1);
      return;
    }
    repeats.set(kind, 0);
    if (unavailable) requestLog.error({ kind }, `The database is unavailable: ${message}`);
    else requestLog.error({ kind: "internal", err: error }, message);
    setTimeout(() => {
      const count = repeats.get(kind) ?? 0;
      repeats.delete(kind);
      if (count > 0)
        log.error(
          { kind: unavailable ? kind : "internal", count, intervalSeconds },
          `${count} more of the same in ${intervalSeconds} s: ${message}`,
        );
    }, intervalSeconds * 1000).unref();
  };
}

/** An error's message with its causes' ("Sending webhooks failed: connect ECONNREFUSED …"). */
function messagesOf(error: unknown): string {
  const messages: string[] = [];
  let cause = error;
  for (; cause instanceof Error; cause = cause.cause) messages.push(cause.message);
  if (cause !== undefined) messages.push(String(cause));
  return messages.join(": ");
}

const GIVEN_ID = /^[\w.:-]{1,128}$/;

/**
 * Every request gets an id, the caller's `X-Request-Id` when it sends a sane one, echoed in the
 * response and carried by every line logged for it (`res.locals.log`, `reportError`).
 */
export function requestIds(log: Logger, reportError: ErrorReporter) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && GIVEN_ID.test(given) ? given : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    const requestLog = log.child({ requestId });
    res.locals.log = requestLog;
    res.locals.reportError = (error: unknown) => reportError(error, requestLog);
    res.once("finish", () => {
      requestLog.debug(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        "request",
      );
    });
    next();
  };
}

/** Reports an error met while answering `res`, under its request id. */
export function reportError(res: Response, error: unknown): void {
  (res.locals.reportError as (error: unknown) => void)(error);
}
