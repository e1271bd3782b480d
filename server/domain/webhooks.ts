import { sql } from "kysely";
import { z } from "zod";
import { WEBHOOK_EVENT_KINDS, type WebhookEventKind } from "../../common/webhook-events";
import { type Executor, inTransaction } from "../../db";
import type { WebhookAttempt, WebhookDeliveryStatus } from "../../db/schema";
import { openSecret, sealSecret } from "../auth/oidc/secret-box";
import type { Config } from "../config";
import { refusedWebhookUrl } from "../webhooks/address";
import { newWebhookSecret } from "../webhooks/signature";
import { recordAudit } from "./audit";
import { ValidationError } from "./errors";
import { recordEvent } from "./events";
import { pageFields, readPage } from "./keyset";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

export { WEBHOOK_EVENT_KINDS, type WebhookEventKind };

const url = freeText(
  z
    .string("validation.required")
    .trim()
    .min(1, "validation.required")
    .max(2000, "validation.tooLong"),
);
const events = z
  .array(z.enum(WEBHOOK_EVENT_KINDS, "validation.webhookEvents"), "validation.webhookEvents")
  .min(1, "validation.webhookEvents")
  .transform((kinds) => [...new Set(kinds)]);

export const NewWebhookSchema = z.object({
  url: url.describe("https:// address that receives the events"),
  events: events.describe("The event kinds to send, at least one"),
});
export const WebhookUpdateSchema = z.object({
  url: url.optional(),
  events: events.optional(),
  enabled: z.boolean("validation.invalid").optional().describe("false: nothing is sent meanwhile"),
});

export type WebhookSettings = Config["webhooks"];

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventKind[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  lastResponseExcerpt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptLog: WebhookAttempt[];
}

const columns = ["id", "url", "event_kinds", "enabled", "created_at", "updated_at"] as const;

function present(row: {
  id: string;
  url: string;
  event_kinds: string[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: WEBHOOK_EVENT_KINDS.filter((kind) => row.event_kinds.includes(kind)),
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function checkUrl(value: string, settings: WebhookSettings) {
  const refused = refusedWebhookUrl(value, settings.allowPrivateAddresses);
  if (refused) throw new ValidationError({ url: refused });
}

const isUuid = (id: string) => z.uuid().safeParse(id).success;

async function findWebhook(db: Executor, actor: Actor, id: string) {
  if (!isUuid(id)) throw new NotFoundError();
  const row = await db
    .selectFrom("webhooks")
    .select(columns)
    .where("id", "=", id)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return row;
}

/** Registers an address for the organisation's events; the signing secret is answered this once. */
export async function createWebhook(
  db: Executor,
  actor: Actor,
  settings: WebhookSettings,
  input: unknown,
): Promise<{ webhook: WebhookView; secret: string }> {
  assertCan(actor, "webhooks:manage");
  const parsed = parseInput(NewWebhookSchema, input);
  checkUrl(parsed.url, settings);
  const secret = newWebhookSecret();
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto("webhooks")
      .values({
        organisation_id: actor.organisationId,
        url: parsed.url,
        event_kinds: parsed.events,
        secret_encrypted: sealSecret(settings.secretKey, secret),
        created_by: actor.userId,
      })
      .returning(columns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "webhook.created",
      entityType: "webhook",
      entityId: row.id,
      after: { url: parsed.url, events: parsed.events },
    });
    await recordEvent(trx, actor, {
      type: "webhook.changed",
      webhookId: row.id,
      change: "created",
    });
    return { webhook: present(row), secret };
  });
}

