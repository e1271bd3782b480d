import express, { type Request, type Response, Router } from "express";
import type { DB } from "../../db";
import type { Authenticator } from "../auth/authenticator";
import { sessionSettingsOf } from "../auth/authenticator";
import { SignInError } from "../auth/oidc/flow";
import {
  clearedPendingCookie,
  pendingCookie,
  readPendingCookie,
} from "../auth/oidc/pending-cookie";
import {
  backchannelLogout,
  finishProviderSignIn,
  type ProviderSignInDeps,
  startProviderSignIn,
} from "../auth/oidc/sign-in";
import type { Config } from "../config";
import { BACKCHANNEL_LOGOUT_PATH, CALLBACK_PATH } from "../domain/identity-provider";
import type { Logger } from "../log";
import { expectedOrigin } from "./security";

/**
 * Only a path on this site: never an address elsewhere (`//host`, `/\host`, or a tab or newline
 * that a browser strips to make one).
 */
function localPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || /\p{Cc}/u.test(value)) return "/";
  const url = new URL(value, "http://samverkan.invalid");
  return url.origin === "http://samverkan.invalid" && !url.pathname.startsWith("//")
    ? url.pathname + url.search + url.hash
    : "/";
}

/** Back to the login page, which says in Swedish why (never a stack trace). */
const refusedAt = (reason: string) => `/login?inloggningsfel=${encodeURIComponent(reason)}`;

/**
 * Sign-in through an organisation's OpenID Connect provider (ADR 0019): start, the provider's
 * redirect back, and its back-channel logout. Mounted before the same-origin guard, since the
 * provider posts logout tokens from its own server, with no Origin of ours.
 */
export function createOidcRouter(options: {
  db: DB;
  config: Config;
  auth: Authenticator;
  log: Logger;
}): Router {
  const { db, config, auth, log } = options;
  const deps: ProviderSignInDeps = { db, config, sessions: sessionSettingsOf(config) };
  const secure = config.secureCookies;
  const router = Router();

  router.get("/auth/oidc/start", async (req: Request, res: Response) => {
    const organisationId = String(req.query.organisation ?? "");
    const origin = expectedOrigin(req.headers, req.secure, config);
    try {
      if (!/^[0-9a-f-]{36}$/i.test(organisationId)) throw new SignInError("not-configured");
      const { url, pending } = await startProviderSignIn(
        deps,
        organisationId,
        origin,
        localPath(req.query.redirectTo),
      );
      res
        .setHeader("Set-Cookie", pendingCookie(config.sessionSecret, secure, pending))
        .redirect(303, url.href);
    } catch (error) {
      const reason = error instanceof SignInError ? error.reason : "provider-unreachable";
      if (!(error instanceof SignInError)) log.warn({ err: error }, "OIDC start failed");
      res.redirect(303, refusedAt(reason));
    }
  });

  router.get(CALLBACK_PATH, async (req: Request, res: Response) => {
    const pending = readPendingCookie(config.sessionSecret, secure, req.headers.cookie);
    const origin = expectedOrigin(req.headers, req.secure, config);
    const query = req.originalUrl.slice(req.originalUrl.indexOf("?") + 1);
    const callbackUrl = new URL(`${origin}${CALLBACK_PATH}?${query}`);
    // The pending sign-in is used once, whatever the outcome.
    res.setHeader("Set-Cookie", clearedPendingCookie(secure));
    try {
      const address = req.ip ?? req.socket.remoteAddress ?? "unknown";
      const result = await finishProviderSignIn(deps, pending, callbackUrl, address);
      if (result.outcome === "no-role") return res.redirect(303, "/vantar-pa-behorighet");
      res
        .append("Set-Cookie", auth.sessionCookie(result))
        .redirect(303, localPath(result.redirectTo));
    } catch (error) {
      const reason = error instanceof SignInError ? error.reason : "invalid-response";
      log.info({ reason, cause: String((error as Error).cause ?? error) }, "OIDC sign-in refused");
      res.redirect(303, refusedAt(reason));
    }
  });

  router.post(
    BACKCHANNEL_LOGOUT_PATH,
    express.urlencoded({ extended: false, limit: "64kb" }),
    async (req: Request, res: Response) => {
      res.setHeader("Cache-Control", "no-store");
      const token = typeof req.body?.logout_token === "string" ? req.body.logout_token : "";
      try {
        const ended = await backchannelLogout(deps, token);
        log.info({ ended }, "Back-channel logout");
        res.status(200).end();
      } catch (error) {
        log.info({ cause: String(error) }, "Back-channel logout refused");
        res
          .status(400)
          .json({ error: "invalid_request", error_description: "invalid logout token" });
      }
    },
  );
  return router;
}
