import { type Kysely, sql } from "kysely";

/**
 * How many changes each organisation has seen: every command records a domain event in the
 * transaction of its change, and this trigger counts it there, so the new version becomes visible
 * at the same COMMIT as the change. Answers kept at a version (server/read-cache.ts) are good as
 * long as it has not moved.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("organisation_data_versions")
    .addColumn("organisation_id", "uuid", (c) =>
      c.primaryKey().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("version", "bigint", (c) => c.notNull())
    .execute();
  await sql`
    create function count_organisation_change() returns trigger language plpgsql as $$
    begin
      insert into organisation_data_versions as v (organisation_id, version)
      values (new.organisation_id, 1)
      on conflict (organisation_id) do update set version = v.version + 1;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger domain_events_count_change after insert on domain_events
    for each row execute function count_organisation_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger domain_events_count_change on domain_events`.execute(db);
  await sql`drop function count_organisation_change()`.execute(db);
  await db.schema.dropTable("organisation_data_versions").execute();
}
