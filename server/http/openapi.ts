import { z } from "zod";
import type { ListedSuggestion } from "../../common/suggestions";
import {
  ACTION_STATUSES,
  ASSESSMENTS,
  DOCUMENT_KINDS,
  DOCUMENT_STATUSES,
  LOCALES,
  ROLES,
  WEBHOOK_DELIVERY_STATUSES,
} from "../../db/schema";
import { sessionCookieName } from "../auth/cookie";
import { TokenSchema, type TokenView } from "../auth/tokens";
import { ActionImportSchema } from "../domain/action-csv";
import {
  ActionFilterSchema,
  ActionUpdateSchema,
  type ActionView,
  DISPLAY_STATUSES,
  NewActionSchema,
} from "../domain/actions";
import { type AuditLogEntry as AuditLogEntryView, AuditLogFilterSchema } from "../domain/audit-log";
import { CommentPageSchema, CommentSchema, type CommentView } from "../domain/comments";
import {
  DashboardFilterSchema,
  type DepartmentSummary,
  type GoalSummary,
} from "../domain/dashboard";
import { DepartmentSchema, DepartmentUpdateSchema } from "../domain/departments";
import {
  type CommentThreadView,
  PassageThreadSchema,
  ReplySchema,
} from "../domain/document-comments";
import { DocumentExportQuery } from "../domain/document-export";
import {
  MarkReviewedSchema,
  RequestReviewSchema,
  type ReviewView,
} from "../domain/document-reviews";
import {
  DocumentChangesSchema,
  DocumentPageSchema,
  type DocumentView,
  NewDocumentSchema,
  VersionSchema,
  type VersionView,
} from "../domain/documents";
import {
  FollowUpSchema,
  type FollowUpView,
  type PeriodReportStatus,
  type Reopening as ReopeningView,
} from "../domain/followups";
import { type HistoryEntry as HistoryEntryView, HistoryPageSchema } from "../domain/history";
import { IdentityProviderSchema, type IdentityProviderSettings } from "../domain/identity-provider";
import {
  MailOutboxListSchema,
  NotificationChoicesSchema,
  type NotificationChoices as NotificationChoicesView,
  NotificationListSchema,
  type NotificationView,
  type OutboxEntry,
} from "../domain/notifications";
import { type OrganisationSettings, RollUpThresholdSchema } from "../domain/organisations";
import { TemporaryPasswordSchema } from "../domain/passwords";
import { DEPARTMENT_DEADLINE_STATES, PERIOD_STATES, type PeriodView } from "../domain/periods";
import {
  PERSONAL_DATA_FIELDS,
  PERSONAL_DATA_PLACES,
  type PersonalDataFinding as PersonalDataFindingView,
  PurgeSchema,
} from "../domain/personal-data";
import {
  AdoptionSchema,
  type AdoptionSummary,
  type PeriodReport as PeriodReportView,
} from "../domain/reports";
import type { RollUp as RollUpView } from "../domain/rollup";
import { SEARCH_KINDS, type SearchHit as SearchHitView, SearchSchema } from "../domain/search";
import {
  GoalChangesSchema,
  GoalSchema,
  StrategyChangesSchema,
  StrategySchema,
} from "../domain/strategies";
import type { TodoItem as TodoItemView, Todo as TodoView } from "../domain/todo";
import {
  InvitedUserSchema,
  LocaleSchema,
  UserChangesSchema,
  UserPageSchema,
  type UserView,
} from "../domain/users";
import {
  DeliveryPageSchema,
  NewWebhookSchema,
  WEBHOOK_EVENT_KINDS,
  type WebhookDeliveryView,
  WebhookUpdateSchema,
  type WebhookView,
} from "../domain/webhooks";
import { NOTIFICATION_KINDS } from "../notifications/kinds";
import { ReportExportQuery } from "../reports/export";

/**
 * The contract of /api/v1, generated from zod schemas: what the API accepts is the domain's own
 * request schemas (server/domain), what it answers is written here once, next to the table of
 * operations. Tests check every real answer against the generated document.
 */

export const ERROR_CODES = [
  "invalid_input",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "personal_identity_number",
  "rate_limited",
  "unavailable",
  "unsupported_media_type",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

// What the API answers. `satisfies` ties each schema to the presenter's type it describes.
const uuid = z.uuid();
const date = z.iso.date().meta({ example: "2017-10-12" });
const dateTime = z.iso.datetime();
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
/** A list read page by page by keyset (server/domain/keyset.ts). */
const page = <T extends z.ZodType>(item: T, things: string) =>
  list(item).extend({
    nextCursor: z
      .string()
      .optional()
      .describe(
        `Pass as \`cursor\` for the next page, with the same filter and sort (another is 400). Pages follow the last item read, so each of the ${things} there when paging began is read once, whatever is added or removed meanwhile; one whose sort key changes meanwhile moves with it`,
      ),
  });

const Action = z.object({
  id: uuid,
  title: z.string().max(200),
  description: z.string(),
  goalId: uuid,
  departmentId: uuid,
  involvedDepartmentIds: z.array(uuid),
  ownerId: uuid.nullable(),
  documentId: uuid
    .nullable()
    .describe(
      "The document (e.g. a samverkansform) the action comes from: one of the organisation's documents, or null",
    ),
  startDate: date.nullable(),
  dueDate: date.nullable(),
  status: z.enum(ACTION_STATUSES),
  overdue: z.boolean().describe("Derived (Försenad): past the due date and not done or cancelled"),
  progress: z.int().min(0).max(100),
  archived: z
    .boolean()
    .describe(
      "Out of the lists, counts and searches unless asked for (archived=true|all); read-only until restored",
    ),
  version: z.int().min(1),
  createdAt: dateTime,
  updatedAt: dateTime,
}) satisfies z.ZodType<ActionView>;

const FollowUp = z.object({
  actionId: uuid,
  periodId: uuid,
  assessment: z.enum(ASSESSMENTS),
  comment: z.string(),
  updatedAt: dateTime,
  updatedByName: z.string().nullable().describe("Who saved it last"),
  reported: z
    .object({
      status: z.enum(ACTION_STATUSES),
      progress: z.int().min(0).max(100).nullable(),
      dueDate: date.nullable(),
    })
    .nullable()
    .describe(
      "The action as it was when the department reported for the period (what that period's report shows); null where it was not recorded",
    ),
}) satisfies z.ZodType<FollowUpView & { actionId: string }>;

const Comment = z.object({
  id: uuid,
  body: z.string(),
  authorName: z.string().nullable(),
  createdAt: dateTime,
}) satisfies z.ZodType<CommentView>;

const HistoryEntry = z.object({
  id: uuid,
  action: z
    .string()
    .describe("What happened, e.g. action.created, action.updated, followup.saved, comment.added"),
  actorName: z.string().nullable(),
  at: dateTime,
  periodId: uuid.optional().describe("The follow-up period a follow-up change concerns"),
  changes: z
    .record(z.string(), z.tuple([z.unknown(), z.unknown()]))
    .describe("Each changed field with its value before and after"),
}) satisfies z.ZodType<HistoryEntryView>;

const AuditLogEntry = z.object({
  id: uuid,
  at: dateTime,
  action: z.string().describe("What happened, e.g. user.signed-in, action.updated, role.changed"),
  actorName: z.string().nullable().describe("Who did it; null for the system"),
  subjectName: z
    .string()
    .nullable()
    .describe("The person the entry is about (a sign-in, a password, roles), if any"),
  entityType: z.string().describe("What kind of thing it is about, e.g. user, action, document"),
  details: z
    .record(z.string(), z.string())
    .describe("How someone signed in and why it was refused (method, provider, reason…)"),
}) satisfies z.ZodType<AuditLogEntryView>;

const Token = z.object({
  id: uuid,
  name: z.string(),
  createdAt: dateTime,
  lastUsedAt: dateTime.nullable(),
}) satisfies z.ZodType<TokenView>;

const ErrorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z
      .record(z.string(), z.string())
      .optional()
      .describe("Each bad field with what is wrong"),
    current: Action.optional().describe("With 409: the action as it is now"),
  }),
});

const Goal = z.object({
  id: uuid,
  strategyId: uuid,
  number: z.int(),
  title: z.string(),
  description: z.string(),
});
const Department = z.object({
  id: uuid,
  name: z.string(),
  archived: z.boolean().describe("Out of the lists and counts; its actions and reports are kept"),
  version: z.int().min(1).describe("Send it back to change the department"),
});
const Period = z.object({
  id: uuid,
  name: z.string().meta({ example: "T3 2017" }),
  startDate: date,
  endDate: date,
  reportDeadline: date,
}) satisfies z.ZodType<PeriodView>;

const Reopening = z
  .object({ actionId: uuid, actionTitle: z.string(), at: dateTime })
  .describe(
    "Open again because this action was added or moved to the department",
  ) satisfies z.ZodType<ReopeningView>;

const RollUp = z
  .object({
    result: z.enum([...ASSESSMENTS, "insufficient"]),
    counted: z.int().min(0),
    assessed: z.int().min(0),
    overdue: z.int().min(0),
    threshold: z.int().nullable(),
  })
  .describe("The goal's combined assessment and what it rests on") satisfies z.ZodType<RollUpView>;

