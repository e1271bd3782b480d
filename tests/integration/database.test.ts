import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Migrator, NO_MIGRATIONS, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, type DB, migrateToLatest, openDatabase } from "../../db";
import { migrations } from "../../db/migrations";
import { seedDemo } from "../../db/seed/demo";
import { logIn } from "../../server/auth/login";
import { verifyPassword } from "../../server/auth/passwords";
import { createTestDatabase } from "../helpers/database";
import { runToEnd } from "../helpers/process";

const TABLES = [
  "action_comments",
  "action_departments",
  "actions",
  "api_tokens",
  "assessment_counts",
  "audit_events",
  "departments",
  "document_comment_threads",
  "document_comments",
  "document_departments",
  "document_quarantine",
  "document_reviews",
  "document_snapshots",
  "document_updates",
  "document_versions",
  "documents",
  "domain_events",
  "follow_up_periods",
  "follow_ups",
  "goals",
  "identity_providers",
  "login_attempts",
  "mail_outbox",
  "memberships",
  "notification_preferences",
  "notifications",
  "one_time_links",
  "organisation_data_versions",
  "organisations",
  "overview_visits",
  "period_reports",
  "reminders",
  "report_adoptions",
  "scheduled_jobs",
  "sessions",
  "socket_io_attachments",
  "strategies",
  "user_departments",
  "user_identities",
  "users",
  "webhook_deliveries",
  "webhooks",
];

// The four national målsättningar (skr. 2016/17:10), verbatim as in the domain description (../shared/domain.md).
const GOALS = [
  "Ett utökat och verkningsfullt förebyggande arbete mot våld.",
  "Förbättrad upptäckt av våld och starkare skydd och stöd för våldsutsatta kvinnor och barn.",
  "Effektivare brottsbekämpning.",
  "Förbättrad kunskap och metodutveckling.",
];

const DEPARTMENTS = ["Barn och utbildning", "Kommunledning", "Kultur och teknik", "Socialtjänst"];

const USERS = [
  { email: "admin@kommun.test", roles: ["admin"], departments: [] },
  { email: "arbetsgrupp@kommun.test", roles: ["member"], departments: ["Kommunledning"] },
  { email: "kommunchef@kommun.test", roles: ["chief"], departments: [] },
  { email: "observator@kommun.test", roles: ["observer"], departments: [] },
  { email: "skola@kommun.test", roles: ["editor"], departments: ["Barn och utbildning"] },
  { email: "socialtjanst@kommun.test", roles: ["editor"], departments: ["Socialtjänst"] },
];

async function tableNames(db: DB): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%'
    order by table_name`.execute(db);
  return result.rows.map((row) => row.table_name);
}

async function countOf(db: DB, table: (typeof TABLES)[number]): Promise<number> {
  const result = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(
    db,
  );
  return Number(result.rows[0].n);
}

describe("migrations", () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  it("creates every table, and each business table carries organisation_id", async () => {
    expect(await tableNames(database.db)).toEqual(TABLES);
    const columns = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'organisation_id'`.execute(database.db);
    expect(columns.rows.map((r) => r.table_name).sort()).toEqual(
      // A document's Yjs log, snapshot and set-aside updates are reached only through its (organisation-checked) row;
      // the scheduler's job rows belong to the install.
      TABLES.filter(
        (t) =>
          ![
            "organisations",
            "users",
            "login_attempts",
            "document_updates",
            "document_snapshots",
            "document_quarantine",
            // A person's own choices of what they are told about, the same in each organisation.
            "notification_preferences",
            "scheduled_jobs",
            // socket.io's messages between server processes, deleted after 30 seconds.
            "socket_io_attachments",
          ].includes(t),
      ),
    );
  });

  it("migrates down to nothing and up again, and a second run is a no-op", async () => {
    const migrator = new Migrator({
      db: database.db,
      provider: { getMigrations: async () => migrations },
    });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual(
      Object.keys(migrations)
        .reverse()
        .map((name) => [name, "Down", "Success"]),
    );
    expect(await tableNames(database.db)).toEqual([]);

    await migrateToLatest(database.db);
    expect(await tableNames(database.db)).toEqual(TABLES);
    await migrateToLatest(database.db);
    expect(await tableNames(database.db)).toEqual(TABLES);
    // And the schema works: the seed goes in.
    await seedDemo(database.db);
    expect(await countOf(database.db, "goals")).toBe(4);
  });

  it("a database that already has a later migration still takes an earlier one that arrives after it", async () => {
    const names = Object.keys(migrations);
    const late = names[names.length - 3];
    const without = Object.fromEntries(
      names.filter((name) => name !== late).map((name) => [name, migrations[name]]),
    );
    const migrator = (provided: typeof migrations) =>
      new Migrator({ db: database.db, provider: { getMigrations: async () => provided } });
    expect((await migrator(migrations).migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
    expect((await migrator(without).migrateToLatest()).error).toBeUndefined();
    expect(await migrateToLatest(database.db)).toEqual([late]);
    expect(await tableNames(database.db)).toEqual(TABLES);
  });
});

