import { type Kysely, sql } from "kysely";

/**
 * socket.io's PostgreSQL adapter (server/realtime/cluster.ts) passes messages between server
 * processes with NOTIFY; a message with binary data or over NOTIFY's 8 000 bytes is written here
 * and the notification carries its id. The adapter deletes rows older than 30 seconds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table socket_io_attachments (
    id bigserial unique,
    created_at timestamptz default now(),
    payload bytea
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("socket_io_attachments").execute();
}