const PeriodReport = z
  .object({
    organisation: z.object({ id: uuid, name: z.string() }),
    period: Period,
    strategy: z.object({ id: uuid, name: z.string() }).nullable(),
    generatedAt: dateTime,
    adoption: z
      .object({
        id: uuid,
        adoptedAt: dateTime,
        adoptedByName: z.string().nullable(),
        reason: z
          .string()
          .nullable()
          .describe("Why it was adopted although departments or assessments were missing"),
      })
      .nullable()
      .describe("Who adopted (fastställde) this version and when; null for the live report"),
    asReported: z
      .boolean()
      .describe("Status and progress as the departments reported them (a past period), or as now"),
    goals: z.array(
      z.object({
        id: uuid,
        position: z.int(),
        title: z.string(),
        rollUp: RollUp,
        actions: z.array(
          z.object({
            id: uuid,
            title: z.string(),
            departmentName: z.string(),
            status: z.enum(DISPLAY_STATUSES).nullable(),
            progress: z.int().min(0).max(100).nullable(),
            dueDate: date.nullable(),
            assessment: z.enum(ASSESSMENTS),
            comment: z.string().nullable(),
          }),
        ),
      }),
    ),
    departments: z.array(
      z.object({
        id: uuid,
        name: z.string(),
        completedAt: dateTime.nullable().describe("When it was klarmarkerad; null if not"),
        completedByName: z.string().nullable(),
        missing: z.int().min(0).describe("Actions still without an assessment"),
        reopened: Reopening.nullable().optional(),
      }),
    ),
    appendices: z.array(
      z.object({
        documentId: uuid,
        title: z.string(),
        kind: z.string(),
        adoptedAt: dateTime,
        html: z.string(),
        text: z.string(),
      }),
    ),
  })
  .describe(
    "A period report: what the report page shows and adoption freezes",
  ) satisfies z.ZodType<PeriodReportView>;

const Adoption = z.object({
  id: uuid,
  adoptedAt: dateTime,
  adoptedByName: z.string().nullable(),
}) satisfies z.ZodType<AdoptionSummary>;

const DepartmentReport = z
  .object({
    departmentId: uuid,
    periodId: uuid,
    completedAt: dateTime.nullable().describe("When it was klarmarkerad; null if not"),
    completedByName: z.string().nullable(),
    missing: z.int().min(0).describe("Actions still without an assessment for the period"),
    reopened: Reopening.nullable(),
  })
  .describe("A department's report in a period") satisfies z.ZodType<PeriodReportStatus>;

const TodoItem = z.object({
  id: uuid,
  title: z.string(),
  status: z.enum(ACTION_STATUSES),
  shownStatus: z.enum(DISPLAY_STATUSES).describe("As the portal shows it: overdue when past due"),
  progress: z.int().min(0).max(100),
  version: z.int().min(1).describe("Send it back to change the action"),
  dueDate: date.nullable(),
  assessment: z.enum(ASSESSMENTS).nullable().describe("This period's assessment; null if none yet"),
  comment: z.string().describe("This period's comment; empty if none"),
}) satisfies z.ZodType<TodoItemView>;

const Todo = z
  .object({
    departmentIds: z.array(uuid).describe("The owner's own departments"),
    period: Period.nullable().describe("The current follow-up period; null if there is none"),
    reports: z.array(
      z.object({
        department: z.object({ id: uuid, name: z.string() }),
        status: DepartmentReport,
        items: z.array(TodoItem).describe("The actions the department reports on, by title"),
        missing: z
          .array(z.object({ id: uuid, title: z.string() }))
          .describe("The items still without an assessment"),
        canUpdate: z.boolean(),
        canEditDueDate: z.boolean(),
        canComplete: z.boolean().describe("Whether the owner may klarmarkera the report"),
      }),
    ),
  })
  .describe(
    "Att göra: what each of the owner's departments has left to report in the current period",
  ) satisfies z.ZodType<TodoView>;

const count = z.int().min(0);
/** How many of each: every key named, 0 included. */
const countsOf = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, count])) as Record<K, typeof count>);
const Overview = z
  .object({
    strategy: z
      .object({ id: uuid, name: z.string(), validFrom: z.int(), validTo: z.int() })
      .nullable()
      .describe("The chosen strategy, or the active one; null if there is none"),
    period: Period.nullable().describe("The chosen period, or the current one"),
    periodState: z.enum(PERIOD_STATES).nullable().describe("The period's deadline state"),
    goals: z.array(
      z.object({
        id: uuid,
        position: z.int(),
        title: z.string(),
        statusCounts: countsOf(DISPLAY_STATUSES),
        total: count,
        doneShare: z.number().min(0).max(1).describe("Share of the goal's actions done"),
        overdue: count,
        assessmentCounts: countsOf(ASSESSMENTS).describe(
          "The period's assessments of the actions the roll-up counts",
        ),
        rollUp: RollUp,
      }) satisfies z.ZodType<GoalSummary>,
    ),
    departments: z.array(
      z.object({
        id: uuid,
        name: z.string(),
        owned: count.describe("Actions the department owns"),
        overdue: count,
        missing: count.describe("Actions still without an assessment this period"),
        completedAt: dateTime.nullable().describe("When its report was klarmarkerad; null if not"),
        completedByName: z.string().nullable(),
        reportState: z
          .enum([...DEPARTMENT_DEADLINE_STATES, "none"])
          .describe("The period's report as its deadline judges it"),
      }) satisfies z.ZodType<DepartmentSummary>,
    ),
    trend: z
      .array(z.object({ periodId: uuid, goalId: uuid, counts: countsOf(ASSESSMENTS) }))
      .describe("Each goal's assessments in each period, for the trend across periods"),
  })
  .describe("The kommunchef's overview of a period: per goal and per department");

const NotificationChoices = z.object({
  kinds: z.array(
    z.object({ kind: z.enum(NOTIFICATION_KINDS), inApp: z.boolean(), email: z.boolean() }),
  ),
  weeklyDigest: z.boolean().describe("A weekly e-mail summing up the week"),
}) satisfies z.ZodType<NotificationChoicesView>;

const Me = z.object({
  id: uuid,
  name: z.string(),
  email: z.email(),
  roles: z.array(z.enum(ROLES)),
  locale: z.enum(LOCALES).describe("The portal's language for the person"),
  departments: z.array(z.object({ id: uuid, name: z.string() })),
});

const FrontMatter = z
  .object({
    municipality: z
      .string()
      .max(120)
      .describe("Kommunens namn; files use the organisation's name when empty"),
    sender: z.string().max(200).describe("Förvaltning or avsändare"),
    registrationNumber: z.string().max(60).describe("Diarienummer"),
    date: date.nullable(),
    caseOfficer: z.string().max(120).describe("Handläggare"),
    documentType: z.string().max(60).describe("E.g. Yttrande, Tjänsteskrivelse or Samverkansform"),
  })
  .describe("What the Word and PDF exports print above the title; empty strings when not set");

const Document = z.object({
  id: uuid,
  url: z.string().describe("The document's page in the portal (relative)").meta({
    example: "/dokument/0b6f1c9e-2f7d-4c1b-9a43-5d1a2f0e7c11",
  }),
  title: z.string().max(200),
  kind: z.enum(DOCUMENT_KINDS),
  status: z
    .enum(DOCUMENT_STATUSES)
    .describe("draft (utkast) → review (för granskning) → adopted (fastställd, frozen)"),
  departmentIds: z.array(uuid),
  version: z.int().min(1).describe("Version of the metadata (title, kind, departments, status)"),
  createdAt: dateTime,
  updatedAt: dateTime,
  contentUpdatedAt: dateTime.describe("When the content was last edited"),
  frontMatter: FrontMatter,
  archived: z
    .boolean()
    .describe(
      "Out of the lists and searches unless asked for (archived=true|all); read-only until restored",
    ),
}) satisfies z.ZodType<Omit<DocumentView, "departmentNames" | "createdByName" | "writable">>;

const DocumentDetails = Document.extend({
  actions: z
    .array(z.object({ id: uuid, title: z.string() }))
    .describe(
      "The actions created from the document (their documentId is this document), by title",
    ),
});

const DocumentVersion = z.object({
  id: uuid,
  note: z.string().max(500),
  adopted: z.boolean().describe("The version kept when the document was adopted (fastställd)"),
  createdByName: z.string().nullable(),
  createdAt: dateTime,
}) satisfies z.ZodType<VersionView>;

// Lexical's own JSON: every node names its type and format version; element nodes also carry
// their children, text direction, alignment and indent. Node-specific fields pass through.
const LexicalNode = z
  .looseObject({ type: z.string(), version: z.int() })
  .describe("A Lexical node: its type (paragraph, heading, text, list, table, …) and fields");
const LexicalDocument = z
  .looseObject({
    root: z.looseObject({
      type: z.literal("root"),
      version: z.int(),
      children: z.array(LexicalNode),
      direction: z.enum(["ltr", "rtl"]).nullable(),
      format: z.string().describe('Alignment: "" (start), "left", "center", "right", "justify"'),
      indent: z.int().min(0),
    }),
  })
  .describe("Lexical's serialised editor state (the editor's own JSON format)");

const DocumentComment = z.object({
  id: uuid,
  authorId: uuid.nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  mentions: z
    .array(z.object({ id: uuid, name: z.string() }))
    .describe("The organisation's people @-mentioned in the comment"),
  createdAt: dateTime,
});
const CommentThread = z
  .object({
    id: uuid,
    quote: z
      .string()
      .describe(
        "The commented passage as it reads in the document now; when its text was deleted, as it read when the thread was started",
      ),
    anchorState: z
      .enum(["anchored", "deleted"])
      .describe(
        '`deleted`: the passage\'s text was deleted ("Text borttagen"); the thread is kept',
      ),
    anchorStart: z
      .string()
      .describe(
        "Where the passage starts: a Yjs relative position (Y.encodeRelativePosition), base64",
      ),
    anchorEnd: z.string().describe("Where the passage ends, likewise"),
    state: z.enum(["open", "resolved"]),
    resolvedAt: dateTime.nullable(),
    resolvedByName: z.string().nullable(),
    createdAt: dateTime,
    comments: z
      .array(DocumentComment)
      .describe("The first comment, then the replies, oldest first"),
  })
  .describe(
    "A thread of comments on a passage of the document",
  ) satisfies z.ZodType<CommentThreadView>;

