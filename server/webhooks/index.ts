import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { type DB, inTransaction } from "../../db";
import type { WebhookAttempt } from "../../db/schema";
import type { EventBus } from "../bus";
import { openWebhookSecret, type WebhookSettings } from "../domain/webhooks";
import { guardedLookup, refusedWebhookUrl } from "./address";
import { webhookEventOf } from "./events";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";

/** After the n-th failed attempt the next comes this much later; after the last, no more. */
export const RETRY_DELAYS_MS = [
  60_000, // 1 min
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Deliveries (with their answers) are kept this long. */
export const KEEP_DELIVERIES_DAYS = 30;
const BATCH = 20;
const EXCERPT_CHARS = 500;
const READ_LIMIT_BYTES = 64 * 1024;

export interface WebhookOptions {
  /** The clock that schedules (retries, claims, retention); tests move it forward. */
  now?: () => Date;
  /** How often due deliveries are looked for besides right after an event (ms). */
  pollMs?: number;
  /** A failed run (the next one tries again); the server's reporter logs it once per interval. */
  report?: (error: unknown) => void;
}

export interface WebhookWorker {
  /** Sends what is due now, in batches, until nothing claimable is left; resolves to how many were sent. */
  runOnce(): Promise<number>;
  close(): Promise<void>;
}

export interface Webhooks {
  worker: WebhookWorker;
  close(): Promise<void>;
}

interface Outcome {
  statusCode: number | null;
  durationMs: number;
  excerpt: string;
  error: string | null;
}

/** One POST with the timeout; never throws: a refusal or timeout is an outcome like a 500. */
function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  settings: WebhookSettings,
): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    // Saved under another setting, or an address literal (which no DNS lookup checks).
    const refused = refusedWebhookUrl(url, settings.allowPrivateAddresses);
    if (refused)
      return resolve({
        statusCode: null,
        durationMs: 0,
        excerpt: "",
        error: `The address is refused (${refused.replace("validation.", "")})`,
      });
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (outcome: Omit<Outcome, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const req = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup(settings.allowPrivateAddresses),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size < READ_LIMIT_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        const done = () =>
          finish({
            statusCode: res.statusCode ?? null,
            excerpt: Buffer.concat(chunks).toString("utf8").slice(0, EXCERPT_CHARS),
            error: null,
          });
        res.on("end", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`No answer within ${settings.timeoutMs / 1000} s`));
    }, settings.timeoutMs);
    req.on("error", (error) =>
      finish({ statusCode: null, excerpt: "", error: error.message.slice(0, EXCERPT_CHARS) }),
    );
    req.end(body);
  });
}

/**
 * Webhooks after COMMIT: a bus subscriber turns each domain event a webhook asked for into one
 * delivery row per (event × webhook), unique, so an event the dispatcher hands on again after a
 * restart is not sent twice; a worker sends the due rows, signed, and retries with backoff. Rows
 * are claimed with FOR UPDATE SKIP LOCKED and a claim time, so two processes on one database
 * never send one delivery at once.
 */
export function startWebhooks(
  db: DB,
  bus: EventBus,
  settings: WebhookSettings,
  options: WebhookOptions = {},
): Webhooks {
  const worker = startWebhookWorker(db, settings, options);
  const now = options.now ?? (() => new Date());
  const unsubscribe = bus.subscribe(async (event) => {
    const hooked = webhookEventOf(event);
    if (!hooked) return;
    const result = await sql`
      insert into webhook_deliveries
        (webhook_id, organisation_id, event_id, event_type, occurred_at, data, next_attempt_at)
      select w.id, w.organisation_id, e.id, ${hooked.kind}, e.created_at,
             ${JSON.stringify(hooked.data)}::jsonb, ${now()}
      from webhooks w
      join domain_events e on e.organisation_id = w.organisation_id
      where e.id = ${event.eventId} and w.enabled and ${hooked.kind} = any(w.event_kinds)
      on conflict (webhook_id, event_id) do nothing`.execute(db);
    if (Number(result.numAffectedRows ?? 0) > 0) worker.nudge();
  });
  return {
    worker,
    async close() {
      unsubscribe();
      await worker.close();
    },
  };
}

