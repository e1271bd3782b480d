import type { Kysely } from "kysely";

/**
 * A document's front matter for when it leaves the portal as a file: the municipality and the
 * sending office, the registration number (diarienummer), its date, the case officer
 * (handläggare) and the kind of paper ("Yttrande", "Tjänsteskrivelse", …). Empty until set.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("documents")
    .addColumn("front_municipality", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("front_sender", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("front_registration_number", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("front_date", "date")
    .addColumn("front_case_officer", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("front_document_type", "text", (c) => c.notNull().defaultTo(""))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("documents")
    .dropColumn("front_municipality")
    .dropColumn("front_sender")
    .dropColumn("front_registration_number")
    .dropColumn("front_date")
    .dropColumn("front_case_officer")
    .dropColumn("front_document_type")
    .execute();
}
