import { sql } from "kysely";
import * as Y from "yjs";
import { type Executor, inTransaction } from "../../db";
import { applyCheckedUpdate, repairToSchema } from "./content-guard";

/** A document's stored Yjs state: the snapshot merged with every log row not folded into it. */
export interface StoredState {
  state: Uint8Array;
  /** The newest log row included (for catching up an in-memory copy). */
  lastUpdateId: bigint;
  /** Approximate stored size in bytes (snapshot plus log), for the document size limit. */
  storedBytes: number;
}

const toBytes = (value: Uint8Array) =>
  value instanceof Uint8Array ? value : new Uint8Array(value);

/** One update to save, and who made it (null: the server, e.g. restoring a version). */
export interface NewUpdate {
  update: Uint8Array;
  userId: string | null;
}

/**
 * Appends updates in one INSERT; resolves with the newest row's id after COMMIT, so the caller
 * may then acknowledge them. Only the log row is written: this runs for every keystroke, so
 * `documents.content_updated_at` is set with the rendered views instead (refreshRenderedFromState).
 */
export async function appendUpdates(
  db: Executor,
  documentId: string,
  updates: NewUpdate[],
): Promise<bigint> {
  const rows = await db
    .insertInto("document_updates")
    .values(updates.map((u) => ({ document_id: documentId, update: u.update, user_id: u.userId })))
    .returning("id")
    .execute();
  return rows.reduce((newest, row) => (BigInt(row.id) > newest ? BigInt(row.id) : newest), 0n);
}

export const appendUpdate = (
  db: Executor,
  documentId: string,
  update: Uint8Array,
  userId: string | null,
) => appendUpdates(db, documentId, [{ update, userId }]);

/**
 * Log rows after `afterId`, oldest first, to bring an in-memory copy up to date. Concurrent
 * inserts may commit out of id order, so rows from the last seconds are read again too:
 * applying a Yjs update twice changes nothing.
 */
export async function loadTail(db: Executor, documentId: string, afterId: bigint) {
  const rows = await db
    .selectFrom("document_updates")
    .select(["id", "update"])
    .where("document_id", "=", documentId)
    .where((eb) =>
      eb.or([
        eb("id", ">", afterId.toString()),
        eb("created_at", ">", sql<Date>`now() - interval '10 seconds'`),
      ]),
    )
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: BigInt(r.id), update: toBytes(r.update) }));
}

/** Every log row not yet folded into the snapshot. */
async function unfolded(db: Executor, documentId: string) {
  const rows = await db
    .selectFrom("document_updates")
    .select(["id", "update"])
    .where("document_id", "=", documentId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: BigInt(r.id), update: toBytes(r.update) }));
}

export async function loadState(db: Executor, documentId: string): Promise<StoredState | null> {
  // One statement, so one snapshot of the data: read separately, a compaction committing in
  // between would pair the old snapshot with a log it had already emptied, losing edits.
  const rows = await db
    .selectFrom("document_snapshots")
    .select([sql<number>`0`.as("part"), "last_update_id as id", "state as data"])
    .where("document_id", "=", documentId)
    .unionAll(
      db
        .selectFrom("document_updates")
        .select([sql<number>`1`.as("part"), "id", "update as data"])
        .where("document_id", "=", documentId),
    )
    .orderBy("part")
    .orderBy("id")
    .execute();
  if (rows.length === 0) return null;
  const updates = rows.map((row) => toBytes(row.data));
  // Not simply the last row: a log row committed late can have a lower id than the snapshot's.
  let lastUpdateId = 0n;
  for (const row of rows) if (BigInt(row.id) > lastUpdateId) lastUpdateId = BigInt(row.id);
  return {
    state: updates.length === 1 ? updates[0] : Y.mergeUpdates(updates),
    lastUpdateId,
    storedBytes: updates.reduce((sum, u) => sum + u.length, 0),
  };
}

/**
 * `loadState` for a document that is about to be shown or edited: if the stored content is
 * outside the editor's schema (an update stored before the server checked content), the log
 * rows that put it there are set aside first (`quarantine`), so the document opens for everyone
 * instead of failing. Costs one check of the whole document when nothing is wrong.
 */
