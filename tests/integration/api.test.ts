import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { Router } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import { revokeApiToken } from "../../server/auth/tokens";
import { createDocument } from "../../server/domain/documents";
import { createApiRouter } from "../../server/http/api";
import { apiOperations, type openApiDocument } from "../../server/http/openapi";
import { createReadCache } from "../../server/read-cache";
import {
  ALLOWED,
  type ApiResponse,
  actorFor,
  callApi,
  conditionalGet,
  createTokenAs,
  DEMO_EMAILS,
  type DemoUser,
  departmentIds,
  goalIds,
  OPERATIONS,
  type Operation,
  OTHER_DEPARTMENT,
  type OtherOrganisation,
  OWN_DEPARTMENT,
  periodIds,
  seedOtherOrganisation,
} from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

// Low enough to reach in a test, high enough that no other test's token gets there.
const RATE_LIMIT = 200;

type OpenApi = typeof openApiDocument;

let server: TestServer;
let db: DB;
let document: OpenApi;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
/** "METHOD /template STATUS" of every response the tests saw, checked against the document. */
const observed = new Set<string>();
const tokens = {} as Record<DemoUser, string>;
let other: OtherOrganisation;
let otherToken: string;
let departments: Record<string, string>;
let goals: string[];
let periods: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({ API_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
  db = server.database.db;
  const response = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as OpenApi;
  ajv.addSchema(document as object, "openapi.json");
  checkContract("GET", "/openapi.json", {
    status: response.status,
    headers: response.headers,
    body: document,
  });
  other = await seedOtherOrganisation(db);
  for (const [role, email] of Object.entries(DEMO_EMAILS))
    tokens[role as DemoUser] = await createTokenAs(server.url, email);
  otherToken = await createTokenAs(server.url, other.email, other.password);
  departments = await departmentIds(db, server.organisationId);
  goals = await goalIds(db, server.organisationId);
  periods = await periodIds(db, server.organisationId);
});
afterAll(() => server?.close());

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  regexp: RegExp;
}

/** "METHOD /template" of every route a router serves, nested routers included, from Express's table. */
function servedRoutes(router: Router, prefix = ""): string[] {
  return (router.stack as RouterLayer[]).flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path === "/" && prefix ? "" : layer.route.path;
      const template = prefix + path.replace(/:(\w+)/g, "{$1}");
      return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${template}`);
    }
    if (!layer.handle.stack) return [];
    // A mounted router's path lives only in its pattern: ^\/actions\/?(?=\/|$)
    const mount = layer.regexp.source
      .replace(/^\^/, "")
      .replace(/\\\/\?\(\?=\\\/\|\$\)$/, "")
      .replace(/\\\//g, "/");
    return servedRoutes(layer.handle as Router, prefix + mount);
  });
}

/** The documented path a request went to, e.g. /actions/{id}. */
function templateOf(path: string): keyof OpenApi["paths"] {
  const pathname = path.split("?")[0];
  const template = Object.keys(document.paths).find((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(pathname),
  );
  if (!template) throw new Error(`${pathname} is not in the OpenAPI document`);
  return template as keyof OpenApi["paths"];
}

const pointer = (segment: string) =>
  encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"));

function validate(ref: string, value: unknown, what: string) {
  const check = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (!check(value))
    throw new Error(`${what} breaks the OpenAPI document: ${ajv.errorsText(check.errors)}`);
}

/**
 * Every response must be documented for its operation and status, with a body matching the
 * documented schema; a request body that succeeded must match the documented request schema.
 */
function checkContract(method: string, path: string, response: ApiResponse, requestBody?: unknown) {
  const template = templateOf(path);
  const operation = (document.paths[template] as Record<string, { responses: object }>)[
    method.toLowerCase()
  ];
  const what = `${method} ${template} ${response.status}`;
  expect(operation, `${method} ${template} is documented`).toBeDefined();
  expect(Object.keys(operation.responses), `${what} is documented`).toContain(
    String(response.status),
  );
  observed.add(`${method.toUpperCase()} ${template} ${response.status}`);
  if (response.status === 204 || response.status === 304) {
    expect(response.body, `${what} has no body`).toBeNull();
    return;
  }
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const base = `openapi.json#/paths/${pointer(template)}/${method.toLowerCase()}`;
  validate(
    `${base}/responses/${response.status}/content/${pointer("application/json")}/schema`,
    response.body,
    what,
  );
  if (requestBody !== undefined && response.status < 300)
    validate(
      `${base}/requestBody/content/${pointer("application/json")}/schema`,
      requestBody,
      `The request body of ${what}`,
    );
}

/** Calls the API with a bearer token and checks the answer against the contract. */
async function api(token: string | null, method: string, path: string, body?: unknown) {
  const response = await callApi(server.url, token, method, path, body);
  checkContract(method, path, response, body);
  return response;
}

/** Reads a JSON answer and checks it against the contract. */
async function checked(method: string, path: string, response: Response, requestBody?: unknown) {
  const result = {
    status: response.status,
    headers: response.headers,
    body: await response.json(),
  };
  checkContract(method, path, result, requestBody);
  return result;
}

/** Sends a body as it is (malformed, oversized). */
async function apiRaw(token: string, method: string, path: string, body: string) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body,
  });
  return checked(method, path, response);
}

/** Sends `{"title": "Strömmad"}` as a stream, so without Content-Length. */
async function streamed(method: string, path: string, headers: Record<string, string>) {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"title": "Strömmad", "name": "Strömmad"}'));
      controller.close();
    },
  });
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { ...headers, "Content-Type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
  return checked(method, path, response);
}

const hasBody = (method: string) => !["GET", "DELETE"].includes(method);

/** One call to every operation behind the bearer token, with random ids in the path. */
const bearerCalls = () =>
  apiOperations
    .filter((operation) => !operation.security)
    .map(({ method, path }) => [
      method.toUpperCase(),
      path.replace(/\{\w+\}/g, () => crypto.randomUUID()),
    ]);

/** One call to every bearer operation that takes a body (documents and search aside), on the action `id`. */
const bodyCalls = (id: string) =>
  apiOperations
    .filter((o) => o.body && !o.security && !o.path.startsWith("/documents"))
    .map(({ method, path }) => [
      method.toUpperCase(),
      path
        .replace("{id}", path.startsWith("/actions") ? id : periods["T3 2020"])
        .replace(/\{\w+\}/g, periods["T3 2020"]),
    ]);

async function storedVersion(actionId: string): Promise<number> {
  const row = await db
    .selectFrom("actions")
    .select("version")
    .where("id", "=", actionId)
    .executeTakeFirstOrThrow();
  return row.version;
}

