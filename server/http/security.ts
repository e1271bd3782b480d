import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { NextFunction, Request, Response } from "express";
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

/** Pages get a short bilingual text; the JSON API gets its error shape. */
function refuse(req: Request, res: Response, status: number, message: string) {
  if (req.originalUrl.startsWith("/api/")) {
    const code =
      { 403: "forbidden", 411: "invalid_input", 413: "payload_too_large" }[status] ??
      "invalid_input";
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
    next();
  };
}
