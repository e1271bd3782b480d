/** What a webhook can be sent, named for integrations (server/webhooks/events.ts maps them). */
export const WEBHOOK_EVENT_KINDS = [
  "action.changed",
  "followup.reported",
  "period.completed",
  "report.adopted",
  "document.adopted",
] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];
