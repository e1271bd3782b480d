import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Timestamps come back as Date and may be written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string, string>;

export const ROLES = ["admin", "member", "editor", "chief", "observer"] as const;
export type Role = (typeof ROLES)[number];

export const LOCALES = ["sv", "en"] as const;
export type Locale = (typeof LOCALES)[number];

export const PERIOD_KINDS = ["tertial", "quarter", "year"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  period_kind: ColumnType<PeriodKind, PeriodKind | undefined, PeriodKind>;
  /** Off: members sign in only through the organisation's identity provider. */
  password_sign_in: ColumnType<boolean, boolean | undefined, boolean>;
  /** Roll-ups need more than this percentage of actions assessed (0009; default 50). */
  rollup_threshold: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  locale: ColumnType<Locale, Locale | undefined, Locale>;
  /** Set when an admin gave a temporary password: nothing but changing it until it is changed. */
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  password_changed_at: Timestamp | null;
  /** E-mails gathered into one a week instead of one each (0015). */
  weekly_digest: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  user_id: string;
  organisation_id: string;
  roles: ColumnType<Role[], Role[], Role[]>;
  deactivated_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface DepartmentsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  archived_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface UserDepartmentsTable {
  user_id: string;
  department_id: string;
  organisation_id: string;
}

export interface StrategiesTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  valid_from: number;
  valid_to: number;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface GoalsTable {
  id: Generated<string>;
  organisation_id: string;
  strategy_id: string;
  position: number;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface SessionsTable {
  /** HMAC of the cookie's random token; the token itself is never stored. */
  id: string;
  user_id: string;
  organisation_id: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  /** Set when signed in through the identity provider: back-channel logout ends these. */
  provider_subject: string | null;
  provider_session_id: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  email: string;
  ip: string;
  succeeded: boolean;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<string>;
  organisation_id: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json | null;
  after: Json | null;
  created_at: CreatedAt;
}

/** The outbox: events a command recorded in its transaction, delivered after COMMIT. */
export interface DomainEventsTable {
  /** bigserial: returned as a string by both drivers. */
  id: Generated<string>;
  organisation_id: string;
  type: string;
  actor_id: string | null;
  actor_name: string | null;
  payload: Json;
  created_at: CreatedAt;
  delivered_at: Date | null;
}

/** Stored lifecycle statuses; "overdue" (Försenad) is derived from the due date, never stored. */
export const ACTION_STATUSES = [
  "not_started",
  "in_progress",
  "done",
  "paused",
  "cancelled",
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ASSESSMENTS = ["on_track", "at_risk", "off_track", "not_assessed"] as const;
export type Assessment = (typeof ASSESSMENTS)[number];
/** Worst first (server/domain/rollup.ts states how a goal's roll-up uses it). */
export const ASSESSMENT_SEVERITY: Assessment[] = ["off_track", "at_risk", "on_track"];

/** A date column: always 'YYYY-MM-DD'. */
type DateString = string;

export interface FollowUpPeriodsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  start_date: DateString;
  end_date: DateString;
  report_deadline: DateString;
}

export interface ActionsTable {
  id: Generated<string>;
  organisation_id: string;
  goal_id: string;
  department_id: string;
  owner_id: string | null;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  start_date: DateString | null;
  due_date: DateString | null;
  status: ColumnType<ActionStatus, ActionStatus | undefined, ActionStatus>;
  progress: ColumnType<number, number | undefined, number>;
  version: ColumnType<number, number | undefined, number>;
  created_by: string | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  document_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Archived (migration 0022): out of the lists and counts, kept and restorable. */
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ActionDepartmentsTable {
  action_id: string;
  department_id: string;
  organisation_id: string;
}

export interface FollowUpsTable {
  id: Generated<string>;
  organisation_id: string;
  action_id: string;
  period_id: string;
  assessment: Assessment;
  comment: string;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The action as it was when reported (migration 0008); a null status: not recorded. */
  reported_status: ColumnType<
    ActionStatus | null,
    ActionStatus | null | undefined,
    ActionStatus | null
  >;
  reported_progress: ColumnType<number | null, number | null | undefined, number | null>;
  reported_due_date: ColumnType<
    DateString | null,
    DateString | null | undefined,
    DateString | null
  >;
}

export interface PeriodReportsTable {
  organisation_id: string;
  department_id: string;
  period_id: string;
  completed_at: Timestamp;
  completed_by: string | null;
}

export interface ActionCommentsTable {
  id: Generated<string>;
  organisation_id: string;
  action_id: string;
  author_id: string | null;
  body: string;
  created_at: CreatedAt;
}

export interface DocumentCommentThreadsTable {
  id: Generated<string>;
  organisation_id: string;
  document_id: string;
  /** Encoded Yjs relative positions (Y.encodeRelativePosition) of the passage's start and end. */
  anchor_start: Uint8Array;
  anchor_end: Uint8Array;
  /** The passage as it read when the thread was started. */
  quote: string;
  resolved_at: Date | null;
  resolved_by: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface DocumentCommentsTable {
  id: Generated<string>;
  organisation_id: string;
  thread_id: string;
  author_id: string | null;
  body: string;
  mentioned_user_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface DocumentReviewsTable {
  id: Generated<string>;
  organisation_id: string;
  document_id: string;
  reviewer_id: string;
  requested_by: string | null;
  /** Asked again, it is the time of the latest request. */
  requested_at: ColumnType<Date, Date | string | undefined, Date | string>;
  reviewed_at: Date | null;
  comment: ColumnType<string, string | undefined, string>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  organisation_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export const DOCUMENT_KINDS = [
  "samverkansform",
  "handlingsplan",
  "motesanteckningar",
  "yttrande",
  "ovrigt",
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
/** utkast → för granskning → fastställd (frozen, read-only). */
export const DOCUMENT_STATUSES = ["draft", "review", "adopted"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentsTable {
  id: Generated<string>;
  organisation_id: string;
  title: string;
  kind: DocumentKind;
  status: ColumnType<DocumentStatus, DocumentStatus | undefined, DocumentStatus>;
  version: ColumnType<number, number | undefined, number>;
  created_by: string | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  content_updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  rendered_text: ColumnType<string, string | undefined, string>;
  rendered_html: ColumnType<string, string | undefined, string>;
  rendered_json: ColumnType<unknown, string | null | undefined, string | null>;
  rendered_at: Timestamp | null;
  front_municipality: ColumnType<string, string | undefined, string>;
  front_sender: ColumnType<string, string | undefined, string>;
  front_registration_number: ColumnType<string, string | undefined, string>;
  front_date: ColumnType<DateString | null, DateString | null | undefined, DateString | null>;
  front_case_officer: ColumnType<string, string | undefined, string>;
  front_document_type: ColumnType<string, string | undefined, string>;
  /** Archived (migration 0022): out of the lists and searches, kept and restorable. */
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface DocumentDepartmentsTable {
  document_id: string;
  department_id: string;
  organisation_id: string;
}

export interface DocumentUpdatesTable {
  /** bigserial: returned as a string by both drivers. */
  id: Generated<string>;
  document_id: string;
  update: Uint8Array;
  user_id: string | null;
  created_at: CreatedAt;
}

/** Updates set aside because the document they produce is outside the editor's schema. */
export interface DocumentQuarantineTable {
  id: Generated<string>;
  document_id: string;
  update: Uint8Array;
  user_id: string | null;
  /** "invalid_content": why it was set aside. */
  reason: string;
  created_at: ColumnType<Date, Date | string, never>;
  quarantined_at: CreatedAt;
}

/** When a person last looked at Översikt (0013). */
export type MailStatus = "kept" | "sending" | "sent" | "failed";

/** Every e-mail composed: kept when no SMTP server is configured, else sent (0015). */
export interface MailOutboxTable {
  id: Generated<string>;
  organisation_id: string;
  user_id: string | null;
  to_address: string;
  to_name: string | null;
  kind: string;
  locale: Locale;
  subject: string;
  text_body: string;
  html_body: string;
  unsubscribe_url: string | null;
  status: MailStatus;
  error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  /** Tries so far; the next one is due at `next_attempt_at` (0027). */
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
}

export type NotificationEmail = "none" | "sent" | "digest";

export interface NotificationsTable {
  id: Generated<string>;
  organisation_id: string;
  user_id: string;
  event_id: ColumnType<string, string | number, never>;
  kind: string;
  params: ColumnType<Record<string, string>, string, string>;
  link: string;
  in_app: boolean;
  email: NotificationEmail;
  read_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface NotificationPreferencesTable {
  user_id: string;
  kind: string;
  in_app: boolean;
  email: boolean;
}

/** Counted by a trigger on domain_events (migration 0030); read by server/read-cache.ts. */
export interface OrganisationDataVersionsTable {
  organisation_id: string;
  /** bigint: returned as a string by both drivers. */
  version: string;
}

export interface OverviewVisitsTable {
  user_id: string;
  organisation_id: string;
  seen_at: Date;
  since: Date | null;
}

export interface DocumentSnapshotsTable {
  document_id: string;
  state: Uint8Array;
  last_update_id: ColumnType<string, string | number, string | number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DocumentVersionsTable {
  id: Generated<string>;
  document_id: string;
  organisation_id: string;
  note: ColumnType<string, string | undefined, string>;
  state: Uint8Array;
  rendered_json: ColumnType<unknown, string, string>;
  rendered_html: string;
  rendered_text: string;
  adopted: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ReportAdoptionsTable {
  id: Generated<string>;
  organisation_id: string;
  period_id: string;
  data: ColumnType<unknown, string, never>;
  /** Why it was adopted although departments or assessments were missing. */
  reason: ColumnType<string | null, string | null | undefined, never>;
  adopted_by: string | null;
  adopted_at: CreatedAt;
}

/** Kept by database triggers (migration 0005); read-only for the application. */
export interface AssessmentCountsTable {
  organisation_id: string;
  period_id: string;
  goal_id: string;
  department_id: string;
  assessment: Assessment;
  n: number;
}

export interface GroupMapping {
  group: string;
  role: Role;
  departmentId: string | null;
}

/** An organisation's OpenID Connect provider (ADR 0019). */
export interface IdentityProvidersTable {
  organisation_id: string;
  display_name: string | null;
  issuer: string | null;
  client_id: string | null;
  client_secret_encrypted: string | null;
  scopes: ColumnType<string, string | undefined, string>;
  email_claim: ColumnType<string, string | undefined, string>;
  groups_claim: ColumnType<string, string | undefined, string>;
  trust_unverified_email: ColumnType<boolean, boolean | undefined, boolean>;
  email_domains: ColumnType<string[], string[] | undefined, string[]>;
  group_mappings: ColumnType<GroupMapping[], string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Which provider account (issuer + subject) is which person. */
export interface UserIdentitiesTable {
  organisation_id: string;
  issuer: string;
  subject: string;
  user_id: string;
  created_at: CreatedAt;
}

/** A reminder the scheduler recorded, once per kind × subject × occasion (0016). */
export interface RemindersTable {
  id: Generated<string>;
  organisation_id: string;
  kind: string;
  subject: string;
  occasion: string;
  recorded_at: CreatedAt;
}

/** A periodic job of the scheduler; a run holds its row locked (0016). */
export interface ScheduledJobsTable {
  name: string;
  last_run_at: Date | null;
  last_run_for: Date | null;
  runs: ColumnType<number, number | undefined, number>;
}

export const ONE_TIME_LINK_PURPOSES = ["invitation", "password-reset"] as const;
export type OneTimeLinkPurpose = (typeof ONE_TIME_LINK_PURPOSES)[number];

/** An invitation's or password reset's link, stored as the hash of its secret (0016). */
export interface OneTimeLinksTable {
  id: Generated<string>;
  organisation_id: string;
  user_id: string;
  purpose: OneTimeLinkPurpose;
  token_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Date | null;
}

/** An address an admin registered to hear of the organisation's events (0019). */
export interface WebhooksTable {
  id: Generated<string>;
  organisation_id: string;
  url: string;
  event_kinds: string[];
  secret_encrypted: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One attempt to send a delivery, as kept in its `attempt_log`. */
export interface WebhookAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  excerpt: string;
  error: string | null;
}

/** One event for one webhook: sent until a 2xx answer or the last attempt (0019). */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  organisation_id: string;
  /** bigint: returned as a string by both drivers. */
  event_id: ColumnType<string, string | number, never>;
  event_type: string;
  occurred_at: Timestamp;
  data: ColumnType<unknown, string, never>;
  status: ColumnType<
    WebhookDeliveryStatus,
    WebhookDeliveryStatus | undefined,
    WebhookDeliveryStatus
  >;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp | null;
  claimed_until: Timestamp | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
  attempt_log: ColumnType<WebhookAttempt[], string | undefined, string>;
  created_at: CreatedAt;
  delivered_at: Timestamp | null;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  departments: DepartmentsTable;
  user_departments: UserDepartmentsTable;
  strategies: StrategiesTable;
  goals: GoalsTable;
  sessions: SessionsTable;
  identity_providers: IdentityProvidersTable;
  user_identities: UserIdentitiesTable;
  login_attempts: LoginAttemptsTable;
  audit_events: AuditEventsTable;
  domain_events: DomainEventsTable;
  follow_up_periods: FollowUpPeriodsTable;
  actions: ActionsTable;
  action_departments: ActionDepartmentsTable;
  follow_ups: FollowUpsTable;
  period_reports: PeriodReportsTable;
  action_comments: ActionCommentsTable;
  api_tokens: ApiTokensTable;
  documents: DocumentsTable;
  document_departments: DocumentDepartmentsTable;
  document_updates: DocumentUpdatesTable;
  document_snapshots: DocumentSnapshotsTable;
  document_quarantine: DocumentQuarantineTable;
  document_versions: DocumentVersionsTable;
  document_comment_threads: DocumentCommentThreadsTable;
  document_comments: DocumentCommentsTable;
  document_reviews: DocumentReviewsTable;
  report_adoptions: ReportAdoptionsTable;
  assessment_counts: AssessmentCountsTable;
  overview_visits: OverviewVisitsTable;
  organisation_data_versions: OrganisationDataVersionsTable;
  mail_outbox: MailOutboxTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  reminders: RemindersTable;
  scheduled_jobs: ScheduledJobsTable;
  one_time_links: OneTimeLinksTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Department = Selectable<DepartmentsTable>;
export type Strategy = Selectable<StrategiesTable>;
export type StrategyUpdate = Updateable<StrategiesTable>;
export type Goal = Selectable<GoalsTable>;
export type FollowUpPeriod = Selectable<FollowUpPeriodsTable>;
export type ActionRow = Selectable<ActionsTable>;
