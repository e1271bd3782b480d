import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../server/domain/users";
import { stackTraceSigns, textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const DEMO_ROLES = [
  { email: "admin@kommun.test", role: "admin" },
  { email: "arbetsgrupp@kommun.test", role: "member" },
  { email: "socialtjanst@kommun.test", role: "editor" },
  { email: "skola@kommun.test", role: "editor" },
  { email: "kommunchef@kommun.test", role: "chief" },
  { email: "observator@kommun.test", role: "observer" },
];

const MESSAGES = {
  required: "Fyll i fältet.",
  email: "Ange en e-postadress i formatet namn@exempel.se.",
  emailTaken: "Det finns redan en användare med den e-postadressen.",
  passwordTooShort: "Lösenordet måste ha minst 12 tecken.",
  roleRequired: "Välj minst en roll.",
  editorNeedsDepartment: "En rapportansvarig måste höra till minst en förvaltning.",
  unknownDepartment: "Välj förvaltningar ur listan.",
  nameTaken: "Det namnet används redan.",
  year: "Ange ett årtal mellan 1990 och 2100.",
  yearOrder: "Slutåret kan inte vara före startåret.",
  position: "Ange ett nummer mellan 1 och 99.",
  identityNumber: "Texten innehåller något som ser ut som ett personnummer",
  conflict: "Någon annan har ändrat detta sedan du öppnade sidan.",
  cannotDeactivateSelf: "Du kan inte inaktivera dig själv.",
  cannotDropOwnAdmin: "Du kan inte ta bort din egen administratörsroll.",
  summary: "Det finns fel i formuläret",
};

describe("administration over HTTP", () => {
  let server: TestServer;
  let admin: HttpClient;
  let adminId: string;
  let departmentIds: Record<string, string>;
  let demoStrategyId: string;
  const other = {} as {
    organisationId: string;
    userId: string;
    departmentId: string;
    strategyId: string;
    goalId: string;
  };

  const db = () => server.database.db;

  async function idOfEmail(email: string): Promise<string | undefined> {
    const row = await db()
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirst();
    return row?.id;
  }

  async function counts() {
    const count = async (
      table: "users" | "memberships" | "departments" | "strategies" | "goals" | "audit_events",
    ) =>
      (
        await db()
          .selectFrom(table)
          .select(db().fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
    return {
      users: await count("users"),
      memberships: await count("memberships"),
      departments: await count("departments"),
      strategies: await count("strategies"),
      goals: await count("goals"),
      audit: await count("audit_events"),
    };
  }

  async function lastAudit(entityId: string) {
    return db()
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_id", "=", entityId)
      .orderBy("created_at", "desc")
      .executeTakeFirst();
  }

  async function auditActions(entityId: string): Promise<string[]> {
    const rows = await db()
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", entityId)
      .orderBy("created_at")
      .execute();
    return rows.map((row) => row.action);
  }

  beforeAll(async () => {
    server = await startTestServer();
    admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    adminId = (await idOfEmail("admin@kommun.test")) as string;
    const departments = await db()
      .selectFrom("departments")
      .select(["id", "name"])
      .where("organisation_id", "=", server.organisationId)
      .execute();
    departmentIds = Object.fromEntries(departments.map((d) => [d.name, d.id]));
    demoStrategyId = (
      await db()
        .selectFrom("strategies")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .executeTakeFirstOrThrow()
    ).id;

    // A second organisation on the same server, with its own person, department, strategy and goal.
    const { id: organisationId } = await db()
      .insertInto("organisations")
      .values({ name: "Grannkommun", slug: "grannkommun" })
      .returning("id")
      .executeTakeFirstOrThrow();
    other.organisationId = organisationId;
    other.departmentId = (
      await db()
        .insertInto("departments")
        .values({ organisation_id: organisationId, name: "Grannkommunens socialtjänst" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    other.userId = await createUser(db(), null, organisationId, {
      email: "admin@grannkommun.test",
      name: "Greta Granne",
      password: "Grannkommun-losen-1",
      roles: ["admin"],
      departmentIds: [],
    });
    other.strategyId = (
      await db()
        .insertInto("strategies")
        .values({
          organisation_id: organisationId,
          name: "Grannkommunens strategi",
          valid_from: 2021,
          valid_to: 2024,
          is_active: true,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    other.goalId = (
      await db()
        .insertInto("goals")
        .values({
          organisation_id: organisationId,
          strategy_id: other.strategyId,
          position: 1,
          title: "Grannkommunens mål",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => server?.close());

  describe("the policy on every admin page", () => {
    const pages = () => [
      "/admin/anvandare",
      "/admin/anvandare/ny",
      `/admin/anvandare/${adminId}`,
      "/admin/forvaltningar",
      "/admin/strategier",
      `/admin/strategier/${demoStrategyId}`,
    ];

    it.each(DEMO_ROLES)(
      "$email ($role) gets 200 only as admin, else 403",
      async ({ email, role }) => {
        const client = new HttpClient(server.url);
        await client.logIn(email);
        for (const pathname of pages()) {
          const response = await client.get(pathname);
          expect(response.status, `${role} GET ${pathname}`).toBe(role === "admin" ? 200 : 403);
          const html = await response.text();
          if (role !== "admin") {
            expect(textOf(html)).toContain("Du har inte behörighet");
            // Nothing of the page leaks into the refusal.
            expect(html).not.toContain("admin@kommun.test");
          }
        }
      },
    );

    it("sends an anonymous visitor to /login and back afterwards", async () => {
      const client = new HttpClient(server.url);
      for (const pathname of pages()) {
        const response = await client.get(pathname);
        expect(response.status, pathname).toBe(302);
        expect(response.headers.get("location")).toBe(
          `/login?redirectTo=${encodeURIComponent(pathname)}`,
        );
      }
    });

    it.each(DEMO_ROLES.filter((r) => r.role !== "admin"))(
      "refuses every admin form to $email ($role) with 403 and writes nothing",
      async ({ email }) => {
        const client = new HttpClient(server.url);
        await client.logIn(email);
        const before = await counts();
        const member = (await idOfEmail("arbetsgrupp@kommun.test")) as string;
        const posts: [string, Record<string, string | string[]>][] = [
          [
            "/admin/anvandare/ny",
            {
              name: "Inbrytare",
              email: "inbrytare@kommun.test",
              password: "Inbrytare-losen-1",
              roles: "admin",
            },
          ],
          [`/admin/anvandare/${member}`, { intent: "deactivate" }],
          [
            `/admin/anvandare/${member}`,
            { name: "X", email: "x@kommun.test", roles: "admin", version: "1" },
          ],
          ["/admin/forvaltningar", { intent: "create", name: "Smygförvaltning" }],
          [
            "/admin/forvaltningar",
            { intent: `update:${departmentIds.Socialtjänst}`, name: "Omdöpt", version: "1" },
          ],
          ["/admin/strategier", { name: "Smygstrategi", validFrom: "2020", validTo: "2021" }],
          [
            `/admin/strategier/${demoStrategyId}`,
            { intent: "add-goal", position: "9", title: "Smygmål" },
          ],
        ];
        for (const [pathname, fields] of posts) {
          const response = await client.postForm(pathname, fields);
          expect(response.status, `POST ${pathname} ${JSON.stringify(fields)}`).toBe(403);
        }
        expect(await counts()).toEqual(before);
        expect(await idOfEmail("inbrytare@kommun.test")).toBeUndefined();
      },
    );
  });

  describe("users", () => {
    const valid = {
      name: "Lena Strand",
      email: "lena.strand@kommun.test",
      password: "Ett-langt-losenord-1",
      roles: ["editor", "member"],
    };

    it("an admin creates a user by form, who can then sign in with the given roles and departments", async () => {
      const response = await admin.postForm("/admin/anvandare/ny", {
        ...valid,
        email: "  Lena.Strand@Kommun.test ",
        departmentIds: [departmentIds["Kultur och teknik"], departmentIds.Socialtjänst],
      });
      expect(response.status).toBe(303);
      const id = await idOfEmail("lena.strand@kommun.test");
      expect(id).toBeDefined();
      expect(response.headers.get("location")).toBe(`/admin/anvandare/${id}?skapad=1`);

      const page = await admin.get(response.headers.get("location") as string);
      expect(page.status).toBe(200);
      expect(textOf(await page.text())).toContain("Lena Strand");

      const membership = await db()
        .selectFrom("memberships")
        .selectAll()
        .where("user_id", "=", id as string)
        .executeTakeFirstOrThrow();
      expect(membership.organisation_id).toBe(server.organisationId);
      expect([...membership.roles].sort()).toEqual(["editor", "member"]);
      const departments = await db()
        .selectFrom("user_departments")
        .select("department_id")
        .where("user_id", "=", id as string)
        .execute();
      expect(departments.map((d) => d.department_id).sort()).toEqual(
        [departmentIds["Kultur och teknik"], departmentIds.Socialtjänst].sort(),
      );
      const user = await db()
        .selectFrom("users")
        .select("password_hash")
        .where("id", "=", id as string)
        .executeTakeFirstOrThrow();
      expect(user.password_hash).toMatch(/^\$argon2id\$/);

      const audit = await lastAudit(id as string);
      expect(audit).toMatchObject({
        action: "user.created",
        actor_id: adminId,
        organisation_id: server.organisationId,
        entity_type: "user",
      });
      expect(JSON.stringify(audit?.after)).not.toContain(valid.password);
      expect(JSON.stringify(audit?.after)).not.toContain("argon2");

      // The password the admin chose is a temporary one: Lena chooses her own first.
      const lena = new HttpClient(server.url);
      const login = await lena.logIn("lena.strand@kommun.test", valid.password);
      expect(login.headers.get("location")).toBe("/byt-losenord");
      const changed = await lena.postForm("/byt-losenord", {
        currentPassword: valid.password,
        newPassword: "Lenas-alldeles-egna-ord-3",
        confirmPassword: "Lenas-alldeles-egna-ord-3",
      });
      expect(changed.status).toBe(303);
      const home = await lena.get("/");
      expect(home.status).toBe(200);
      expect(textOf(await home.text())).toContain("Lena Strand");
      expect((await lena.get("/admin/anvandare")).status).toBe(403);
    });

    it.each([
      ["a bad email", { email: "inte-en-adress" }, "email", MESSAGES.email],
      ["a short password", { password: "kort-1" }, "password", MESSAGES.passwordTooShort],
      ["no role", { roles: [] }, "roles", MESSAGES.roleRequired],
      ["an unknown role", { roles: ["kung"] }, "roles", "Värdet är ogiltigt."],
      ["an empty name", { name: "   " }, "name", MESSAGES.required],
      [
        "an editor without department",
        { roles: ["editor"], departmentIds: [] },
        "departmentIds",
        MESSAGES.editorNeedsDepartment,
      ],
      ["a name with a personnummer", { name: "Lisa 811218-9876" }, "name", MESSAGES.identityNumber],
      [
        "a name with a personnummer without hyphen",
        { name: "Lisa 198112189876" },
        "name",
        MESSAGES.identityNumber,
      ],
      [
        "another organisation's department",
        { roles: ["editor"], departmentIds: "OTHER" },
        "departmentIds",
        MESSAGES.unknownDepartment,
      ],
      [
        "a department id that is no id",
        { roles: ["member"], departmentIds: ["inte-ett-id"] },
        "departmentIds",
        MESSAGES.unknownDepartment,
      ],
      [
        "an email that is taken (whatever its case)",
        { email: "ADMIN@kommun.test" },
        "email",
        MESSAGES.emailTaken,
      ],
    ])(
      "refuses %s with 400, a Swedish message on the field, and saves nothing",
      async (_label, change, field, message) => {
        const fields: Record<string, string | string[]> = {
          ...valid,
          email: "ny.person@kommun.test",
          departmentIds: [departmentIds.Socialtjänst],
          ...(change as Record<string, string | string[]>),
        };
        if (fields.departmentIds === "OTHER") fields.departmentIds = [other.departmentId];
        const before = await counts();
        const response = await admin.postForm("/admin/anvandare/ny", fields);
        expect(response.status).toBe(400);
        const html = await response.text();
        const text = textOf(html);
        expect(text).toContain(MESSAGES.summary);
        expect(text).toContain(message);
        expect(html).toContain(`id="${field}-error"`);
        // The field points at its message, for screen readers.
        expect(html).toMatch(new RegExp(`aria-describedby="[^"]*\\b${field}-error\\b`));
        // What was typed is kept, except the password.
        if (field !== "name") expect(html).toContain(`value="${valid.name}"`);
        expect(html).not.toContain(String(fields.password));
        expect(stackTraceSigns(html)).toEqual([]);
        expect(await counts()).toEqual(before);
        expect(await idOfEmail("ny.person@kommun.test")).toBeUndefined();
      },
    );

    it("refuses an edit made on a stale version with 409 and keeps the newer data", async () => {
      const id = (await idOfEmail("skola@kommun.test")) as string;
      const { version } = await db()
        .selectFrom("memberships")
        .select("version")
        .where("user_id", "=", id)
        .executeTakeFirstOrThrow();
      const form = {
        name: "Erik Holm",
        email: "skola@kommun.test",
        roles: ["editor"],
        departmentIds: [departmentIds["Barn och utbildning"], departmentIds["Kultur och teknik"]],
        version: String(version),
      };
      const first = await admin.postForm(`/admin/anvandare/${id}`, form);
      expect(first.status).toBe(303);
      expect(first.headers.get("location")).toBe(`/admin/anvandare/${id}?sparat=1`);
      expect(await lastAudit(id)).toMatchObject({ action: "user.updated", actor_id: adminId });

      const auditsBefore = (await counts()).audit;
      const stale = await admin.postForm(`/admin/anvandare/${id}`, {
        ...form,
        name: "Erik Gammal",
        roles: ["observer"],
      });
      expect(stale.status).toBe(409);
      const html = await stale.text();
      expect(textOf(html)).toContain(MESSAGES.conflict);
      // The person's own input is kept on the page.
      expect(html).toContain('value="Erik Gammal"');
      const row = await db()
        .selectFrom("users")
        .innerJoin("memberships", "memberships.user_id", "users.id")
        .select(["users.name", "memberships.roles", "memberships.version"])
        .where("users.id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ name: "Erik Holm", roles: ["editor"], version: version + 1 });
      expect((await counts()).audit).toBe(auditsBefore);
    });

    it("refuses a personnummer or a taken email on edit with 400 and saves nothing", async () => {
      const id = (await idOfEmail("kommunchef@kommun.test")) as string;
      const { version } = await db()
        .selectFrom("memberships")
        .select("version")
        .where("user_id", "=", id)
        .executeTakeFirstOrThrow();
      const base = { name: "Johan Ek", email: "kommunchef@kommun.test", roles: ["chief"] };
      const before = await counts();
      for (const [change, message] of [
        [{ name: "Johan 811218-9876" }, MESSAGES.identityNumber],
        [{ email: "Observator@kommun.test" }, MESSAGES.emailTaken],
        [{ roles: [] }, MESSAGES.roleRequired],
      ] as [Record<string, string | string[]>, string][]) {
        const response = await admin.postForm(`/admin/anvandare/${id}`, {
          ...base,
          ...change,
          version: String(version),
        });
        expect(response.status).toBe(400);
        expect(textOf(await response.text())).toContain(message);
      }
      expect(await counts()).toEqual(before);
      const row = await db()
        .selectFrom("users")
        .select(["name", "email"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ name: "Johan Ek", email: "kommunchef@kommun.test" });
    });

    it("a role change applies to the person's open session at once", async () => {
      const id = (await idOfEmail("arbetsgrupp@kommun.test")) as string;
      const anna = new HttpClient(server.url);
      await anna.logIn("arbetsgrupp@kommun.test");
      expect((await anna.get("/admin/forvaltningar")).status).toBe(403);
      const { version } = await db()
        .selectFrom("memberships")
        .select("version")
        .where("user_id", "=", id)
        .executeTakeFirstOrThrow();
      const promote = await admin.postForm(`/admin/anvandare/${id}`, {
        name: "Anna Berg",
        email: "arbetsgrupp@kommun.test",
        roles: ["member", "admin"],
        departmentIds: [departmentIds.Kommunledning],
        version: String(version),
      });
      expect(promote.status).toBe(303);
      expect((await anna.get("/admin/forvaltningar")).status).toBe(200);
      const demote = await admin.postForm(`/admin/anvandare/${id}`, {
        name: "Anna Berg",
        email: "arbetsgrupp@kommun.test",
        roles: ["member"],
        departmentIds: [departmentIds.Kommunledning],
        version: String(version + 1),
      });
      expect(demote.status).toBe(303);
      expect((await anna.get("/admin/forvaltningar")).status).toBe(403);
    });

    it("an admin can neither deactivate themself nor drop their own admin role", async () => {
      const { version } = await db()
        .selectFrom("memberships")
        .select("version")
        .where("user_id", "=", adminId)
        .executeTakeFirstOrThrow();
      const deactivate = await admin.postForm(`/admin/anvandare/${adminId}`, {
        intent: "deactivate",
      });
      // The page offers no such button to oneself; a crafted request is refused.
      expect(deactivate.status).toBe(400);
      const drop = await admin.postForm(`/admin/anvandare/${adminId}`, {
        name: "Sara Lind",
        email: "admin@kommun.test",
        roles: ["member"],
        version: String(version),
      });
      expect(drop.status).toBe(400);
      expect(textOf(await drop.text())).toContain(MESSAGES.cannotDropOwnAdmin);
      const membership = await db()
        .selectFrom("memberships")
        .select(["roles", "deactivated_at"])
        .where("user_id", "=", adminId)
        .executeTakeFirstOrThrow();
      expect(membership).toEqual({ roles: ["admin"], deactivated_at: null });
    });

    it("deactivation and reactivation are audited", async () => {
      const id = (await idOfEmail("observator@kommun.test")) as string;
      expect(
        (await admin.postForm(`/admin/anvandare/${id}`, { intent: "deactivate" })).status,
      ).toBe(303);
      expect(await lastAudit(id)).toMatchObject({ action: "user.deactivated", actor_id: adminId });
      const page = await admin.get(`/admin/anvandare/${id}`);
      expect(textOf(await page.text())).toContain("Inaktiv");
      expect(
        (await admin.postForm(`/admin/anvandare/${id}`, { intent: "reactivate" })).status,
      ).toBe(303);
      expect(await lastAudit(id)).toMatchObject({ action: "user.reactivated", actor_id: adminId });
    });

    it("the user list shows this organisation's people only", async () => {
      const response = await admin.get("/admin/anvandare");
      const text = textOf(await response.text());
      for (const { email } of DEMO_ROLES) expect(text).toContain(email);
      expect(text).not.toContain("admin@grannkommun.test");
      expect(text).not.toContain("Greta Granne");
    });
  });

  describe("departments", () => {
    async function department(name: string) {
      return db()
        .selectFrom("departments")
        .selectAll()
        .where("organisation_id", "=", server.organisationId)
        .where("name", "=", name)
        .executeTakeFirst();
    }

    it("creates, renames and archives a department, each change audited", async () => {
      const created = await admin.postForm("/admin/forvaltningar", {
        intent: "create",
        name: "  Miljö och hälsa ",
      });
      expect(created.status).toBe(303);
      const row = await department("Miljö och hälsa");
      expect(row).toBeDefined();
      expect(await auditActions(row?.id as string)).toEqual(["department.created"]);

      const renamed = await admin.postForm("/admin/forvaltningar", {
        intent: `update:${row?.id}`,
        name: "Miljö- och hälsoskydd",
        version: String(row?.version),
      });
      expect(renamed.status).toBe(303);
      const after = await department("Miljö- och hälsoskydd");
      expect(after).toMatchObject({
        id: row?.id,
        version: (row?.version ?? 0) + 1,
        archived_at: null,
      });

      const archived = await admin.postForm("/admin/forvaltningar", {
        intent: `update:${row?.id}`,
        name: "Miljö- och hälsoskydd",
        version: String(after?.version),
        archived: "on",
      });
      expect(archived.status).toBe(303);
      expect((await department("Miljö- och hälsoskydd"))?.archived_at).toBeInstanceOf(Date);
      const audit = await lastAudit(row?.id as string);
      expect(audit).toMatchObject({ action: "department.updated", actor_id: adminId });
      expect(await auditActions(row?.id as string)).toEqual([
        "department.created",
        "department.updated",
        "department.updated",
      ]);

      const page = await admin.get("/admin/forvaltningar");
      expect(textOf(await page.text())).toContain("Miljö- och hälsoskydd");
    });

    it.each(["Socialtjänst", "SOCIALTJÄNST", " socialtjänst "])(
      "refuses to create a second department named %j with 400",
      async (name) => {
        const before = await counts();
        const response = await admin.postForm("/admin/forvaltningar", { intent: "create", name });
        expect(response.status).toBe(400);
        expect(textOf(await response.text())).toContain(MESSAGES.nameTaken);
        expect(await counts()).toEqual(before);
      },
    );

    it("refuses an empty name or a personnummer with 400", async () => {
      const before = await counts();
      for (const [name, message] of [
        ["", MESSAGES.required],
        ["Enhet 811218-9876", MESSAGES.identityNumber],
      ]) {
        const response = await admin.postForm("/admin/forvaltningar", { intent: "create", name });
        expect(response.status).toBe(400);
        expect(textOf(await response.text())).toContain(message);
      }
      expect(await counts()).toEqual(before);
    });

    it("refuses renaming onto another department's name (any case) and a stale version", async () => {
      const original = await department("Kultur och teknik");
      // Saved once by someone else, so the version the page was opened with is now stale.
      const saved = await admin.postForm("/admin/forvaltningar", {
        intent: `update:${original?.id}`,
        name: "Kultur och teknik",
        version: String(original?.version),
      });
      expect(saved.status).toBe(303);
      const target = await department("Kultur och teknik");
      expect(target?.version).toBe((original?.version ?? 0) + 1);
      const before = await counts();
      const duplicate = await admin.postForm("/admin/forvaltningar", {
        intent: `update:${target?.id}`,
        name: "barn OCH utbildning",
        version: String(target?.version),
      });
      expect(duplicate.status).toBe(400);
      expect(textOf(await duplicate.text())).toContain(MESSAGES.nameTaken);
      const stale = await admin.postForm("/admin/forvaltningar", {
        intent: `update:${target?.id}`,
        name: "Kultur, fritid och teknik",
        version: String(original?.version),
      });
      expect(stale.status).toBe(409);
      expect(textOf(await stale.text())).toContain(MESSAGES.conflict);
      expect(await department("Kultur och teknik")).toEqual(target);
      expect(await counts()).toEqual(before);
    });

    it("the same name may exist in another organisation", async () => {
      const response = await admin.postForm("/admin/forvaltningar", {
        intent: "create",
        name: "Grannkommunens socialtjänst",
      });
      expect(response.status).toBe(303);
    });
  });

  describe("strategies and goals", () => {
    it("creates a strategy; an active one replaces the active one", async () => {
      const response = await admin.postForm("/admin/strategier", {
        name: "Lokal handlingsplan 2025–2028",
        description: "Kommunens egen plan.",
        validFrom: "2025",
        validTo: "2028",
        isActive: "on",
      });
      expect(response.status).toBe(303);
      const created = await db()
        .selectFrom("strategies")
        .selectAll()
        .where("name", "=", "Lokal handlingsplan 2025–2028")
        .executeTakeFirstOrThrow();
      expect(response.headers.get("location")).toBe(`/admin/strategier/${created.id}?skapad=1`);
      expect(created).toMatchObject({
        organisation_id: server.organisationId,
        valid_from: 2025,
        valid_to: 2028,
        is_active: true,
        version: 1,
      });
      const active = await db()
        .selectFrom("strategies")
        .select("id")
        .where("is_active", "=", true)
        .where("organisation_id", "=", server.organisationId)
        .execute();
      expect(active.map((s) => s.id)).toEqual([created.id]);
      // The other organisation's active strategy is untouched.
      const theirs = await db()
        .selectFrom("strategies")
        .select("is_active")
        .where("id", "=", other.strategyId)
        .executeTakeFirstOrThrow();
      expect(theirs.is_active).toBe(true);
      expect(await auditActions(created.id)).toEqual(["strategy.created"]);
      const home = await admin.get("/");
      expect(textOf(await home.text())).toContain("Lokal handlingsplan 2025–2028");
    });

    it.each([
      [
        "an end year before the start year",
        { validFrom: "2024", validTo: "2020" },
        "validTo",
        MESSAGES.yearOrder,
      ],
      ["a year that is no year", { validFrom: "tjugotjugo" }, "validFrom", MESSAGES.year],
      ["a year out of range", { validTo: "2200" }, "validTo", MESSAGES.year],
      ["no name", { name: "" }, "name", MESSAGES.required],
      [
        "a personnummer in the description",
        { description: "Kontakt 811218-9876" },
        "description",
        MESSAGES.identityNumber,
      ],
    ])(
      "refuses a strategy with %s: 400 and nothing saved",
      async (_label, change, field, message) => {
        const before = await counts();
        const response = await admin.postForm("/admin/strategier", {
          name: "Felaktig strategi",
          description: "",
          validFrom: "2020",
          validTo: "2024",
          ...change,
        });
        expect(response.status).toBe(400);
        const html = await response.text();
        expect(textOf(html)).toContain(message);
        expect(html).toContain(`id="${field}-error"`);
        expect(await counts()).toEqual(before);
      },
    );

    it("saves a strategy with its version, and refuses a stale one with 409", async () => {
      const before = await db()
        .selectFrom("strategies")
        .selectAll()
        .where("id", "=", demoStrategyId)
        .executeTakeFirstOrThrow();
      const form = {
        intent: "save",
        name: before.name,
        description: "Uppdaterad beskrivning.",
        validFrom: "2017",
        validTo: "2021",
        version: String(before.version),
      };
      const saved = await admin.postForm(`/admin/strategier/${demoStrategyId}`, form);
      expect(saved.status).toBe(303);
      expect(saved.headers.get("location")).toBe(`/admin/strategier/${demoStrategyId}?sparat=1`);
      const stale = await admin.postForm(`/admin/strategier/${demoStrategyId}`, {
        ...form,
        validTo: "2030",
      });
      expect(stale.status).toBe(409);
      expect(textOf(await stale.text())).toContain(MESSAGES.conflict);
      const yearOrder = await admin.postForm(`/admin/strategier/${demoStrategyId}`, {
        ...form,
        validFrom: "2022",
        validTo: "2018",
        version: String(before.version + 1),
      });
      expect(yearOrder.status).toBe(400);
      expect(textOf(await yearOrder.text())).toContain(MESSAGES.yearOrder);
      const after = await db()
        .selectFrom("strategies")
        .selectAll()
        .where("id", "=", demoStrategyId)
        .executeTakeFirstOrThrow();
      expect(after).toMatchObject({
        description: "Uppdaterad beskrivning.",
        valid_from: 2017,
        valid_to: 2021,
        version: before.version + 1,
      });
      expect(await auditActions(demoStrategyId)).toEqual(["strategy.updated"]);
    });

    it("adds, edits and removes a goal, each change audited", async () => {
      const path = `/admin/strategier/${demoStrategyId}`;
      const added = await admin.postForm(path, {
        intent: "add-goal",
        position: "5",
        title: "Fler män som utövar våld får stödsamtal.",
        description: "Tillsammans med polisen.",
      });
      expect(added.status).toBe(303);
      const goal = await db()
        .selectFrom("goals")
        .selectAll()
        .where("strategy_id", "=", demoStrategyId)
        .where("position", "=", 5)
        .executeTakeFirstOrThrow();
      expect(goal).toMatchObject({
        organisation_id: server.organisationId,
        title: "Fler män som utövar våld får stödsamtal.",
        description: "Tillsammans med polisen.",
      });

      const invalid = await admin.postForm(path, {
        intent: `save-goal:${goal.id}`,
        position: "100",
        title: "",
      });
      expect(invalid.status).toBe(400);
      const text = textOf(await invalid.text());
      expect(text).toContain(MESSAGES.position);
      expect(text).toContain(MESSAGES.required);

      const edited = await admin.postForm(path, {
        intent: `save-goal:${goal.id}`,
        position: "6",
        title: "Fler män som utövar våld får stödsamtal med beslut.",
        description: "",
      });
      expect(edited.status).toBe(303);
      expect(
        await db().selectFrom("goals").selectAll().where("id", "=", goal.id).executeTakeFirst(),
      ).toMatchObject({
        position: 6,
        title: "Fler män som utövar våld får stödsamtal med beslut.",
      });

      const removed = await admin.postForm(path, { intent: `remove-goal:${goal.id}` });
      expect(removed.status).toBe(303);
      expect(
        await db().selectFrom("goals").select("id").where("id", "=", goal.id).executeTakeFirst(),
      ).toBeUndefined();
      expect(await auditActions(goal.id)).toEqual(["goal.created", "goal.updated", "goal.removed"]);
      const removal = await lastAudit(goal.id);
      expect(removal?.actor_id).toBe(adminId);
      expect(JSON.stringify(removal?.before)).toContain("stödsamtal med beslut");
    });

    it("refuses a goal with a personnummer", async () => {
      const before = await counts();
      const response = await admin.postForm(`/admin/strategier/${demoStrategyId}`, {
        intent: "add-goal",
        position: "7",
        title: "Följ upp ärende 811218-9876",
      });
      expect(response.status).toBe(400);
      expect(textOf(await response.text())).toContain(MESSAGES.identityNumber);
      expect(await counts()).toEqual(before);
    });
  });

  describe("another organisation's records do not exist here", () => {
    async function otherState() {
      return {
        membership: await db()
          .selectFrom("memberships")
          .selectAll()
          .where("user_id", "=", other.userId)
          .executeTakeFirstOrThrow(),
        user: await db()
          .selectFrom("users")
          .selectAll()
          .where("id", "=", other.userId)
          .executeTakeFirstOrThrow(),
        department: await db()
          .selectFrom("departments")
          .selectAll()
          .where("id", "=", other.departmentId)
          .executeTakeFirstOrThrow(),
        strategy: await db()
          .selectFrom("strategies")
          .selectAll()
          .where("id", "=", other.strategyId)
          .executeTakeFirstOrThrow(),
        goal: await db()
          .selectFrom("goals")
          .selectAll()
          .where("id", "=", other.goalId)
          .executeTakeFirstOrThrow(),
      };
    }

    it("answers GET of their user or strategy with 404", async () => {
      for (const pathname of [
        `/admin/anvandare/${other.userId}`,
        `/admin/strategier/${other.strategyId}`,
      ]) {
        const response = await admin.get(pathname);
        expect(response.status, pathname).toBe(404);
        const html = await response.text();
        expect(textOf(html)).toContain("Sidan finns inte");
        expect(html).not.toContain("Greta Granne");
        expect(html).not.toContain("Grannkommunens strategi");
      }
    });

    it("answers every change to their records with 404 and changes nothing", async () => {
      const before = await otherState();
      const audits = (await counts()).audit;
      const posts: [string, Record<string, string | string[]>][] = [
        [`/admin/anvandare/${other.userId}`, { intent: "deactivate" }],
        [
          `/admin/anvandare/${other.userId}`,
          { name: "Kapad", email: "kapad@kommun.test", roles: "observer", version: "1" },
        ],
        [
          "/admin/forvaltningar",
          { intent: `update:${other.departmentId}`, name: "Kapad", version: "1" },
        ],
        [
          `/admin/strategier/${other.strategyId}`,
          { intent: "save", name: "Kapad", validFrom: "2020", validTo: "2021", version: "1" },
        ],
        [
          `/admin/strategier/${other.strategyId}`,
          { intent: "add-goal", position: "2", title: "Kapat mål" },
        ],
        // Their goal, reached through our own strategy's page.
        [
          `/admin/strategier/${demoStrategyId}`,
          { intent: `save-goal:${other.goalId}`, position: "1", title: "Kapat mål" },
        ],
        [`/admin/strategier/${demoStrategyId}`, { intent: `remove-goal:${other.goalId}` }],
      ];
      for (const [pathname, fields] of posts) {
        const response = await admin.postForm(pathname, fields);
        expect(response.status, `POST ${pathname} ${JSON.stringify(fields)}`).toBe(404);
        expect(stackTraceSigns(await response.text())).toEqual([]);
      }
      expect(await otherState()).toEqual(before);
      expect((await counts()).audit).toBe(audits);
    });

    it("their admin sees none of ours", async () => {
      const greta = new HttpClient(server.url);
      await greta.logIn("admin@grannkommun.test", "Grannkommun-losen-1");
      expect((await greta.get(`/admin/anvandare/${adminId}`)).status).toBe(404);
      expect((await greta.get(`/admin/strategier/${demoStrategyId}`)).status).toBe(404);
      const list = textOf(await (await greta.get("/admin/anvandare")).text());
      expect(list).toContain("Greta Granne");
      expect(list).not.toContain("Sara Lind");
      const departments = textOf(await (await greta.get("/admin/forvaltningar")).text());
      expect(departments).not.toContain("Barn och utbildning");
    });
  });
});