export function startWebhookWorker(
  db: DB,
  settings: WebhookSettings,
  options: WebhookOptions = {},
): WebhookWorker & { nudge(): void } {
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? 5_000;
  const report = options.report ?? console.error;
  // Long enough for the send and its bookkeeping; a process that died mid-send is taken over after.
  const claimMs = settings.timeoutMs * 2 + 5_000;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let lastSweep = 0;

  async function sweep() {
    const at = now();
    if (at.getTime() - lastSweep < 3_600_000) return;
    lastSweep = at.getTime();
    await db
      .deleteFrom("webhook_deliveries")
      .where("created_at", "<", new Date(at.getTime() - KEEP_DELIVERIES_DAYS * 86_400_000))
      .execute();
  }

  async function claim() {
    const at = now();
    const until = new Date(at.getTime() + claimMs);
    return inTransaction(db, async (trx) => {
      const due = await trx
        .selectFrom("webhook_deliveries as d")
        .select(["d.id"])
        .where("d.status", "=", "pending")
        .where("d.next_attempt_at", "<=", at)
        .where((eb) => eb.or([eb("d.claimed_until", "is", null), eb("d.claimed_until", "<", at)]))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom("webhooks as w")
              .select("w.id")
              .whereRef("w.id", "=", "d.webhook_id")
              .where("w.enabled", "=", true),
          ),
        )
        .orderBy("d.next_attempt_at")
        .orderBy("d.event_id")
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return { until, rows: [] };
      const rows = await trx
        .updateTable("webhook_deliveries as d")
        .from("webhooks as w")
        .set({ claimed_until: until })
        .whereRef("w.id", "=", "d.webhook_id")
        .where(
          "d.id",
          "in",
          due.map((row) => row.id),
        )
        .returning([
          "d.id",
          "d.event_id",
          "d.event_type",
          "d.occurred_at",
          "d.organisation_id",
          "d.data",
          "d.attempts",
          "w.url",
          "w.secret_encrypted",
        ])
        .execute();
      return { until, rows };
    });
  }

  type Claimed = Awaited<ReturnType<typeof claim>>["rows"][number];

  async function deliver(row: Claimed, claimedUntil: Date) {
    const body = JSON.stringify({
      id: String(row.event_id),
      type: row.event_type,
      occurredAt: row.occurred_at.toISOString(),
      organisationId: row.organisation_id,
      data: row.data,
    });
    const secret = openWebhookSecret(settings, row.secret_encrypted);
    const sentAt = now();
    const outcome: Outcome =
      secret === null
        ? {
            statusCode: null,
            durationMs: 0,
            excerpt: "",
            error: "The signing secret was sealed under another WEBHOOK_SECRET_KEY; rotate it",
          }
        : await post(
            row.url,
            body,
            {
              "Content-Type": "application/json",
              "User-Agent": "Samverkan-Webhooks/1",
              [SIGNATURE_HEADER]: signatureHeader(
                secret,
                body,
                Math.floor(sentAt.getTime() / 1000),
              ),
              "Samverkan-Event-Id": String(row.event_id),
              "Samverkan-Event-Type": row.event_type,
            },
            settings,
          );
    const attempt = row.attempts + 1;
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const last = attempt >= MAX_ATTEMPTS;
    const logged: WebhookAttempt = { attempt, at: sentAt.toISOString(), ...outcome };
    await db
      .updateTable("webhook_deliveries")
      .set({
        status: ok ? "delivered" : last ? "failed" : "pending",
        attempts: attempt,
        claimed_until: null,
        next_attempt_at:
          ok || last ? null : new Date(now().getTime() + RETRY_DELAYS_MS[attempt - 1]),
        delivered_at: ok ? now() : null,
        last_status_code: outcome.statusCode,
        last_duration_ms: outcome.durationMs,
        last_error: outcome.error,
        attempt_log: sql`attempt_log || ${JSON.stringify([logged])}::jsonb`,
      })
      .where("id", "=", row.id)
      // Still ours: a claim that ran out was taken over and is not recorded twice.
      .where("claimed_until", "=", claimedUntil)
      .execute();
  }

  async function runOnce(): Promise<number> {
    await sweep();
    let sent = 0;
    for (;;) {
      if (closed) return sent;
      const { until, rows } = await claim();
      await Promise.all(rows.map((row) => deliver(row, until)));
      sent += rows.length;
      if (rows.length < BATCH) return sent;
    }
  }

  /** One run at a time in this process; a nudge during a run makes another right after. */
  function run() {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = runOnce()
      .catch((error) => report(new Error("Sending webhooks failed", { cause: error })))
      .finally(() => {
        running = undefined;
        if (closed) return;
        if (again) {
          again = false;
          run();
        } else timer = setTimeout(run, pollMs);
      });
  }
  timer = setTimeout(run, 0);

  return {
    runOnce,
    nudge: run,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
