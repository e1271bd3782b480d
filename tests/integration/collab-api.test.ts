import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { updateToContent } from "../../server/collab/headless";
import { createUser } from "../../server/domain/users";
import { openApiDocument } from "../../server/http/openapi";
import { type CollabClient, collabClient } from "../helpers/collab-client";
import { storedDoc } from "../helpers/collab-wire";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * A small JSON Schema check for the subset the OpenAPI document uses (ajv is not installed in
 * this worktree): $ref, type (with null), const, enum, required, properties,
 * additionalProperties: false, items, allOf, string lengths, number bounds, uuid and date-time.
 */
type Schema = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function resolve(schema: Schema): Schema {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  const name = ref.replace("#/components/schemas/", "");
  return resolve(
    (openApiDocument.components.schemas as Record<string, Schema>)[name] ??
      (() => {
        throw new Error(`unknown $ref ${ref}`);
      })(),
  );
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

function violations(value: unknown, raw: Schema, at = "$"): string[] {
  const schema = resolve(raw);
  const problems: string[] = [];
  for (const part of (schema.allOf as Schema[] | undefined) ?? [])
    problems.push(...violations(value, part, at));
  if (schema.type) {
    const allowed = ([] as string[]).concat(schema.type as string | string[]);
    const actual = typeOf(value);
    const ok = allowed.includes(actual) || (actual === "integer" && allowed.includes("number"));
    if (!ok) return [...problems, `${at}: ${actual}, expected ${allowed.join("|")}`];
  }
  if ("const" in schema && value !== schema.const)
    problems.push(`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    problems.push(`${at}: ${JSON.stringify(value)} not in the enum`);
  if (typeof value === "string") {
    if (schema.format === "uuid" && !UUID.test(value)) problems.push(`${at}: not a uuid`);
    if (schema.format === "date-time" && Number.isNaN(Date.parse(value)))
      problems.push(`${at}: not a date-time`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      problems.push(`${at}: longer than ${schema.maxLength}`);
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      problems.push(`${at}: shorter than ${schema.minLength}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      problems.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
      problems.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((item, i) => {
      problems.push(...violations(item, schema.items as Schema, `${at}[${i}]`));
    });
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in object)) problems.push(`${at}.${key}: missing`);
    for (const [key, child] of Object.entries(object)) {
      if (properties[key]) problems.push(...violations(child, properties[key], `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not allowed`);
    }
  }
  return problems;
}

