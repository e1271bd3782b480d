import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  InsertQueryNode,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

type Row = Record<string, unknown>;

/** A connection that keeps the outbox rows its open transaction inserted. */
class WatchedConnection implements DatabaseConnection {
  inTransaction = false;
  inserted: Row[] = [];
  /** How many rows had been inserted when each open savepoint was set. */
  savepoints = new Map<string, number>();

  constructor(
    readonly inner: DatabaseConnection,
    private readonly isOutboxInsert: (query: CompiledQuery) => boolean,
    private readonly committed: (rows: Row[]) => void,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(query);
    if (this.isOutboxInsert(query)) {
      const rows = result.rows as Row[];
      // Outside a transaction the statement has committed by now.
      if (this.inTransaction) this.inserted.push(...rows);
      else this.committed(rows);
    }
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }

  /** Ends the transaction; hands on what it inserted if it committed. */
  end(committed: boolean) {
    const rows = this.inserted;
    this.inTransaction = false;
    this.inserted = [];
    this.savepoints.clear();
    if (committed && rows.length > 0) this.committed(rows);
  }
}

/**
 * Wraps a dialect so that the rows inserted into `table` (with RETURNING) reach `committed`
 * right after the COMMIT of the transaction that inserted them, in order, and never after a
 * ROLLBACK. This is how the outbox's dispatcher learns of new events in this process without
 * polling, whichever code path ran the transaction.
 */
export function watchInserts(
  dialect: Dialect,
  table: string,
  committed: (rows: Row[]) => void,
): Dialect {
  const isOutboxInsert = (query: CompiledQuery) =>
    InsertQueryNode.is(query.query) && query.query.into?.table.identifier.name === table;
  const deliver = (rows: Row[]) => {
    try {
      committed(rows);
    } catch (error) {
      console.error(`Handing on committed ${table} rows failed:`, error);
    }
  };
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => watchDriver(dialect.createDriver(), isOutboxInsert, deliver),
  };
}

function watchDriver(
  driver: Driver,
  isOutboxInsert: (query: CompiledQuery) => boolean,
  committed: (rows: Row[]) => void,
): Driver {
  // One wrapper per pooled connection, so a transaction's rows stay with its connection.
  const wrappers = new WeakMap<DatabaseConnection, WatchedConnection>();
  const watched = (connection: DatabaseConnection) => connection as WatchedConnection;
  return {
    init: () => driver.init(),
    async acquireConnection() {
      const inner = await driver.acquireConnection();
      let wrapper = wrappers.get(inner);
      if (!wrapper) {
        wrapper = new WatchedConnection(inner, isOutboxInsert, committed);
        wrappers.set(inner, wrapper);
      }
      return wrapper;
    },
    releaseConnection: (connection) => driver.releaseConnection(watched(connection).inner),
    async beginTransaction(connection, settings: TransactionSettings) {
      await driver.beginTransaction(watched(connection).inner, settings);
      watched(connection).inTransaction = true;
    },
    async commitTransaction(connection) {
      try {
        await driver.commitTransaction(watched(connection).inner);
      } catch (error) {
        watched(connection).end(false);
        throw error;
      }
      watched(connection).end(true);
    },
    async rollbackTransaction(connection) {
      watched(connection).end(false);
      await driver.rollbackTransaction(watched(connection).inner);
    },
    async savepoint(connection, name, compileQuery) {
      if (!driver.savepoint) throw new Error("Savepoints are not supported by this driver");
      await driver.savepoint(watched(connection).inner, name, compileQuery);
      watched(connection).savepoints.set(name, watched(connection).inserted.length);
    },
    async rollbackToSavepoint(connection, name, compileQuery) {
      if (!driver.rollbackToSavepoint)
        throw new Error("Savepoints are not supported by this driver");
      await driver.rollbackToSavepoint(watched(connection).inner, name, compileQuery);
      const kept = watched(connection).savepoints.get(name);
      if (kept !== undefined) watched(connection).inserted.length = kept;
    },
    async releaseSavepoint(connection, name, compileQuery) {
      if (!driver.releaseSavepoint) throw new Error("Savepoints are not supported by this driver");
      await driver.releaseSavepoint(watched(connection).inner, name, compileQuery);
      watched(connection).savepoints.delete(name);
    },
    destroy: () => driver.destroy(),
  };
}
