/**
 * What the server tells every open tab of an organisation after a change commits (the live
 * lists, dashboards and document pages re-run their loaders), and who is online. The server's
 * domain events (server/bus.ts) carry these fields besides the organisation they concern.
 */

export type ActionChange =
  | "created"
  | "updated"
  | "followup"
  | "comment"
  /** Archived, restored from the archive, or deleted for good (ADR 0031). */
  | "archived"
  | "unarchived"
  | "deleted";
/** What happened to a document besides its text (which travels over the co-editing protocol). */
export type DocumentChange =
  | "created"
  | "version"
  | "restored"
  | "meta"
  | "adopted"
  /** A comment thread started, replied to, resolved or reopened. */
  | "comments"
  /** A review asked for, or marked done. */
  | "review"
  /** Archived, restored from the archive, or deleted for good (ADR 0031). */
  | "archived"
  | "unarchived"
  | "deleted";

export interface LiveEventPayloads {
  "action.changed": {
    actionId: string;
    departmentId: string;
    /** The document the action was created from, so that document's page can show it. */
    documentId: string | null;
    change: ActionChange;
    actorId: string;
    actorName: string;
  };
  "period-report.changed": {
    departmentId: string;
    periodId: string;
    completed: boolean;
    actorId: string;
    actorName: string;
  };
  "document.changed": {
    documentId: string;
    change: DocumentChange;
    actorId: string;
    actorName: string;
  };
}

export type LiveEventType = keyof LiveEventPayloads;

/** A live event as a page handles it: its type together with its payload. */
export type LiveEvent<T extends LiveEventType = LiveEventType> = {
  [K in T]: { type: K } & LiveEventPayloads[K];
}[T];

/** Someone with Samverkan open right now (the `presence` event and `presence:list`). */
export interface OnlineUser {
  id: string;
  name: string;
}
