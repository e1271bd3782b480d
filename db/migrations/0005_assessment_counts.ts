import { type Kysely, sql } from "kysely";

/**
 * Assessments per period × goal × department × assessment, kept by the database itself on every
 * follow-up change (and when an action moves to another goal or department), so the overview's
 * trend reads a few hundred rows instead of joining every follow-up with its action.
 * Actions are never deleted by the application; an organisation's removal cascades.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("assessment_counts")
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("period_id", "uuid", (c) =>
      c.notNull().references("follow_up_periods.id").onDelete("cascade"),
    )
    .addColumn("goal_id", "uuid", (c) => c.notNull())
    .addColumn("department_id", "uuid", (c) => c.notNull())
    .addColumn("assessment", "text", (c) => c.notNull())
    .addColumn("n", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("assessment_counts_pkey", [
      "organisation_id",
      "period_id",
      "goal_id",
      "department_id",
      "assessment",
    ])
    .execute();

  await sql`
    create function bump_assessment_count(org uuid, period uuid, action uuid, grade text, delta integer)
    returns void language plpgsql as $$
    declare goal uuid; department uuid;
    begin
      select a.goal_id, a.department_id into goal, department from actions a where a.id = action;
      if goal is null then return; end if;
      insert into assessment_counts as c (organisation_id, period_id, goal_id, department_id, assessment, n)
      values (org, period, goal, department, grade, delta)
      on conflict (organisation_id, period_id, goal_id, department_id, assessment)
      do update set n = c.n + excluded.n;
    end $$`.execute(db);

  await sql`
    create function follow_ups_count() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        perform bump_assessment_count(old.organisation_id, old.period_id, old.action_id, old.assessment, -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform bump_assessment_count(new.organisation_id, new.period_id, new.action_id, new.assessment, 1);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger follow_ups_count after insert or delete or update of assessment, period_id, action_id
    on follow_ups for each row execute function follow_ups_count()`.execute(db);

  // An action moved to another goal or department takes its assessments along.
  await sql`
    create function actions_move_counts() returns trigger language plpgsql as $$
    declare f record;
    begin
      for f in select * from follow_ups where action_id = new.id loop
        insert into assessment_counts as c (organisation_id, period_id, goal_id, department_id, assessment, n)
        values (f.organisation_id, f.period_id, old.goal_id, old.department_id, f.assessment, -1)
        on conflict (organisation_id, period_id, goal_id, department_id, assessment) do update set n = c.n - 1;
        insert into assessment_counts as c (organisation_id, period_id, goal_id, department_id, assessment, n)
        values (f.organisation_id, f.period_id, new.goal_id, new.department_id, f.assessment, 1)
        on conflict (organisation_id, period_id, goal_id, department_id, assessment) do update set n = c.n + 1;
      end loop;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger actions_move_counts after update of goal_id, department_id on actions
    for each row when (old.goal_id is distinct from new.goal_id or old.department_id is distinct from new.department_id)
    execute function actions_move_counts()`.execute(db);

  await sql`
    insert into assessment_counts (organisation_id, period_id, goal_id, department_id, assessment, n)
    select f.organisation_id, f.period_id, a.goal_id, a.department_id, f.assessment, count(*)
    from follow_ups f join actions a on a.id = f.action_id
    group by 1, 2, 3, 4, 5`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger actions_move_counts on actions`.execute(db);
  await sql`drop function actions_move_counts()`.execute(db);
  await sql`drop trigger follow_ups_count on follow_ups`.execute(db);
  await sql`drop function follow_ups_count()`.execute(db);
  await sql`drop function bump_assessment_count(uuid, uuid, uuid, text, integer)`.execute(db);
  await db.schema.dropTable("assessment_counts").execute();
}
