/**
 * The kinds of notification a person can turn on or off, in the portal and by e-mail, and what
 * each is on by default (the README lists them with what triggers each).
 */
export const NOTIFICATION_KINDS = [
  "assigned",
  "deadline-approaching",
  "deadline-passed",
  "action-overdue",
  "mention",
  "review-requested",
  "reviewed",
  "ready-to-adopt",
  "report-adopted",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface KindChoice {
  inApp: boolean;
  email: boolean;
}

/** What is asked of the person (their turn, a deadline) e-mails too; what is news stays in the portal. */
export const DEFAULT_CHOICES: Record<NotificationKind, KindChoice> = {
  assigned: { inApp: true, email: true },
  "deadline-approaching": { inApp: true, email: true },
  "deadline-passed": { inApp: true, email: true },
  "action-overdue": { inApp: true, email: true },
  mention: { inApp: true, email: true },
  "review-requested": { inApp: true, email: true },
  reviewed: { inApp: true, email: false },
  "ready-to-adopt": { inApp: true, email: true },
  "report-adopted": { inApp: true, email: false },
};

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/** The kind an unsubscribe link names: a notification kind, or the weekly digest. */
export type MailKind = NotificationKind | "digest";
