import {
  messages as backend,
  type PGlite,
  parse,
  protocol,
  type Results,
} from "@electric-sql/pglite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

const { serialize } = protocol;

/** Prepared statements kept; the least recently used is closed beyond this. */
export const MAX_STATEMENTS = 500;

/** Statements that change the schema: a prepared `select *` could then no longer describe its rows. */
const SCHEMA_CHANGE = /^\s*(alter|create|drop)\s/i;

/** A column of a statement's rows, with PGlite's parser for its type. */
interface Column {
  name: string;
  type: number;
  parse?: (value: string, type: number) => unknown;
}

interface PreparedStatement {
  name: string;
  parameterTypes: number[];
  /** Described once when prepared, so a run is only Bind and Execute. */
  columns: Column[];
}

/**
 * Kysely on the embedded PGlite, with prepared statements (ADR 0038): a query with parameters is
 * parsed and planned once under a name and then only bound and run, as postgres.js does on a
 * PostgreSQL server. On the embedded database, planning a join costs more than running it, and
 * the same few queries run on every request. Queries without parameters (transaction control,
 * migrations) go through PGlite's own unnamed statement.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

/** PGlite is one connection: each acquirer waits for the one before it, in order. */
class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private held = false;
  private waiting: (() => void)[] = [];

  constructor(private readonly pglite: PGlite) {
    this.connection = new PGliteConnection(pglite);
  }

  /** execProtocol, unlike query(), does not wait for PGlite to have started. */
  async init() {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    return this.connection;
  }

  async releaseConnection() {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : "";
    await connection.executeQuery(CompiledQuery.raw(`start transaction${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async destroy() {
    await this.pglite.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  /** By SQL text, least recently used first. */
  private statements = new Map<string, PreparedStatement>();
  private nextStatement = 0;

  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const parameters = query.parameters as unknown[];
    if (parameters.length === 0) {
      if (SCHEMA_CHANGE.test(query.sql)) await this.forgetStatements();
      return resultOf<R>(await this.pglite.query<R>(query.sql));
    }
    const statement = await this.prepared(query.sql);
    const values = parameters.map((value, i) =>
      this.serialized(value, statement.parameterTypes[i]),
    );
    const messages = await this.exchange([
      serialize.bind({ statement: statement.name, values }),
      serialize.execute({}),
    ]);
    return rowsOf<R>(statement.columns, messages);
  }

  // biome-ignore lint/correctness/useYield: Kysely's interface; PGlite returns every row at once.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Streaming is not supported on PGlite");
  }

  private async prepared(sql: string): Promise<PreparedStatement> {
    const known = this.statements.get(sql);
    if (known) {
      this.statements.delete(sql);
      this.statements.set(sql, known);
      return known;
    }
    const name = `samverkan_${this.nextStatement++}`;
    const messages = await this.exchange([
      serialize.parse({ name, text: sql }),
      serialize.describe({ type: "S", name }),
    ]);
    const description = messages.find(
      (message) => message instanceof backend.RowDescriptionMessage,
    );
    const statement = {
      name,
      parameterTypes: parse.parseDescribeStatementResults(messages),
      columns: (description?.fields ?? []).map(({ name, dataTypeID }) => ({
        name,
        type: dataTypeID,
        parse: this.pglite.parsers[dataTypeID],
      })),
    };
    this.statements.set(sql, statement);
    if (this.statements.size > MAX_STATEMENTS) {
      const [oldest, { name: closed }] = this.statements.entries().next().value!;
      this.statements.delete(oldest);
      await this.close([closed]);
    }
    return statement;
  }

  private async forgetStatements() {
    const names = [...this.statements.values()].map(({ name }) => name);
    this.statements.clear();
    await this.close(names);
  }

  private async close(names: string[]) {
    if (names.length > 0)
      await this.exchange(names.map((name) => serialize.close({ type: "S", name })));
  }

  /**
   * Sends extended-protocol messages and a Sync as one exchange; the backend's answers. After an
   * error the backend skips to the Sync, so the session is ready again when this throws.
   */
  private async exchange(messages: Uint8Array[]) {
    const message = Buffer.concat([...messages, serialize.sync()]);
    return (await this.pglite.runExclusive(() => this.pglite.execProtocol(message))).messages;
  }

  /** As PGlite's own query() sends a value: by the parameter's type, else as text. */
  private serialized(value: unknown, type: number | undefined) {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.pglite.serializers[type];
    return serializer ? serializer(value) : String(value);
  }
}

/**
 * The rows of a run of a prepared statement, read with the columns described when it was
 * prepared (PGlite's parseResults copies its 316 type parsers on every call).
 */
function rowsOf<R>(columns: Column[], messages: backend.BackendMessage[]): QueryResult<R> {
  const rows: R[] = [];
  let affectedRows = 0;
  for (const message of messages) {
    if (message instanceof backend.DataRowMessage) {
      const row: Record<string, unknown> = {};
      message.fields.forEach((value, i) => {
        const column = columns[i];
        row[column.name] =
          value === null || !column.parse ? value : column.parse(value, column.type);
      });
      rows.push(row as R);
    } else if (message instanceof backend.CommandCompleteMessage) {
      affectedRows = affectedRowsOf(message.text);
    }
  }
  return { rows, numAffectedRows: BigInt(affectedRows) };
}

/** The row count in a command tag: "INSERT 0 3", "UPDATE 2", "DELETE 1", "SELECT 5". */
function affectedRowsOf(tag: string): number {
  const [command, ...counts] = tag.split(" ");
  return ["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"].includes(command)
    ? Number(counts.at(-1))
    : 0;
}

function resultOf<R>(result: Results<R>): QueryResult<R> {
  return result.affectedRows === undefined
    ? { rows: result.rows }
    : { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) };
}
