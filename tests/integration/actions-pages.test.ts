import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findIdentityNumbers } from "../../common/personnummer";
import { EXPORT_HEADER } from "../../server/domain/action-csv";
import { swedishToday } from "../../server/domain/dates";
import { DEMO_EMAILS, departmentIds } from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const SWEDISH_STATUSES = [
  "Ej påbörjad",
  "Pågående",
  "Försenad",
  "Genomförd",
  "Vilande",
  "Avbruten",
];

describe("Åtgärder pages: CSV export, import, create, board moves", () => {
  let server: TestServer;
  let member: HttpClient;
  let departments: Record<string, string>;

  const countActions = async () =>
    Number(
      (
        await server.database.db
          .selectFrom("actions")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("organisation_id", "=", server.organisationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const signedIn = async (email: string) => {
    const client = new HttpClient(server.url);
    await client.logIn(email);
    return client;
  };

  /** Posts the import form the way a browser does: multipart with the file. */
  const upload = (
    client: HttpClient,
    content: string | Uint8Array<ArrayBuffer>,
    intent = "preview",
    name = "atgarder.csv",
  ) => {
    const form = new FormData();
    form.set("intent", intent);
    form.set("file", new Blob([content], { type: "text/csv" }), name);
    return client.request("/atgarder/import", { method: "POST", body: form });
  };
  /** Step 2: the previewed content posted back. */
  const confirmImport = (client: HttpClient, content: string) => {
    const form = new FormData();
    form.set("intent", "import");
    form.set("content", content);
    form.set("fileName", "atgarder.csv");
    return client.request("/atgarder/import", { method: "POST", body: form });
  };

  beforeAll(async () => {
    server = await startTestServer();
    member = await signedIn(DEMO_EMAILS.member);
    departments = await departmentIds(server.database.db, server.organisationId);
  });
  afterAll(() => server?.close());

  describe("CSV export", () => {
    it("answers the filtered list for Excel: BOM, ;, the header, Swedish status words", async () => {
      const social = departments.Socialtjänst;
      const response = await member.get(`/atgarder.csv?departmentId=${social}&sort=title`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      const today = swedishToday();
      expect(response.headers.get("content-disposition")).toBe(
        `attachment; filename="Atgarder-${today}.csv"; filename*=UTF-8''%C3%85tg%C3%A4rder-${today}.csv`,
      );
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = new TextDecoder("utf-8", { ignoreBOM: true })
        .decode(bytes)
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n");
      expect(lines[0]).toBe(EXPORT_HEADER.join(";"));
      const expected = await server.database.db
        .selectFrom("actions")
        .select("title")
        .where("department_id", "=", social)
        .execute();
      const rows = lines.slice(1).map((line) => line.split(";"));
      expect(rows).toHaveLength(expected.length);
      expect(rows.length).toBeGreaterThan(1);
      const column = (name: string) => EXPORT_HEADER.indexOf(name);
      for (const row of rows) {
        expect(row[column("Ansvarig förvaltning")]).toBe("Socialtjänst");
        expect(SWEDISH_STATUSES).toContain(row[column("Status")]);
      }
      // The demo's due dates are in 2017–2020: open actions are overdue, finished ones done.
      const statuses = rows.map((row) => row[column("Status")]);
      expect(statuses).toContain("Försenad");
      expect(statuses).toContain("Genomförd");
    });

    it("narrows by status and text as the list does", async () => {
      const done = await member.get("/atgarder.csv?status=done");
      const doneRows = (await done.text()).trimEnd().split("\r\n").slice(1);
      expect(doneRows.length).toBeGreaterThan(0);
      for (const row of doneRows) expect(row).toContain(";Genomförd;");
      const text = await member.get("/atgarder.csv?q=SMADIT");
      const textRows = (await text.text()).trimEnd().split("\r\n").slice(1);
      expect(textRows).toHaveLength(1);
    });

    it("gives an empty template with ?mall=1", async () => {
      const response = await member.get("/atgarder.csv?mall=1");
      expect(response.headers.get("content-disposition")).toContain("mall.csv");
      expect((await response.text()).trimEnd()).toBe(EXPORT_HEADER.join(";"));
    });
  });

  describe("CSV import", () => {
    const header = "Titel;Beskrivning;Mål;Ansvarig förvaltning;Slutdatum;Status;Genomfört (%)";

    it("previews bad rows with their errors and saves nothing", async () => {
      const before = await countActions();
      const file = [
        header,
        "Bra rad;Text;1;Socialtjänst;2027-06-30;Pågående;10",
        "Okänt mål;Text;Mål 9;Socialtjänst;;;",
        "Personnummer;Gäller 19121212-1212;2;Socialtjänst;;;",
        "Fel datum;;3;Ingen sådan förvaltning;2027-13-45;Klar;140",
      ].join("\r\n");
      const response = await upload(member, file);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain("Filen innehåller 4 åtgärder.");
      expect(html).toContain("3 rader har fel.");
      expect(html).toContain("Rad 3, Mål");
      expect(html).toContain("Välj ett mål ur listan.");
      expect(html).toContain("Rad 4, Beskrivning");
      expect(html).toContain("ser ut som ett personnummer");
      expect(html).toContain("Rad 5, Ansvarig förvaltning");
      expect(html).toContain("Rad 5, Slutdatum");
      expect(html).toContain("Rad 5, Status");
      expect(html).toContain("Rad 5, Genomfört (%)");
      expect(html).not.toContain('value="import"');
      expect(await countActions()).toBe(before);

      // Posting the bad file to step 2 anyway still saves nothing: all or nothing.
      const forced = await confirmImport(member, file);
      expect(forced.status).toBe(400);
      expect(await countActions()).toBe(before);
    });

    it.each([
      ["an en dash", "Samtal 811218\u20139876 gällde"],
      ["a space", "Samtal 811218 9876 gällde"],
      ["fullwidth digits", "\uFF18\uFF11\uFF11\uFF12\uFF11\uFF18\uFF0D\uFF19\uFF18\uFF17\uFF16"],
      ["a zero-width space inside", "8112\u200B18-9876"],
      ["letters glued on", "ref-8112189876"],
    ])(
      "refuses a personnummer written with %s: nothing is imported or exported",
      async (_, text) => {
        const before = await countActions();
        const file = [header, `Importförsök;${text};1;Socialtjänst;;;`].join("\r\n");
        const preview = await upload(member, file);
        expect(preview.status).toBe(400);
        const html = await preview.text();
        expect(html).toContain("Rad 2, Beskrivning");
        expect(html).toContain("ser ut som ett personnummer");
        const forced = await confirmImport(member, file);
        expect(forced.status).toBe(400);
        expect(await countActions()).toBe(before);
        const exported = await (await member.get("/atgarder.csv")).text();
        expect(exported).not.toContain("Importförsök");
        expect(findIdentityNumbers(exported)).toEqual([]);
      },
    );

    it.each([
      ["an empty file", "", "Filen är tom."],
      ["no title column", "Namn;Mål\r\nx;1", "Filen saknar någon av kolumnerna"],
      ["only a header", header, "Filen innehåller inga åtgärder."],
      [
        "too many rows",
        [header, ...Array(1001).fill("x;;1;Socialtjänst;;;")].join("\n"),
        "fler än 1 000",
      ],
      [
        "an Excel workbook",
        new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 1, 2]),
        "går inte att läsa som CSV",
      ],
    ])("says so clearly for %s", async (_, content, message) => {
      const response = await upload(member, content);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(message);
    });

    it("says to choose a file when none was chosen", async () => {
      const response = await upload(member, "", "preview", "");
      expect(await response.text()).toContain("Välj en CSV-fil att förhandsgranska.");
    });

    it("imports every row of a good file, also from Excel's Windows-1252 CSV", async () => {
      const before = await countActions();
      const file = [
        "Titel,Mål,Ansvarig förvaltning,Medverkande förvaltningar,Ansvarig person,Status",
        "Importerad åtgärd ett,1,Socialtjänst,Kommunledning,arbetsgrupp@kommun.test,Pågående",
        "Importerad åtgärd två,Mål 2,Barn och utbildning,,Erik Holm,",
      ].join("\r\n");
      const latin1 = Uint8Array.from(file, (c) => c.charCodeAt(0));
      const preview = await upload(member, latin1);
      expect(preview.status).toBe(200);
      const html = await preview.text();
      expect(html).toContain("Alla rader ser bra ut.");
      expect(html).toContain("Importera 2 åtgärder");
      expect(html).toContain("Importerad åtgärd två");
      expect(await countActions()).toBe(before);

      const response = await confirmImport(member, file);
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/atgarder?importerade=2");
      expect(await countActions()).toBe(before + 2);
      const saved = await server.database.db
        .selectFrom("actions")
        .select(["title", "status", "department_id"])
        .where("title", "like", "Importerad åtgärd%")
        .orderBy("title")
        .execute();
      expect(saved).toEqual([
        {
          title: "Importerad åtgärd ett",
          status: "in_progress",
          department_id: departments.Socialtjänst,
        },
        {
          title: "Importerad åtgärd två",
          status: "not_started",
          department_id: departments["Barn och utbildning"],
        },
      ]);
      const list = await (await member.get("/atgarder?importerade=2")).text();
      expect(list).toContain("2 åtgärder har importerats.");
    });

    it("is for members and admins only", async () => {
      for (const email of [DEMO_EMAILS.editor, DEMO_EMAILS.chief, DEMO_EMAILS.observer]) {
        const client = await signedIn(email);
        expect((await client.get("/atgarder/import")).status).toBe(403);
        expect((await upload(client, header)).status).toBe(403);
      }
    });
  });

  describe("Ny åtgärd", () => {
    const goalOf = async (position: number) =>
      (
        await server.database.db
          .selectFrom("goals")
          .innerJoin("strategies", "strategies.id", "goals.strategy_id")
          .select("goals.id")
          .where("strategies.is_active", "=", true)
          .where("goals.position", "=", position)
          .where("goals.organisation_id", "=", server.organisationId)
          .executeTakeFirstOrThrow()
      ).id;

    it("lets a member create an action and lands on it", async () => {
      const page = await member.get("/atgarder/ny");
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("Mål 1 – Ett utökat och verkningsfullt");
      const response = await member.postForm("/atgarder/ny", {
        title: "Ny rutin för orosanmälningar",
        description: "Gemensam rutin mellan skola och socialtjänst.",
        goalId: await goalOf(2),
        departmentId: departments["Barn och utbildning"],
        involvedDepartmentIds: ["", departments.Socialtjänst],
        ownerId: "",
        startDate: "2026-01-12",
        dueDate: "2027-10-12",
        status: "in_progress",
        progress: "5",
      });
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toMatch(/^\/atgarder\/[0-9a-f-]{36}\?skapad=1$/);
      const saved = await server.database.db
        .selectFrom("actions")
        .selectAll()
        .where("title", "=", "Ny rutin för orosanmälningar")
        .executeTakeFirstOrThrow();
      expect(saved).toMatchObject({ status: "in_progress", progress: 5, due_date: "2027-10-12" });
    });

    it("refuses bad input at the fields and keeps what was typed", async () => {
      const before = await countActions();
      const response = await member.postForm("/atgarder/ny", {
        title: "Behåll min titel",
        description: "Gäller 19121212-1212",
        goalId: "",
        departmentId: departments.Socialtjänst,
        involvedDepartmentIds: "",
        startDate: "2027-10-12",
        dueDate: "2017-10-12",
        status: "in_progress",
        progress: "101",
      });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain("Det finns fel i formuläret");
      expect(html).toContain("Välj ett mål ur listan.");
      expect(html).toContain("Ange genomfört (%) som ett heltal mellan 0 och 100.");
      expect(html).toContain('value="Behåll min titel"');
      expect(html).toContain('value="101"');
      expect(await countActions()).toBe(before);

      const identity = await member.postForm("/atgarder/ny", {
        title: "Behåll min titel",
        description: "Gäller 19121212-1212",
        goalId: await goalOf(1),
        departmentId: departments.Socialtjänst,
        involvedDepartmentIds: "",
        status: "not_started",
        progress: "0",
      });
      expect(identity.status).toBe(400);
      const identityHtml = await identity.text();
      expect(identityHtml).toContain('id="description-error"');
      expect(identityHtml).toContain("ser ut som ett personnummer");
      expect(identityHtml).toContain("Gäller 19121212-1212</textarea>");
      expect(await countActions()).toBe(before);
    });

    it.each([
      ["observer", DEMO_EMAILS.observer],
      ["chief", DEMO_EMAILS.chief],
      ["editor", DEMO_EMAILS.editor],
    ])("answers 403 to the %s", async (_, email) => {
      const client = await signedIn(email);
      expect((await client.get("/atgarder/ny")).status).toBe(403);
      const post = await client.postForm("/atgarder/ny", {
        title: "Inte tillåten",
        goalId: await goalOf(1),
        departmentId: departments.Socialtjänst,
      });
      expect(post.status).toBe(403);
    });
  });

  describe("the board's Flytta till… without JavaScript", () => {
    const oneAction = (department: string) =>
      server.database.db
        .selectFrom("actions")
        .select(["id", "version", "status"])
        .where("department_id", "=", departments[department])
        .where("status", "=", "in_progress")
        .orderBy("title")
        .executeTakeFirstOrThrow();

    it("shows move controls only on cards the viewer may update", async () => {
      const editor = await signedIn(DEMO_EMAILS.editor);
      const html = await (await editor.get("/atgarder?vy=tavla")).text();
      const own = await server.database.db
        .selectFrom("actions")
        .select("id")
        .where("department_id", "=", departments.Socialtjänst)
        .execute();
      const controls = [...html.matchAll(/id="move-([0-9a-f-]{36})"/g)].map((m) => m[1]);
      expect(controls.sort()).toEqual(own.map((a) => a.id).sort());
      const chief = await signedIn(DEMO_EMAILS.chief);
      expect(await (await chief.get("/atgarder?vy=tavla")).text()).not.toContain('id="move-');
    });

    it("moves an editor's own card, refuses another department's, and a stale version", async () => {
      const editor = await signedIn(DEMO_EMAILS.editor);
      const action = await oneAction("Socialtjänst");
      const moved = await editor.postForm("/atgarder?index&vy=tavla&departmentId=x", {
        intent: "move",
        actionId: action.id,
        version: String(action.version),
        status: "paused",
      });
      expect(moved.status).toBe(303);
      expect(moved.headers.get("location")).toBe(
        `/atgarder?vy=tavla&departmentId=x&flyttad=${action.id}`,
      );
      const board = await (await editor.get(moved.headers.get("location") ?? "")).text();
      expect(board).toMatch(/har (flyttats till|nu status) Vilande/);

      const stale = await editor.postForm("/atgarder?index&vy=tavla", {
        intent: "move",
        actionId: action.id,
        version: String(action.version),
        status: "done",
      });
      expect(stale.status).toBe(409);
      expect(await stale.text()).toContain("Karin Nilsson ändrade åtgärden");

      const other = await oneAction("Barn och utbildning");
      const refused = await editor.postForm("/atgarder?index&vy=tavla", {
        intent: "move",
        actionId: other.id,
        version: String(other.version),
        status: "done",
      });
      expect(refused.status).toBe(403);
      expect((await oneAction("Barn och utbildning")).version).toBe(other.version);
    });
  });
});