const Suggestion = z
  .object({
    id: z.string().describe("Shared by every part of one suggestion"),
    kind: z
      .enum(["insert", "delete"])
      .describe("`insert`: proposed new text; `delete`: text proposed to be removed"),
    text: z.string().describe("The text it inserts or removes"),
    authorId: uuid,
    authorName: z.string(),
    createdAt: dateTime,
  })
  .describe(
    "An open suggested change (track changes) in the document's text; accepted or rejected in the editor",
  ) satisfies z.ZodType<ListedSuggestion>;

const SearchHit = z.object({
  kind: z.enum(SEARCH_KINDS),
  id: uuid.describe(
    "The action or document; a comment or follow-up hit gives the action it belongs to",
  ),
  title: z.string(),
  snippet: z
    .string()
    .describe("Plain text (never HTML) around the matches; escape it when showing it"),
  highlights: z
    .array(z.tuple([z.int().min(0), z.int().min(0)]))
    .describe(
      "The matches in `snippet` as [start, end) offsets in UTF-16 code units (JavaScript string indices)",
    ),
  rank: z.number().describe("Higher is better; results come best first"),
  url: z.string().describe("The page in the portal").meta({ example: "/atgarder/…" }),
  archived: z
    .boolean()
    .describe("The action or document is archived (found only with archived=true or all)"),
}) satisfies z.ZodType<Omit<SearchHitView, "snippet"> & { snippet: string }>;

const Webhook = z.object({
  id: uuid,
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_KINDS)),
  enabled: z.boolean(),
  createdAt: dateTime,
  updatedAt: dateTime,
}) satisfies z.ZodType<WebhookView>;

const WebhookAttempt = z.object({
  attempt: z.int().min(1),
  at: dateTime,
  statusCode: z.int().nullable().describe("The receiver's HTTP status; null when none came"),
  durationMs: z.int().min(0),
  excerpt: z.string().describe("The start of the receiver's answer (500 characters at most)"),
  error: z.string().nullable().describe("Why no answer came (timeout, refused connection)"),
});

const WebhookDelivery = z.object({
  id: uuid,
  eventId: z.string().describe("The event's id, as sent in Samverkan-Event-Id and the body's id"),
  eventType: z.enum(WEBHOOK_EVENT_KINDS),
  status: z
    .enum(WEBHOOK_DELIVERY_STATUSES)
    .describe(
      "pending (not yet answered with 2xx; retried), delivered, or failed after the last attempt",
    ),
  attempts: z.int().min(0),
  lastStatusCode: z.int().nullable(),
  lastDurationMs: z.int().min(0).nullable(),
  lastError: z.string().nullable(),
  lastResponseExcerpt: z.string().nullable(),
  nextAttemptAt: dateTime
    .nullable()
    .describe("When it is tried again; null once delivered or failed"),
  createdAt: dateTime,
  deliveredAt: dateTime.nullable(),
  attemptLog: z.array(WebhookAttempt),
}) satisfies z.ZodType<Omit<WebhookDeliveryView, "eventType"> & { eventType: string }>;
const MailOutboxEntry = z.object({
  id: uuid,
  at: dateTime.describe("When it was composed"),
  to: z.string().describe("The address it was for"),
  kind: z.string().describe("A notification kind, digest, invitation or password-reset"),
  locale: z.enum(LOCALES),
  subject: z.string(),
  text: z
    .string()
    .describe("The plain-text body; the secret of an invitation or reset link is left out (…)"),
  status: z
    .enum(["kept", "sending", "sent", "failed"])
    .describe("kept: no SMTP server is configured, so nothing was sent"),
  error: z.string().nullable().describe("The SMTP server's answer when it failed"),
  attempts: z.int().min(1),
  nextAttemptAt: dateTime.nullable().describe("When a failed message is tried again"),
}) satisfies z.ZodType<OutboxEntry>;
const Notification = z.object({
  id: uuid,
  kind: z
    .enum(NOTIFICATION_KINDS)
    .describe("What it is about; each kind is turned on or off in the portal's settings"),
  text: z.string().describe("The notification in the token owner's language"),
  url: z.string().describe("The page it leads to in the portal (relative)").meta({
    example: "/atgarder/…",
  }),
  read: z.boolean(),
  createdAt: dateTime,
}) satisfies z.ZodType<NotificationView>;

// Administration: people, strategies and goals, the organisation's settings; documents' reviews.
const User = z.object({
  id: uuid,
  name: z.string(),
  email: z.string(),
  roles: z.array(z.enum(ROLES)),
  departmentIds: z.array(uuid),
  active: z.boolean().describe("Signs in; false once deactivated (every session ended)"),
  version: z.int().min(1).describe("Send it back to change the person"),
  mustChangePassword: z
    .boolean()
    .describe("Has a temporary or invitation-only password: must choose their own first"),
  passwordChangedAt: dateTime.nullable(),
}) satisfies z.ZodType<Omit<UserView, "departmentNames">>;
const Invitation = z
  .object({ expiresAt: dateTime })
  .describe(
    "An e-mail with a one-time link (72 hours) to choose a password was sent; the link is never answered",
  );
const Strategy = z.object({
  id: uuid,
  name: z.string(),
  description: z.string(),
  validFrom: z.int().meta({ example: 2017 }),
  validTo: z.int().meta({ example: 2020 }),
  isActive: z.boolean().describe("The strategy the organisation works against now (only one is)"),
  version: z.int().min(1).describe("Send it back to change the strategy"),
});
const Organisation = z.object({
  name: z.string(),
  rollUpThreshold: z
    .int()
    .describe("Percent of a goal's actions that must be assessed before its roll-up is given"),
}) satisfies z.ZodType<OrganisationSettings>;
const IdentityProvider = z.object({
  displayName: z.string().describe("The button's name on the login page"),
  issuer: z.string(),
  clientId: z.string(),
  secretStored: z.boolean().describe("Whether a client secret is stored (it is never answered)"),
  secretUnreadable: z
    .boolean()
    .describe("Stored under another OIDC_SECRET_KEY: it must be entered again"),
  scopes: z.string(),
  emailClaim: z.string(),
  groupsClaim: z.string(),
  trustUnverifiedEmail: z.boolean(),
  emailDomains: z.array(z.string()),
  groupMappings: z.array(
    z.object({ group: z.string(), role: z.enum(ROLES), departmentId: uuid.nullable() }),
  ),
  passwordSignIn: z.boolean().describe("Whether people may also sign in with a password"),
  fromEnvironment: z
    .boolean()
    .describe("The connection comes from the server's OIDC_* settings; only the policy is saved"),
  redirectPath: z.string().describe("The callback path to register at the provider"),
  version: z.int(),
}) satisfies z.ZodType<IdentityProviderSettings>;
const Review = z.object({
  id: uuid,
  reviewerId: uuid,
  reviewerName: z.string(),
  requestedAt: dateTime,
  requestedByName: z.string().nullable(),
  reviewedAt: dateTime.nullable().describe("When the reviewer marked it Granskad; null until then"),
  comment: z.string(),
}) satisfies z.ZodType<ReviewView>;
const PersonalDataFinding = z.object({
  place: z.enum(PERSONAL_DATA_PLACES),
  id: uuid.describe(
    "The thing the number is stored in (pass it to the purge with place and field)",
  ),
  field: z
    .enum(PERSONAL_DATA_FIELDS)
    .describe("The field; `content` is a document's text now, `history` its stored edits"),
  label: z.string().describe("The thing's own name, every number masked"),
  href: z.string().nullable().describe("Its page in the portal (relative), if it has one"),
  excerpt: z
    .string()
    .describe('The text around the first number, every number masked ("811218-****")'),
}) satisfies z.ZodType<PersonalDataFindingView>;

