import type { DomainEvent } from "../domain/events";
import type { WebhookEventKind } from "../domain/webhooks";

/** What a webhook is sent of a domain event: its kind and facts (ids, never text people wrote). */
export interface WebhookEvent {
  kind: WebhookEventKind;
  data: Record<string, string | boolean | null>;
}

/**
 * The domain events integrations hear of, by kind. Only ids and what changed: a receiver reads
 * the rest through the API with a token of its own, under that token's permissions.
 */
export function webhookEventOf(event: DomainEvent): WebhookEvent | null {
  switch (event.type) {
    case "action.changed": {
      const facts = {
        actionId: event.actionId,
        departmentId: event.departmentId,
        documentId: event.documentId,
      };
      if (event.change === "followup") return { kind: "followup.reported", data: facts };
      if (event.change === "comment") return null;
      return { kind: "action.changed", data: { ...facts, change: event.change } };
    }
    case "period-report.changed":
      return event.completed
        ? {
            kind: "period.completed",
            data: { periodId: event.periodId, departmentId: event.departmentId },
          }
        : null;
    case "period-report.adopted":
      return {
        kind: "report.adopted",
        data: { periodId: event.periodId, adoptionId: event.adoptionId },
      };
    case "document.changed":
      return event.change === "adopted"
        ? { kind: "document.adopted", data: { documentId: event.documentId } }
        : null;
    default:
      return null;
  }
}