/** The JSON schema the OpenAPI document gives for one response. */
function responseSchema(path: string, method: string, status: number): Schema {
  const operation = (openApiDocument.paths as Record<string, Record<string, unknown>>)[path]?.[
    method
  ] as { responses: Record<string, { content?: Record<string, { schema: Schema }> }> } | undefined;
  const response = operation?.responses[String(status)];
  if (!response) throw new Error(`${method.toUpperCase()} ${path} does not document ${status}`);
  const schema = response.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${method.toUpperCase()} ${path} ${status} has no JSON schema`);
  return schema;
}

const MEMBER = "arbetsgrupp@kommun.test";
const CHIEF = "kommunchef@kommun.test";
const OTHER = "admin@grannkommun.test";
const OTHER_PASSWORD = "Grannkommun-losen-1";

describe("the documents API (/api/v1/documents)", () => {
  let server: TestServer;
  const tokens = new Map<string, string>();
  const clients: CollabClient[] = [];
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const db = server.database.db;
    const { id: organisationId } = await db
      .insertInto("organisations")
      .values({ name: "Grannkommun", slug: "grannkommun" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await createUser(db, null, organisationId, {
      email: OTHER,
      name: "Greta Granne",
      password: OTHER_PASSWORD,
      roles: ["admin"],
      departmentIds: [],
    });
    for (const [email, password] of [
      [MEMBER, undefined],
      [CHIEF, undefined],
      [OTHER, OTHER_PASSWORD],
    ] as const) {
      const http = new HttpClient(server.url);
      await http.logIn(email, password);
      const response = await http.request("/api/v1/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "dokumenttest" }),
      });
      expect(response.status).toBe(201);
      tokens.set(email, ((await response.json()) as { token: string }).token);
    }
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
  });

  /** Calls the API as `email`; checks any JSON answer against the documented schema. */
  async function api(
    email: string,
    method: "get" | "post" | "patch",
    path: string,
    options: { body?: unknown; template?: string } = {},
  ) {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method: method.toUpperCase(),
      headers: {
        authorization: `Bearer ${tokens.get(email)}`,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const type = response.headers.get("content-type") ?? "";
    const body = type.includes("application/json") ? await response.json() : await response.text();
    if (type.includes("application/json")) {
      const template = options.template ?? path.split("?")[0];
      expect(violations(body, responseSchema(template, method, response.status))).toEqual([]);
    }
    return { status: response.status, type, body };
  }

  it("documents every /documents route it serves", () => {
    expect(Object.keys(openApiDocument.paths)).toEqual(
      expect.arrayContaining([
        "/documents",
        "/documents/{id}",
        "/documents/{id}/content",
        "/documents/{id}/versions",
      ]),
    );
  });

  it("the schema check itself notices a wrong shape", () => {
    const document = { $ref: "#/components/schemas/Document" };
    expect(violations({ id: "x", title: 3, extra: true }, document)).toEqual(
      expect.arrayContaining([
        "$.id: not a uuid",
        "$.title: integer, expected string",
        "$.extra: not allowed",
        "$.url: missing",
      ]),
    );
    expect(
      violations(
        { items: [{ note: null }] },
        responseSchema("/documents/{id}/versions", "get", 200),
      ),
    ).toContain("$.items[0].note: null, expected string");
  });

  it("POST creates a document with a server-made first state → 201 {id, url, …}", async () => {
    const departments = await server.database.db
      .selectFrom("departments")
      .select("id")
      .where("organisation_id", "=", server.organisationId)
      .limit(1)
      .execute();
    const created = await api(MEMBER, "post", "/documents", {
      body: {
        title: "Yttrande om skolskjuts",
        kind: "yttrande",
        departmentIds: [departments[0].id],
      },
    });
    expect(created.status).toBe(201);
    documentId = created.body.id;
    expect(created.body).toMatchObject({
      url: `/dokument/${documentId}`,
      title: "Yttrande om skolskjuts",
      kind: "yttrande",
      status: "draft",
      departmentIds: [departments[0].id],
      version: 1,
    });
    // The first state is on the server already: a snapshot, an empty log, one empty paragraph.
    const db = server.database.db;
    const snapshot = await db
      .selectFrom("document_snapshots")
      .select("state")
      .where("document_id", "=", documentId)
      .executeTakeFirst();
    expect(snapshot?.state.length).toBeGreaterThan(0);
    const doc = await storedDoc(db, documentId);
    expect(doc.get("root", Y.XmlText).length).toBe(1);
    const content = await api(MEMBER, "get", `/documents/${documentId}/content?format=json`, {
      template: "/documents/{id}/content",
    });
    expect(content.body.root.children).toMatchObject([{ type: "paragraph", children: [] }]);
  });

  it("POST refuses bad fields (400), read-only roles (403) and identity numbers (422)", async () => {
    const bad = await api(MEMBER, "post", "/documents", { body: { title: "", kind: "roman" } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["kind", "title"]);
    const chief = await api(CHIEF, "post", "/documents", {
      body: { title: "Chefens dokument", kind: "ovrigt" },
    });
    expect(chief.status).toBe(403);
    const personal = await api(MEMBER, "post", "/documents", {
      body: { title: "Om 19121212-1212", kind: "ovrigt" },
    });
    expect(personal.status).toBe(422);
  });

  it("GET lists and filters, and GET one returns the document", async () => {
    const all = await api(CHIEF, "get", "/documents");
    expect(all.status).toBe(200);
    const titles = all.body.items.map((d: { title: string }) => d.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Yttrande om skolskjuts",
        "Samverkan skola–socialtjänst vid oro för barn",
      ]),
    );
    const answers = await api(CHIEF, "get", "/documents?kind=yttrande", {
      template: "/documents",
    });
    expect(answers.body.items.map((d: { id: string }) => d.id)).toEqual([documentId]);
    const byTitle = await api(CHIEF, "get", "/documents?q=SKOLSKJUTS", { template: "/documents" });
    expect(byTitle.body.items).toHaveLength(1);
    const badFilter = await api(CHIEF, "get", "/documents?kind=roman", { template: "/documents" });
    expect(badFilter.status).toBe(400);

    const one = await api(CHIEF, "get", `/documents/${documentId}`, {
      template: "/documents/{id}",
    });
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(documentId);
  });

  it("content in text, html and json is what the editors typed", async () => {
    const client = await collabClient(server, MEMBER, documentId);
    clients.push(client);
    await client.synced;
    // An edit as the browser's editor makes it: a bold heading and a paragraph.
    const state = Y.encodeStateAsUpdate(client.doc);
    Y.applyUpdate(
      client.doc,
      updateToContent(state, {
        root: {
          type: "root",
          version: 1,
          direction: null,
          format: "",
          indent: 0,
          children: [
            {
              type: "heading",
              tag: "h2",
              version: 1,
              direction: null,
              format: "",
              indent: 0,
              children: [
                {
                  type: "text",
                  text: "Skolskjuts",
                  format: 1,
                  detail: 0,
                  mode: "normal",
                  style: "",
                  version: 1,
                },
              ],
            },
            {
              type: "paragraph",
              version: 1,
              direction: null,
              format: "",
              indent: 0,
              textFormat: 0,
              textStyle: "",
              children: [
                {
                  type: "text",
                  text: "Barn & föräldrar",
                  format: 0,
                  detail: 0,
                  mode: "normal",
                  style: "",
                  version: 1,
                },
              ],
            },
          ],
        },
      } as never),
    );
    await client.saved();
    const path = `/documents/${documentId}/content`;
    const template = "/documents/{id}/content";

    const text = await api(CHIEF, "get", `${path}?format=text`, { template });
    expect(text.status).toBe(200);
    expect(text.type).toMatch(/^text\/plain/);
    expect(text.body).toBe("Skolskjuts\n\nBarn & föräldrar");

    const html = await api(CHIEF, "get", `${path}?format=html`, { template });
    expect(html.type).toMatch(/^text\/html/);
    expect(html.body).toMatch(/<h2[^>]*>.*<(strong|b)[^>]*>Skolskjuts<\/\1>.*<\/h2>/s);
    expect(html.body).toContain("Barn &amp; föräldrar");

    const json = await api(CHIEF, "get", path, { template });
    expect(json.type).toMatch(/^application\/json/);
    expect(json.body.root.children).toMatchObject([
      { type: "heading", tag: "h2", children: [{ text: "Skolskjuts", format: 1 }] },
      { type: "paragraph", children: [{ text: "Barn & föräldrar" }] },
    ]);

    const unknown = await api(CHIEF, "get", `${path}?format=pdf`, { template });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toHaveProperty("format");
  });

  it("versions: POST names the current content, GET lists them; read-only roles may only read", async () => {
    const path = `/documents/${documentId}/versions`;
    const template = "/documents/{id}/versions";
    const created = await api(MEMBER, "post", path, {
      body: { note: "Första utkastet" },
      template,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      note: "Första utkastet",
      adopted: false,
      createdByName: expect.any(String),
    });
    const listed = await api(CHIEF, "get", path, { template });
    expect(listed.body.items.map((v: { id: string }) => v.id)).toEqual([created.body.id]);
    const refused = await api(CHIEF, "post", path, { body: { note: "Chefens" }, template });
    expect(refused.status).toBe(403);
    const tooLong = await api(MEMBER, "post", path, { body: { note: "x".repeat(501) }, template });
    expect(tooLong.status).toBe(400);
    const stored = await server.database.db
      .selectFrom("document_versions")
      .select("rendered_text")
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.rendered_text).toBe("Skolskjuts\n\nBarn & föräldrar");
  });

  it("PATCH changes metadata and status (adopting freezes it); a version is restored as a new change", async () => {
    const created = await api(MEMBER, "post", "/documents", {
      body: { title: "Rutin vid orosanmälan", kind: "handlingsplan" },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const path = `/documents/${id}`;
    const template = "/documents/{id}";
    const renamed = await api(MEMBER, "patch", path, {
      body: {
        version: 1,
        title: "Rutin vid orosanmälan 2017",
        frontMatter: { sender: "Socialtjänsten" },
      },
      template,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      title: "Rutin vid orosanmälan 2017",
      kind: "handlingsplan",
      status: "draft",
      version: 2,
      frontMatter: { sender: "Socialtjänsten", registrationNumber: "" },
    });
    const stale = await api(MEMBER, "patch", path, {
      body: { version: 1, title: "Gammal" },
      template,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("conflict");
    const unknown = await api(MEMBER, "patch", path, {
      body: { version: 2, titel: "Stavfel" },
      template,
    });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.error.fields)).toEqual(["titel"]);
    const personal = await api(MEMBER, "patch", path, {
      body: { version: 2, frontMatter: { caseOfficer: "19811218-9876" } },
      template,
    });
    expect(personal.status).toBe(422);
    expect(
      (await api(CHIEF, "patch", path, { body: { version: 2, status: "review" }, template }))
        .status,
    ).toBe(403);

    const named = await api(MEMBER, "post", `${path}/versions`, {
      body: { note: "Före ändringen" },
      template: "/documents/{id}/versions",
    });
    const restore = (versionId: string, email = MEMBER) =>
      api(email, "post", `${path}/versions/${versionId}/restore`, {
        template: "/documents/{id}/versions/{versionId}/restore",
      });
    const restored = await restore(named.body.id);
    expect(restored.status).toBe(200);
    expect(restored.body.contentUpdatedAt >= renamed.body.contentUpdatedAt).toBe(true);
    const audit = await server.database.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", id)
      .where("action", "=", "document.version-restored")
      .execute();
    expect(audit).toHaveLength(1);
    expect((await restore(named.body.id, CHIEF)).status).toBe(403);
    expect((await restore(crypto.randomUUID())).status).toBe(404);

    const adopted = await api(MEMBER, "patch", path, {
      body: { version: 2, status: "adopted" },
      template,
    });
    expect(adopted.status).toBe(200);
    expect(adopted.body.status).toBe("adopted");
    const versions = await api(CHIEF, "get", `${path}/versions`, {
      template: "/documents/{id}/versions",
    });
    expect(versions.body.items[0]).toMatchObject({ adopted: true });
    const frozen = await api(MEMBER, "patch", path, {
      body: { version: 3, title: "Ändrad" },
      template,
    });
    expect(frozen.status).toBe(400);
    expect(frozen.body.error.fields).toEqual({
      form: "The document is adopted and can no longer be changed.",
    });
    expect((await restore(named.body.id)).status).toBe(400);
    expect(
      (await api(OTHER, "patch", path, { body: { version: 3, title: "Grannens" }, template }))
        .status,
    ).toBe(404);
  });

  it("another organisation's document, an unknown id and a malformed id are 404", async () => {
    for (const id of [documentId, "00000000-0000-4000-8000-000000000000", "inte-ett-id"]) {
      const asked = [
        ["get", `/documents/${id}`, "/documents/{id}"],
        ["get", `/documents/${id}/content?format=text`, "/documents/{id}/content"],
        ["get", `/documents/${id}/versions`, "/documents/{id}/versions"],
        ["post", `/documents/${id}/versions`, "/documents/{id}/versions"],
      ] as const;
      for (const [method, path, template] of asked) {
        const response = await api(OTHER, method, path, {
          template,
          body: method === "post" ? { note: "Grannens" } : undefined,
        });
        expect(response.status, `${method} ${path}`).toBe(404);
      }
    }
    const theirs = await api(OTHER, "get", "/documents");
    expect(theirs.body.items).toEqual([]);
  });
});