async function newAction(title: string, department = "Socialtjänst") {
  const response = await api(tokens.member, "POST", "/actions", {
    title,
    goalId: goals[0],
    departmentId: departments[department],
    startDate: "2020-01-01",
    dueDate: "2030-12-31",
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; version: number };
}

describe("shapes", () => {
  it("goals, departments and periods are lists of documented items", async () => {
    const goalList = await api(tokens.observer, "GET", "/goals");
    expect(goalList.status).toBe(200);
    expect(goalList.body.items.map((g: { number: number }) => g.number)).toEqual([1, 2, 3, 4]);
    const departmentList = await api(tokens.observer, "GET", "/departments");
    expect(departmentList.body.items.map((d: { name: string }) => d.name).sort()).toEqual(
      Object.keys(departments).sort(),
    );
    const periodList = await api(tokens.observer, "GET", "/periods");
    expect(periodList.body.items).toHaveLength(12);
    expect(periodList.body.items[0]).toEqual({
      id: periods["T1 2017"],
      name: "T1 2017",
      startDate: "2017-01-01",
      endDate: "2017-04-30",
      reportDeadline: "2017-05-14",
    });
  });

  it("an action has exactly the documented fields: UUID ids, YYYY-MM-DD dates", async () => {
    const created = await api(tokens.member, "POST", "/actions", {
      title: "Formkontroll",
      description: "Beskrivning",
      goalId: goals[1],
      departmentId: departments.Socialtjänst,
      involvedDepartmentIds: [departments["Barn och utbildning"], departments.Socialtjänst],
      startDate: "2020-01-01",
      dueDate: "2020-12-31",
      progress: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      title: "Formkontroll",
      description: "Beskrivning",
      goalId: goals[1],
      departmentId: departments.Socialtjänst,
      // The responsible department is not also "involved".
      involvedDepartmentIds: [departments["Barn och utbildning"]],
      ownerId: null,
      documentId: null,
      startDate: "2020-01-01",
      dueDate: "2020-12-31",
      status: "not_started",
      overdue: true,
      progress: 5,
      archived: false,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const fetched = await api(tokens.chief, "GET", `/actions/${created.body.id}`);
    expect(fetched.body).toEqual(created.body);
  });

  it("paging with limit and nextCursor walks every action exactly once", async () => {
    const all = await api(tokens.chief, "GET", "/actions?limit=500&sort=title");
    expect(all.body.nextCursor).toBeUndefined();
    const seen: string[] = [];
    let path = "/actions?limit=4&sort=title";
    for (let page = 0; page < 100; page++) {
      const response = await api(tokens.chief, "GET", path);
      expect(response.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...response.body.items.map((a: { id: string }) => a.id));
      if (!response.body.nextCursor) break;
      path = `/actions?limit=4&sort=title&cursor=${response.body.nextCursor}`;
    }
    expect(seen).toEqual(all.body.items.map((a: { id: string }) => a.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(20);
  });

  it("an unchanged list answers 304 to its ETag; after a change, the new list", async () => {
    const path = "/actions?sort=updatedAt&dir=desc&limit=3";
    const first = await api(tokens.chief, "GET", path);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^W\/"/);
    const unchanged = await conditionalGet(server.url, tokens.chief, path, etag);
    checkContract("GET", path, unchanged);
    expect(unchanged.status).toBe(304);

    const [newest] = first.body.items;
    const patched = await api(tokens.admin, "PATCH", `/actions/${newest.id}`, {
      version: newest.version,
      progress: (newest.progress + 7) % 101,
    });
    expect(patched.status).toBe(200);
    const changed = await conditionalGet(server.url, tokens.chief, path, etag);
    checkContract("GET", path, changed);
    expect(changed.status).toBe(200);
    expect(changed.body.items[0]).toMatchObject({ id: newest.id, version: newest.version + 1 });
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("status=overdue lists exactly the late actions, never done or cancelled ones", async () => {
    const overdue = await api(tokens.chief, "GET", "/actions?status=overdue");
    expect(overdue.body.items.length).toBeGreaterThan(0);
    for (const action of overdue.body.items) {
      expect(action.overdue).toBe(true);
      expect(["done", "cancelled"]).not.toContain(action.status);
    }
    const done = await api(tokens.chief, "GET", "/actions?status=done");
    expect(done.body.items.length).toBeGreaterThan(0);
    expect(done.body.items.every((a: { overdue: boolean }) => !a.overdue)).toBe(true);
    const notOverdue = await api(tokens.chief, "GET", "/actions?overdue=false");
    const all = await api(tokens.chief, "GET", "/actions");
    expect(notOverdue.body.items.length + overdue.body.items.length).toBe(all.body.items.length);
  });
});

describe("permission matrix (API)", () => {
  const matrixActions: Record<string, string> = {};
  beforeAll(async () => {
    for (const name of Object.keys(departments))
      matrixActions[name] = (await newAction(`API-matris ${name}`, name)).id;
  });

  /** PATCH that, when refused, must leave the action as it was. */
  async function patch(role: DemoUser, actionId: string, changes: Record<string, unknown>) {
    const version = await storedVersion(actionId);
    const response = await api(tokens[role], "PATCH", `/actions/${actionId}`, {
      version,
      ...changes,
    });
    if (response.status !== 200) expect(await storedVersion(actionId)).toBe(version);
    return response.status;
  }

  const run: Partial<Record<Operation, (role: DemoUser) => Promise<number>>> = {
    async read(role) {
      const id = matrixActions[OWN_DEPARTMENT[role]];
      const list = await api(
        tokens[role],
        "GET",
        `/actions?departmentId=${departments[OWN_DEPARTMENT[role]]}`,
      );
      const one = await api(tokens[role], "GET", `/actions/${id}`);
      // A role that may not read actions is refused the list too.
      if (one.status === 403) expect(list.status).toBe(403);
      else expect(list.body.items.map((a: { id: string }) => a.id)).toContain(id);
      return one.status;
    },
    async create(role) {
      const response = await api(tokens[role], "POST", "/actions", {
        title: `API-ny av ${role}`,
        goalId: goals[0],
        departmentId: departments[OWN_DEPARTMENT[role]],
        startDate: "2020-02-01",
      });
      return response.status;
    },
    editAll: (role) =>
      patch(role, matrixActions[OWN_DEPARTMENT[role]], {
        title: `API ändrad av ${role}`,
        description: "Ny beskrivning",
        goalId: goals[1],
        departmentId: departments[OWN_DEPARTMENT[role]],
        involvedDepartmentIds: [departments.Kommunledning],
        ownerId: null,
        startDate: "2020-01-15",
        dueDate: "2029-12-31",
        status: "in_progress",
        progress: 10,
      }),
    progressOwn: (role) =>
      patch(role, matrixActions[OWN_DEPARTMENT[role]], { status: "in_progress", progress: 30 }),
    progressOther: (role) =>
      patch(role, matrixActions[OTHER_DEPARTMENT], { status: "paused", progress: 35 }),
    async followUpOwn(role) {
      const path = `/actions/${matrixActions[OWN_DEPARTMENT[role]]}/followups/${periods["T3 2020"]}`;
      const body = { assessment: "on_track", comment: `  Bedömt av ${role}  ` };
      const response = await api(tokens[role], "PUT", path, body);
      // The answer is what was stored: the comment trimmed, who saved it and when.
      if (response.status === 200)
        expect(response.body).toEqual({
          actionId: matrixActions[OWN_DEPARTMENT[role]],
          periodId: periods["T3 2020"],
          assessment: "on_track",
          comment: `Bedömt av ${role}`,
          updatedAt: expect.any(String),
          updatedByName: expect.any(String),
          reported: expect.objectContaining({ status: expect.any(String) }),
        });
      return response.status;
    },
    async followUpOther(role) {
      const path = `/actions/${matrixActions[OTHER_DEPARTMENT]}/followups/${periods["T3 2020"]}`;
      return (await api(tokens[role], "PUT", path, { assessment: "off_track", comment: role }))
        .status;
    },
  };

  // Comments and period reports have no API endpoints; actions-domain.test.ts covers them.
  const cells = (Object.keys(DEMO_EMAILS) as DemoUser[]).flatMap((role) =>
    OPERATIONS.filter((operation) => run[operation]).map((operation) => ({
      role,
      operation,
      expected: ALLOWED[role].includes(operation) ? (operation === "create" ? 201 : 200) : 403,
    })),
  );

  it.each(cells)("$role × $operation → $expected", async ({ role, operation, expected }) => {
    const status = await run[operation]?.(role);
    expect(status).toBe(expected);
  });

  // Observers read no actions at all, not even their own organisation's.
  it.each((Object.keys(DEMO_EMAILS) as DemoUser[]).filter((role) => role !== "observer"))(
    "%s gets 404, not 403, for another organisation's action",
    async (role) => {
      const token = tokens[role];
      const list = await api(token, "GET", "/actions?limit=500");
      expect(list.body.items.map((a: { id: string }) => a.id)).not.toContain(other.actionId);
      expect((await api(token, "GET", `/actions/${other.actionId}`)).status).toBe(404);
      const patched = await api(token, "PATCH", `/actions/${other.actionId}`, {
        version: 1,
        progress: 99,
      });
      expect(patched.status).toBe(404);
      expect(patched.body.error.code).toBe("not_found");
      const followUp = { assessment: "on_track", comment: "Främmande" };
      for (const path of [
        `/actions/${other.actionId}/followups/${other.periodId}`,
        `/actions/${other.actionId}/followups/${periods["T3 2020"]}`,
      ])
        expect((await api(token, "PUT", path, followUp)).status).toBe(404);
      // The period is checked after the action: one the role may follow up.
      if (ALLOWED[role].includes("followUpOwn")) {
        const own = matrixActions[OWN_DEPARTMENT[role]];
        const path = `/actions/${own}/followups/${other.periodId}`;
        expect((await api(token, "PUT", path, followUp)).status).toBe(404);
      }
      expect(await storedVersion(other.actionId)).toBe(1);
    },
  );

  it("the other organisation's token gets 404 for the demo organisation's actions", async () => {
    const id = matrixActions.Socialtjänst;
    expect((await api(otherToken, "GET", `/actions/${id}`)).status).toBe(404);
    expect(
      (await api(otherToken, "PATCH", `/actions/${id}`, { version: 1, title: "Kapad" })).status,
    ).toBe(404);
    expect(
      (
        await api(otherToken, "PUT", `/actions/${id}/followups/${other.periodId}`, {
          assessment: "on_track",
          comment: "Främmande",
        })
      ).status,
    ).toBe(404);
    const list = await api(otherToken, "GET", "/actions");
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([other.actionId]);
  });
});

describe("actions from a document (API)", () => {
  let routineId: string;
  let otherDocumentId: string;
  beforeAll(async () => {
    ({ id: routineId } = await db
      .selectFrom("documents")
      .select("id")
      .where("organisation_id", "=", server.organisationId)
      .where("title", "=", "Samverkan skola–socialtjänst vid oro för barn")
      .executeTakeFirstOrThrow());
    otherDocumentId = await createDocument(db, other.user, {
      title: "Grannkommunens samverkansform",
      kind: "samverkansform",
    });
  });

  const fromDocument = (title: string, documentId: unknown) =>
    api(tokens.member, "POST", "/actions", {
      title,
      goalId: goals[1],
      departmentId: departments["Barn och utbildning"],
      documentId,
    });

  it("POST links the action; it reads back, and GET /documents/{id} lists it", async () => {
    const created = await fromDocument("API från dokumentet", routineId);
    expect(created.status).toBe(201);
    expect(created.body.documentId).toBe(routineId);
    const fetched = await api(tokens.chief, "GET", `/actions/${created.body.id}`);
    expect(fetched.body).toEqual(created.body);
    const listed = await api(tokens.chief, "GET", "/actions?q=API från dokumentet");
    expect(listed.body.items.map((a: { documentId: string }) => a.documentId)).toEqual([routineId]);

    const document = await api(tokens.chief, "GET", `/documents/${routineId}`);
    expect(document.status).toBe(200);
    expect(document.body.actions).toEqual(
      expect.arrayContaining([{ id: created.body.id, title: "API från dokumentet" }]),
    );
    // By title, as the document page shows them; seeded ones included.
    const titles = document.body.actions.map((a: { title: string }) => a.title);
    expect(titles).toContain("Gemensam rutin skola–socialtjänst vid oro för barn");
    expect(titles).toEqual(
      [...titles].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
  });

  it("another organisation's document and an unknown id get the same 400; nothing is saved", async () => {
    const answers = [];
    for (const documentId of [otherDocumentId, crypto.randomUUID(), "inte-ett-id"]) {
      const title = `API okänt dokument ${documentId}`;
      const response = await fromDocument(title, documentId);
      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual({
        documentId: "Choose a document from the list.",
      });
      const stored = await db
        .selectFrom("actions")
        .select("id")
        .where("title", "=", title)
        .execute();
      expect(stored).toEqual([]);
      answers.push(response.body);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    // The other organisation does not see a link to its document either.
    const theirs = await api(otherToken, "GET", "/actions");
    expect(theirs.body.items.map((a: { documentId: unknown }) => a.documentId)).toEqual([null]);
  });

  it("PATCH sets and removes the link; another organisation's document is refused", async () => {
    const { id } = await newAction("API byter dokument", "Barn och utbildning");
    const linked = await api(tokens.member, "PATCH", `/actions/${id}`, {
      version: 1,
      documentId: routineId,
    });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ documentId: routineId, version: 2 });
    const refused = await api(tokens.member, "PATCH", `/actions/${id}`, {
      version: 2,
      documentId: otherDocumentId,
    });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.fields)).toEqual(["documentId"]);
    expect(await storedVersion(id)).toBe(2);
    // A department editor changes status and progress only.
    const editor = await api(tokens.schoolEditor, "PATCH", `/actions/${id}`, {
      version: 2,
      documentId: null,
    });
    expect(editor.status).toBe(403);
    const removed = await api(tokens.member, "PATCH", `/actions/${id}`, {
      version: 2,
      documentId: null,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.documentId).toBeNull();
    const document = await api(tokens.chief, "GET", `/documents/${routineId}`);
    expect(document.body.actions.map((a: { id: string }) => a.id)).not.toContain(id);
  });
});

describe("concurrent saves (API)", () => {
  it.each([1, 2, 3])(
    "two PATCHes from the same version: one 200, one 409 with the current action, one audit row (round %i)",
    async () => {
      const { id } = await newAction("API samtidig");
      const [first, second] = await Promise.all([
        api(tokens.member, "PATCH", `/actions/${id}`, { version: 1, title: "Medlemmens titel" }),
        api(tokens.editor, "PATCH", `/actions/${id}`, { version: 1, progress: 70 }),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      const [winner, loser] = first.status === 200 ? [first, second] : [second, first];
      const current = await api(tokens.chief, "GET", `/actions/${id}`);
      // The editor's 70 % on an action not started is saved with a warning beside the action.
      const { warning, ...saved } = winner.body;
      expect(saved).toEqual(current.body);
      expect(warning?.code).toBe(winner === second ? "status-progress-mismatch" : undefined);
      expect(loser.body.error.code).toBe("conflict");
      expect(loser.body.error.current).toEqual(current.body);
      expect(loser.body.error.current.version).toBe(2);
      const winnerName = winner === first ? "Anna Berg" : "Karin Nilsson";
      expect(loser.body.error.message).toContain(winnerName);
      const audit = await db
        .selectFrom("audit_events")
        .select("id")
        .where("entity_id", "=", id)
        .where("action", "=", "action.updated")
        .execute();
      expect(audit).toHaveLength(1);
    },
  );
});

describe("invalid input", () => {
  it("400 names each bad field", async () => {
    const response = await api(tokens.member, "POST", "/actions", {
      title: "",
      goalId: "inte-ett-id",
      departmentId: 5,
      status: "klar",
      progress: 101,
      startDate: "2020-13-01",
      dueDate: "1999-12-31",
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid_input");
    expect(response.body.error.fields).toEqual({
      title: "Fill in this field.",
      goalId: "Choose a goal from the list.",
      departmentId: "Must be string, not number (the API does not convert types).",
      status: "Choose a status from the list.",
      progress: "Enter progress as a whole number from 0 to 100.",
      startDate: "Enter a date like 2017-10-12.",
      dueDate: "Enter a date between the years 2000 and 2100.",
    });
  });

  it("an unknown goal or department is 400 and saves nothing", async () => {
    const before = await api(tokens.member, "GET", "/actions?limit=500");
    const response = await api(tokens.member, "POST", "/actions", {
      title: "Okända referenser",
      goalId: other.goalId,
      departmentId: crypto.randomUUID(),
    });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.fields).sort()).toEqual(["departmentId", "goalId"]);
    const after = await api(tokens.member, "GET", "/actions?limit=500");
    expect(after.body.items).toHaveLength(before.body.items.length);
  });

  it("a date out of range or out of order is 400, on create and on change", async () => {
    const base = {
      title: "Datumkontroll",
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
    };
    for (const [dates, field] of [
      [{ dueDate: "2101-01-01" }, "dueDate"],
      [{ startDate: "1999-12-31" }, "startDate"],
      [{ dueDate: "2020-02-30" }, "dueDate"],
      [{ startDate: "2020-06-01", dueDate: "2020-05-31" }, "dueDate"],
    ] as const) {
      const response = await api(tokens.member, "POST", "/actions", { ...base, ...dates });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.error.fields)).toEqual([field]);
    }
    const { id } = await newAction("Datumändring");
    const changed = await api(tokens.member, "PATCH", `/actions/${id}`, {
      version: 1,
      startDate: "2031-01-01",
    });
    expect(changed.status).toBe(400);
    expect(Object.keys(changed.body.error.fields)).toEqual(["dueDate"]);
    expect(await storedVersion(id)).toBe(1);
  });

  it("a bad PATCH or follow-up is 400 with its fields", async () => {
    const { id } = await newAction("Felaktig ändring");
    const noVersion = await api(tokens.member, "PATCH", `/actions/${id}`, { progress: 5 });
    expect(noVersion.status).toBe(400);
    expect(Object.keys(noVersion.body.error.fields)).toEqual(["version"]);
    const followUp = await api(
      tokens.editor,
      "PUT",
      `/actions/${id}/followups/${periods["T3 2020"]}`,
      {
        assessment: "bra",
        comment: " ",
      },
    );
    expect(followUp.status).toBe(400);
    expect(Object.keys(followUp.body.error.fields).sort()).toEqual(["assessment", "comment"]);
  });

  it("filters with bad values are 400 naming them", async () => {
    const response = await api(tokens.chief, "GET", "/actions?status=klar&limit=0&goalId=x");
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.fields).sort()).toEqual(["goalId", "limit", "status"]);
    const badCursor = await api(
      tokens.chief,
      "GET",
      `/actions?cursor=${Buffer.from("-5").toString("base64url")}`,
    );
    expect(badCursor.status).toBe(400);
    expect(Object.keys(badCursor.body.error.fields)).toEqual(["cursor"]);
  });

  it("malformed JSON is 400", async () => {
    for (const [method, path] of [
      ["POST", "/actions"],
      ["PATCH", `/actions/${crypto.randomUUID()}`],
      ["PUT", `/actions/${crypto.randomUUID()}/followups/${periods["T3 2020"]}`],
    ]) {
      const response = await apiRaw(tokens.member, method, path, '{"title": "oavslutad');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("invalid_input");
    }
  });

  it("an oversized body is 413 with the JSON error shape", async () => {
    const { id } = await newAction("Stor kropp");
    const huge = JSON.stringify({ title: "x", description: "å".repeat(600_000) });
    for (const [method, path] of [
      ...bodyCalls(id),
      ["POST", `/documents/${crypto.randomUUID()}/versions`],
    ]) {
      const response = await apiRaw(tokens.member, method, path, huge);
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe("payload_too_large");
    }
  });

  it("a streamed body without Content-Length is 411 and saves nothing", async () => {
    const { id } = await newAction("Strömmad kropp");
    for (const [method, path] of bodyCalls(id)) {
      const response = await streamed(method, path, { Authorization: `Bearer ${tokens.member}` });
      expect(response.status).toBe(411);
      expect(response.body.error.code).toBe("invalid_input");
    }
    expect(await storedVersion(id)).toBe(1);
  });

  it("a NUL character in the address is 400 on every operation", async () => {
    for (const operation of apiOperations) {
      const path = `${operation.path.replace(/\{\w+\}/g, () => crypto.randomUUID())}?q=%00`;
      const method = operation.method.toUpperCase();
      const response = await callApi(server.url, tokens.member, method, path);
      checkContract(method, path, response);
      expect(response.status, `${method} ${operation.path}`).toBe(400);
    }
  });

  it("a body in another charset than UTF-8 is 415 on every operation that takes one", async () => {
    for (const operation of apiOperations.filter((o) => o.body)) {
      const path = operation.path.replace(/\{\w+\}/g, () => crypto.randomUUID());
      const method = operation.method.toUpperCase();
      const response = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${tokens.member}`,
          "Content-Type": "application/json; charset=koi8-r",
        },
        body: JSON.stringify({ title: "Annan teckenkodning" }),
      });
      const { status, body } = await checked(method, path, response);
      expect(status, `${method} ${operation.path}`).toBe(415);
      expect(body.error.code).toBe("unsupported_media_type");
    }
  });

  it("a malformed id is 404", async () => {
    expect((await api(tokens.chief, "GET", "/actions/inte-ett-id")).status).toBe(404);
    expect(
      (
        await api(tokens.editor, "PUT", `/actions/${crypto.randomUUID()}/followups/x`, {
          assessment: "on_track",
          comment: "Hej",
        })
      ).status,
    ).toBe(404);
  });
});

describe("one strictness for every write", () => {
  const countActions = async () => (await db.selectFrom("actions").select("id").execute()).length;

  it("unknown or misspelled fields are 400 naming each, on create as on change; nothing is saved", async () => {
    const before = await countActions();
    const created = await api(tokens.member, "POST", "/actions", {
      title: "Felstavade fält",
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
      duedate: "2027-03-01",
      Status: "done",
    });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe("invalid_input");
    expect(Object.keys(created.body.error.fields).sort()).toEqual(["Status", "duedate"]);
    expect(created.body.error.fields.duedate).toMatch(/^Unknown field/);
    expect(await countActions()).toBe(before);

    const { id } = await newAction("Strikt ändring");
    for (const [method, path, body] of [
      ["PATCH", `/actions/${id}`, { version: 1, progres: 40 }],
      [
        "PUT",
        `/actions/${id}/followups/${periods["T3 2020"]}`,
        { assessment: "on_track", comment: "Bra", extra: 1 },
      ],
      ["POST", "/documents", { title: "Nytt", kind: "plan", owner: "Anna" }],
      ["POST", `/documents/${crypto.randomUUID()}/versions`, { note: "v1", adopted: true }],
    ] as const) {
      const response = await api(tokens.member, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(400);
      expect(
        Object.values(response.body.error.fields).some((m) =>
          String(m).startsWith("Unknown field"),
        ),
      ).toBe(true);
    }
    expect(await storedVersion(id)).toBe(1);
  });

  it("no type is converted: a string for a number, a number for a string, a string in a list", async () => {
    const before = await countActions();
    const base = { title: "Typer", goalId: goals[0], departmentId: departments.Socialtjänst };
    for (const [fields, field, expected, got] of [
      [{ progress: "50" }, "progress", "integer", "string"],
      [{ progress: 50.5 }, "progress", "integer", "number"],
      [{ title: 5 }, "title", "string", "number"],
      [{ dueDate: 20270301 }, "dueDate", "string or null", "number"],
      [{ involvedDepartmentIds: [1] }, "involvedDepartmentIds[0]", "string", "number"],
      [{ involvedDepartmentIds: "x" }, "involvedDepartmentIds", "array", "string"],
    ] as const) {
      const response = await api(tokens.member, "POST", "/actions", { ...base, ...fields });
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(response.body.error.fields[field]).toBe(
        `Must be ${expected}, not ${got} (the API does not convert types).`,
      );
    }
    expect(await countActions()).toBe(before);
    const { id } = await newAction("Versionstyp");
    const stringVersion = await api(tokens.member, "PATCH", `/actions/${id}`, {
      version: "1",
      progress: 10,
    });
    expect(stringVersion.status).toBe(400);
    expect(Object.keys(stringVersion.body.error.fields)).toEqual(["version"]);
    const array = await api(tokens.member, "POST", "/actions", [base]);
    expect(array.status).toBe(400);
    expect(array.body.error.fields.body).toMatch(/^Must be object, not array/);
    expect(await storedVersion(id)).toBe(1);
  });

  it("a signed-in token request is held to the same rules", async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.member);
    const response = await postToken(client, { name: "Skript", expires: "2030-01-01" });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.fields)).toEqual(["expires"]);
  });

  it("GET /actions/{id}/followups lists what PUT stored, per period, with the action as it was then", async () => {
    const { id } = await newAction("Uppföljning läses", "Socialtjänst");
    await api(tokens.member, "PATCH", `/actions/${id}`, {
      version: 1,
      status: "in_progress",
      progress: 30,
      dueDate: "2027-06-30",
    });
    const path = `/actions/${id}/followups/${periods["T3 2020"]}`;
    const saved = await api(tokens.editor, "PUT", path, {
      assessment: "at_risk",
      comment: " Risk ",
    });
    expect(saved.status).toBe(200);
    const listed = await api(tokens.chief, "GET", `/actions/${id}/followups`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([saved.body]);
    expect(saved.body).toMatchObject({
      comment: "Risk",
      updatedByName: "Karin Nilsson",
      reported: { status: "in_progress", progress: 30, dueDate: "2027-06-30" },
    });
    // Changing the action later does not change what was reported.
    await api(tokens.member, "PATCH", `/actions/${id}`, { version: 2, progress: 80 });
    const later = await api(tokens.chief, "GET", `/actions/${id}/followups`);
    expect(later.body.items[0].reported.progress).toBe(30);
    expect((await api(tokens.observer, "GET", `/actions/${id}/followups`)).status).toBe(403);
    expect((await api(otherToken, "GET", `/actions/${id}/followups`)).status).toBe(404);
  });
});

/** Downloads a file and checks its status and media type against the document. */
async function download(token: string, path: string) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) {
    const template = templateOf(path);
    const operation = (document.paths[template] as Record<string, { responses: object }>).get;
    const answer = (operation.responses as Record<string, { content: object }>)[
      String(response.status)
    ];
    expect(answer, `GET ${template} ${response.status} is documented`).toBeDefined();
    expect(Object.keys(answer.content)).toContain(type.split(";")[0]);
    observed.add(`GET ${template} ${response.status}`);
    return {
      status: response.status,
      headers: response.headers,
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }
  const { status, headers, body } = await checked("GET", path, response);
  return { status, headers, body, bytes: Buffer.alloc(0) };
}

describe("period reports (API)", () => {
  interface ReportBody {
    period: { id: string };
    adoption: { reason: string | null; adoptedByName: string } | null;
    goals: { actions: { id: string; departmentName: string; assessment: string }[] }[];
    departments: { id: string; name: string; missing: number; completedAt: string | null }[];
  }

  it("the live report reads like the report page; observers get adopted ones only", async () => {
    const period = periods["T1 2017"];
    const live = await api(tokens.chief, "GET", `/periods/${period}/report`);
    expect(live.status).toBe(200);
    const report = live.body as ReportBody;
    expect(report.period.id).toBe(period);
    expect(report.adoption).toBeNull();
    expect(report.departments.map((d) => d.name)).toContain("Socialtjänst");
    expect((await api(tokens.observer, "GET", `/periods/${period}/report`)).status).toBe(403);
    expect((await api(tokens.chief, "GET", `/periods/${crypto.randomUUID()}/report`)).status).toBe(
      404,
    );
    expect((await api(otherToken, "GET", `/periods/${period}/report`)).status).toBe(404);
  });

  it("exports Word, PDF and CSV files named for the period; an unknown format is 400", async () => {
    const period = periods["T2 2017"];
    const docx = await download(tokens.editor, `/periods/${period}/report/export?format=docx`);
    expect(docx.status).toBe(200);
    expect(docx.bytes.subarray(0, 2).toString()).toBe("PK");
    expect(docx.headers.get("content-disposition")).toMatch(/attachment; .*T2/);
    const pdf = await download(tokens.editor, `/periods/${period}/report/export?format=pdf`);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const csv = await download(tokens.editor, `/periods/${period}/report/export?format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const unknown = await download(tokens.editor, `/periods/${period}/report/export?format=xml`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual({ format: "The format must be docx, pdf or csv." });
    const observerLive = await download(
      tokens.observer,
      `/periods/${period}/report/export?format=csv`,
    );
    expect(observerLive.status).toBe(403);
    const missing = await download(
      tokens.observer,
      `/periods/${period}/report/export?format=csv&adoptionId=${crypto.randomUUID()}`,
    );
    expect(missing.status).toBe(404);
  });

  it("adopting needs the chief or an admin, a reason while something is missing, and freezes the report", async () => {
    // The demo's latest period is not fully reported.
    const period = periods["T3 2020"];
    const path = `/periods/${period}/adoptions`;
    expect((await api(tokens.member, "POST", path, {})).status).toBe(403);
    const noReason = await api(tokens.chief, "POST", path, {});
    expect(noReason.status).toBe(400);
    expect(Object.keys(noReason.body.error.fields)).toEqual(["reason"]);
    expect((await api(tokens.chief, "POST", path, { reason: "Gäller 19811218-9876" })).status).toBe(
      422,
    );
    expect((await api(tokens.chief, "POST", path, { reason: 5 })).status).toBe(400);
    expect((await api(tokens.observer, "GET", path)).body.items).toEqual([]);
    const adopted = await api(tokens.chief, "POST", path, { reason: "Beslut i kommunstyrelsen" });
    expect(adopted.status).toBe(201);
    const report = adopted.body as ReportBody;
    expect(report.adoption).toMatchObject({
      reason: "Beslut i kommunstyrelsen",
      adoptedByName: "Johan Ek",
    });
    const listed = await api(tokens.observer, "GET", path);
    expect(listed.body.items).toEqual([expect.objectContaining({ adoptedByName: "Johan Ek" })]);
    const adoptionId = listed.body.items[0].id;
    const frozen = await api(tokens.observer, "GET", `${path}/${adoptionId}`);
    expect(frozen.status).toBe(200);
    expect(frozen.body).toEqual(adopted.body);
    const file = await download(
      tokens.observer,
      `/periods/${period}/report/export?format=docx&adoptionId=${adoptionId}`,
    );
    expect(file.status).toBe(200);
    expect((await api(tokens.observer, "GET", `${path}/${crypto.randomUUID()}`)).status).toBe(404);
    const stranger = `/periods/${crypto.randomUUID()}/adoptions`;
    expect((await api(tokens.chief, "GET", stranger)).status).toBe(404);
    expect((await api(tokens.chief, "POST", stranger, { reason: "Nej" })).status).toBe(404);
  });

  it("klarmarkera and reopen a department's report: its editor or an admin, once nothing is missing", async () => {
    const period = periods["T3 2020"];
    const report = (await api(tokens.admin, "GET", `/periods/${period}/report`)).body as ReportBody;
    const ready = report.departments.find((d) => d.missing > 0);
    if (!ready) throw new Error("The demo's latest period has a department yet to report");
    const completion = (department: string) =>
      `/periods/${period}/departments/${department}/completion`;
    const refused = await api(tokens.admin, "PUT", completion(ready.id));
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.fields)).toEqual(["form"]);
    // Another department's editor may not, whatever it lacks.
    const other = completion(departments[OTHER_DEPARTMENT]);
    expect((await api(tokens.editor, "PUT", other)).status).toBe(403);
    const unassessed = report.goals
      .flatMap((g) => g.actions)
      .filter((a) => a.departmentName === ready.name && a.assessment === "not_assessed");
    expect(unassessed).toHaveLength(ready.missing);
    for (const action of unassessed) {
      const saved = await api(tokens.admin, "PUT", `/actions/${action.id}/followups/${period}`, {
        assessment: "on_track",
        comment: "Enligt plan.",
      });
      expect(saved.status).toBe(200);
    }
    const done = await api(tokens.admin, "PUT", completion(ready.id));
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ departmentId: ready.id, periodId: period, missing: 0 });
    expect(done.body.completedAt).not.toBeNull();
    const read = await api(tokens.chief, "GET", completion(ready.id));
    expect(read.body).toEqual(done.body);
    expect((await api(tokens.chief, "DELETE", completion(ready.id))).status).toBe(403);
    const reopened = await api(tokens.admin, "DELETE", completion(ready.id));
    expect(reopened.status).toBe(200);
    expect(reopened.body.completedAt).toBeNull();
    expect((await api(tokens.observer, "GET", completion(ready.id))).status).toBe(403);
    for (const method of ["GET", "PUT", "DELETE"]) {
      const unknown = await api(tokens.admin, method, completion(crypto.randomUUID()));
      expect(unknown.status, method).toBe(404);
    }
  });
});

describe("actions as CSV (API)", () => {
  it("exports the filtered list as the portal's CSV; an observer may not, a bad filter is 400", async () => {
    await newAction("Exporteras som CSV", "Barn och utbildning");
    await newAction("Filtreras bort ur CSV", "Socialtjänst");
    const file = await download(
      tokens.editor,
      `/actions/export?departmentId=${departments["Barn och utbildning"]}&sort=title`,
    );
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment;.*\.csv/);
    const text = file.bytes.toString("utf8");
    expect(text).toContain("Titel;Beskrivning;Mål;Ansvarig förvaltning");
    expect(text).toContain("Exporteras som CSV");
    expect(text).not.toContain("Filtreras bort ur CSV");
    expect((await download(tokens.observer, "/actions/export")).status).toBe(403);
    const bad = await download(tokens.editor, "/actions/export?status=klar");
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(["status"]);
  });

  it("imports all rows or none; dryRun names each bad row and saves nothing", async () => {
    const csv = (rows: string[]) => ["Titel;Mål;Ansvarig förvaltning", ...rows].join("\n");
    const good = csv([
      "Importerad via API 1;1;Socialtjänst",
      "Importerad via API 2;Mål 2;Kommunledning",
    ]);
    const bad = csv(["Importerad via API 3;1;Socialtjänst", "Gäller 19811218-9876;9;Ingen"]);
    const checkedRows = await api(tokens.member, "POST", "/actions/import", {
      csv: bad,
      dryRun: true,
    });
    expect(checkedRows.status).toBe(200);
    expect(checkedRows.body.valid).toBe(false);
    expect(checkedRows.body.rows[0]).toEqual({
      line: 2,
      title: "Importerad via API 3",
      errors: {},
    });
    expect(checkedRows.body.rows[1].line).toBe(3);
    expect(Object.keys(checkedRows.body.rows[1].errors)).toEqual(
      expect.arrayContaining(["title", "goalId", "departmentId"]),
    );
    const refused = await api(tokens.member, "POST", "/actions/import", { csv: bad });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.fields)).toEqual(["csv"]);
    const noColumns = await api(tokens.member, "POST", "/actions/import", { csv: "Namn\nX" });
    expect(noColumns.status).toBe(400);
    expect((await api(tokens.editor, "POST", "/actions/import", { csv: good })).status).toBe(403);
    const stored = async () =>
      (
        await db
          .selectFrom("actions")
          .select("title")
          .where("title", "like", "Importerad via API%")
          .execute()
      ).map((r) => r.title);
    expect(await stored()).toEqual([]);
    const imported = await api(tokens.member, "POST", "/actions/import", { csv: good });
    expect(imported.status).toBe(201);
    expect(imported.body.items.map((a: { title: string }) => a.title)).toEqual([
      "Importerad via API 1",
      "Importerad via API 2",
    ]);
    expect((await stored()).sort()).toEqual(["Importerad via API 1", "Importerad via API 2"]);
  });
});