export async function loadCheckedState(
  db: Executor,
  documentId: string,
): Promise<StoredState | null> {
  const stored = await loadState(db, documentId);
  if (!stored) return null;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, stored.state);
    if (!repairToSchema(doc)) return stored;
  } finally {
    doc.destroy();
  }
  await quarantine(db, documentId);
  return loadState(db, documentId);
}

/**
 * Replays the log on the snapshot with the content check, moves every row it refuses as
 * `invalid_content` to `document_quarantine` (visible to administrators), and removes what is
 * still outside the schema (content folded into the snapshot by an earlier compaction) with a
 * deletion saved as a server update. Serialised with compaction by the same advisory lock.
 */
async function quarantine(db: Executor, documentId: string) {
  await inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${documentId}))`.execute(trx);
    const snapshot = await trx
      .selectFrom("document_snapshots")
      .select("state")
      .where("document_id", "=", documentId)
      .executeTakeFirst();
    const rows = await trx
      .selectFrom("document_updates")
      .select(["id", "update", "user_id", "created_at"])
      .where("document_id", "=", documentId)
      .orderBy("id")
      .execute();
    const base = snapshot ? [toBytes(snapshot.state)] : [];
    const accepted: Uint8Array[] = [];
    const refused: typeof rows = [];
    let doc = docOf([...base]);
    for (const row of rows) {
      const update = toBytes(row.update);
      let verdict: string | null;
      try {
        verdict = applyCheckedUpdate(doc, update, null);
      } catch {
        verdict = "invalid_content";
      }
      if (verdict === "invalid_content") {
        refused.push(row);
        doc.destroy();
        doc = docOf([...base, ...accepted]);
      } else accepted.push(update);
    }
    try {
      if (refused.length > 0) {
        await trx
          .insertInto("document_quarantine")
          .values(
            refused.map((row) => ({
              document_id: documentId,
              update: toBytes(row.update),
              user_id: row.user_id,
              reason: "invalid_content",
              created_at: row.created_at,
            })),
          )
          .execute();
        await trx
          .deleteFrom("document_updates")
          .where(
            "id",
            "in",
            refused.map((row) => row.id),
          )
          .execute();
      }
      const repair = repairToSchema(doc);
      if (repair) await appendUpdate(trx, documentId, repair, null);
    } finally {
      doc.destroy();
    }
  });
}

function docOf(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

/** How many updates of a document were set aside (quarantine), for its administrators. */
export async function quarantinedCount(db: Executor, documentId: string): Promise<number> {
  const { n } = await db
    .selectFrom("document_quarantine")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("document_id", "=", documentId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * Folds the log into the snapshot in one transaction, through a real Y.Doc so deleted content is
 * garbage-collected, and deletes exactly the rows it folded. Serialised per document with an
 * advisory lock, so two processes never compact the same document at once.
 */
export async function compact(db: Executor, documentId: string): Promise<{ folded: number }> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${documentId}))`.execute(trx);
    const snapshot = await trx
      .selectFrom("document_snapshots")
      .select(["state", "last_update_id"])
      .where("document_id", "=", documentId)
      .executeTakeFirst();
    const tail = await unfolded(trx, documentId);
    if (tail.length === 0) return { folded: 0 };
    const doc = new Y.Doc();
    try {
      if (snapshot) Y.applyUpdate(doc, toBytes(snapshot.state));
      for (const row of tail) Y.applyUpdate(doc, row.update);
      const maxId = tail[tail.length - 1].id;
      const state = Y.encodeStateAsUpdate(doc);
      await trx
        .insertInto("document_snapshots")
        .values({ document_id: documentId, state, last_update_id: maxId.toString() })
        .onConflict((oc) =>
          oc
            .column("document_id")
            .doUpdateSet({ state, last_update_id: maxId.toString(), updated_at: new Date() }),
        )
        .execute();
      // Exactly the rows folded: one committed meanwhile with a lower id stays in the log.
      await trx
        .deleteFrom("document_updates")
        .where(
          "id",
          "in",
          tail.map((row) => row.id.toString()),
        )
        .execute();
      return { folded: tail.length };
    } finally {
      doc.destroy();
    }
  });
}