/** Every named schema of the document: request bodies as the server reads them, answers as it writes them. */
const requestSchemas = {
  NewToken: TokenSchema,
  NewAction: NewActionSchema,
  ActionChanges: ActionUpdateSchema.describe(
    "Only the fields to change, with the version you read. A department editor may send only status and progress.",
  ),
  FollowUpReport: FollowUpSchema,
  ActionImport: ActionImportSchema,
  NewDepartment: DepartmentSchema,
  DepartmentChanges: DepartmentUpdateSchema.describe(
    "Only the fields to change, with the version you read",
  ),
  NewComment: CommentSchema,
  NewDocument: NewDocumentSchema,
  NewVersion: VersionSchema,
  DocumentChanges: DocumentChangesSchema.describe(
    "Only the fields to change, with the version you read. Status adopted (fastställd) freezes the document and keeps the adopted version; an adopted document changes no more",
  ),
  NewAdoption: AdoptionSchema.describe(
    "A reason is required when departments have not klarmarkerat or actions lack an assessment",
  ),
  NewWebhook: NewWebhookSchema,
  WebhookChanges: WebhookUpdateSchema,
  NewReviewRequest: RequestReviewSchema.describe(
    "The reviewers: the organisation's active people who may comment on documents. Sets the status review (för granskning); a reviewer asked before is asked anew",
  ),
  ReviewDone: MarkReviewedSchema,
  NewDocumentThread: PassageThreadSchema,
  NewReply: ReplySchema,
  NewUser: InvitedUserSchema.describe(
    "The person to invite; an editor needs at least one department. There is no password: the person chooses one through the invitation",
  ),
  UserChanges: UserChangesSchema.describe("Only the fields to change, with the version you read"),
  TemporaryPassword: TemporaryPasswordSchema,
  NewStrategy: StrategySchema.describe("isActive: true makes every other strategy inactive"),
  StrategyChanges: StrategyChangesSchema.describe(
    "Only the fields to change, with the version you read",
  ),
  NewGoal: GoalSchema,
  GoalChanges: GoalChangesSchema.describe("Only the fields to change"),
  OrganisationChanges: RollUpThresholdSchema,
  IdentityProviderSettings: IdentityProviderSchema.describe(
    "The whole setting with the version read; an empty clientSecret keeps the stored one",
  ),
  NotificationChoiceChanges: NotificationChoicesSchema.extend({
    weeklyDigest: z.boolean(),
  }).describe("Every choice at once: the kinds listed are on, the others off"),
  MeChanges: LocaleSchema,
  PersonalDataPurge: PurgeSchema.describe(
    "One finding of GET /personal-data: its place, id and field",
  ),
};
const responseSchemas = {
  Error: ErrorBody,
  CreatedToken: z
    .object({ id: uuid, token: z.string() })
    .describe("The token, shown only this once"),
  Goal,
  GoalList: list(Goal),
  Department,
  DepartmentList: list(Department),
  Period,
  PeriodList: list(Period),
  PeriodReport,
  Adoption,
  AdoptionList: list(Adoption),
  DepartmentReport,
  Action,
  ActionPage: page(Action, "actions"),
  FollowUp: FollowUp,
  ActionList: list(Action),
  ImportPreview: z.object({
    valid: z.boolean().describe("Every row would be saved"),
    rows: z.array(
      z.object({
        line: z.int().min(2).describe("The row's line in the file (the header is line 1)"),
        title: z.string(),
        errors: z.record(z.string(), z.string()).describe("Each bad column with what is wrong"),
      }),
    ),
  }),
  FollowUpList: list(FollowUp),
  Comment,
  CommentList: page(Comment, "comments"),
  HistoryEntry,
  History: page(HistoryEntry, "changes"),
  AuditLogEntry,
  AuditLogPage: page(AuditLogEntry, "entries"),
  Token,
  TokenList: list(Token),
  UpdatedAction: Action.extend({
    warning: z
      .object({ code: z.literal("status-progress-mismatch"), message: z.string() })
      .optional()
      .describe(
        "Saved, but the status and progress contradict each other (Not started with progress above 0, Done below 100, or 100 without Done; Cancelled never)",
      ),
  }),
  Document,
  DocumentPage: page(Document, "documents"),
  DocumentDetails,
  DocumentVersion,
  DocumentVersionList: list(DocumentVersion),
  CommentThread,
  CommentThreadList: list(CommentThread),
  SuggestionList: list(Suggestion),
  LexicalDocument,
  SearchHit,
  SearchResults: list(SearchHit),
  Webhook,
  WebhookList: list(Webhook),
  CreatedWebhook: Webhook.extend({
    secret: z
      .string()
      .describe(
        "The signing secret, shown only this once (POST /webhooks/{id}/secret makes a new one)",
      ),
  }),
  WebhookSecret: z
    .object({ secret: z.string() })
    .describe("The new signing secret, shown only this once; the old one no longer signs"),
  WebhookDelivery,
  WebhookDeliveryList: page(WebhookDelivery, "deliveries"),
  MailOutboxList: page(MailOutboxEntry, "e-mails"),
  Notification,
  NotificationList: page(Notification, "notifications").extend({
    unread: z.int().min(0).describe("How many of the owner's notifications are unread"),
  }),
  Review,
  ReviewList: list(Review),
  User,
  UserPage: page(User, "people"),
  InvitedUser: User.extend({ invitation: Invitation }),
  Invitation,
  Strategy,
  StrategyList: list(Strategy),
  StrategyDetails: Strategy.extend({ goals: z.array(Goal).describe("By number") }),
  Organisation,
  IdentityProvider,
  Overview,
  Todo,
  NotificationChoices,
  Me,
  PersonalDataFinding,
  PersonalDataFindingList: list(PersonalDataFinding),
  OpenApiDocument: z.looseObject({ openapi: z.literal("3.1.0") }),
};

// The API pages actions by 100 unless asked (api.ts); the page list says 500.
const ApiActionFilter = ActionFilterSchema.extend({
  limit: ActionFilterSchema.shape.limit.removeDefault().default(100),
});
// The API's history pages by 200 unless asked (as many as it held before it was paged).
const ApiHistoryPage = HistoryPageSchema.extend({
  limit: HistoryPageSchema.shape.limit.removeDefault().default(200),
});
const ContentQuery = z.object({ format: z.enum(["json", "html", "text"]).default("json") });

type Method = "get" | "post" | "patch" | "put" | "delete";
/** An answer without a body (204). */
export const NO_CONTENT = { noContent: "Done; nothing to answer" } as const;
/** An answer kept per data version (ADR 0037) has an ETag; sent back in If-None-Match, it is 304. */
const NOT_MODIFIED = { noContent: "Unchanged since the ETag sent in If-None-Match" } as const;
/** A file to download in one of these media types. */
interface FileAnswer {
  files: readonly string[];
  description: string;
}
/** A JSON answer (a schema), a file, an error answer in the Error shape (its description), or none. */
type Answer = z.ZodType | FileAnswer | string | { noContent: string };

export interface ApiOperation {
  method: Method;
  /** OpenAPI path template; `{name}` segments are UUIDs. */
  path: string;
  operationId: string;
  summary: string;
  /** Who may call it: a bearer token (the default), the browser session cookie, or anyone. */
  security?: "cookie" | "public";
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Media types of plain-text answers besides the JSON one (e.g. text/html). */
  textAlternatives?: readonly string[];
  responses: Record<number, Answer>;
}

/** Archive, restore and delete one kind of thing: the same three operations, said for it. */
function archivingOperations(
  path: "actions" | "documents",
  thing: "action" | "document",
  says: { archive: string; edit: string; del: string; kept: string },
): ApiOperation[] {
  const Thing = thing === "action" ? Action : Document;
  const name = thing === "action" ? "Action" : "Document";
  const notFound = `No such ${thing}`;
  return [
    {
      method: "post",
      path: `/${path}/{id}/archive`,
      operationId: `archive${name}`,
      summary: `${says.archive}. Archiving an archived ${thing} changes nothing`,
      responses: { 200: Thing, 403: says.edit, 404: notFound },
    },
    {
      method: "post",
      path: `/${path}/{id}/unarchive`,
      operationId: `unarchive${name}`,
      summary: `Restore an archived ${thing} to the lists; restoring one that is not archived changes nothing`,
      responses: { 200: Thing, 403: says.edit, 404: notFound },
    },
    {
      method: "delete",
      path: `/${path}/{id}`,
      operationId: `delete${name}`,
      summary: says.del,
      responses: {
        204: NO_CONTENT,
        403: `Only admins delete ${path}`,
        404: notFound,
        409: says.kept,
      },
    },
  ];
}