describe("departments (API, admins)", () => {
  it("an admin creates, renames and archives a department; archived ones leave the list unless asked for", async () => {
    const created = await api(tokens.admin, "POST", "/departments", { name: " Miljö och bygg " });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Miljö och bygg", archived: false, version: 1 });
    const { id } = created.body;
    expect(
      (await api(tokens.admin, "POST", "/departments", { name: "miljö och bygg" })).status,
    ).toBe(400);
    expect((await api(tokens.member, "POST", "/departments", { name: "Fritid" })).status).toBe(403);
    expect(
      (await api(tokens.admin, "POST", "/departments", { name: "19811218-9876" })).status,
    ).toBe(422);
    const path = `/departments/${id}`;
    const renamed = await api(tokens.admin, "PATCH", path, { version: 1, name: "Miljö" });
    expect(renamed.body).toMatchObject({ name: "Miljö", archived: false, version: 2 });
    expect((await api(tokens.admin, "PATCH", path, { version: 1, archived: true })).status).toBe(
      409,
    );
    expect((await api(tokens.admin, "PATCH", path, { version: 2, archived: "ja" })).status).toBe(
      400,
    );
    expect(
      (await api(tokens.admin, "PATCH", path, { version: 2, name: "19811218-9876" })).status,
    ).toBe(422);
    expect((await api(tokens.chief, "PATCH", path, { version: 2, archived: true })).status).toBe(
      403,
    );
    expect(
      (await api(tokens.admin, "PATCH", `/departments/${crypto.randomUUID()}`, { version: 1 }))
        .status,
    ).toBe(404);
    const archived = await api(tokens.admin, "PATCH", path, { version: 2, archived: true });
    expect(archived.body).toMatchObject({ name: "Miljö", archived: true, version: 3 });
    const names = async (query = "") =>
      (await api(tokens.member, "GET", `/departments${query}`)).body.items.map(
        (d: { name: string }) => d.name,
      );
    expect(await names()).not.toContain("Miljö");
    expect(await names("?includeArchived=true")).toContain("Miljö");
    expect((await api(tokens.member, "GET", "/departments?includeArchived=ja")).status).toBe(400);
  });
});

