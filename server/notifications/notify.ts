import { sql } from "kysely";
import { type MessageKey, translator } from "../../common/i18n";
import type { DB, Executor } from "../../db";
import type { Locale, Role } from "../../db/schema";
import type { EventBus } from "../bus";
import type { Config } from "../config";
import type { DomainEvent } from "../domain/events";
import { type Actor, can, type Permission } from "../domain/policy";
import { buildPeriodReport } from "../domain/reports";
import { DEFAULT_CHOICES, type NotificationKind } from "./kinds";
import { linkOrigin, retryFailedMail, sendMail } from "./mail";

/** Notifications (and the outbox's e-mails) are kept this long. */
export const KEEP_DAYS = 90;

/** A notification as its recipient reads it: a catalogue message, its values, and where it leads. */
export interface NotificationText {
  /** `notification.<message>` in the catalogue. */
  message: string;
  params: Record<string, string>;
  link: string;
}

/** A notification's text and what a person needs to read the thing it is about. */
interface Subject extends NotificationText {
  /** Nobody is told of what they may not read (an observer mentioned on an action, say). */
  readWith: Permission;
}

/** One notification to write, to one person. */
interface Recipient extends Subject {
  userId: string;
  kind: NotificationKind;
}

/** The notification's text in a language. */
export function notificationText(locale: Locale, text: NotificationText): string {
  const t = translator(locale);
  return t(`notification.${text.message}` as MessageKey, text.params);
}

interface Person {
  id: string;
}

/** The organisation's active people with one of `roles` (in `departmentId`, if given). */
async function peopleWithRoles(
  db: Executor,
  organisationId: string,
  roles: Role[],
  departmentId?: string,
): Promise<Person[]> {
  let query = db
    .selectFrom("memberships")
    .select("memberships.user_id as id")
    .where("memberships.organisation_id", "=", organisationId)
    .where("memberships.deactivated_at", "is", null)
    .where(sql<boolean>`memberships.roles && ${sql.val(roles)}::text[]`);
  if (departmentId)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("user_departments")
          .select("user_departments.user_id")
          .whereRef("user_departments.user_id", "=", "memberships.user_id")
          .where("user_departments.department_id", "=", departmentId),
      ),
    );
  return query.execute();
}

/** Active members of the organisation among `ids`. */
async function activeAmong(db: Executor, organisationId: string, ids: string[]): Promise<Person[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("memberships")
    .select("user_id as id")
    .where("organisation_id", "=", organisationId)
    .where("deactivated_at", "is", null)
    .where("user_id", "in", ids)
    .execute();
}

const departmentEditors = (db: Executor, organisationId: string, departmentId: string) =>
  peopleWithRoles(db, organisationId, ["editor"], departmentId);
const workingGroup = (db: Executor, organisationId: string) =>
  peopleWithRoles(db, organisationId, ["member", "admin"]);

async function actionFacts(db: Executor, actionId: string) {
  return db
    .selectFrom("actions")
    .innerJoin("departments", "departments.id", "actions.department_id")
    .select(["actions.title", "actions.due_date", "departments.name as department"])
    .where("actions.id", "=", actionId)
    .executeTakeFirst();
}

async function periodFacts(db: Executor, periodId: string, departmentId?: string) {
  const period = await db
    .selectFrom("follow_up_periods")
    .select(["name", "report_deadline"])
    .where("id", "=", periodId)
    .executeTakeFirst();
  const department = departmentId
    ? await db
        .selectFrom("departments")
        .select("name")
        .where("id", "=", departmentId)
        .executeTakeFirst()
    : undefined;
  return period && { ...period, department: department?.name ?? "" };
}

async function documentFacts(db: Executor, documentId: string) {
  return db
    .selectFrom("documents")
    .select(["title", "created_by"])
    .where("id", "=", documentId)
    .executeTakeFirst();
}

const to = (people: Person[], kind: NotificationKind, text: Subject): Recipient[] =>
  people.map((person) => ({ userId: person.id, kind, ...text }));

/** Whether every department reporting in the period has klarmarkerat it. */
async function everyDepartmentDone(db: Executor, organisationId: string, periodId: string) {
  // The report as the kommunchef sees it (read-only; the actor is the system).
  const report = await buildPeriodReport(
    db,
    { userId: "", organisationId, roles: ["chief"], departmentIds: [] },
    periodId,
  );
  return (
    report.departments.length > 0 &&
    report.departments.every((department) => department.completedAt !== null)
  );
}

