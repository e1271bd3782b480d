import type { DatabaseKind, DB } from "../db";
import type { Authenticator } from "./auth/authenticator";
import type { CollabHub } from "./collab/hub";
import type { Config } from "./config";
import type { Logger } from "./log";
import type { ReadCache } from "./read-cache";

/** What the composition root hands every Remix loader and action (see server/app.ts). */
// A type alias, not an interface, so it fits Remix's index-signature AppLoadContext.
export type AppContext = {
  db: DB;
  dbKind: DatabaseKind;
  /** Answers kept per organisation data version (server/read-cache.ts). */
  readCache: ReadCache;
  /** Who a request acts for: the session cookie or a bearer token. */
  auth: Authenticator;
  /** The co-editing hub, for changes made on the server (purging personal data from a document's history). */
  collab: CollabHub;
  config: Config;
  /** Per-request CSP nonce for inline scripts. */
  nonce: string;
  clientAddress: string;
  secure: boolean;
  /** This request's logger: every line carries its request id. */
  log: Logger;
  /** Logs an unexpected error, once per kind and interval (server/log.ts). */
  reportError(error: unknown): void;
  /** Set when a loader or action found the database unreachable; the answer is then 503. */
  databaseUnavailable?: boolean;
};
