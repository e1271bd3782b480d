import type { SerializedEditorState, SerializedLexicalNode } from "lexical";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderState, updateToContent } from "../../server/collab/headless";
import { loadState } from "../../server/collab/store";
import { addComment } from "../../server/domain/comments";
import { collabClient } from "../helpers/collab-client";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

interface ApiHit {
  kind: "action" | "comment" | "followup" | "document";
  id: string;
  title: string;
  snippet: string;
  highlights: [number, number][];
  rank: number;
  url: string;
}

/** The words an API hit highlights, from its offsets into the plain snippet. */
const highlighted = (hit: ApiHit) =>
  hit.highlights.map(([start, end]) => hit.snippet.slice(start, end).toLowerCase());

describe("Swedish full-text search", () => {
  let server: TestServer;
  let http: HttpClient;
  let token: string;
  let goalId: string;
  let departmentId: string;

  const api = (query: Record<string, string>) =>
    fetch(`${server.url}/api/v1/search?${new URLSearchParams(query)}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  const hits = async (query: Record<string, string>): Promise<ApiHit[]> => {
    const response = await api(query);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: ApiHit[] }).items;
  };
  const createAction = async (title: string, description: string): Promise<string> => {
    const response = await fetch(`${server.url}/api/v1/actions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title, description, goalId, departmentId }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const page = async (query: string) => {
    const response = await http.get(`/sok?${query}`);
    return { status: response.status, html: await response.text() };
  };

  beforeAll(async () => {
    server = await startTestServer();
    http = new HttpClient(server.url);
    await http.logIn("arbetsgrupp@kommun.test");
    const created = await http.request("/api/v1/tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Söktest" }),
    });
    expect(created.status).toBe(201);
    token = ((await created.json()) as { token: string }).token;
    const db = server.database.db;
    goalId = (
      await db
        .selectFrom("goals")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .executeTakeFirstOrThrow()
    ).id;
    departmentId = (
      await db
        .selectFrom("departments")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .where("name", "=", "Socialtjänst")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => server.close());

  it("finds inflected Swedish forms and highlights the matched words", async () => {
    const minutes = await server.database.db
      .selectFrom("documents")
      .select("id")
      .where("kind", "=", "motesanteckningar")
      .executeTakeFirstOrThrow();
    // The minutes say "samverkansformer" and "samverkansform".
    const forms = await hits({ q: "samverkansformerna" });
    const hit = forms.find((h) => h.id === minutes.id);
    expect(hit).toMatchObject({ kind: "document", url: `/dokument/${minutes.id}` });
    expect(highlighted(hit!)).toContain("samverkansform");

    // "skolans" finds both "skola" (an action) and "skolan" (a follow-up comment).
    const school = (await hits({ q: "skolans" })).flatMap(highlighted);
    expect(school).toContain("skola");
    expect(school).toContain("skolan");

    // "våldet" finds the many texts that only say "våld".
    const violence = await hits({ q: "våldet" });
    expect(violence.flatMap(highlighted)).toContain("våld");
    expect(violence.length).toBeGreaterThan(5);
    expect(violence.map((h) => h.title)).toContain("Rutin för att fråga om våld i socialtjänsten");
  });

  it("ranks a title match above a match in the text only", async () => {
    const inText = await createAction(
      "Stöd till föräldrar",
      "Ett föräldracafé varannan vecka på familjecentralen.",
    );
    const inTitle = await createAction(
      "Föräldracafé i biblioteket",
      "Samtal om barns trygghet, med socialtjänsten på plats.",
    );
    // Indexed by stored generated columns: found at once, no waiting.
    const found = await hits({ q: "föräldracaféerna" });
    expect(found.map((h) => h.id)).toEqual([inTitle, inText]);
    expect(found[0].rank).toBeGreaterThan(found[1].rank);
    expect(found.every((h) => highlighted(h).includes("föräldracafé"))).toBe(true);
  });

  it("filters by kind, and a comment or follow-up hit links to its action", async () => {
    const all = await hits({ q: "våld", limit: "100" });
    expect(all.length).toBeLessThan(100);
    let filtered = 0;
    for (const kind of ["action", "comment", "followup", "document"]) {
      const found = await hits({ q: "våld", kind, limit: "100" });
      expect(
        found.every((h) => h.kind === kind),
        kind,
      ).toBe(true);
      filtered += found.length;
    }
    expect(filtered).toBe(all.length);
    expect(new Set(all.map((h) => h.kind)).size).toBeGreaterThan(1);

    // A follow-up comment in the demo data: "Tredje skolan saknar personal för utbildningen."
    const followUp = await server.database.db
      .selectFrom("follow_ups")
      .select("action_id")
      .where("comment", "like", "Tredje skolan%")
      .executeTakeFirstOrThrow();
    const followUpHits = await hits({ q: "skolan personal", kind: "followup" });
    expect(followUpHits.map((h) => h.url)).toContain(`/atgarder/${followUp.action_id}`);

    const member = await server.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "arbetsgrupp@kommun.test")
      .executeTakeFirstOrThrow();
    const actionId = await createAction("Samtalsgrupper för unga", "");
    await addComment(
      server.database.db,
      {
        userId: member.id,
        organisationId: server.organisationId,
        roles: ["member"],
        departmentIds: [],
      },
      actionId,
      { body: "Fritidsledarna vill ha handledning inför höstens samtalsgrupper." },
    );
    const [comment] = await hits({ q: "handledningen", kind: "comment" });
    expect(comment).toMatchObject({
      kind: "comment",
      id: actionId,
      title: "Samtalsgrupper för unga",
      url: `/atgarder/${actionId}`,
    });
    expect(highlighted(comment)).toEqual(["handledning"]);
  });

  it("never returns another organisation's actions, comments or documents", async () => {
    const db = server.database.db;
    const other = await db
      .insertInto("organisations")
      .values({ name: "Grannkommunen", slug: "grannkommunen" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const strategy = await db
      .insertInto("strategies")
      .values({
        organisation_id: other.id,
        name: "Grannstrategin",
        valid_from: 2017,
        valid_to: 2020,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const goal = await db
      .insertInto("goals")
      .values({ organisation_id: other.id, strategy_id: strategy.id, position: 1, title: "Mål" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const department = await db
      .insertInto("departments")
      .values({ organisation_id: other.id, name: "Grannförvaltningen" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const action = await db
      .insertInto("actions")
      .values({
        organisation_id: other.id,
        goal_id: goal.id,
        department_id: department.id,
        owner_id: null,
        title: "Grannkommunens nattvandring",
        start_date: null,
        due_date: null,
        created_by: null,
        updated_by: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("action_comments")
      .values({
        organisation_id: other.id,
        action_id: action.id,
        author_id: null,
        body: "Nattvandringen i grannkommunen",
      })
      .execute();
    const document = await db
      .insertInto("documents")
      .values({
        organisation_id: other.id,
        title: "Grannkommunens rutin",
        kind: "samverkansform",
        created_by: null,
        updated_by: null,
        rendered_text: "Nattvandring varje fredag.",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const ours = await createAction("Nattvandring med föräldrar", "");

    const found = await hits({ q: "nattvandring" });
    expect(found.map((h) => h.id)).toEqual([ours]);
    const html = (await page("q=nattvandring")).html;
    expect(html).toContain("Nattvandring med föräldrar");
    expect(html).not.toContain("Grannkommun");
    expect(html).not.toContain(action.id);
    expect(html).not.toContain(document.id);
  });

  it("answers an empty, missing or 2 000-character query and an unknown kind with 400", async () => {
    for (const query of [{ q: "" }, {}, { q: "   " }] as Record<string, string>[]) {
      const response = await api(query);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: "invalid_input",
          message: "The request has invalid fields.",
          fields: { q: "Type what you want to search for." },
        },
      });
    }
    const long = await api({ q: "våld ".repeat(400) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: { fields: object } }).error.fields).toEqual({
      q: "A search can be at most 200 characters.",
    });
    const kind = await api({ q: "våld", kind: "everything" });
    expect(kind.status).toBe(400);
    expect(((await kind.json()) as { error: { fields: object } }).error.fields).toHaveProperty(
      "kind",
    );
    const anonymous = await fetch(`${server.url}/api/v1/search?q=v%C3%A5ld`);
    expect(anonymous.status).toBe(401);
    // Only stop words: nothing to find, not an error.
    await expect(hits({ q: "och att" })).resolves.toEqual([]);
  });

  it("the page explains an empty or too long query at the field, keeps what was typed, and still renders", async () => {
    const opened = await page("");
    expect(opened.status).toBe(200);
    expect(textOf(opened.html)).toContain("Sökord");
    expect(opened.html).not.toContain('class="error-summary"');

    const empty = await page("q=");
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('class="error-summary"');
    expect(empty.html).toContain('href="#q"');
    expect(textOf(empty.html)).toContain("Sökord: Skriv vad du vill söka efter.");
    expect(empty.html).toContain("<title>Sök – Samverkan</title>");

    const query = "kvinnofrid ".repeat(200).trim();
    const long = await page(`q=${encodeURIComponent(query)}`);
    expect(long.status).toBe(400);
    expect(textOf(long.html)).toContain("Sökord: Sökningen får vara högst 200 tecken.");
    expect(long.html).toMatch(/id="q-error"/);
    expect(long.html).toContain(`value="${query}"`);
    expect(long.html).toContain('aria-invalid="true"');

    const anonymous = await new HttpClient(server.url).get("/sok?q=v%C3%A5ld");
    expect(anonymous.status).toBe(302);
  });

  it("the page shows ranked results with marked matches, the count, filters and an empty state", async () => {
    const { status, html } = await page(`q=${encodeURIComponent("våldet")}&typ=atgarder`);
    expect(status).toBe(200);
    expect(html).toContain("<title>Sök – Samverkan</title>");
    expect(html).toMatch(/<mark>våld<\/mark>/i);
    expect(html).toContain('role="search"');
    const count = (await hits({ q: "våldet", kind: "action", limit: "100" })).length;
    expect(textOf(html)).toContain(`${count} träffar`);
    // The filter links keep the query; the chosen one is marked.
    expect(html).toMatch(/href="\/sok\?q=v%C3%A5ldet&amp;typ=dokument"/);
    expect(html).toMatch(/<a aria-current="page"[^>]*href="\/sok\?q=v%C3%A5ldet&amp;typ=atgarder"/);

    const none = await page("q=kvinnofridsstafetten&typ=dokument");
    expect(none.status).toBe(200);
    const text = textOf(none.html);
    expect(text).toContain("Inga träffar för ”kvinnofridsstafetten”.");
    expect(text).toContain("Kontrollera stavningen.");
    expect(text).toContain("Sök bland alla typer");
  });

  it("escapes HTML in stored text on the page", async () => {
    await createAction(
      "<script>x</script> Snöröjning",
      '<img src="x" onerror="alert(1)"> snöröjning',
    );
    const { html } = await page("q=sn%C3%B6r%C3%B6jning");
    expect(html).not.toContain("<script>x</script>");
    expect(html).not.toContain("<img src");
    expect(html).toContain("&lt;script&gt;x&lt;/script&gt; Snöröjning");
    expect(html).toMatch(/<mark>snöröjning<\/mark>/i);
  });

  it("finds a word within 10 s of a document edit made through the co-editing hub", async () => {
    const db = server.database.db;
    const { id: documentId } = await db
      .selectFrom("documents")
      .select("id")
      .where("kind", "=", "samverkansform")
      .where("organisation_id", "=", server.organisationId)
      .executeTakeFirstOrThrow();
    await expect(hits({ q: "kvinnofridsstafetten" })).resolves.toEqual([]);

    // An open editor, so the hub holds the document and renders it after the edit.
    const editor = await collabClient(server, "arbetsgrupp@kommun.test", documentId);
    await editor.synced;
    const stored = await loadState(db, documentId);
    const current = renderState(stored!.state).json;
    const paragraph = current.root.children.find((node) => node.type === "paragraph") as
      | (SerializedLexicalNode & { children: (SerializedLexicalNode & { text: string })[] })
      | undefined;
    expect(paragraph).toBeDefined();
    const added = structuredClone(paragraph!);
    added.children = [{ ...added.children[0], text: "Vi deltar i Kvinnofridsstafetten i mars." }];
    const target: SerializedEditorState = {
      ...current,
      root: { ...current.root, children: [...current.root.children, added] },
    };
    const edited = Date.now();
    await server.collab.applyServerUpdate(documentId, updateToContent(stored!.state, target), null);

    await expect
      .poll(async () => (await hits({ q: "kvinnofridsstafetten" })).map((h) => h.id), {
        timeout: 10_000,
        interval: 250,
      })
      .toEqual([documentId]);
    expect(Date.now() - edited).toBeLessThan(10_000);
    const [hit] = await hits({ q: "kvinnofridsstafetten" });
    expect(highlighted(hit)).toEqual(["kvinnofridsstafetten"]);
    editor.close();
  });
});