/** Every operation the API router serves. */
export const apiOperations: readonly ApiOperation[] = [
  {
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document",
    security: "public",
    responses: { 200: responseSchemas.OpenApiDocument },
  },
  {
    method: "post",
    path: "/tokens",
    operationId: "createToken",
    summary: "Create an API token (signed-in browser session, same origin)",
    security: "cookie",
    body: TokenSchema,
    responses: {
      201: responseSchemas.CreatedToken,
      400: "Invalid name",
      401: "Not signed in, or the request carries an Authorization header (a token cannot create a token)",
      403: "Not from the portal's own origin",
      422: "A personal identity number in the name",
    },
  },
  {
    method: "get",
    path: "/tokens",
    operationId: "listTokens",
    summary: "The token owner's live tokens (names and dates, never the secrets)",
    responses: { 200: responseSchemas.TokenList },
  },
  {
    method: "delete",
    path: "/tokens/{id}",
    operationId: "revokeToken",
    summary: "Revoke one of the owner's tokens (also the one making the call)",
    responses: {
      204: NO_CONTENT,
      404: "No such live token of the owner's",
    },
  },
  {
    method: "get",
    path: "/goals",
    operationId: "listGoals",
    summary: "Goals of the active strategy",
    responses: { 200: responseSchemas.GoalList },
  },
  {
    method: "get",
    path: "/departments",
    operationId: "listDepartments",
    summary: "Departments (archived ones only when asked for)",
    query: z.object({
      includeArchived: z
        .enum(["true", "false"])
        .default("false")
        .describe("Also the archived departments"),
    }),
    responses: {
      200: responseSchemas.DepartmentList,
      400: "includeArchived is neither true nor false",
    },
  },
  {
    method: "post",
    path: "/departments",
    operationId: "createDepartment",
    summary: "Create a department (admins)",
    body: requestSchemas.NewDepartment,
    responses: {
      201: Department,
      400: "Empty or too long name, or a name another department has",
      403: "Only admins manage departments",
      422: "A personal identity number in the name",
    },
  },
  {
    method: "patch",
    path: "/departments/{id}",
    operationId: "updateDepartment",
    summary:
      "Rename or archive a department (admins); an archived one leaves the lists and counts, its actions and reports are kept",
    body: requestSchemas.DepartmentChanges,
    responses: {
      200: Department,
      400: "Invalid fields, or a name another department has",
      403: "Only admins manage departments",
      404: "No such department",
      409: "Stale version: the department was changed since you read it",
      422: "A personal identity number in the name",
    },
  },
  {
    method: "delete",
    path: "/departments/{id}",
    operationId: "deleteDepartment",
    summary:
      "Delete a department nothing refers to (admins): no actions, documents, users or period reports",
    responses: {
      204: NO_CONTENT,
      403: "Only admins manage departments",
      404: "No such department",
      409: "The department has actions, documents, users or reports (fields.form says which): archive it instead",
    },
  },
  {
    method: "get",
    path: "/periods",
    operationId: "listPeriods",
    summary: "Follow-up periods",
    responses: { 200: responseSchemas.PeriodList },
  },
  {
    method: "get",
    path: "/periods/{id}/report",
    operationId: "getPeriodReport",
    summary:
      "The period's live report: goals with their roll-ups and actions, departments' klarmarkering, adopted appendices",
    responses: {
      200: PeriodReport,
      403: "Observers read adopted reports only",
      404: "No such period",
    },
  },
  {
    method: "get",
    path: "/periods/{id}/report/export",
    operationId: "exportPeriodReport",
    summary:
      "The period report as a Word, PDF or CSV file (Content-Disposition names it with the period); the live report or, with adoptionId, an adopted one",
    query: ReportExportQuery,
    responses: {
      200: {
        files: [
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "application/pdf",
          "text/csv",
        ],
        description: "The file (an attachment)",
      },
      400: "Unknown format",
      403: "Observers download adopted reports only (with adoptionId)",
      404: "No such period, or no such adoption of it",
    },
  },
  {
    method: "get",
    path: "/periods/{id}/adoptions",
    operationId: "listReportAdoptions",
    summary: "The period report's adoptions (fastställda versions), newest first",
    responses: { 200: responseSchemas.AdoptionList, 404: "No such period" },
  },
  {
    method: "post",
    path: "/periods/{id}/adoptions",
    operationId: "adoptPeriodReport",
    summary:
      "Adopt (fastställa) the period report as it is now: frozen, never edited; a later adoption supersedes it and both are kept",
    body: requestSchemas.NewAdoption,
    responses: {
      201: PeriodReport,
      400: "Something is missing and no reason was given (fields.reason), or the reason is too long",
      403: "Only the chief (kommunchef) and admins adopt reports",
      404: "No such period",
      422: "A personal identity number in the reason",
    },
  },
  {
    method: "get",
    path: "/periods/{id}/adoptions/{adoptionId}",
    operationId: "getAdoptedReport",
    summary: "An adopted report exactly as it was frozen",
    responses: { 200: PeriodReport, 404: "No such period or adoption" },
  },
  {
    method: "get",
    path: "/periods/{id}/departments/{departmentId}/completion",
    operationId: "getDepartmentReport",
    summary:
      "A department's report in the period: klarmarkerad or not, and how many actions lack an assessment",
    responses: {
      200: DepartmentReport,
      403: "Observers read no actions",
      404: "No such period or department",
    },
  },
  {
    method: "put",
    path: "/periods/{id}/departments/{departmentId}/completion",
    operationId: "completeDepartmentReport",
    summary: "Klarmarkera the department's report for the period (again is no change)",
    responses: {
      200: DepartmentReport,
      400: "An action still lacks an assessment for the period (fields.form)",
      403: "Not the department's editor, nor an admin",
      404: "No such period or department",
    },
  },
  {
    method: "delete",
    path: "/periods/{id}/departments/{departmentId}/completion",
    operationId: "reopenDepartmentReport",
    summary: "Reopen the department's klarmarkerad report for the period; answers it as it now is",
    responses: {
      200: DepartmentReport,
      403: "Not the department's editor, nor an admin",
      404: "No such period or department",
    },
  },
  {
    method: "get",
    path: "/actions",
    operationId: "listActions",
    summary: "List actions",
    query: ApiActionFilter,
    responses: {
      200: responseSchemas.ActionPage,
      304: NOT_MODIFIED,
      400: "Invalid filter (each named in fields)",
      403: "Observers read no actions",
    },
  },
  {
    method: "post",
    path: "/actions",
    operationId: "createAction",
    summary: "Create an action",
    body: NewActionSchema,
    responses: {
      201: Action,
      400: "Invalid fields (each named in fields)",
      403: "Role may not create actions",
      422: "A personal identity number in free text",
    },
  },
  {
    method: "get",
    path: "/actions/export",
    operationId: "exportActions",
    summary:
      "The filtered list of actions (every page) as CSV for Excel: semicolons, UTF-8 with BOM, the portal list's columns",
    query: ActionFilterSchema.omit({ limit: true, cursor: true }),
    responses: {
      200: { files: ["text/csv"], description: "The CSV file (an attachment)" },
      400: "Invalid filter (each named in fields)",
      403: "Observers read no actions",
    },
  },
  {
    method: "post",
    path: "/actions/import",
    operationId: "importActions",
    summary:
      "Create actions from CSV (the export's columns; Titel, Mål and Ansvarig förvaltning required): all rows or none. With dryRun, only checks each row",
    body: requestSchemas.ActionImport,
    responses: {
      200: responseSchemas.ImportPreview,
      201: responseSchemas.ActionList,
      400: "The file is unreadable, lacks a required column, has no rows or more than 1,000, or a row has errors (nothing saved; dryRun names them)",
      403: "Role may not import actions",
    },
  },
  {
    method: "get",
    path: "/actions/{id}",
    operationId: "getAction",
    summary: "One action",
    responses: { 200: Action, 403: "Observers read no actions", 404: "No such action" },
  },
  {
    method: "patch",
    path: "/actions/{id}",
    operationId: "updateAction",
    summary: "Change an action; send the version you read",
    body: requestSchemas.ActionChanges,
    responses: {
      200: responseSchemas.UpdatedAction,
      400: "Invalid fields",
      403: "Role or department may not change this",
      404: "No such action",
      409: "Stale version; `current` holds the action as it is now",
      422: "A personal identity number in free text",
    },
  },
  ...archivingOperations("actions", "action", {
    archive:
      "Archive an action (those who may edit it): out of the lists, Att göra, the overview's counts, open periods' reports and searches; adopted reports keep it",
    edit: "Role may not edit this action",
    del: "Delete an archived action for good, with its comments and follow-ups (admins); the audit log keeps its rows",
    kept: "It is not archived, or it is in an adopted period report (fields.form says which)",
  }),
  {
    method: "get",
    path: "/actions/{id}/followups",
    operationId: "listFollowUps",
    summary: "The action's assessments, one per period it was reported in",
    responses: {
      200: responseSchemas.FollowUpList,
      403: "Observers read no actions",
      404: "No such action",
    },
  },
  {
    method: "put",
    path: "/actions/{id}/followups/{periodId}",
    operationId: "saveFollowUp",
    summary: "Save the action's assessment for a period; answers what was stored",
    body: FollowUpSchema,
    responses: {
      200: responseSchemas.FollowUp,
      400: "Invalid assessment or missing comment",
      403: "Not the action's department",
      404: "No such action or period",
      422: "A personal identity number in the comment",
    },
  },
  {
    method: "get",
    path: "/actions/{id}/comments",
    operationId: "listActionComments",
    summary: "The action's comments, oldest first, 500 a page unless asked",
    query: CommentPageSchema,
    responses: {
      200: responseSchemas.CommentList,
      400: "limit out of range (1–500), or a cursor not made for this action's comments",
      403: "Observers read no actions",
      404: "No such action",
    },
  },
  {
    method: "post",
    path: "/actions/{id}/comments",
    operationId: "addActionComment",
    summary: "Comment on an action; answers the comment as stored",
    body: CommentSchema,
    responses: {
      201: Comment,
      400: "Empty or too long body",
      403: "Role may not comment",
      404: "No such action",
      422: "A personal identity number in the comment",
    },
  },
  {
    method: "get",
    path: "/actions/{id}/history",
    operationId: "getActionHistory",
    summary:
      "Who changed what and when on the action, newest first (its audit trail), 200 a page unless asked",
    query: ApiHistoryPage,
    responses: {
      200: responseSchemas.History,
      400: "limit out of range (1–200), or a cursor not made for this action's history",
      403: "Observers read no actions",
      404: "No such action",
    },
  },
  {
    method: "get",
    path: "/documents",
    operationId: "listDocuments",
    summary: "List documents, newest edit first",
    query: DocumentPageSchema,
    responses: {
      200: responseSchemas.DocumentPage,
      400: "Invalid filter",
      403: "Observers read no documents",
    },
  },
  {
    method: "post",
    path: "/documents",
    operationId: "createDocument",
    summary: "Create a document (its first, empty content is made on the server)",
    body: NewDocumentSchema,
    responses: {
      201: Document,
      400: "Invalid fields (each named in fields)",
      403: "Role may not create documents",
      422: "A personal identity number in the title",
    },
  },
  {
    method: "get",
    path: "/documents/{id}",
    operationId: "getDocument",
    summary: "One document's metadata and the actions created from it",
    responses: {
      200: DocumentDetails,
      403: "Observers read no documents",
      404: "No such document",
    },
  },
  {
    method: "patch",
    path: "/documents/{id}",
    operationId: "updateDocument",
    summary:
      "Change a document's title, kind, departments, front matter or status (draft → review → adopted); send the version you read",
    body: requestSchemas.DocumentChanges,
    responses: {
      200: Document,
      400: "Invalid fields (each named in fields), or the document is adopted (frozen)",
      403: "Role may not edit documents",
      404: "No such document",
      409: "Stale version: the document was changed since you read it",
      422: "A personal identity number in the title or front matter",
    },
  },
  ...archivingOperations("documents", "document", {
    archive:
      "Archive a document (also an adopted one): out of the lists and searches, read-only for everyone",
    edit: "Role may not edit documents",
    del: "Delete an archived document for good, with its content, versions, comments and reviews (admins); the audit log keeps its rows",
    kept: "It is not archived, it is adopted (fastställd), or actions were created from it (fields.form says which)",
  }),
  {
    method: "get",
    path: "/documents/{id}/content",
    operationId: "getDocumentContent",
    summary: "The current content, rendered from the stored Yjs state",
    query: ContentQuery,
    textAlternatives: ["text/html", "text/plain"],
    responses: {
      200: LexicalDocument,
      400: "Unknown format, or comments neither true nor false",
      403: "Observers read no documents (nor their comments)",
      404: "No such document",
    },
  },
  {
    method: "get",
    path: "/documents/{id}/export",
    operationId: "exportDocument",
    summary:
      "The document as a Word or PDF file, named `<title>-<date>.docx` (Content-Disposition with a UTF-8 filename*): front matter, headings as Word heading styles, lists, tables, links and quotes; an adopted document as adopted, with its adoption date; with comments=true the comment threads too (Word comments on their passages, a list at the end of a PDF)",
    query: DocumentExportQuery,
    responses: {
      200: {
        files: [
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "application/pdf",
        ],
        description: "The file (an attachment)",
      },
      400: "Unknown format, or comments neither true nor false",
      403: "Observers read no documents (nor their comments)",
      404: "No such document, or no such version of it",
    },
  },
  {
    method: "get",
    path: "/documents/{id}/comments",
    operationId: "listDocumentComments",
    summary:
      "The comment threads on the document's text, oldest first: the quoted passage, author, replies and state (open or resolved)",
    responses: {
      200: responseSchemas.CommentThreadList,
      403: "Observers read no documents",
      404: "No such document",
    },
  },
  {
    method: "post",
    path: "/documents/{id}/comments",
    operationId: "addDocumentComment",
    summary:
      "Start a comment thread on a passage: its words as they stand now in one paragraph (the occurrence-th appearance), anchored so it follows the text through later edits",
    body: requestSchemas.NewDocumentThread,
    responses: {
      201: CommentThread,
      400: "Unknown fields, an empty body, words that are not in the document now (fields.passage), or the document is adopted (fastställd) and takes no new comments",
      403: "Role may not comment on documents",
      404: "No such document",
      422: "A personal identity number in the comment or the passage",
    },
  },
  {
    method: "post",
    path: "/documents/{id}/comments/{threadId}/replies",
    operationId: "replyToDocumentComment",
    summary: "Answer in a thread; @ and a person's full name mentions (and notifies) them",
    body: requestSchemas.NewReply,
    responses: {
      201: CommentThread,
      400: "Unknown fields, an empty body, or the document is adopted (fastställd)",
      403: "Role may not comment on documents",
      404: "No such document, or no such thread on it",
      422: "A personal identity number in the reply",
    },
  },
  ...(["resolve", "reopen"] as const).map(
    (change): ApiOperation => ({
      method: "post",
      path: `/documents/{id}/comments/{threadId}/${change}`,
      operationId: change === "resolve" ? "resolveDocumentComment" : "reopenDocumentComment",
      summary:
        change === "resolve"
          ? "Mark a thread resolved (it stays, with who resolved it and when)"
          : "Open a resolved thread again",
      responses: {
        200: CommentThread,
        400: "The document is adopted (fastställd)",
        403: "Role may not comment on documents",
        404: "No such document, or no such thread on it",
      },
    }),
  ),
  {
    method: "get",
    path: "/documents/{id}/suggestions",
    operationId: "listDocumentSuggestions",
    summary:
      "The open suggested changes in the document's text, in reading order: insert or delete, the text, who suggested it and when (an adopted document has none)",
    responses: {
      200: responseSchemas.SuggestionList,
      403: "Observers read no documents",
      404: "No such document",
    },
  },
  {
    method: "get",
    path: "/documents/{id}/versions",
    operationId: "listDocumentVersions",
    summary: "Named versions, newest first",
    responses: {
      200: responseSchemas.DocumentVersionList,
      403: "Observers read no documents",
      404: "No such document",
    },
  },
  {
    method: "post",
    path: "/documents/{id}/versions",
    operationId: "createDocumentVersion",
    summary: "Name the current content as a version",
    body: VersionSchema,
    responses: {
      201: DocumentVersion,
      400: "Invalid note, the document is adopted (frozen)",
      403: "Role may not edit documents",
      404: "No such document",
      422: "A personal identity number in the note",
    },
  },
  {
    method: "post",
    path: "/documents/{id}/versions/{versionId}/restore",
    operationId: "restoreDocumentVersion",
    summary:
      "Bring a named version's content back as a new change on top of the document's history (open editors receive it)",
    responses: {
      200: Document,
      400: "The document is adopted (frozen)",
      403: "Role may not edit documents",
      404: "No such document or version",
    },
  },
  {
    method: "get",
    path: "/documents/{id}/reviews",
    operationId: "listDocumentReviews",
    summary:
      "Who was asked to review the document, by whom and when, and who has marked it Granskad",
    responses: {
      200: responseSchemas.ReviewList,
      403: "Observers read no documents",
      404: "No such document",
    },
  },
  {
    method: "post",
    path: "/documents/{id}/reviews",
    operationId: "requestDocumentReview",
    summary:
      "Send the document for review (Skicka på granskning): status review, each reviewer notified; answers every review of the document",
    body: requestSchemas.NewReviewRequest,
    responses: {
      201: responseSchemas.ReviewList,
      400: "No reviewers, someone who may not review, or the document is adopted (frozen)",
      403: "Role may not edit documents",
      404: "No such document",
    },
  },
  {
    method: "post",
    path: "/documents/{id}/reviews/{reviewId}/reviewed",
    operationId: "markDocumentReviewed",
    summary: "Mark one's own review Granskad, with an optional comment",
    body: requestSchemas.ReviewDone,
    responses: {
      200: Review,
      400: "Not the token owner's review, already marked, or the document is adopted (frozen)",
      403: "Role may not review documents",
      404: "No such document, or no such review of it",
      422: "A personal identity number in the comment",
    },
  },
  {
    method: "get",
    path: "/search",
    operationId: "search",
    summary:
      "Swedish full-text search across actions, comments, follow-up comments and documents (inflected forms match: “samverkansformerna” finds “samverkansform”)",
    query: SearchSchema.extend({
      q: SearchSchema.shape.q.describe(
        'Words to find; "quoted phrase", or and -word work as in web search engines',
      ),
    }),
    responses: {
      200: responseSchemas.SearchResults,
      400: "Empty or too long q, or an unknown kind (each named in fields)",
      403: "Observers may not search",
    },
  },
  {
    method: "get",
    path: "/webhooks",
    operationId: "listWebhooks",
    summary: "The organisation's webhooks (admins)",
    responses: { 200: responseSchemas.WebhookList, 403: "Only admins manage webhooks" },
  },
  {
    method: "post",
    path: "/webhooks",
    operationId: "createWebhook",
    summary:
      "Register an https address for event kinds; answers the signing secret once. Each delivery is a POST signed in Samverkan-Signature (see the README's Webhooks section)",
    body: NewWebhookSchema,
    responses: {
      201: responseSchemas.CreatedWebhook,
      400: "Invalid address (not https, or a private or loopback address) or no event kind",
      403: "Only admins manage webhooks",
      422: "A personal identity number in the address",
    },
  },
  {
    method: "get",
    path: "/webhooks/{id}",
    operationId: "getWebhook",
    summary: "One webhook (never its secret)",
    responses: { 200: Webhook, 403: "Only admins manage webhooks", 404: "No such webhook" },
  },
  {
    method: "patch",
    path: "/webhooks/{id}",
    operationId: "updateWebhook",
    summary: "Change the address or event kinds, or turn the webhook off (enabled: false) and on",
    body: WebhookUpdateSchema,
    responses: {
      200: Webhook,
      400: "Invalid address or event kinds",
      403: "Only admins manage webhooks",
      404: "No such webhook",
      422: "A personal identity number in the address",
    },
  },
  {
    method: "delete",
    path: "/webhooks/{id}",
    operationId: "deleteWebhook",
    summary: "Remove the webhook and its deliveries",
    responses: { 204: NO_CONTENT, 403: "Only admins manage webhooks", 404: "No such webhook" },
  },
  {
    method: "post",
    path: "/webhooks/{id}/secret",
    operationId: "rotateWebhookSecret",
    summary: "Make a new signing secret (answered once); the old one stops signing at once",
    responses: {
      200: responseSchemas.WebhookSecret,
      403: "Only admins manage webhooks",
      404: "No such webhook",
    },
  },
  {
    method: "get",
    path: "/webhooks/{id}/deliveries",
    operationId: "listWebhookDeliveries",
    summary:
      "The webhook's deliveries, newest first, 50 a page unless asked, each with its attempts' status codes and answers (kept 30 days)",
    query: DeliveryPageSchema,
    responses: {
      200: responseSchemas.WebhookDeliveryList,
      400: "limit out of range (1–200), or a cursor not made for this webhook's deliveries",
      403: "Only admins manage webhooks",
      404: "No such webhook",
    },
  },
  {
    method: "get",
    path: "/notifications",
    operationId: "listNotifications",
    summary:
      "The token owner's notifications in the portal, newest first (kept 90 days), 50 a page unless asked, with the unread count",
    query: NotificationListSchema,
    responses: {
      200: responseSchemas.NotificationList,
      400: "limit out of range (1–200), or a cursor not made for the owner's notifications",
    },
  },
  {
    method: "get",
    path: "/mail-outbox",
    operationId: "listMailOutbox",
    summary:
      "The organisation's e-mails, newest first, as Utskick shows them (admins): sent, failed with the next try, or kept when no SMTP server is configured; 100 a page unless asked",
    query: MailOutboxListSchema,
    responses: {
      200: responseSchemas.MailOutboxList,
      400: "limit out of range (1–200), or a cursor not made for this list",
      403: "Only admins read the e-mails",
    },
  },
  {
    method: "get",
    path: "/notification-preferences",
    operationId: "getNotificationPreferences",
    summary:
      "The owner's notification choices: each kind in the portal and by e-mail, and the weekly digest",
    responses: { 200: responseSchemas.NotificationChoices },
  },
  {
    method: "put",
    path: "/notification-preferences",
    operationId: "setNotificationPreferences",
    summary: "Replace the owner's notification choices; answers them as saved",
    body: requestSchemas.NotificationChoiceChanges,
    responses: {
      200: responseSchemas.NotificationChoices,
      400: "An unknown kind or field, or weeklyDigest missing",
    },
  },
  {
    method: "get",
    path: "/todo",
    operationId: "getTodo",
    summary:
      "Att göra: the actions each of the owner's departments reports on in the current period, with what is reported and what is missing",
    responses: { 200: responseSchemas.Todo },
  },
  {
    method: "get",
    path: "/overview",
    operationId: "getOverview",
    summary:
      "The overview (Översikt) of a period: each goal's actions by status, assessments and roll-up, each department's actions and report, and the trend",
    query: DashboardFilterSchema.extend({
      periodId: DashboardFilterSchema.shape.periodId.describe("The current period unless given"),
      strategyId: DashboardFilterSchema.shape.strategyId.describe(
        "The active strategy unless given",
      ),
      departmentId: DashboardFilterSchema.shape.departmentId.describe(
        "Only this department's actions",
      ),
      goalId: DashboardFilterSchema.shape.goalId.describe("Only this goal"),
    }),
    responses: {
      200: responseSchemas.Overview,
      304: NOT_MODIFIED,
      400: "An id that is not a UUID",
      404: "No such strategy, period or goal in the organisation",
    },
  },
  {
    method: "get",
    path: "/me",
    operationId: "getMe",
    summary: "The token's owner: name, e-mail, roles, departments and language",
    responses: { 200: responseSchemas.Me },
  },
  {
    method: "patch",
    path: "/me",
    operationId: "updateMe",
    summary: "Choose the owner's language in the portal",
    body: requestSchemas.MeChanges,
    responses: { 200: responseSchemas.Me, 400: "An unknown locale or field" },
  },
  {
    method: "get",
    path: "/audit-log",
    operationId: "listAuditLog",
    summary:
      "The organisation's audit log, newest first, 50 a page unless asked: by kind, by person (who did it or whom it is about) and by days (from and to, Swedish time)",
    query: AuditLogFilterSchema,
    responses: {
      200: responseSchemas.AuditLogPage,
      400: "Invalid filter, limit out of range (1–200), or a cursor made for another filter",
      403: "Only admins read the audit log",
    },
  },
  {
    method: "post",
    path: "/notifications/{id}/read",
    operationId: "markNotificationRead",
    summary: "Mark one of the owner's notifications read",
    responses: { 204: NO_CONTENT, 404: "No such notification of the owner's" },
  },
  {
    method: "post",
    path: "/notifications/read-all",
    operationId: "markAllNotificationsRead",
    summary: "Mark all the owner's notifications read",
    responses: { 204: NO_CONTENT },
  },
  {
    method: "get",
    path: "/users",
    operationId: "listUsers",
    summary: "The organisation's people by name, active and deactivated (admins)",
    query: UserPageSchema.extend({
      active: UserPageSchema.shape.active.describe("Only active (true) or deactivated (false)"),
      role: UserPageSchema.shape.role.describe("Only people with this role"),
      departmentId: UserPageSchema.shape.departmentId.describe("Only people of this department"),
    }),
    responses: {
      200: responseSchemas.UserPage,
      400: "An unknown filter value, limit out of range (1–500) or a cursor of another filter",
      403: "Only admins manage people",
    },
  },
  {
    method: "post",
    path: "/users",
    operationId: "inviteUser",
    summary:
      "Add a person and e-mail them an invitation: a one-time link, valid 72 hours, to choose their password",
    body: requestSchemas.NewUser,
    responses: {
      201: responseSchemas.InvitedUser,
      400: "Invalid fields, an address already in use, an editor without a department or an unknown department",
      403: "Only admins manage people",
      422: "A personal identity number in the name or address",
    },
  },
  {
    method: "get",
    path: "/users/{id}",
    operationId: "getUser",
    summary: "One person of the organisation (admins)",
    responses: { 200: User, 403: "Only admins manage people", 404: "No such person" },
  },
  {
    method: "patch",
    path: "/users/{id}",
    operationId: "updateUser",
    summary:
      "Change a person's name, address, roles or departments (admins); their open sessions get the new access at once",
    body: requestSchemas.UserChanges,
    responses: {
      200: User,
      400: "Invalid fields, an address already in use, an editor without a department, or dropping one's own admin role",
      403: "Only admins manage people",
      404: "No such person",
      409: "Stale version: the person was changed since you read it",
      422: "A personal identity number in the name or address",
    },
  },
  {
    method: "post",
    path: "/users/{id}/deactivate",
    operationId: "deactivateUser",
    summary: "Deactivate a person: every session of theirs ends and they can no longer sign in",
    responses: {
      200: User,
      400: "One's own account",
      403: "Only admins manage people",
      404: "No such person",
    },
  },
  {
    method: "post",
    path: "/users/{id}/activate",
    operationId: "activateUser",
    summary: "Let a deactivated person sign in again",
    responses: { 200: User, 403: "Only admins manage people", 404: "No such person" },
  },
  {
    method: "post",
    path: "/users/{id}/invitation",
    operationId: "sendUserInvitation",
    summary:
      "E-mail the person a new invitation (a one-time link, valid 72 hours, to choose a password); earlier links stop working",
    responses: {
      201: Invitation,
      400: "One's own account, a deactivated person, or one who also belongs to another organisation",
      403: "Only admins manage people",
      404: "No such person",
    },
  },
  {
    method: "post",
    path: "/users/{id}/temporary-password",
    operationId: "setTemporaryPassword",
    summary:
      "Give the person a temporary password: their sessions end and they must choose their own at the next sign-in",
    body: requestSchemas.TemporaryPassword,
    responses: {
      204: NO_CONTENT,
      400: "A weak password, one's own account, or a person who also belongs to another organisation",
      403: "Only admins manage people",
      404: "No such person",
    },
  },
  {
    method: "get",
    path: "/strategies",
    operationId: "listStrategies",
    summary: "The organisation's strategies, the active one first, then the newest",
    responses: { 200: responseSchemas.StrategyList },
  },
  {
    method: "post",
    path: "/strategies",
    operationId: "createStrategy",
    summary: "Create a strategy (admins)",
    body: requestSchemas.NewStrategy,
    responses: {
      201: responseSchemas.StrategyDetails,
      400: "Invalid fields, or validTo before validFrom",
      403: "Only admins manage strategies",
      422: "A personal identity number in the name or description",
    },
  },
  {
    method: "get",
    path: "/strategies/{id}",
    operationId: "getStrategy",
    summary: "One strategy with its goals",
    responses: { 200: responseSchemas.StrategyDetails, 404: "No such strategy" },
  },
  {
    method: "patch",
    path: "/strategies/{id}",
    operationId: "updateStrategy",
    summary: "Change a strategy (admins), or make it the active one",
    body: requestSchemas.StrategyChanges,
    responses: {
      200: responseSchemas.StrategyDetails,
      400: "Invalid fields, or validTo before validFrom",
      403: "Only admins manage strategies",
      404: "No such strategy",
      409: "Stale version: the strategy was changed since you read it",
      422: "A personal identity number in the name or description",
    },
  },
  {
    method: "post",
    path: "/strategies/{id}/goals",
    operationId: "addGoal",
    summary: "Add a goal to a strategy (admins)",
    body: requestSchemas.NewGoal,
    responses: {
      201: Goal,
      400: "Invalid fields (number 1–99)",
      403: "Only admins manage strategies",
      404: "No such strategy",
      422: "A personal identity number in the title or description",
    },
  },
  {
    method: "patch",
    path: "/goals/{id}",
    operationId: "updateGoal",
    summary: "Change a goal's number, title or description (admins)",
    body: requestSchemas.GoalChanges,
    responses: {
      200: Goal,
      400: "Invalid fields (number 1–99)",
      403: "Only admins manage strategies",
      404: "No such goal",
      422: "A personal identity number in the title or description",
    },
  },
  {
    method: "delete",
    path: "/goals/{id}",
    operationId: "removeGoal",
    summary: "Remove a goal that no action is set against (admins)",
    responses: {
      204: NO_CONTENT,
      403: "Only admins manage strategies",
      404: "No such goal",
      409: "Actions are set against the goal: move them to another goal first",
    },
  },
  {
    method: "get",
    path: "/organisation",
    operationId: "getOrganisation",
    summary: "The organisation's settings (admins)",
    responses: { 200: Organisation, 403: "Only admins manage the organisation" },
  },
  {
    method: "patch",
    path: "/organisation",
    operationId: "updateOrganisation",
    summary:
      "Set how much of a goal's actions must be assessed before its roll-up is given (admins)",
    body: requestSchemas.OrganisationChanges,
    responses: {
      200: Organisation,
      400: "rollUpThreshold out of range (0–99)",
      403: "Only admins manage the organisation",
    },
  },
  {
    method: "get",
    path: "/identity-provider",
    operationId: "getIdentityProvider",
    summary:
      "The organisation's OpenID Connect provider and sign-in policy (admins); never the client secret",
    responses: { 200: IdentityProvider, 403: "Only admins manage sign-in" },
  },
  {
    method: "put",
    path: "/identity-provider",
    operationId: "setIdentityProvider",
    summary:
      "Set the provider and the sign-in policy (admins), as Administration › Inloggning does; the provider's discovery is not contacted here",
    body: requestSchemas.IdentityProviderSettings,
    responses: {
      200: IdentityProvider,
      400: "Unknown fields, an issuer that is no https URL, scopes without openid, no client secret stored yet, or an unknown department in a mapping (each named in fields)",
      403: "Only admins manage sign-in",
      409: "Changed by someone else since that version",
    },
  },
  {
    method: "get",
    path: "/personal-data",
    operationId: "listPersonalData",
    summary:
      "Where personal identity numbers stored before they were refused are, each masked (admins)",
    responses: {
      200: responseSchemas.PersonalDataFindingList,
      403: "Only admins remove personal data",
    },
  },
  {
    method: "post",
    path: "/personal-data/purge",
    operationId: "purgePersonalData",
    summary:
      "Remove every identity number from one finding's place, in its text now and its history (open editors get the change); audited without the number",
    body: requestSchemas.PersonalDataPurge,
    responses: {
      204: NO_CONTENT,
      400: "An unknown place or field, or an id that is not a UUID",
      403: "Only admins remove personal data",
      404: "No such thing of that place, or a field it does not have",
    },
  },
];

