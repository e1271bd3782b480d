import { type Kysely, sql } from "kysely";

/**
 * A follow-up records the action as it was when the department reported it (status, progress,
 * due date), so a past period's report shows that period and not today. All three are recorded
 * together: `reported_status` null means not recorded ("Ej registrerat"); with a status, a null
 * `reported_due_date` means the action had no due date.
 *
 * Follow-ups saved before this take the state from the audit history: the last entry at or
 * before the follow-up that carries the action's state (creations and updates record a whole
 * snapshot). Where there is none, or it lacks a field, the follow-up stays unrecorded.
 *
 * An adoption also keeps the reason given for adopting a report that was not complete.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("follow_ups")
    .addColumn("reported_status", "text", (c) =>
      c.check(
        sql`reported_status in ('not_started', 'in_progress', 'done', 'paused', 'cancelled')`,
      ),
    )
    .addColumn("reported_progress", "integer", (c) =>
      c.check(sql`reported_progress between 0 and 100`),
    )
    .addColumn("reported_due_date", "date")
    .execute();
  await sql`
    alter table follow_ups add constraint follow_ups_reported_together
    check ((reported_status is null) = (reported_progress is null)
      and (reported_status is not null or reported_due_date is null))`.execute(db);

  await sql`
    update follow_ups f
    set reported_status = s.after ->> 'status',
        reported_progress = (s.after ->> 'progress')::int,
        reported_due_date = (s.after ->> 'dueDate')::date
    from (
      select distinct on (f2.id) f2.id, e.after
      from follow_ups f2
      join audit_events e
        on e.organisation_id = f2.organisation_id
       and e.entity_type = 'action'
       and e.entity_id = f2.action_id::text
       and e.after ? 'status'
       -- Saved in one transaction with the change: the audit entry's time has microseconds.
       and date_trunc('milliseconds', e.created_at) <= f2.updated_at
      order by f2.id, e.created_at desc, (e.after ->> 'version')::int desc nulls last
    ) s
    where f.id = s.id
      and s.after ? 'progress'
      and s.after ? 'dueDate'
      and s.after ->> 'status' in ('not_started', 'in_progress', 'done', 'paused', 'cancelled')`.execute(
    db,
  );

  await db.schema.alterTable("report_adoptions").addColumn("reason", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("report_adoptions").dropColumn("reason").execute();
  await sql`alter table follow_ups drop constraint follow_ups_reported_together`.execute(db);
  await db.schema
    .alterTable("follow_ups")
    .dropColumn("reported_status")
    .dropColumn("reported_progress")
    .dropColumn("reported_due_date")
    .execute();
}
