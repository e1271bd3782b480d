import { sql } from "kysely";
import type { DB } from "../../db";

/**
 * Every audited change records a domain event in the same transaction (a command that changed
 * data without one would leave open pages, and later notifications, silently stale). Installed
 * in every test database, so each command any test runs is checked: triggers note, per
 * transaction, each audit entry, each event and each change to any other table, in a schema of
 * their own (out of the way of the migrations and their checks). An audit entry written on its
 * own, with no change beside it, is a test planting old history, not a command.
 */
export async function watchEventCoverage(db: DB): Promise<void> {
  await sql`create schema event_coverage`.execute(db);
  await sql`create table event_coverage.noted (
    transaction_id xid8 not null,
    kind text not null,
    audit_action text
  )`.execute(db);
  await sql`
    create function event_coverage.note() returns trigger language plpgsql as $$
    begin
      insert into event_coverage.noted values (
        pg_current_xact_id(),
        tg_argv[0],
        case when tg_argv[0] = 'audit' and tg_level = 'ROW' then to_jsonb(new) ->> 'action' end);
      return null;
    end $$`.execute(db);
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not like 'kysely_%'`.execute(db);
  for (const { table_name: table } of rows) {
    const kind =
      table === "audit_events" ? "audit" : table === "domain_events" ? "event" : "change";
    const level = kind === "change" ? sql`statement` : sql`row`;
    const events = kind === "change" ? sql`insert or update or delete` : sql`insert`;
    await sql`create trigger event_coverage after ${events} on ${sql.table(table)}
      for each ${level} execute function event_coverage.note(${sql.lit(kind)})`.execute(db);
  }
}

/** The audit entries (their actions) of transactions that changed data and recorded no event. */
export async function auditedWithoutEvent(db: DB): Promise<string[]> {
  const result = await sql<{ audit_action: string }>`
    select audit.audit_action from event_coverage.noted audit
    where audit.kind = 'audit'
      and exists (select 1 from event_coverage.noted change
        where change.kind = 'change' and change.transaction_id = audit.transaction_id)
      and not exists (select 1 from event_coverage.noted event
        where event.kind = 'event' and event.transaction_id = audit.transaction_id)`.execute(db);
  return result.rows.map((row) => row.audit_action);
}

/** Throws, naming them, if any audited change of this database went without an event. */
export async function assertEveryAuditedChangeRecordedAnEvent(db: DB): Promise<void> {
  const uncovered = await auditedWithoutEvent(db);
  if (uncovered.length > 0)
    throw new Error(
      `Audited without a domain event in the same transaction: ${[...new Set(uncovered)].join(", ")}`,
    );
}
