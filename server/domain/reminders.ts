import type { Executor, Tx } from "../../db";
import { addDays, swedishToday } from "./dates";
import { type EventFacts, recordEvent } from "./events";
import { reportableActions } from "./followups";
import { nextWorkingDay } from "./working-days";

/** Reminders of the report deadline are recorded this many days before it. */
export const DEADLINE_REMINDER_DAYS = [14, 3] as const;
/**
 * A reminder whose day passed while no server ran is still recorded this many days after it;
 * older ones are left out, so a new install (or the demo's old periods) sends no backlog.
 */
export const CATCH_UP_DAYS = 7;
/** The weekly digest is due from this hour (Swedish time) on Monday. */
export const DIGEST_HOUR = 7;

/** One reminder: recorded once per organisation × kind × subject × occasion, with its event. */
export interface Reminder {
  organisationId: string;
  kind: "deadline-approaching" | "deadline-passed" | "action-overdue" | "digest";
  subject: string;
  occasion: string;
  event: EventFacts;
}

const daysBetween = (from: string, to: string) =>
  Math.round(
    (new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / 86_400_000,
  );

/** The ISO week of a date, as '2017-W41'. */
export function isoWeek(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  // The week belongs to the year of its Thursday.
  const thursday = addDays(isoDate, 3 - ((date.getUTCDay() + 6) % 7));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Monday to Sunday as 1…7, and the hour, in Sweden. */
function swedishWeekdayAndHour(now: Date) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Stockholm",
    weekday: "short",
    hour: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(
    parts.find((p) => p.type === "weekday")!.value,
  );
  return { weekday: weekday + 1, hour: Number(parts.find((p) => p.type === "hour")!.value) };
}

/**
 * Which of a deadline's reminders is due on `today`, if any: 14 days before (until the 3-day
 * one), 3 days before (until the deadline), and passed on the next working day after it.
 */
export function deadlineOccasion(
  deadline: string,
  today: string,
): { occasion: "14" | "3"; daysLeft: number } | { occasion: "passed" } | null {
  const daysLeft = daysBetween(today, deadline);
  const [early, late] = DEADLINE_REMINDER_DAYS;
  if (daysLeft <= early && daysLeft > late) return { occasion: "14", daysLeft };
  if (daysLeft <= late && daysLeft >= 0) return { occasion: "3", daysLeft };
  const passedOn = nextWorkingDay(deadline);
  if (today >= passedOn && today <= addDays(passedOn, CATCH_UP_DAYS)) return { occasion: "passed" };
  return null;
}

/** The departments that must report in a period and have not klarmarkerat it. */
async function departmentsNotReported(
  db: Executor,
  organisationId: string,
  period: { id: string; start_date: string; end_date: string; report_deadline: string },
  closed: boolean,
): Promise<string[]> {
  const rows = await reportableActions(db, organisationId, {
    ...period,
    closed_on: closed ? period.report_deadline : null,
  })
    .innerJoin("departments", "departments.id", "actions.department_id")
    .where("departments.archived_at", "is", null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("period_reports")
            .select("period_reports.department_id")
            .whereRef("period_reports.department_id", "=", "actions.department_id")
            .where("period_reports.period_id", "=", period.id),
        ),
      ),
    )
    .select("actions.department_id")
    .distinct()
    .orderBy("actions.department_id")
    .execute();
  return rows.map((r) => r.department_id);
}

/**
 * Every reminder the data makes due at `now`, recorded or not: report deadlines of periods not
 * adopted, for departments that have not klarmarkerat; unfinished actions past their due date;
 * and each organisation's weekly digest from Monday morning.
 */
export async function dueReminders(db: Executor, now: Date): Promise<Reminder[]> {
  const today = swedishToday(now);
  const reminders: Reminder[] = [];
  const periods = await db
    .selectFrom("follow_up_periods")
    .selectAll()
    .where("report_deadline", "<=", addDays(today, DEADLINE_REMINDER_DAYS[0]))
    // The next working day after a deadline is at most a week and a half away.
    .where("report_deadline", ">=", addDays(today, -(CATCH_UP_DAYS + 12)))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("report_adoptions")
            .select("report_adoptions.period_id")
            .whereRef("report_adoptions.period_id", "=", "follow_up_periods.id"),
        ),
      ),
    )
    .orderBy("report_deadline")
    .execute();
  for (const period of periods) {
    const due = deadlineOccasion(period.report_deadline, today);
    if (!due) continue;
    const departments = await departmentsNotReported(
      db,
      period.organisation_id,
      period,
      due.occasion === "passed",
    );
    for (const departmentId of departments) {
      reminders.push({
        organisationId: period.organisation_id,
        subject: `${period.id}:${departmentId}`,
        occasion: due.occasion,
        ...(due.occasion === "passed"
          ? {
              kind: "deadline-passed",
              event: { type: "period.deadline-passed", periodId: period.id, departmentId },
            }
          : {
              kind: "deadline-approaching",
              event: {
                type: "period.deadline-approaching",
                periodId: period.id,
                departmentId,
                daysLeft: due.daysLeft,
              },
            }),
      });
    }
  }

  const overdue = await db
    .selectFrom("actions")
    .select(["id", "organisation_id", "department_id", "owner_id", "due_date"])
    .where("status", "not in", ["done", "cancelled"])
    .where("archived_at", "is", null)
    .where("due_date", "<", today)
    .where("due_date", ">=", addDays(today, -(CATCH_UP_DAYS + 1)))
    .orderBy("due_date")
    .orderBy("id")
    .execute();
  for (const action of overdue) {
    reminders.push({
      organisationId: action.organisation_id,
      kind: "action-overdue",
      subject: action.id,
      // A due date moved later and passed again is a new occasion.
      occasion: action.due_date!,
      event: {
        type: "action.overdue",
        actionId: action.id,
        departmentId: action.department_id,
        ownerId: action.owner_id,
      },
    });
  }

  const { weekday, hour } = swedishWeekdayAndHour(now);
  if (weekday > 1 || hour >= DIGEST_HOUR) {
    const week = isoWeek(today);
    const organisations = await db.selectFrom("organisations").select("id").orderBy("id").execute();
    for (const { id } of organisations) {
      reminders.push({
        organisationId: id,
        kind: "digest",
        subject: id,
        occasion: week,
        event: { type: "digest.due", week },
      });
    }
  }
  return reminders;
}

/**
 * Records a reminder and its domain event in the caller's transaction, unless it was recorded
 * before (by this or another process): true when it is new. The unique key makes this exactly
 * once whatever runs at the same time; a rolled-back run leaves neither row.
 */
export async function recordReminder(trx: Tx, reminder: Reminder): Promise<boolean> {
  const inserted = await trx
    .insertInto("reminders")
    .values({
      organisation_id: reminder.organisationId,
      kind: reminder.kind,
      subject: reminder.subject,
      occasion: reminder.occasion,
    })
    .onConflict((oc) => oc.columns(["organisation_id", "kind", "subject", "occasion"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) return false;
  await recordEvent(trx, { organisationId: reminder.organisationId, userId: null }, reminder.event);
  return true;
}