// ---- Generating the document from the table.

const COMPONENTS = "#/components/schemas/";

/** The document's sections: an operation is in the one its path's first segment names. */
const TAGS: Record<string, { name: string; description: string }> = {
  actions: { name: "Actions", description: "Actions, their follow-ups, comments and history" },
  periods: { name: "Periods", description: "Follow-up periods and their reports" },
  documents: {
    name: "Documents",
    description: "Co-edited documents: metadata, content, files, versions, comments and reviews",
  },
  goals: { name: "Goals", description: "The active strategy's goals" },
  strategies: { name: "Strategies", description: "Strategies and their goals" },
  departments: { name: "Departments", description: "The organisation's departments" },
  users: { name: "People", description: "The organisation's people and their access (admins)" },
  organisation: { name: "Organisation", description: "The organisation's settings (admins)" },
  "identity-provider": {
    name: "Sign-in",
    description: "Signing in with the organisation's identity provider (OpenID Connect; admins)",
  },
  "personal-data": {
    name: "Personal data",
    description: "Identity numbers stored before they were refused, and removing them (admins)",
  },
  search: { name: "Search", description: "Full-text search" },
  notifications: { name: "Notifications", description: "The token owner's notifications" },
  "mail-outbox": {
    name: "E-mail",
    description: "Every e-mail the portal composed, sent or kept (admins)",
  },
  "notification-preferences": {
    name: "Notification preferences",
    description: "What the token owner is notified of, in the portal and by e-mail",
  },
  todo: { name: "To do", description: "The token owner's Att göra" },
  overview: { name: "Overview", description: "The kommunchef's overview of a period" },
  me: { name: "Me", description: "The token owner and their language" },
  webhooks: { name: "Webhooks", description: "Where the organisation's events are sent (admins)" },
  tokens: { name: "Tokens", description: "API tokens" },
  "audit-log": { name: "Audit log", description: "Who did what in the organisation (admins)" },
  "openapi.json": { name: "Contract", description: "This document" },
};
const tagOf = (path: string) => TAGS[path.split("/")[1]];

