import express, { type NextFunction, type Request, type Response } from "express";
import { refuse } from "./security";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Whether any string in a parsed JSON value (keys included) holds a NUL character. */
function holdsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === "object")
    return Object.entries(value).some(([key, item]) => key.includes("\u0000") || holdsNul(item));
  return false;
}

// Why body-parser did not read a body, as the answer the sender gets.
const REFUSALS: Record<string, { status: number; message: string }> = {
  "encoding.unsupported": { status: 415, message: "Unsupported Content-Encoding." },
  "charset.unsupported": { status: 415, message: "Unsupported charset: send UTF-8." },
  "entity.too.large": { status: 413, message: "The request body is too large." },
  "entity.parse.failed": { status: 400, message: "The body is not valid JSON." },
  "entity.verify.failed": { status: 400, message: "The body is not valid UTF-8." },
};

/** The answer to a body the JSON reader could not read, or undefined for any other error. */
export function unreadableBody(error: unknown): { status: number; message: string } | undefined {
  if (!error || typeof error !== "object") return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  const known = REFUSALS[String(type)];
  if (known) return known;
  // body-parser marks what it could not read as 4xx, e.g. a "gzip" body that does not unpack.
  if (typeof status === "number" && status >= 400 && status < 500)
    return { status: 400, message: "The body could not be decoded." };
  return undefined;
}

/**
 * The API's JSON body: UTF-8 only, unpacked when it says it is gzip/deflate/br, no NUL
 * characters (PostgreSQL cannot store them). A body that cannot be read is the sender's mistake:
 * a 4xx with the API's error shape (see `unreadableBody`), never a 500 or a logged stack trace.
 */
export function readJsonBody(limitBytes: number) {
  return [
    express.json({
      limit: limitBytes,
      verify: (_req, _res, buffer) => void utf8.decode(buffer),
    }),
    (req: Request, res: Response, next: NextFunction) => {
      if (!holdsNul(req.body)) return next();
      refuse(req, res, 400, "The body contains a NUL character, which is not allowed.");
    },
  ];
}
