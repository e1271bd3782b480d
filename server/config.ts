import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const booleanString = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce
    .number("expected a port number from 0 to 65535")
    .int("expected a port number from 0 to 65535")
    .min(0, "expected a port number from 0 to 65535")
    .max(65535, "expected a port number from 0 to 65535")
    .default(3000),
  // Reachable from this machine only, until an operator chooses otherwise (behind a proxy, say).
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./.data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(240),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  SECURE_COOKIES: booleanString.optional(),
  APP_ORIGIN: z.url().optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  SEED_DEMO: booleanString.optional(),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  TRUST_PROXY: booleanString.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
  ERROR_LOG_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  OIDC_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  WEBHOOK_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: booleanString.optional(),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().trim().min(1).max(60).optional(),
  OIDC_SCOPES: z.string().trim().min(1).default("openid email profile"),
  OIDC_EMAIL_CLAIM: z.string().trim().min(1).default("email"),
  OIDC_GROUPS_CLAIM: z.string().trim().min(1).default("groups"),
  OIDC_TRUST_UNVERIFIED_EMAIL: booleanString.default(false),
  OIDC_EMAIL_DOMAINS: z.string().default(""),
  OIDC_ADMIN_EMAILS: z.string().default(""),
  OIDC_ORGANISATION: z.string().trim().min(1).optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, "must start with smtp:// or smtps:// and name a host")
    .optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .regex(
      /^(?:[^<>@\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/,
      "must be an address, or a name and <address>",
    )
    .optional(),
});

/** The identity provider of a single-organisation install, from the environment (ADR 0019). */
export interface EnvIdentityProvider {
  /** The organisation's slug; without it, the install's only organisation. */
  organisationSlug?: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  emailClaim: string;
  groupsClaim: string;
  trustUnverifiedEmail: boolean;
  emailDomains: string[];
  /** These people become admins at their first sign-in (how an install gets its first admin). */
  adminEmails: string[];
}

const list = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  sessionSecret: string;
  /** Set when the secret was generated now: where `keepSessionSecret` stores it for restarts. */
  sessionSecretFile?: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  secureCookies: boolean;
  appOrigin?: string;
  bodyLimitBytes: number;
  seedDemo: boolean;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  /** API requests per token per minute; more get 429. */
  apiRateLimitPerMinute: number;
  trustProxy: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "silent";
  /** Errors of one kind are logged once per this many seconds, with how many there were. */
  errorLogIntervalSeconds: number;
  /** How often the scheduler looks for due reminders; 0: never (ADR 0025). */
  schedulerIntervalSeconds: number;
  /** Bearer token for GET /metrics; without it there is no /metrics. */
  metricsToken?: string;
  /** AES-256 key for the identity providers' client secrets stored in the database. */
  oidcSecretKey: Buffer;
  identityProvider?: EnvIdentityProvider;
  /** E-mail (server/notifications/mail.ts): without `smtpUrl` messages are only kept in the outbox. */
  mail: {
    smtpUrl?: string;
    from: string;
    /** Signs the one-click unsubscribe links. */
    linkKey: Buffer;
  };
  /**
   * Where links in e-mails lead: APP_ORIGIN, else set by the server once it listens
   * (http://localhost:<port>).
   */
  linkOrigin?: string;
  webhooks: {
    /** AES-256 key for the webhooks' signing secrets stored in the database. */
    secretKey: Buffer;
    /**
     * Whether webhooks may go to loopback and private addresses (and plain http, to loopback
     * only). Off in production unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES says so: a webhook must
     * not become a way to reach the server's own network.
     */
    allowPrivateAddresses: boolean;
    timeoutMs: number;
  };
}

export class ConfigError extends Error {}

/** Reads and validates the environment; a bad value names the variable in one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const secretFile = path.join(dataDir, "session-secret");
  const keptSecret = existsSync(secretFile) ? readFileSync(secretFile, "utf8").trim() : undefined;
  const generated = !e.SESSION_SECRET && !keptSecret;
  const sessionSecret = e.SESSION_SECRET ?? keptSecret ?? randomBytes(32).toString("base64url");
  if (e.OIDC_ISSUER && (!e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET))
    throw new ConfigError("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too");
  if (e.SMTP_URL && !e.MAIL_FROM)
    throw new ConfigError("SMTP_URL needs MAIL_FROM (the sender address) too");
  const appOrigin = e.APP_ORIGIN?.replace(/\/$/, "");
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    sessionSecret,
    sessionSecretFile: generated ? secretFile : undefined,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    secureCookies: e.SECURE_COOKIES ?? e.NODE_ENV === "production",
    appOrigin,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    // Demo data by default only on the embedded database: a real server is someone's production.
    seedDemo: e.SEED_DEMO ?? !e.DATABASE_URL,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginWindowMinutes: e.LOGIN_WINDOW_MINUTES,
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    errorLogIntervalSeconds: e.ERROR_LOG_INTERVAL_SECONDS,
    schedulerIntervalSeconds: e.SCHEDULER_INTERVAL_SECONDS,
    metricsToken: e.METRICS_TOKEN,
    // Without a key of its own, one derived from the session secret (changing that secret then
    // means entering the client secrets again).
    oidcSecretKey: Buffer.from(
      hkdfSync(
        "sha256",
        e.OIDC_SECRET_KEY ?? sessionSecret,
        "",
        "samverkan oidc client secrets",
        32,
      ),
    ),
    webhooks: {
      secretKey: Buffer.from(
        hkdfSync(
          "sha256",
          e.WEBHOOK_SECRET_KEY ?? sessionSecret,
          "",
          "samverkan webhook secrets",
          32,
        ),
      ),
      allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? e.NODE_ENV !== "production",
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
    },
    identityProvider:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            organisationSlug: e.OIDC_ORGANISATION,
            displayName: e.OIDC_NAME ?? new URL(e.OIDC_ISSUER).hostname,
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            scopes: e.OIDC_SCOPES,
            emailClaim: e.OIDC_EMAIL_CLAIM,
            groupsClaim: e.OIDC_GROUPS_CLAIM,
            trustUnverifiedEmail: e.OIDC_TRUST_UNVERIFIED_EMAIL,
            emailDomains: list(e.OIDC_EMAIL_DOMAINS),
            adminEmails: list(e.OIDC_ADMIN_EMAILS),
          }
        : undefined,
    mail: {
      smtpUrl: e.SMTP_URL,
      from:
        e.MAIL_FROM ??
        `Samverkan <samverkan@${appOrigin ? new URL(appOrigin).hostname : "localhost"}>`,
      linkKey: Buffer.from(hkdfSync("sha256", sessionSecret, "", "samverkan mail links", 32)),
    },
    linkOrigin: appOrigin,
  };
}

/**
 * Without SESSION_SECRET, the one generated at the first start is kept beside the data so restarts
 * keep sessions. Called once the server has its port and data folder: loading the configuration
 * writes nothing.
 */
export function keepSessionSecret(config: Config): void {
  if (!config.sessionSecretFile) return;
  mkdirSync(config.dataDir, { recursive: true });
  try {
    writeFileSync(config.sessionSecretFile, config.sessionSecret, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Another server on the same folder (PostgreSQL) started at the same moment and kept its own.
    if (readFileSync(config.sessionSecretFile, "utf8").trim() !== config.sessionSecret)
      throw new ConfigError(
        `${config.sessionSecretFile} was created by another process just now; start again.`,
      );
  }
}