describe("the demo seed", () => {
  let database: DatabaseHandle;
  let organisationId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    organisationId = await seedDemo(database.db);
  });
  afterAll(() => database?.close());

  it("is idempotent: a second run finds the organisation and adds nothing", async () => {
    const before = Object.fromEntries(
      await Promise.all(TABLES.map(async (t) => [t, await countOf(database.db, t)] as const)),
    );
    expect(await seedDemo(database.db)).toBe(organisationId);
    const after = Object.fromEntries(
      await Promise.all(TABLES.map(async (t) => [t, await countOf(database.db, t)] as const)),
    );
    expect(after).toEqual(before);
    expect(after.organisations).toBe(1);
  });

  it("creates the four departments", async () => {
    const rows = await database.db
      .selectFrom("departments")
      .select(["name", "organisation_id", "archived_at"])
      .orderBy("name")
      .execute();
    expect(rows.map((r) => r.name)).toEqual(DEPARTMENTS);
    for (const row of rows) {
      expect(row.organisation_id).toBe(organisationId);
      expect(row.archived_at).toBeNull();
    }
  });

  it("creates the active county strategy with the four national goals verbatim, in order", async () => {
    const strategies = await database.db.selectFrom("strategies").selectAll().execute();
    expect(strategies).toHaveLength(1);
    expect(strategies[0]).toMatchObject({
      organisation_id: organisationId,
      name: "Länsstrategi Västernorrland 2017–2020",
      valid_from: 2017,
      valid_to: 2020,
      is_active: true,
    });
    const goals = await database.db
      .selectFrom("goals")
      .select(["position", "title", "strategy_id", "organisation_id"])
      .orderBy("position")
      .execute();
    expect(goals.map((g) => g.title)).toEqual(GOALS);
    expect(goals.map((g) => g.position)).toEqual([1, 2, 3, 4]);
    for (const goal of goals) {
      expect(goal.strategy_id).toBe(strategies[0].id);
      expect(goal.organisation_id).toBe(organisationId);
    }
  });

  it("creates the six demo users with their roles, departments and the demo password", async () => {
    const users = await database.db
      .selectFrom("users")
      .innerJoin("memberships", "memberships.user_id", "users.id")
      .select([
        "users.id",
        "users.email",
        "users.password_hash",
        "memberships.roles",
        "memberships.organisation_id",
        "memberships.deactivated_at",
        sql<string[]>`coalesce(array(
          select d.name from user_departments ud join departments d on d.id = ud.department_id
          where ud.user_id = users.id order by d.name), '{}')`.as("departments"),
      ])
      .orderBy("users.email")
      .execute();
    expect(
      users.map((u) => ({ email: u.email, roles: u.roles, departments: u.departments })),
    ).toEqual(USERS);
    for (const user of users) {
      expect(user.organisation_id).toBe(organisationId);
      expect(user.deactivated_at).toBeNull();
      expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    }
    expect(await verifyPassword(users[0].password_hash, "Samverkan-demo-1")).toBe(true);
    expect(await verifyPassword(users[0].password_hash, "Samverkan-demo-2")).toBe(false);
    // Each creation is in the audit trail.
    const userEvents = await database.db
      .selectFrom("audit_events")
      .select("entity_id")
      .where("action", "=", "user.created")
      .execute();
    expect(userEvents.map((e) => e.entity_id).sort()).toEqual(users.map((u) => u.id).sort());
  });
});

/** Runs `npm run user:create`'s script as a separate process with the password on stdin. */
function userCreate(args: string[], password: string, dataDir: string) {
  return runToEnd(
    "npx",
    ["tsx", "scripts/user-create.ts", ...args],
    { DATA_DIR: dataDir, NODE_ENV: "production", SESSION_SECRET: undefined, SEED_DEMO: undefined },
    `${password}\n`,
  );
}