/** The people among `userIds` as the policy sees them in the organisation (active ones only). */
async function actorsIn(
  db: Executor,
  organisationId: string,
  userIds: string[],
): Promise<Map<string, Actor>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("memberships")
    .select((eb) => [
      "memberships.user_id",
      "memberships.roles",
      eb.fn
        .coalesce(
          eb
            .selectFrom("user_departments")
            .innerJoin("departments", "departments.id", "user_departments.department_id")
            .select(sql<string[]>`array_agg(user_departments.department_id)`.as("ids"))
            .whereRef("user_departments.user_id", "=", "memberships.user_id")
            .where("departments.organisation_id", "=", organisationId),
          sql<string[]>`'{}'::uuid[]`,
        )
        .as("department_ids"),
    ])
    .where("memberships.organisation_id", "=", organisationId)
    .where("memberships.deactivated_at", "is", null)
    .where("memberships.user_id", "in", userIds)
    .execute();
  return new Map(
    rows.map((row) => [
      row.user_id,
      {
        userId: row.user_id,
        organisationId,
        roles: row.roles,
        departmentIds: row.department_ids.map(String),
      },
    ]),
  );
}

/** Who is told of an event, and what: [] for events nobody is notified of. */
async function recipientsOf(db: Executor, event: DomainEvent): Promise<Recipient[]> {
  const org = event.organisationId;
  const actor = "actorName" in event ? (event.actorName ?? "") : "";
  switch (event.type) {
    case "action.assigned": {
      const action = await actionFacts(db, event.actionId);
      if (!action) return [];
      const link = `/atgarder/${event.actionId}`;
      const readWith = "actions:read";
      const params = { actor, title: action.title, department: action.department };
      const owner =
        event.ownerChanged && event.ownerId
          ? to(await activeAmong(db, org, [event.ownerId]), "assigned", {
              message: "assigned.owner",
              params,
              link,
              readWith,
            })
          : [];
      const department = event.departmentChanged
        ? to(await departmentEditors(db, org, event.departmentId), "assigned", {
            message: "assigned.department",
            params,
            link,
            readWith,
          })
        : [];
      return [...owner, ...department];
    }
    case "period.deadline-approaching":
    case "period.deadline-passed": {
      const period = await periodFacts(db, event.periodId, event.departmentId);
      if (!period) return [];
      const text = {
        params: {
          period: period.name,
          department: period.department,
          deadline: period.report_deadline,
          days: String("daysLeft" in event ? event.daysLeft : 0),
        },
        link: `/rapporter/${event.periodId}`,
        readWith: "reports:read-live" as const,
      };
      const editors = await departmentEditors(db, org, event.departmentId);
      if (event.type === "period.deadline-approaching")
        return to(editors, "deadline-approaching", { message: "deadline-approaching", ...text });
      return to([...editors, ...(await workingGroup(db, org))], "deadline-passed", {
        message: "deadline-passed",
        ...text,
      });
    }
    case "action.overdue": {
      const action = await actionFacts(db, event.actionId);
      if (!action) return [];
      const owner = event.ownerId ? await activeAmong(db, org, [event.ownerId]) : [];
      return to(
        owner.length > 0 ? owner : await departmentEditors(db, org, event.departmentId),
        "action-overdue",
        {
          message: "action-overdue",
          params: { title: action.title, dueDate: action.due_date ?? "" },
          link: `/atgarder/${event.actionId}`,
          readWith: "actions:read",
        },
      );
    }
    case "action.comment-added": {
      const action = await actionFacts(db, event.actionId);
      if (!action) return [];
      return to(await activeAmong(db, org, event.mentionedUserIds), "mention", {
        message: "mention.action",
        params: { actor, title: action.title },
        link: `/atgarder/${event.actionId}#kommentar`,
        readWith: "actions:read",
      });
    }
    case "document.comment-added":
    case "document.review-requested":
    case "document.reviewed": {
      const document = await documentFacts(db, event.documentId);
      if (!document) return [];
      const text = {
        params: { actor, title: document.title },
        link: `/dokument/${event.documentId}`,
        // Comments and reviews are on drafts, which only those who may comment read.
        readWith: "documents:comment" as const,
      };
      if (event.type === "document.comment-added")
        return to(await activeAmong(db, org, event.mentionedUserIds), "mention", {
          message: "mention.document",
          ...text,
        });
      if (event.type === "document.review-requested")
        return to(await activeAmong(db, org, event.reviewerIds), "review-requested", {
          message: "review-requested",
          ...text,
        });
      const author = document.created_by ? [document.created_by] : [];
      return to(await activeAmong(db, org, author), "reviewed", { message: "reviewed", ...text });
    }
    case "period-report.changed": {
      if (!event.completed || !(await everyDepartmentDone(db, org, event.periodId))) return [];
      const period = await periodFacts(db, event.periodId);
      if (!period) return [];
      return to(await peopleWithRoles(db, org, ["chief"]), "ready-to-adopt", {
        message: "ready-to-adopt",
        params: { period: period.name },
        link: `/rapporter/${event.periodId}`,
        readWith: "reports:read-live",
      });
    }
    case "period-report.adopted": {
      const period = await periodFacts(db, event.periodId);
      if (!period) return [];
      return to(await workingGroup(db, org), "report-adopted", {
        message: "report-adopted",
        params: { actor, period: period.name },
        link: `/rapporter/${event.periodId}`,
        readWith: "reports:read-adopted",
      });
    }
    default:
      return [];
  }
}

