import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, keepSessionSecret, loadConfig } from "./config";

const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-config-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The environment as given, nothing from the test runner's own. */
function load(env: Record<string, string>) {
  return loadConfig(env as NodeJS.ProcessEnv);
}

const SECRET = "a-session-secret-that-is-long-enough-0123";
const base = { DATA_DIR: dataDir, SESSION_SECRET: SECRET };

function configError(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("loadConfig accepted the environment");
}

describe("loadConfig", () => {
  it("has documented defaults", () => {
    const config = load(base);
    expect(config).toMatchObject({
      env: "development",
      port: 3000,
      host: "127.0.0.1",
      dataDir: path.resolve(dataDir),
      databaseUrl: undefined,
      sessionSecret: SECRET,
      sessionIdleMinutes: 240,
      sessionAbsoluteHours: 12,
      secureCookies: false,
      bodyLimitBytes: 1_048_576,
      seedDemo: true,
      loginMaxFailures: 5,
      loginWindowMinutes: 15,
      trustProxy: false,
      logLevel: "info",
      errorLogIntervalSeconds: 60,
      schedulerIntervalSeconds: 300,
      metricsToken: undefined,
    });
  });

  it("defaults DATA_DIR to ./.data", () => {
    // Only the path is resolved here; SESSION_SECRET is given so nothing is written there.
    expect(load({ SESSION_SECRET: SECRET }).dataDir).toBe(path.resolve(".data"));
  });

  it("uses Secure cookies by default in production only", () => {
    expect(load({ ...base, NODE_ENV: "production" }).secureCookies).toBe(true);
    expect(load({ ...base, NODE_ENV: "test" }).secureCookies).toBe(false);
    expect(load({ ...base, NODE_ENV: "production", SECURE_COOKIES: "false" }).secureCookies).toBe(
      false,
    );
  });

  it("generates a session secret once and keeps it beside the data when told to", () => {
    const other = path.join(dataDir, "not-yet-created");
    const first = load({ DATA_DIR: other });
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    // Loading the configuration writes nothing (a server on a busy port leaves no trace).
    expect(existsSync(other)).toBe(false);
    keepSessionSecret(first);
    expect(readFileSync(path.join(other, "session-secret"), "utf8").trim()).toBe(
      first.sessionSecret,
    );
    const second = load({ DATA_DIR: other });
    expect(second).toMatchObject({
      sessionSecret: first.sessionSecret,
      sessionSecretFile: undefined,
    });
  });

  it.each([
    ["PORT", { PORT: "abc" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "-1" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/db" }],
    ["DATABASE_URL", { DATABASE_URL: "not a url" }],
    ["SESSION_SECRET", { SESSION_SECRET: "too-short" }],
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["SESSION_IDLE_MINUTES", { SESSION_IDLE_MINUTES: "0" }],
    ["BODY_LIMIT_BYTES", { BODY_LIMIT_BYTES: "10" }],
    ["SEED_DEMO", { SEED_DEMO: "yes" }],
    ["APP_ORIGIN", { APP_ORIGIN: "nope" }],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }],
    ["ERROR_LOG_INTERVAL_SECONDS", { ERROR_LOG_INTERVAL_SECONDS: "0" }],
    ["METRICS_TOKEN", { METRICS_TOKEN: "short" }],
    ["SCHEDULER_INTERVAL_SECONDS", { SCHEDULER_INTERVAL_SECONDS: "-5" }],
  ])("a bad %s is a ConfigError naming it in one line", (variable, env) => {
    const error = configError({ ...base, ...env });
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain("\n");
  });

  it("a bad SESSION_SECRET's message says what is wrong", () => {
    expect(configError({ ...base, SESSION_SECRET: "short" }).message).toBe(
      "Invalid SESSION_SECRET: must be at least 32 characters",
    );
  });

  it.each(["abc", "70000", "80.5"])("PORT=%s says what a port is", (port) => {
    expect(configError({ ...base, PORT: port }).message).toBe(
      "Invalid PORT: expected a port number from 0 to 65535",
    );
  });

  it("seeds demo data by default only without DATABASE_URL", () => {
    expect(load(base).seedDemo).toBe(true);
    const withUrl = { ...base, DATABASE_URL: "postgres://postgres@127.0.0.1:5432/samverkan" };
    expect(load(withUrl).seedDemo).toBe(false);
    expect(load({ ...withUrl, SEED_DEMO: "true" }).seedDemo).toBe(true);
    expect(load({ ...base, SEED_DEMO: "false" }).seedDemo).toBe(false);
  });

  it("accepts both postgres:// and postgresql:// and trims APP_ORIGIN's slash", () => {
    expect(load({ ...base, DATABASE_URL: "postgresql://h/db" }).databaseUrl).toBe(
      "postgresql://h/db",
    );
    expect(load({ ...base, APP_ORIGIN: "https://samverkan.kommun.se/" }).appOrigin).toBe(
      "https://samverkan.kommun.se",
    );
  });

  it("does not write a secret file when SESSION_SECRET is given", () => {
    const other = mkdtempSync(path.join(tmpdir(), "samverkan-config-"));
    load({ DATA_DIR: other, SESSION_SECRET: SECRET });
    expect(existsSync(path.join(other, "session-secret"))).toBe(false);
    rmSync(other, { recursive: true, force: true });
  });

  it("takes SMTP_URL with MAIL_FROM, and says what is wrong with either", () => {
    const mail = load({
      ...base,
      SMTP_URL: "smtps://user:pass@mail.kommun.se:465",
      MAIL_FROM: "Samverkan <noreply@kommun.se>",
    }).mail;
    expect(mail.smtpUrl).toBe("smtps://user:pass@mail.kommun.se:465");
    expect(mail.from).toBe("Samverkan <noreply@kommun.se>");
    expect(load(base).mail.smtpUrl).toBeUndefined();
    expect(load({ ...base, APP_ORIGIN: "https://samverkan.kommun.se" }).mail.from).toBe(
      "Samverkan <samverkan@samverkan.kommun.se>",
    );
    expect(configError({ ...base, SMTP_URL: "smtp://mail.kommun.se" }).message).toBe(
      "SMTP_URL needs MAIL_FROM (the sender address) too",
    );
    expect(configError({ ...base, SMTP_URL: "http://mail.kommun.se" }).message).toBe(
      "Invalid SMTP_URL: must start with smtp:// or smtps:// and name a host",
    );
    expect(
      configError({ ...base, SMTP_URL: "smtp://mail.kommun.se", MAIL_FROM: "nobody" }).message,
    ).toBe("Invalid MAIL_FROM: must be an address, or a name and <address>");
  });
});