describe("archiving and deleting (API; the rules themselves: archiving.test.ts)", () => {
  it.each([
    ["actions", () => newAction("Arkiveras via API")],
    [
      "documents",
      async () =>
        (await api(tokens.member, "POST", "/documents", { title: "Arkiveras", kind: "ovrigt" }))
          .body as { id: string },
    ],
  ] as const)("%s: archive, restore and delete answer as documented", async (things, create) => {
    const { id } = await create();
    const path = `/${things}/${id}`;
    for (const change of ["archive", "unarchive"]) {
      expect((await api(tokens.chief, "POST", `${path}/${change}`)).status).toBe(403);
      expect((await api(otherToken, "POST", `${path}/${change}`)).status).toBe(404);
      const answer = await api(tokens.member, "POST", `${path}/${change}`);
      expect(answer.body).toMatchObject({ id, archived: change === "archive" });
    }
    expect((await api(tokens.admin, "DELETE", path)).status).toBe(409);
    await api(tokens.member, "POST", `${path}/archive`);
    expect((await api(tokens.member, "DELETE", path)).status).toBe(403);
    expect((await api(otherToken, "DELETE", path)).status).toBe(404);
    expect((await api(tokens.admin, "DELETE", path)).status).toBe(204);
  });

  it("departments: only an unused one is deleted, by an admin", async () => {
    expect(
      (await api(tokens.admin, "DELETE", `/departments/${departments.Socialtjänst}`)).status,
    ).toBe(409);
    const created = await api(tokens.admin, "POST", "/departments", { name: "Kortlivad" });
    const path = `/departments/${created.body.id}`;
    expect((await api(tokens.member, "DELETE", path)).status).toBe(403);
    expect((await api(tokens.admin, "DELETE", `/departments/${other.departmentId}`)).status).toBe(
      404,
    );
    expect((await api(tokens.admin, "DELETE", path)).status).toBe(204);
  });
});