interface Choice {
  inApp: boolean;
  email: boolean;
}

async function choicesOf(db: Executor, userIds: string[]) {
  const rows =
    userIds.length === 0
      ? []
      : await db
          .selectFrom("notification_preferences")
          .select(["user_id", "kind", "in_app", "email"])
          .where("user_id", "in", userIds)
          .execute();
  const chosen = new Map(rows.map((row) => [`${row.user_id}:${row.kind}`, row]));
  return (userId: string, kind: NotificationKind): Choice => {
    const row = chosen.get(`${userId}:${kind}`);
    return row ? { inApp: row.in_app, email: row.email } : DEFAULT_CHOICES[kind];
  };
}

/** Tells a person's open tabs how many unread notifications they have now. */
export type UnreadEmitter = (userId: string, unread: number) => void;

export async function unreadCount(
  db: Executor,
  userId: string,
  organisationId: string,
): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("user_id", "=", userId)
    .where("organisation_id", "=", organisationId)
    .where("in_app", "=", true)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

interface Deps {
  db: DB;
  config: Config;
  emitUnread: UnreadEmitter;
}

/**
 * Turns one delivered domain event into notifications: resolves who is told (never the actor),
 * writes one row per event and person (a redelivered event finds them written and does nothing),
 * tells their open tabs, and e-mails those whose choice for the kind says so (or keeps it for
 * their weekly digest).
 */
