import { PGlite } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_STATEMENTS, PGliteDialect } from "./pglite-dialect";

const DATE_OID = 1082;

describe("Kysely on PGlite with prepared statements", () => {
  const pglite = new PGlite({ parsers: { [DATE_OID]: (value: string) => value } });
  const db = new Kysely<Record<string, never>>({ dialect: new PGliteDialect(pglite) });
  // Starting an embedded database takes seconds on a busy machine: not the first test's time.
  beforeAll(() => pglite.waitReady, 60_000);
  afterAll(() => db.destroy());

  const prepared = async (like: string) =>
    (
      await sql<{
        name: string;
      }>`select name from pg_prepared_statements where statement like ${like}`.execute(db)
    ).rows.filter(({ name }) => name !== "");

  it("sends each parameter by its type and reads each column by its type", async () => {
    await sql`create table kinds (day date, at timestamptz, big bigint, doc jsonb, tags text[], bytes bytea, note text)`.execute(
      db,
    );
    const inserted =
      await sql`insert into kinds values (${"2026-03-31"}, ${new Date("2026-03-31T23:30:00.123Z")}, ${"9007199254740993"}, ${JSON.stringify({ mål: [1, 2] })}, ${["a", "b,c"]}, ${new Uint8Array([0, 255])}, ${null})`.execute(
        db,
      );
    expect(inserted.numAffectedRows).toBe(1n);
    const { rows } = await sql`select * from kinds where day = ${"2026-03-31"}`.execute(db);
    expect(rows).toEqual([
      {
        day: "2026-03-31",
        at: new Date("2026-03-31T23:30:00.123Z"),
        big: 9007199254740993n,
        doc: { mål: [1, 2] },
        tags: ["a", "b,c"],
        bytes: new Uint8Array([0, 255]),
        note: null,
      },
    ]);
    const updated =
      await sql`update kinds set note = ${"ändrad"} where day > ${"2027-01-01"}`.execute(db);
    expect(updated.numAffectedRows).toBe(0n);
  });

  it("parses and plans a query once, then only binds it", async () => {
    for (let i = 0; i < 5; i++)
      expect((await sql`select ${i}::int + 1 as next`.execute(db)).rows).toEqual([{ next: i + 1 }]);
    expect(await prepared("%+ 1 as next%")).toHaveLength(1);
  });

  it("a refused statement throws the database's error, and the connection goes on", async () => {
    await sql`create table unique_names (name text primary key)`.execute(db);
    const insert = (name: string) => sql`insert into unique_names values (${name})`.execute(db);
    await insert("Anna");
    await expect(insert("Anna")).rejects.toMatchObject({ code: "23505" });
    // In a transaction the error ends it, and nothing of it is kept.
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`insert into unique_names values (${"Johan"})`.execute(trx);
        await sql`insert into unique_names values (${"Anna"})`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: "23505" });
    await insert("Sara");
    const { rows } =
      await sql`select name from unique_names where name <> ${""} order by name`.execute(db);
    expect(rows).toEqual([{ name: "Anna" }, { name: "Sara" }]);
    // A statement that does not parse is not kept.
    await expect(sql`select from where ${1}`.execute(db)).rejects.toMatchObject({ code: "42601" });
  });

  it("a prepared query sees a changed table's new columns", async () => {
    await sql`create table changing (id int)`.execute(db);
    const all = () => sql`select * from changing where id = ${1}`.execute(db);
    await sql`insert into changing values (${1})`.execute(db);
    expect((await all()).rows).toEqual([{ id: 1 }]);
    await sql`alter table changing add column name text default 'ny'`.execute(db);
    expect((await all()).rows).toEqual([{ id: 1, name: "ny" }]);
  });

  it(`keeps at most ${MAX_STATEMENTS} statements, closing the least recently used`, async () => {
    for (let i = 0; i < MAX_STATEMENTS + 10; i++)
      await sql`select ${i}::int as ${sql.raw(`n${i}`)}`.execute(db);
    expect((await prepared("%::int as n%")).length).toBeLessThanOrEqual(MAX_STATEMENTS);
    expect(await prepared(`%as n${MAX_STATEMENTS + 9}%`)).toHaveLength(1);
    expect(await prepared("%as n0")).toHaveLength(0);
  });
});