export async function listWebhooks(db: Executor, actor: Actor): Promise<WebhookView[]> {
  assertCan(actor, "webhooks:manage");
  const rows = await db
    .selectFrom("webhooks")
    .select(columns)
    .where("organisation_id", "=", actor.organisationId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(present);
}

export async function getWebhook(db: Executor, actor: Actor, id: string): Promise<WebhookView> {
  assertCan(actor, "webhooks:manage");
  return present(await findWebhook(db, actor, id));
}

/** Changes the address, the kinds or whether it is on; only the fields given. */
export async function updateWebhook(
  db: Executor,
  actor: Actor,
  settings: WebhookSettings,
  id: string,
  input: unknown,
): Promise<WebhookView> {
  assertCan(actor, "webhooks:manage");
  const changes = parseInput(WebhookUpdateSchema, input);
  if (changes.url !== undefined) checkUrl(changes.url, settings);
  return inTransaction(db, async (trx) => {
    const before = await findWebhook(trx, actor, id);
    const row = await trx
      .updateTable("webhooks")
      .set({
        ...(changes.url !== undefined ? { url: changes.url } : {}),
        ...(changes.events !== undefined ? { event_kinds: changes.events } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
        updated_at: new Date(),
      })
      .where("id", "=", before.id)
      .returning(columns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "webhook.updated",
      entityType: "webhook",
      entityId: row.id,
      before: { url: before.url, events: before.event_kinds, enabled: before.enabled },
      after: { url: row.url, events: row.event_kinds, enabled: row.enabled },
    });
    await recordEvent(trx, actor, {
      type: "webhook.changed",
      webhookId: row.id,
      change: "updated",
    });
    return present(row);
  });
}

/** A new signing secret, answered this once; the old one stops signing at once. */
export async function rotateWebhookSecret(
  db: Executor,
  actor: Actor,
  settings: WebhookSettings,
  id: string,
): Promise<{ secret: string }> {
  assertCan(actor, "webhooks:manage");
  const secret = newWebhookSecret();
  await inTransaction(db, async (trx) => {
    const row = await findWebhook(trx, actor, id);
    await trx
      .updateTable("webhooks")
      .set({ secret_encrypted: sealSecret(settings.secretKey, secret), updated_at: new Date() })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "webhook.secret-rotated",
      entityType: "webhook",
      entityId: row.id,
    });
    await recordEvent(trx, actor, {
      type: "webhook.changed",
      webhookId: row.id,
      change: "secret-rotated",
    });
  });
  return { secret };
}

/** Removes the webhook and its deliveries (nothing more is sent to it). */
export async function deleteWebhook(db: Executor, actor: Actor, id: string): Promise<void> {
  assertCan(actor, "webhooks:manage");
  await inTransaction(db, async (trx) => {
    const row = await findWebhook(trx, actor, id);
    await trx.deleteFrom("webhooks").where("id", "=", row.id).execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "webhook.deleted",
      entityType: "webhook",
      entityId: row.id,
      before: { url: row.url, events: row.event_kinds, enabled: row.enabled },
    });
    await recordEvent(trx, actor, {
      type: "webhook.changed",
      webhookId: row.id,
      change: "deleted",
    });
  });
}

export const DeliveryPageSchema = z.object(pageFields(50, 200));

/** The webhook's deliveries, newest first (kept 30 days), a page at a time (by keyset). */
export async function listWebhookDeliveries(
  db: Executor,
  actor: Actor,
  id: string,
  input: unknown = {},
): Promise<{ items: WebhookDeliveryView[]; nextCursor: string | null }> {
  assertCan(actor, "webhooks:manage");
  const hook = await findWebhook(db, actor, id);
  const { page: rows, nextCursor } = await readPage(
    db.selectFrom("webhook_deliveries").selectAll().where("webhook_id", "=", hook.id),
    {
      list: "webhook-deliveries",
      sort: { expression: sql`webhook_deliveries.created_at`, type: "timestamptz", notNull: true },
      direction: "desc",
      idColumn: sql`webhook_deliveries.id`,
    },
    { ...parseInput(DeliveryPageSchema, input), webhookId: hook.id },
  );
  const items = rows.map((row) => ({
    id: row.id,
    eventId: String(row.event_id),
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastDurationMs: row.last_duration_ms,
    lastError: row.last_error,
    lastResponseExcerpt: row.attempt_log.at(-1)?.excerpt ?? null,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    attemptLog: row.attempt_log,
  }));
  return { items, nextCursor };
}

/** The secret deliveries are signed with, or null when it was sealed under another key. */
export function openWebhookSecret(settings: WebhookSettings, sealed: string): string | null {
  return openSecret(settings.secretKey, sealed);
}
