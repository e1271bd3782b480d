import { type Kysely, sql } from "kysely";

/**
 * Signing in with an organisation's own OpenID Connect provider: its settings (the client secret
 * encrypted), which provider account is which person, and which provider session each of our
 * sessions came from (for back-channel logout). Local passwords can be switched off per
 * organisation.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("organisations")
    .addColumn("password_sign_in", "boolean", (c) => c.notNull().defaultTo(true))
    .execute();
  // A person the provider created waits with no role until an admin (or a group) gives one.
  await db.schema.alterTable("memberships").dropConstraint("memberships_roles_check").execute();
  await db.schema
    .alterTable("memberships")
    .addCheckConstraint(
      "memberships_roles_check",
      sql`roles <@ array['admin','member','editor','chief','observer']::text[]`,
    )
    .execute();
  await db.schema
    .createTable("identity_providers")
    .addColumn("organisation_id", "uuid", (c) =>
      c.primaryKey().references("organisations.id").onDelete("cascade"),
    )
    // The connection: empty when the server's environment (OIDC_*) supplies it.
    .addColumn("display_name", "text")
    .addColumn("issuer", "text")
    .addColumn("client_id", "text")
    /** AES-256-GCM (server/auth/oidc/secret-box.ts): `v1.<iv>.<tag>.<ciphertext>`, base64url. */
    .addColumn("client_secret_encrypted", "text")
    .addColumn("scopes", "text", (c) => c.notNull().defaultTo("openid email profile"))
    .addColumn("email_claim", "text", (c) => c.notNull().defaultTo("email"))
    .addColumn("groups_claim", "text", (c) => c.notNull().defaultTo("groups"))
    /** Entra ID sends no email_verified: the organisation vouches for its provider's addresses. */
    .addColumn("trust_unverified_email", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("email_domains", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    /** [{ group, role, departmentId }]: roles and departments follow the provider's groups. */
    .addColumn("group_mappings", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("user_identities")
    .addColumn("organisation_id", "uuid", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("user_identities_pk", ["organisation_id", "issuer", "subject"])
    .execute();
  await db.schema
    .alterTable("sessions")
    .addColumn("provider_subject", "text")
    .addColumn("provider_session_id", "text")
    .execute();
  await db.schema
    .createIndex("sessions_provider_subject_idx")
    .on("sessions")
    .columns(["organisation_id", "provider_subject"])
    .where(sql.ref("provider_subject"), "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("sessions_provider_subject_idx").execute();
  await db.schema
    .alterTable("sessions")
    .dropColumn("provider_subject")
    .dropColumn("provider_session_id")
    .execute();
  await db.schema.dropTable("user_identities").execute();
  await db.schema.dropTable("identity_providers").execute();
  await db.schema.alterTable("organisations").dropColumn("password_sign_in").execute();
  await db.deleteFrom("memberships").where(sql<boolean>`cardinality(roles) = 0`).execute();
  await db.schema.alterTable("memberships").dropConstraint("memberships_roles_check").execute();
  await db.schema
    .alterTable("memberships")
    .addCheckConstraint(
      "memberships_roles_check",
      sql`roles <@ array['admin','member','editor','chief','observer']::text[] and cardinality(roles) > 0`,
    )
    .execute();
}