const jsonSchemaOptions = {
  target: "draft-2020-12",
  // A format names what a pattern zod adds would only restate (less readably).
  override: ({ jsonSchema }) => {
    if (jsonSchema.format) delete jsonSchema.pattern;
  },
} satisfies Parameters<typeof z.toJSONSchema>[1];

/** JSON Schemas of named zod schemas, referring to each other by `$ref`. */
function componentSchemas(io: "input" | "output", named: Record<string, z.ZodType>) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    ...jsonSchemaOptions,
    io,
    uri: (id) => COMPONENTS + id,
    override: (context) => {
      jsonSchemaOptions.override(context);
      // A request naming a field the schema does not is refused (api/contract.ts), not ignored.
      const { jsonSchema } = context;
      if (io === "input" && jsonSchema.type === "object") jsonSchema.additionalProperties ??= false;
    },
  });
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

const names = new Map<z.ZodType, string>(
  [...Object.entries(requestSchemas), ...Object.entries(responseSchemas)].map(([name, schema]) => [
    schema,
    name,
  ]),
);
function ref(schema: z.ZodType) {
  const name = names.get(schema);
  if (!name) throw new Error("Every body in the operation table is a named schema");
  return { $ref: COMPONENTS + name };
}

const json = (schema: object) => ({ "application/json": { schema } });

