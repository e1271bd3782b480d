import { EventEmitter } from "node:events";
import type { ActionChange, DocumentChange } from "../common/live-events";
import type { Actor } from "./domain/policy";

/** Domain events published after a change commits; the realtime layer fans them out to rooms. */
export type DomainEvent =
  | { type: "user.deactivated"; organisationId: string; userId: string }
  /** Roles or departments changed: open sockets take the new permissions at once. */
  | { type: "user.access-changed"; organisationId: string; userId: string }
  /** A logout: that session's open sockets close; nobody else is told. */
  | { type: "session.ended"; organisationId: string; sessionId: string }
  | {
      type: "action.changed";
      organisationId: string;
      actionId: string;
      departmentId: string;
      /** The document the action was created from, so that document's page can show it. */
      documentId: string | null;
      change: ActionChange;
      actorId: string;
      actorName: string;
    }
  | {
      type: "period-report.changed";
      organisationId: string;
      departmentId: string;
      periodId: string;
      completed: boolean;
      actorId: string;
      actorName: string;
    }
  | {
      type: "document.changed";
      organisationId: string;
      documentId: string;
      change: DocumentChange;
      actorId: string;
      actorName: string;
    };

export interface EventBus {
  publish(event: DomainEvent): void;
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

export function createEventBus(): EventBus {
  const emitter = new EventEmitter();
  return {
    publish: (event) => emitter.emit("event", event),
    subscribe(listener) {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
  };
}

/** Tells everyone in the organisation that an action changed (after the change committed). */
export function publishActionChanged(
  bus: EventBus,
  actor: Actor & { name: string },
  action: { id: string; departmentId: string; documentId?: string | null },
  change: ActionChange,
) {
  bus.publish({
    type: "action.changed",
    organisationId: actor.organisationId,
    actionId: action.id,
    departmentId: action.departmentId,
    documentId: action.documentId ?? null,
    change,
    actorId: actor.userId,
    actorName: actor.name,
  });
}

/** Tells everyone in the organisation that a department's period report was marked done or reopened. */
export function publishPeriodReportChanged(
  bus: EventBus,
  actor: Actor & { name: string },
  report: { departmentId: string; periodId: string; completed: boolean },
) {
  bus.publish({
    type: "period-report.changed",
    organisationId: actor.organisationId,
    ...report,
    actorId: actor.userId,
    actorName: actor.name,
  });
}

/**
 * Tells everyone in the organisation that a document was created or its versions or details
 * changed (a version named or restored, the title, kind, departments or status saved), so open
 * pages reload them.
 */
export function publishDocumentChanged(
  bus: EventBus,
  actor: Actor & { name: string },
  documentId: string,
  change: DocumentChange,
) {
  bus.publish({
    type: "document.changed",
    organisationId: actor.organisationId,
    documentId,
    change,
    actorId: actor.userId,
    actorName: actor.name,
  });
}