describe("npm run user:create", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-user-create-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function openDataDir(): DatabaseHandle {
    return openDatabase({ pgliteDir: path.join(dataDir, "pglite") });
  }

  it("creates the first admin on an empty embedded database, without demo data", async () => {
    const result = await userCreate(
      [
        "--email",
        "Forsta.Admin@Testkommun.se",
        "--role",
        "admin",
        "--organisation",
        "Testkommun",
        "--name",
        "Första Admin",
      ],
      "Ett-riktigt-langt-losenord",
      dataDir,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Created Forsta.Admin@Testkommun.se");

    const database = openDataDir();
    try {
      const row = await database.db
        .selectFrom("users")
        .innerJoin("memberships", "memberships.user_id", "users.id")
        .innerJoin("organisations", "organisations.id", "memberships.organisation_id")
        .select([
          "users.email",
          "users.name",
          "memberships.roles",
          "organisations.name as organisation",
          "organisations.slug",
        ])
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        email: "forsta.admin@testkommun.se",
        name: "Första Admin",
        roles: ["admin"],
        organisation: "Testkommun",
        slug: "testkommun",
      });
      // No demo data came with it.
      expect(await countOf(database.db, "users")).toBe(1);
      expect(await countOf(database.db, "departments")).toBe(0);
      expect(await countOf(database.db, "strategies")).toBe(0);

      const login = await logIn(
        database.db,
        {
          secret: "x".repeat(32),
          idleMinutes: 60,
          absoluteHours: 12,
          maxFailures: 5,
          windowMinutes: 15,
        },
        { email: "forsta.admin@testkommun.se", password: "Ett-riktigt-langt-losenord" },
        "127.0.0.1",
      );
      expect(login.ok).toBe(true);
      const wrong = await logIn(
        database.db,
        {
          secret: "x".repeat(32),
          idleMinutes: 60,
          absoluteHours: 12,
          maxFailures: 5,
          windowMinutes: 15,
        },
        { email: "forsta.admin@testkommun.se", password: "Fel-losenord-helt-och-hallet" },
        "127.0.0.1",
      );
      expect(wrong.ok).toBe(false);
    } finally {
      await database.close();
    }
  }, 120_000);

  it("refuses a too-short password with a non-zero exit and creates nobody", async () => {
    const result = await userCreate(
      ["--email", "kort@testkommun.se", "--role", "admin", "--organisation", "Testkommun"],
      "kort",
      dataDir,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("password");
    const database = openDataDir();
    try {
      const found = await database.db
        .selectFrom("users")
        .select("id")
        .where("email", "=", "kort@testkommun.se")
        .executeTakeFirst();
      expect(found).toBeUndefined();
    } finally {
      await database.close();
    }
  }, 120_000);

  it.each([
    ["a common password", "password1234", "Lösenordet är ett av de vanligaste lösenorden"],
    ["the published demo password", "Samverkan-demo-1", "Lösenordet är för lätt att gissa"],
    ["the person's own address", "svag@testkommun.se", "Lösenordet innehåller ditt namn"],
  ])(
    "refuses %s, saying why, and creates nobody",
    async (_, password, why) => {
      const result = await userCreate(
        ["--email", "svag@testkommun.se", "--role", "admin", "--organisation", "Testkommun"],
        password,
        dataDir,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Not created: password: ${why}`);
      const database = openDataDir();
      try {
        const found = await database.db
          .selectFrom("users")
          .select("id")
          .where("email", "=", "svag@testkommun.se")
          .executeTakeFirst();
        expect(found).toBeUndefined();
      } finally {
        await database.close();
      }
    },
    120_000,
  );

  it("refuses an unknown role and a missing email with a non-zero exit", async () => {
    const unknownRole = await userCreate(
      ["--email", "roll@testkommun.se", "--role", "kung", "--organisation", "Testkommun"],
      "Ett-riktigt-langt-losenord",
      dataDir,
    );
    expect(unknownRole.code).not.toBe(0);
    expect(unknownRole.stderr).toContain("roles");
    const noEmail = await userCreate(["--role", "admin"], "Ett-riktigt-langt-losenord", dataDir);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain("Usage");
  }, 120_000);
});