/** Query parameters from a zod object, as the server reads them. */
function queryParameters(query: z.ZodObject) {
  const { properties = {}, required = [] } = z.toJSONSchema(query, {
    ...jsonSchemaOptions,
    io: "input",
  });
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...schema } = property as Record<string, unknown>;
    return { name, in: "query", required: required.includes(name), description, schema };
  });
}

/** What every operation can answer, every operation with a body, and every bearer operation. */
function sharedAnswers(operation: ApiOperation): [number, string][] {
  const answers: [number, string][] = [[400, "A NUL character in the address"]];
  if (operation.body)
    answers.push(
      [400, "Malformed JSON, not UTF-8, or a NUL character in the body"],
      [411, "A streamed body without Content-Length"],
      [413, "Body too large"],
      [415, "An unsupported Content-Encoding or charset (send UTF-8 JSON)"],
    );
  if (!operation.security)
    answers.push(
      [401, "No valid bearer token"],
      [429, "Too many requests with this token; see Retry-After"],
    );
  if (operation.security !== "public")
    answers.push([503, "The database is unreachable; try again after Retry-After seconds"]);
  return answers;
}

/** The operation's own answers, with the shared error answers (descriptions of one status joined). */
function answersOf(operation: ApiOperation): [string, Answer][] {
  const answers: Record<number, Answer> = { ...operation.responses };
  for (const [status, description] of sharedAnswers(operation)) {
    const own = answers[status];
    answers[status] =
      own === undefined ? description : typeof own === "string" ? `${own}; ${description}` : own;
  }
  return Object.entries(answers).sort(([a], [b]) => Number(a) - Number(b));
}

function operationObject(operation: ApiOperation) {
  const pathParameters = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string", format: "uuid" },
  }));
  const responses = Object.fromEntries(
    answersOf(operation).map(([status, answer]) => [
      status,
      typeof answer === "string"
        ? { description: answer, content: json({ $ref: `${COMPONENTS}Error` }) }
        : "noContent" in answer
          ? { description: answer.noContent }
          : "files" in answer
            ? {
                description: answer.description,
                content: Object.fromEntries(
                  answer.files.map((type) => [
                    type,
                    { schema: { type: "string", format: "binary" } },
                  ]),
                ),
              }
            : {
                description: Number(status) === 201 ? "Created" : "OK",
                content: {
                  ...json(ref(answer)),
                  ...Object.fromEntries(
                    (operation.textAlternatives ?? []).map((type) => [
                      type,
                      { schema: { type: "string" } },
                    ]),
                  ),
                },
              },
    ]),
  );
  const parameters = [
    ...pathParameters,
    ...(operation.query ? queryParameters(operation.query) : []),
  ];
  const tag = tagOf(operation.path);
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(tag ? { tags: [tag.name] } : {}),
    ...(operation.security === "cookie" ? { security: [{ session: [] }] } : {}),
    ...(operation.security === "public" ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            // A body that may be left out (every field has a default) is optional.
            required: !operation.body.safeParse({}).success,
            content: json(ref(operation.body)),
          },
        }
      : {}),
    responses,
  };
}

function paths() {
  const result: Record<string, Record<string, ReturnType<typeof operationObject>>> = {};
  for (const operation of apiOperations) {
    result[operation.path] ??= {};
    result[operation.path][operation.method] = operationObject(operation);
  }
  return result;
}

/** The OpenAPI 3.1 document served at /api/v1/openapi.json. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Samverkan API",
    version: "1.0.0",
    description:
      "Actions against the strategy's goals, follow-up periods and assessments, the co-edited documents (their content rendered from the stored Yjs state; editing itself happens over the socket, see docs/collab-protocol.md) and full-text search. Authenticate with `Authorization: Bearer <token>`; create a token in the portal under API-nycklar (or POST /tokens from a signed-in session). A token acts with its owner's permissions. A request with an Authorization header is judged by that header alone, never by a session cookie beside it.",
    license: {
      name: "Proprietary: licensed to the organisation that runs this Samverkan",
      identifier: "LicenseRef-Samverkan-Proprietary",
    },
  },
  servers: [{ url: "/api/v1" }],
  tags: Object.values(TAGS),
  security: [{ bearer: [] }],
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer" },
      session: {
        type: "apiKey",
        in: "cookie",
        name: sessionCookieName(true),
        description: `The portal's session cookie (${sessionCookieName(false)} on plain HTTP)`,
      },
    },
    schemas: {
      ...componentSchemas("input", requestSchemas),
      ...componentSchemas("output", responseSchemas),
    },
  },
  paths: paths(),
};
