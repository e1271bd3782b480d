import { type Kysely, sql } from "kysely";

/**
 * A period's assessments by action, with the assessment in the index: the overview and the
 * reporting counts join every action of a period with its follow-up there, and read them from
 * this index alone, in proportion to that period's follow-ups instead of scanning those of every
 * period ever reported.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index follow_ups_period_action_idx on follow_ups (period_id, action_id) include (assessment)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("follow_ups_period_action_idx").execute();
}
