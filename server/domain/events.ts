import type { LiveEventPayloads, LiveEventType } from "../../common/live-events";
import type { StoredDomainEvent, Tx } from "../../db";

/** How a person proves who they are. */
export type SignInMethod = "password" | "oidc";

/** Where an event belongs and who caused it (null: the system, e.g. the first-admin script). */
interface Envelope {
  /** The outbox row's id: one event, however often it is delivered (consumers dedupe on it). */
  eventId: string;
  organisationId: string;
  actorId: string | null;
  actorName: string | null;
}

/** Events that open pages hear: a live event's payload (common/live-events.ts) and its organisation. */
type LiveDomainEvent = {
  [K in LiveEventType]: { type: K; eventId: string; organisationId: string } & LiveEventPayloads[K];
}[LiveEventType];

/** Events no page shows: they close sockets, or wait for notifications and other processes. */
type OtherDomainEvent = Envelope &
  (
    | { type: "user.deactivated"; userId: string }
    /** Roles or departments (and name, email) changed: open sockets take the new permissions at once. */
    | { type: "user.access-changed"; userId: string }
    | { type: "user.changed"; userId: string; change: "created" | "reactivated" }
    /** A new password: the person's sessions have ended but `keptSessionId`, and so do their sockets. */
    | { type: "user.password-changed"; userId: string; keptSessionId: string | null }
    /** A sign-in, or one refused (`reason`), by a known account; `method` is how they signed in. */
    | { type: "user.signed-in"; userId: string; method: SignInMethod }
    /** `userId` null: the provider's person matched no account (the audit row has the address). */
    | { type: "user.sign-in-failed"; userId: string | null; method: SignInMethod; reason: string }
    /** An invitation or password-reset link was made for the person (and e-mailed after COMMIT). */
    | { type: "user.link-sent"; userId: string; purpose: "invitation" | "password-reset" }
    | { type: "identity-provider.changed" }
    /** A logout: that session's open sockets close; nobody else is told. */
    | { type: "session.ended"; sessionId: string }
    | {
        type: "department.changed";
        departmentId: string;
        change: "created" | "updated" | "deleted";
      }
    | { type: "organisation.changed"; change: "rollup-threshold" }
    | {
        type: "strategy.changed";
        strategyId: string;
        goalId: string | null;
        change: "created" | "updated" | "goal-added" | "goal-updated" | "goal-removed";
      }
    | { type: "period-report.adopted"; periodId: string; adoptionId: string }
    | { type: "token.changed"; tokenId: string; change: "created" | "revoked" }
    /** A webhook registered, changed (address, kinds, on/off), given a new secret or removed. */
    | {
        type: "webhook.changed";
        webhookId: string;
        change: "created" | "updated" | "secret-rotated" | "deleted";
      }
    /** Identity numbers removed from a place (never the numbers themselves). */
    | { type: "personal-data.purged"; place: string; entityId: string; field: string }
    // Facts found by the scheduler when their time comes, recorded once each.
    /** A department has not klarmarkerat the period and its report is due in `daysLeft` days. */
    | {
        type: "period.deadline-approaching";
        periodId: string;
        departmentId: string;
        daysLeft: number;
      }
    /** The report deadline passed (seen on the next working day) without the department's klarmarkering. */
    | { type: "period.deadline-passed"; periodId: string; departmentId: string }
    /** An unfinished action passed its due date. */
    | { type: "action.overdue"; actionId: string; departmentId: string; ownerId: string | null }
    /** A new ISO week began (`week` as 2017-W41): the weekly digests go out. */
    | { type: "digest.due"; week: string }
    /**
     * An action got an owner or a department: when created, or when either changed
     * (`ownerChanged`, `departmentChanged` say which is new).
     */
    | {
        type: "action.assigned";
        actionId: string;
        departmentId: string;
        ownerId: string | null;
        ownerChanged: boolean;
        departmentChanged: boolean;
      }
    /** A comment on an action; `mentionedUserIds`: the organisation's people @-mentioned in it. */
    | {
        type: "action.comment-added";
        actionId: string;
        commentId: string;
        mentionedUserIds: string[];
      }
    // Commenting on and reviewing documents.
    /** `mentionedUserIds`: the organisation's people @-mentioned in the comment or reply. */
    | {
        type: "document.comment-added";
        documentId: string;
        threadId: string;
        commentId: string;
        mentionedUserIds: string[];
      }
    | { type: "document.review-requested"; documentId: string; reviewerIds: string[] }
    | { type: "document.reviewed"; documentId: string; reviewerId: string }
  );

/**
 * What a command records, in the transaction that makes the change; the dispatcher
 * (server/events/dispatcher.ts) delivers it after COMMIT.
 */
export type DomainEvent = LiveDomainEvent | OtherDomainEvent;
export type DomainEventType = DomainEvent["type"];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a command states it: the envelope comes from the actor. */
export type EventFacts = DistributiveOmit<DomainEvent, keyof Envelope>;

/**
 * Writes an event to the outbox in the command's transaction, so it exists exactly when the
 * change committed. `by` is the acting user (an Actor), or the organisation alone.
 */
export async function recordEvent(
  trx: Tx,
  by: { organisationId: string; userId: string | null },
  facts: EventFacts,
): Promise<void> {
  const { type, ...payload } = facts;
  const actorId = by.userId;
  await trx
    .insertInto("domain_events")
    .values((eb) => ({
      organisation_id: by.organisationId,
      type,
      actor_id: actorId,
      actor_name: actorId
        ? eb.selectFrom("users").select("users.name").where("users.id", "=", actorId)
        : null,
      payload: JSON.stringify(payload),
    }))
    // The outbox watcher (db/outbox.ts) hands these rows to the dispatcher after COMMIT.
    .returningAll()
    .execute();
}

/** An outbox row as the event it stores. */
export function eventFromRow(row: StoredDomainEvent): DomainEvent {
  return {
    ...(row.payload as object),
    type: row.type,
    eventId: String(row.id),
    organisationId: row.organisation_id,
    actorId: row.actor_id,
    actorName: row.actor_name ?? "",
  } as DomainEvent;
}
