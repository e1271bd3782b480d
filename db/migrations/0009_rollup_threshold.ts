import { type Kysely, sql } from "kysely";

/**
 * The organisation's coverage threshold for roll-ups: a goal's combined assessment is given only
 * when more than this percentage of its counted actions are assessed ("Underlag saknas" otherwise).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("organisations")
    .addColumn("rollup_threshold", "integer", (c) =>
      c.notNull().defaultTo(50).check(sql`rollup_threshold between 0 and 99`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("organisations").dropColumn("rollup_threshold").execute();
}
