import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { NextFunction, Request, Response } from "express";
import { readSessionToken } from "../auth/cookie";
import type { Config } from "../config";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin this request was addressed to: APP_ORIGIN when set, else the Host it came with. */
export function expectedOrigin(
  headers: IncomingHttpHeaders,
  secure: boolean,
  config: Config,
): string {
  if (config.appOrigin) return config.appOrigin;
  const forwardedProto = config.trustProxy
    ? String(headers["x-forwarded-proto"] ?? "").split(",")[0]
    : "";
  const protocol = forwardedProto || (secure ? "https" : "http");
  return `${protocol}://${headers.host ?? ""}`;
}

/**
 * CSRF defence (docs/decisions/0003-csrf-same-origin.md): a state-changing request must say it
 * comes from our own origin, through `Origin` or, where a browser omits that, `Sec-Fetch-Site`.
 * A request that says neither is refused.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, origin: string): boolean {
  const sentOrigin = headers.origin;
  if (sentOrigin) return sentOrigin === origin;
  return headers["sec-fetch-site"] === "same-origin";
}

export function securityHeaders(config: Config) {
  const production = config.env === "production";
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    // Vite's development client injects inline scripts and evaluates modules; only then is that allowed.
    const scriptSrc =
      production || config.env === "test"
        ? `'self' 'nonce-${nonce}'`
        : `'self' 'unsafe-inline' 'unsafe-eval'`;
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src ${scriptSrc}`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (production && config.secureCookies) {
      res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    next();
  };
}

/**
 * What is shown to a signed-in person (pages, API answers, exports, even redirects and refusals)
 * is never kept by the browser or a proxy: after logout, Back must not show it again.
 */
export function noStoreWhenSignedIn(config: Config) {
  return (req: Request, res: Response, next: NextFunction) => {
    const signedIn =
      req.headers.authorization !== undefined ||
      readSessionToken(req.headers.cookie, config.secureCookies) !== undefined;
    if (signedIn) res.setHeader("Cache-Control", "no-store");
    next();
  };
}

/** Also inside the API's router, where `req.path` no longer starts with its mount point. */
const isApiRequest = (req: Request) => req.originalUrl.startsWith("/api/");

/** Pages get a short bilingual text; the JSON API gets its error shape. */
export function refuse(req: Request, res: Response, status: number, message: string) {
  if (isApiRequest(req)) {
    const code =
      {
        403: "forbidden",
        411: "invalid_input",
        413: "payload_too_large",
        415: "unsupported_media_type",
      }[status] ?? "invalid_input";
    res.status(status).json({ error: { code, message } });
    return;
  }
  res.status(status).type("text/plain; charset=utf-8").send(message);
}

const isCrossSite = (req: Request, config: Config) =>
  !isSameOrigin(req.headers, expectedOrigin(req.headers, req.secure, config));

function refuseCrossSite(req: Request, res: Response) {
  refuse(
    req,
    res,
    403,
    "Förfrågan avvisades: den kom inte från Samverkans egen sida. (Cross-site request refused.)",
  );
}

/** A state-changing request must come from our own origin (for routes the general guard skips). */
export function requireSameOrigin(config: Config) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (isCrossSite(req, config)) return refuseCrossSite(req, res);
    next();
  };
}

/**
 * Non-GET requests: same origin, and a body no larger than the configured limit. `sameOrigin:
 * false` where no cookie signs in (the token-only API): another site's page gains nothing there.
 */
export function guardStateChangingRequests(config: Config, { sameOrigin = true } = {}) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (sameOrigin && isCrossSite(req, config)) return refuseCrossSite(req, res);
    const length = req.headers["content-length"];
    if (length === undefined && req.headers["transfer-encoding"]) {
      return refuse(req, res, 411, "Förfrågan saknar längd. (Content-Length required.)");
    }
    if (Number(length ?? 0) > config.bodyLimitBytes) {
      const limitKb = Math.floor(config.bodyLimitBytes / 1024);
      return refuse(
        req,
        res,
        413,
        `Det du skickade är för stort (högst ${limitKb} kB). (Request body too large.)`,
      );
    }
    const encoding = req.headers["content-encoding"]?.trim().toLowerCase();
    if (encoding && encoding !== "identity" && !readsEncoding(req, encoding)) {
      return refuse(
        req,
        res,
        415,
        `Innehållet är packat på ett sätt som inte stöds (Content-Encoding: ${encoding.slice(0, 40)}). (Unsupported Content-Encoding.)`,
      );
    }
    const charset = charsetOf(req.headers["content-type"]);
    if (charset && charset !== "utf-8" && charset !== "us-ascii") {
      return refuse(
        req,
        res,
        415,
        `Teckenkodningen stöds inte, skicka UTF-8 (charset=${charset.slice(0, 40)}). (Unsupported charset: send UTF-8.)`,
      );
    }
    next();
  };
}

// The API's JSON reader unpacks these (and answers 400 when the body is not what it says);
// browsers never pack a form, so pages take bodies as they are.
const API_ENCODINGS = new Set(["gzip", "deflate", "br"]);

function readsEncoding(req: Request, encoding: string): boolean {
  return isApiRequest(req) && API_ENCODINGS.has(encoding);
}

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? "")?.[1].toLowerCase();
}

/**
 * A NUL character in the address (a search query, say) cannot be stored or searched for by
 * PostgreSQL; it is refused here for every page and API endpoint rather than crash one of them.
 */
export function refuseNulInAddress(req: Request, res: Response, next: NextFunction) {
  if (!/%00/i.test(req.originalUrl)) return next();
  refuse(
    req,
    res,
    400,
    "Adressen innehåller ett otillåtet tecken (NUL). (The address contains a NUL character, which is not allowed.)",
  );
}
