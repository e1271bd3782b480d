import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("organisations")
    .addColumn("period_kind", "text", (c) =>
      c.notNull().defaultTo("tertial").check(sql`period_kind in ('tertial', 'quarter', 'year')`),
    )
    .execute();

  await db.schema
    .createTable("follow_up_periods")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("start_date", "date", (c) => c.notNull())
    .addColumn("end_date", "date", (c) => c.notNull())
    .addColumn("report_deadline", "date", (c) => c.notNull())
    .addCheckConstraint("follow_up_periods_dates_check", sql`start_date <= end_date`)
    .addUniqueConstraint("follow_up_periods_org_start_key", ["organisation_id", "start_date"])
    .execute();

  await db.schema
    .createTable("actions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("goal_id", "uuid", (c) => c.notNull().references("goals.id").onDelete("restrict"))
    .addColumn("department_id", "uuid", (c) =>
      c.notNull().references("departments.id").onDelete("restrict"),
    )
    .addColumn("owner_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("start_date", "date")
    .addColumn("due_date", "date")
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("not_started")
        .check(sql`status in ('not_started', 'in_progress', 'done', 'paused', 'cancelled')`),
    )
    .addColumn("progress", "integer", (c) =>
      c.notNull().defaultTo(0).check(sql`progress between 0 and 100`),
    )
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      "actions_dates_check",
      sql`start_date is null or due_date is null or start_date <= due_date`,
    )
    .execute();
  await db.schema
    .createIndex("actions_org_idx")
    .on("actions")
    .columns(["organisation_id", "department_id", "status"])
    .execute();
  await db.schema
    .createIndex("actions_goal_idx")
    .on("actions")
    .columns(["organisation_id", "goal_id"])
    .execute();

  await db.schema
    .createTable("action_departments")
    .addColumn("action_id", "uuid", (c) => c.notNull().references("actions.id").onDelete("cascade"))
    .addColumn("department_id", "uuid", (c) =>
      c.notNull().references("departments.id").onDelete("restrict"),
    )
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("action_departments_pkey", ["action_id", "department_id"])
    .execute();

  await db.schema
    .createTable("follow_ups")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("action_id", "uuid", (c) => c.notNull().references("actions.id").onDelete("cascade"))
    .addColumn("period_id", "uuid", (c) =>
      c.notNull().references("follow_up_periods.id").onDelete("cascade"),
    )
    .addColumn("assessment", "text", (c) =>
      c.notNull().check(sql`assessment in ('on_track', 'at_risk', 'off_track', 'not_assessed')`),
    )
    .addColumn("comment", "text", (c) => c.notNull())
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("follow_ups_action_period_key", ["action_id", "period_id"])
    .execute();

  await db.schema
    .createTable("period_reports")
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("department_id", "uuid", (c) =>
      c.notNull().references("departments.id").onDelete("cascade"),
    )
    .addColumn("period_id", "uuid", (c) =>
      c.notNull().references("follow_up_periods.id").onDelete("cascade"),
    )
    .addColumn("completed_at", "timestamptz", (c) => c.notNull())
    .addColumn("completed_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addPrimaryKeyConstraint("period_reports_pkey", ["department_id", "period_id"])
    .execute();

  await db.schema
    .createTable("action_comments")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("action_id", "uuid", (c) => c.notNull().references("actions.id").onDelete("cascade"))
    .addColumn("author_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("action_comments_action_idx")
    .on("action_comments")
    .columns(["action_id", "created_at"])
    .execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "api_tokens",
    "action_comments",
    "period_reports",
    "follow_ups",
    "action_departments",
    "actions",
    "follow_up_periods",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable("organisations").dropColumn("period_kind").execute();
}