describe("comments, history and tokens (API)", () => {
  it("comments: read by everyone who reads actions, written by those who may, answered as stored", async () => {
    const { id } = await newAction("Kommenteras via API", "Socialtjänst");
    const added = await api(tokens.chief, "POST", `/actions/${id}/comments`, {
      body: "  Hur går det med samverkan?  ",
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      body: "Hur går det med samverkan?",
      authorName: "Johan Ek",
    });
    const listed = await api(tokens.editor, "GET", `/actions/${id}/comments`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([added.body]);
    for (const [token, status] of [
      [tokens.observer, 403],
      [otherToken, 404],
    ] as const) {
      expect((await api(token, "GET", `/actions/${id}/comments`)).status).toBe(status);
      expect((await api(token, "POST", `/actions/${id}/comments`, { body: "Nej" })).status).toBe(
        status,
      );
    }
    const empty = await api(tokens.member, "POST", `/actions/${id}/comments`, { body: " " });
    expect(empty.status).toBe(400);
    expect(Object.keys(empty.body.error.fields)).toEqual(["body"]);
    const personal = await api(tokens.member, "POST", `/actions/${id}/comments`, {
      body: "Gäller 19811218-9876",
    });
    expect(personal.status).toBe(422);
    expect((await api(tokens.member, "GET", `/actions/${id}/comments`)).body.items).toHaveLength(1);
  });

  it("history lists who changed what, newest first, with before and after", async () => {
    const { id } = await newAction("Historik via API", "Socialtjänst");
    await api(tokens.member, "PATCH", `/actions/${id}`, { version: 1, progress: 40 });
    const history = await api(tokens.chief, "GET", `/actions/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items[0]).toMatchObject({
      action: "action.updated",
      actorName: "Anna Berg",
      changes: { progress: [0, 40] },
    });
    expect(history.body.items.at(-1).action).toBe("action.created");
    expect((await api(tokens.observer, "GET", `/actions/${id}/history`)).status).toBe(403);
    expect((await api(otherToken, "GET", `/actions/${id}/history`)).status).toBe(404);
  });

  it("a token's owner lists their tokens (no secrets) and revokes one; others' tokens are 404", async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.observer);
    const first = (await postToken(client, { name: "Första" })).body;
    const second = (await postToken(client, { name: "Andra" })).body;
    const listed = await api(first.token, "GET", "/tokens");
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(["Första", "Andra"]),
    );
    expect(JSON.stringify(listed.body)).not.toContain(first.token);
    // Another person's token cannot be revoked with mine: the same 404 as an unknown id.
    const membersToken = (await api(tokens.member, "GET", "/tokens")).body.items[0].id;
    expect((await api(first.token, "DELETE", `/tokens/${membersToken}`)).status).toBe(404);
    expect((await api(tokens.member, "GET", "/goals")).status).toBe(200);
    expect((await api(first.token, "DELETE", `/tokens/${crypto.randomUUID()}`)).status).toBe(404);
    const revoked = await api(first.token, "DELETE", `/tokens/${second.id}`);
    expect(revoked.status).toBe(204);
    expect((await api(second.token, "GET", "/goals")).status).toBe(401);
    expect((await api(first.token, "DELETE", `/tokens/${second.id}`)).status).toBe(404);
    // A token may revoke itself; it stops working at once.
    expect((await api(first.token, "DELETE", `/tokens/${first.id}`)).status).toBe(204);
    expect((await api(first.token, "GET", "/tokens")).status).toBe(401);
  });
});

describe("personal identity numbers (API)", () => {
  const NUMBERS = [
    "811218-9876",
    "19811218-9876",
    "8112189876",
    "701063-2391",
    "811218 9876",
    "811218\u20139876",
    "\uFF18\uFF11\uFF11\uFF12\uFF11\uFF18\uFF0D\uFF19\uFF18\uFF17\uFF16",
    "8112\u200B18-9876",
    "ref-8112189876",
  ];
  const LOOK_ALIKE = "811218-9875";
  let actionId: string;
  beforeAll(async () => {
    actionId = (await newAction("Fritext via API")).id;
  });

  const attempts: Record<string, { field: string; send: (text: string) => Promise<ApiResponse> }> =
    {
      "POST title": {
        field: "title",
        send: (text) =>
          api(tokens.member, "POST", "/actions", {
            title: text,
            goalId: goals[0],
            departmentId: departments.Socialtjänst,
          }),
      },
      "POST description": {
        field: "description",
        send: (text) =>
          api(tokens.member, "POST", "/actions", {
            title: "Med beskrivning",
            description: text,
            goalId: goals[0],
            departmentId: departments.Socialtjänst,
          }),
      },
      "PATCH title": {
        field: "title",
        send: async (text) =>
          api(tokens.member, "PATCH", `/actions/${actionId}`, {
            version: await storedVersion(actionId),
            title: text,
          }),
      },
      "PATCH description": {
        field: "description",
        send: async (text) =>
          api(tokens.member, "PATCH", `/actions/${actionId}`, {
            version: await storedVersion(actionId),
            description: text,
          }),
      },
      "PUT follow-up comment": {
        field: "comment",
        send: (text) =>
          api(tokens.editor, "PUT", `/actions/${actionId}/followups/${periods["T2 2020"]}`, {
            assessment: "at_risk",
            comment: text,
          }),
      },
    };

  const cases = Object.keys(attempts).flatMap((attempt) =>
    NUMBERS.map((number) => ({ attempt, number })),
  );
  it.each(cases)("$attempt with $number is 422 naming the field", async ({ attempt, number }) => {
    const { field, send } = attempts[attempt];
    const versionBefore = await storedVersion(actionId);
    const response = await send(`Samtal med ${number} i dag`);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("personal_identity_number");
    expect(Object.keys(response.body.error.fields)).toEqual([field]);
    expect(await storedVersion(actionId)).toBe(versionBefore);
  });

  it.each(Object.keys(attempts))(
    `%s with the look-alike ${LOOK_ALIKE} is accepted`,
    async (attempt) => {
      const response = await attempts[attempt].send(`Ärende ${LOOK_ALIKE}`);
      expect(response.status).toBeLessThan(300);
    },
  );

  it.each(NUMBERS)("a token name with %s is 422", async (number) => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.observer);
    const response = await postToken(client, { name: `Skript ${number}` });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual({ name: expect.any(String) });
    const accepted = await postToken(client, { name: `Skript ${LOOK_ALIKE}` });
    expect(accepted.status).toBe(201);
  });
});

async function postToken(client: HttpClient, body: unknown, init: { origin?: string | null } = {}) {
  const response = await client.request("/api/v1/tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });
  return checked("POST", "/tokens", response, body);
}

describe("tokens and authentication", () => {
  it("POST /tokens needs a session and the same origin", async () => {
    const anonymous = new HttpClient(server.url);
    expect((await postToken(anonymous, { name: "Utan session" })).status).toBe(401);
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.chief);
    const foreign = await postToken(
      client,
      { name: "Annan sajt" },
      { origin: "https://evil.test" },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe("forbidden");
    expect((await postToken(client, { name: "Utan origin" }, { origin: null })).status).toBe(403);
    const invalid = await postToken(client, { name: " " });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.fields)).toEqual(["name"]);
    const created = await postToken(client, { name: "Rapportskript" });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^svk_/);
    const stored = await db
      .selectFrom("api_tokens")
      .select("token_hash")
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    // Stored hashed: the database never holds the token itself.
    expect(stored.token_hash).not.toContain(created.body.token);
    expect((await api(created.body.token, "GET", "/goals")).status).toBe(200);
  });

  it("POST /tokens refuses an oversized (413) or streamed (411) body and creates nothing", async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.member);
    const count = async () => (await db.selectFrom("api_tokens").select("id").execute()).length;
    const before = await count();
    const oversized = await postToken(client, { name: "å".repeat(600_000) });
    expect(oversized.status).toBe(413);
    expect(oversized.body.error.code).toBe("payload_too_large");
    const stream = await streamed("POST", "/tokens", {
      Cookie: client.cookieHeader,
      Origin: server.url,
    });
    expect(stream.status).toBe(411);
    expect(await count()).toBe(before);
  });

  it("401 without a token, with a wrong one and with a revoked one", async () => {
    for (const token of [null, "svk_inte-en-riktig-nyckel", tokens.member.slice(0, -2)]) {
      const response = await api(token, "GET", "/actions");
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
    }
    const basic = await fetch(`${server.url}/api/v1/goals`, {
      headers: { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
    });
    expect(basic.status).toBe(401);

    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.member);
    const { body } = await postToken(client, { name: "Snart återkallad" });
    expect((await api(body.token, "GET", "/departments")).status).toBe(200);
    await revokeApiToken(db, await actorFor(db, DEMO_EMAILS.member), body.id);
    for (const [method, path] of bearerCalls()) {
      const response = await api(body.token, method, path, hasBody(method) ? {} : undefined);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(
        'Bearer realm="samverkan", error="invalid_token"',
      );
    }
  });

  it("an Authorization header is the only credential: a wrong token is 401 beside a valid session cookie", async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.admin);
    const countActions = async () => (await db.selectFrom("actions").select("id").execute()).length;
    const actionsBefore = await countActions();
    for (const authorization of ["Bearer svk_inte-en-riktig-nyckel", "Bearer ", "Basic YTpi"]) {
      const read = await client.request("/api/v1/goals", {
        headers: { Authorization: authorization },
      });
      expect(read.status, authorization).toBe(401);
      const write = await client.request("/api/v1/actions", {
        method: "POST",
        headers: { Authorization: authorization, "Content-Type": "application/json" },
        body: JSON.stringify({
          title: "Via kakan",
          goalId: goals[0],
          departmentId: departments.Socialtjänst,
        }),
      });
      const { status, body } = await checked("POST", "/actions", write);
      expect(status, authorization).toBe(401);
      expect(body.error.code).toBe("unauthorized");
    }
    expect(await countActions()).toBe(actionsBefore);

    // A token does not make a token, and the cookie beside it does not either.
    const tokensBefore = (await db.selectFrom("api_tokens").select("id").execute()).length;
    for (const authorization of ["Bearer svk_inte-en-riktig-nyckel", `Bearer ${tokens.admin}`]) {
      const response = await client.request("/api/v1/tokens", {
        method: "POST",
        headers: { Authorization: authorization, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Nyckel från nyckel" }),
      });
      const { status, body } = await checked("POST", "/tokens", response);
      expect(status).toBe(401);
      expect(body.error.message).toContain("Authorization");
    }
    expect((await db.selectFrom("api_tokens").select("id").execute()).length).toBe(tokensBefore);
  });

  it("a write without any token is 401, not 403: no cookie signs in to the API, so no origin is asked for", async () => {
    const withoutToken = await api(null, "POST", "/actions", { title: "Utan nyckel" });
    expect(withoutToken.status).toBe(401);
    expect(withoutToken.body.error.code).toBe("unauthorized");
    // RFC 9110/6750: a 401 says how to authenticate.
    expect(withoutToken.headers.get("www-authenticate")).toBe('Bearer realm="samverkan"');
    const tokenWithoutSession = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Skript utan inloggning" }),
    });
    expect(tokenWithoutSession.status).toBe(401);
    expect(tokenWithoutSession.headers.get("www-authenticate")).toContain("Bearer");
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.admin);
    for (const origin of [null, "https://evil.test", server.url]) {
      const response = await client.request(`/api/v1/actions/${crypto.randomUUID()}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ version: 1, title: "Via kakan" }),
        origin,
      });
      expect(response.status, String(origin)).toBe(401);
      expect((await response.json()).error.code).toBe("unauthorized");
    }
    // A valid token needs no origin either: a script is no browser page.
    expect((await api(tokens.observer, "GET", "/goals")).status).toBe(200);
  });

  it(`more than ${RATE_LIMIT} requests a minute with one token get 429 with Retry-After`, async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.observer);
    const { body } = await postToken(client, { name: "Ivrigt skript" });
    for (let sent = 0; sent < RATE_LIMIT; sent += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, RATE_LIMIT - sent) }, () =>
          callApi(server.url, body.token, "GET", "/goals"),
        ),
      );
      expect(batch.every((r) => r.status === 200)).toBe(true);
    }
    for (const [method, path] of bearerCalls()) {
      const response = await api(body.token, method, path, hasBody(method) ? {} : undefined);
      expect(response.status).toBe(429);
      expect(response.body.error.code).toBe("rate_limited");
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Other tokens are not affected.
    expect((await api(tokens.observer, "GET", "/goals")).status).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  // Documents, search, webhooks, notifications, administration, the audit log and the token
  // owner's own things have their own tests (collab-api.test.ts, search.test.ts, webhooks.test.ts,
  // notifications.test.ts, mail.test.ts, api-admin.test.ts, list-paging.test.ts, api-me.test.ts); archiving
  // documents is seen here.
  const elsewhere = [
    "/documents",
    "/search",
    "/webhooks",
    "/notifications",
    "/audit-log",
    "/users",
    "/strategies",
    "/goals/",
    "/organisation",
    "/identity-provider",
    "/personal-data",
    "/mail-outbox",
    "/me",
    "/todo",
    "/overview",
    "/notification-preferences",
  ];
  const seenHere = /^(POST \/documents\/\{id\}\/(un)?archive|DELETE \/documents\/\{id\}) /;

  it("documents every route the API router serves, and serves every documented operation", () => {
    const router = createApiRouter({
      db,
      readCache: createReadCache(),
      config: server.config,
      auth: server.auth,
      applyServerUpdate: (documentId, update, userId) =>
        server.collab.applyServerUpdate(documentId, update, userId),
    });
    const served = servedRoutes(router).sort();
    const documented = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        Object.keys(item as object).map((method) => `${method.toUpperCase()} ${template}`),
      )
      .sort();
    expect(served).toEqual(documented);
    expect(apiOperations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual(served);
  });

  it("names every operation, says how each signs in and documents every status it can answer", () => {
    const operations = Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId: string }>),
    );
    const ids = operations.map((operation) => operation.operationId);
    expect(ids.every((id) => /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
    expect(paths["/tokens"].post.security).toEqual([{ session: [] }]);
    expect(document.components.securitySchemes.session).toMatchObject({ in: "cookie" });
    for (const [path, method] of [
      ["/tokens", "post"],
      ["/documents/{id}/versions", "post"],
      ["/actions", "post"],
    ])
      expect(Object.keys(paths[path][method].responses as object)).toEqual(
        expect.arrayContaining(["400", "411", "413", "422"]),
      );
    expect(Object.keys(paths["/actions/{id}"].patch.responses as object)).toEqual(
      expect.arrayContaining(["401", "403", "404", "409", "422", "429"]),
    );
    expect(document.info.license.name).toBeTruthy();
  });

  it("every documented action, period, goal, department and token operation was seen and matched its schema", () => {
    const documented = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        Object.entries(item as Record<string, unknown>)
          .filter(([method]) => ["get", "post", "patch", "put", "delete"].includes(method))
          .flatMap(([method, operation]) =>
            Object.keys((operation as { responses: object }).responses).map(
              (status) => `${method.toUpperCase()} ${template} ${status}`,
            ),
          ),
      )
      .filter(
        (key) =>
          seenHere.test(key) || !elsewhere.some((prefix) => key.split(" ")[1].startsWith(prefix)),
      );
    // 503 needs the database gone: tests/integration/degraded.test.ts sees it.
    const unseen = documented.filter((key) => !observed.has(key) && !key.endsWith(" 503"));
    expect(unseen).toEqual([]);
  });
});
