import type { Kysely } from "kysely";

/**
 * A password an admin set (a temporary one) must be changed at the next sign-in; when a person's
 * password last changed is kept for the admin's user page.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("must_change_password", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("password_changed_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .dropColumn("must_change_password")
    .dropColumn("password_changed_at")
    .execute();
}
