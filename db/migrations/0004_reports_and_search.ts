import { type Kysely, sql } from "kysely";

// Swedish full-text search: stored tsvector columns kept by PostgreSQL itself, with GIN indexes.
// Titles weigh A and body text B, so a match in a title ranks above the same match in the text.
const words = (column: string, weight: "A" | "B") =>
  sql`setweight(to_tsvector('swedish', coalesce(${sql.ref(column)}, '')), ${sql.lit(weight)})`;
const SEARCHABLE = [
  { table: "actions", expression: sql`${words("title", "A")} || ${words("description", "B")}` },
  { table: "action_comments", expression: words("body", "B") },
  { table: "follow_ups", expression: words("comment", "B") },
  { table: "documents", expression: sql`${words("title", "A")} || ${words("rendered_text", "B")}` },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const { table, expression } of SEARCHABLE) {
    await db.schema
      .alterTable(table)
      .addColumn("search", sql`tsvector`, (c) => c.generatedAlwaysAs(expression).stored())
      .execute();
    await db.schema
      .createIndex(`${table}_search_idx`)
      .on(table)
      .using("gin")
      .column("search")
      .execute();
  }

  // An adopted (fastställd) period report: an immutable copy of what the board was given.
  await db.schema
    .createTable("report_adoptions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("period_id", "uuid", (c) =>
      c.notNull().references("follow_up_periods.id").onDelete("cascade"),
    )
    .addColumn("data", "jsonb", (c) => c.notNull())
    .addColumn("adopted_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("adopted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("report_adoptions_period_idx")
    .on("report_adoptions")
    .columns(["organisation_id", "period_id", "adopted_at"])
    .execute();
  // The dashboard's trend reads follow-ups by period.
  await db.schema
    .createIndex("follow_ups_period_idx")
    .on("follow_ups")
    .columns(["organisation_id", "period_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("follow_ups_period_idx").execute();
  await db.schema.dropTable("report_adoptions").execute();
  for (const { table } of SEARCHABLE)
    await db.schema.alterTable(table).dropColumn("search").execute();
}