export async function notifyOf(deps: Deps, event: DomainEvent): Promise<void> {
  const { db, config } = deps;
  if (event.type === "digest.due") return sendDigests(deps, event.organisationId, event.week);
  const actorId = "actorId" in event ? event.actorId : null;
  const all = await recipientsOf(db, event);
  const seen = new Set<string>();
  const others = all.filter((r) => {
    if (r.userId === actorId || seen.has(r.userId)) return false;
    seen.add(r.userId);
    return true;
  });
  const actorOf = await actorsIn(db, event.organisationId, [...seen]);
  const recipients = others.filter((r) => {
    const reader = actorOf.get(r.userId);
    return (
      reader !== undefined && can(reader, r.readWith, { organisationId: event.organisationId })
    );
  });
  if (recipients.length === 0) return;
  const choiceOf = await choicesOf(
    db,
    recipients.map((r) => r.userId),
  );
  const people = await db
    .selectFrom("users")
    .select(["id", "email", "name", "locale", "weekly_digest"])
    .where(
      "id",
      "in",
      recipients.map((r) => r.userId),
    )
    .execute();
  const personById = new Map(people.map((person) => [person.id, person]));

  for (const recipient of recipients) {
    const person = personById.get(recipient.userId);
    const choice = choiceOf(recipient.userId, recipient.kind);
    if (!person || (!choice.inApp && !choice.email)) continue;
    const email = !choice.email ? "none" : person.weekly_digest ? "digest" : "sent";
    const inserted = await db
      .insertInto("notifications")
      .values({
        organisation_id: event.organisationId,
        user_id: recipient.userId,
        event_id: event.eventId,
        kind: recipient.kind,
        params: JSON.stringify({ message: recipient.message, ...recipient.params }),
        link: recipient.link,
        in_app: choice.inApp,
        email,
      })
      .onConflict((oc) => oc.columns(["event_id", "user_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    // Written before: this event was delivered again (after a restart), and was handled then.
    if (!inserted) continue;
    if (choice.inApp)
      deps.emitUnread(
        recipient.userId,
        await unreadCount(db, recipient.userId, event.organisationId),
      );
    if (email !== "sent") continue;
    const text = notificationText(person.locale, recipient);
    const t = translator(person.locale);
    await sendMail(db, config, {
      organisationId: event.organisationId,
      to: { userId: person.id, email: person.email, name: person.name, locale: person.locale },
      kind: recipient.kind,
      subject: text,
      paragraphs: [text],
      link: { label: t("mail.open"), url: `${linkOrigin(config)}${recipient.link}` },
      unsubscribe: true,
    });
  }
}

/**
 * The weekly digest: one e-mail per person with what was kept for it since the last one. Each
 * notification is taken once (marked sent in the same transaction that reads it), so a digest
 * event delivered twice sends nothing more.
 */
async function sendDigests(deps: Deps, organisationId: string, week: string): Promise<void> {
  const { db, config } = deps;
  const taken = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("notifications")
      .innerJoin("users", "users.id", "notifications.user_id")
      .select([
        "notifications.id",
        "notifications.user_id",
        "notifications.params",
        "notifications.link",
        "notifications.created_at",
        "users.email",
        "users.name",
        "users.locale",
      ])
      .where("notifications.organisation_id", "=", organisationId)
      .where("notifications.email", "=", "digest")
      .orderBy("notifications.created_at")
      .forUpdate("notifications")
      .skipLocked()
      .execute();
    if (rows.length > 0)
      await trx
        .updateTable("notifications")
        .set({ email: "sent" })
        .where(
          "id",
          "in",
          rows.map((row) => row.id),
        )
        .execute();
    return rows;
  });
  const byPerson = new Map<string, typeof taken>();
  for (const row of taken) byPerson.set(row.user_id, [...(byPerson.get(row.user_id) ?? []), row]);
  for (const rows of byPerson.values()) {
    const person = rows[0];
    const t = translator(person.locale);
    await sendMail(db, config, {
      organisationId,
      to: { userId: person.user_id, email: person.email, name: person.name, locale: person.locale },
      kind: "digest",
      subject: t("mail.digest.subject", { week, count: rows.length }),
      paragraphs: rows.map((row) => {
        const { message, ...params } = row.params;
        return `– ${notificationText(person.locale, { message, params, link: row.link })} ${linkOrigin(config)}${row.link}`;
      }),
      link: { label: t("mail.digest.open"), url: `${linkOrigin(config)}/notiser` },
      unsubscribe: true,
    });
  }
}

/** Removes notifications and kept e-mails older than KEEP_DAYS. */
export async function pruneNotifications(db: Executor): Promise<void> {
  const before = sql<Date>`now() - make_interval(days => ${KEEP_DAYS})`;
  await db.deleteFrom("notifications").where("created_at", "<", before).execute();
  await db.deleteFrom("mail_outbox").where("created_at", "<", before).execute();
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * Subscribes the notifications to the bus (events arrive after COMMIT, from the dispatcher),
 * prunes old ones now and daily, and every minute sends again the e-mails whose next try is due.
 * Returns the function that stops all three.
 */
export function followNotifications(
  bus: EventBus,
  deps: Deps,
  report: (error: unknown) => void,
): () => void {
  const unsubscribe = bus.subscribe((event) => notifyOf(deps, event));
  const prune = () =>
    pruneNotifications(deps.db).catch((error) =>
      report(new Error("Pruning old notifications failed", { cause: error })),
    );
  void prune();
  const daily = setInterval(prune, DAY_MS);
  daily.unref();
  const retry = () =>
    retryFailedMail(deps.db, deps.config).catch((error) =>
      report(new Error("Sending e-mails again failed", { cause: error })),
    );
  const everyMinute = setInterval(retry, MINUTE_MS);
  everyMinute.unref();
  return () => {
    unsubscribe();
    clearInterval(daily);
    clearInterval(everyMinute);
  };
}
