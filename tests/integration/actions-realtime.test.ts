import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import type { SessionUser } from "../../server/auth/sessions";
import {
  actorFor,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  departmentIds,
  goalIds,
  type OtherOrganisation,
  periodIds,
  seedOtherOrganisation,
} from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

/** The promise: others see a change within one second. */
const WITHIN_MS = 1000;

let server: TestServer;
let db: DB;
let other: OtherOrganisation;
let memberToken: string;
let editorToken: string;
let otherToken: string;
let editor: SessionUser;
/** The social-services editor signed in to the pages. */
let editorPage: HttpClient;
let departments: Record<string, string>;
let goals: string[];
let periods: Record<string, string>;
let chief: Socket;
let neighbour: Socket;
const sockets: Socket[] = [];
/** Every event each socket received, to show what did not arrive. */
const received = new Map<Socket, { event: string; payload: Record<string, unknown> }[]>();

function connect(cookie: string, origin: string): Socket {
  const socket = connectSocket(server.url, { cookie, origin, reconnection: false });
  sockets.push(socket);
  received.set(socket, []);
  socket.onAny((event: string, payload: Record<string, unknown>) =>
    received.get(socket)?.push({ event, payload }),
  );
  return socket;
}

/** A signed-in person's live connection, as the browser opens it. */
async function connectAs(email: string, password?: string): Promise<Socket> {
  const client = new HttpClient(server.url);
  await client.logIn(email, password);
  const socket = connect(client.cookieHeader, server.url);
  await opened(socket);
  return socket;
}

/** Resolves once the server accepts a new socket, rejects when it refuses it. */
function opened(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}

/** The first `event` matching `match` within a second, and how long it took. */
function nextEvent(
  socket: Socket,
  event: string,
  match: (payload: Record<string, unknown>) => boolean,
): Promise<{ payload: Record<string, unknown>; elapsed: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`No ${event} within ${WITHIN_MS} ms`));
    }, WITHIN_MS);
    function listener(payload: Record<string, unknown>) {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve({ payload, elapsed: Date.now() - started });
    }
    socket.on(event, listener);
  });
}

/** Whether a socket heard anything about `id` (after giving stragglers a moment). */
async function heardOf(socket: Socket, key: string, id: string): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return (received.get(socket) ?? []).some(({ payload }) => payload[key] === id);
}

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  other = await seedOtherOrganisation(db);
  [memberToken, editorToken, otherToken] = await Promise.all([
    createTokenAs(server.url, DEMO_EMAILS.member),
    createTokenAs(server.url, DEMO_EMAILS.editor),
    createTokenAs(server.url, other.email, other.password),
  ]);
  editor = await actorFor(db, DEMO_EMAILS.editor);
  departments = await departmentIds(db, server.organisationId);
  goals = await goalIds(db, server.organisationId);
  periods = await periodIds(db, server.organisationId);
  editorPage = new HttpClient(server.url);
  await editorPage.logIn(DEMO_EMAILS.editor);
  chief = await connectAs(DEMO_EMAILS.chief);
  neighbour = await connectAs(other.email, other.password);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await server?.close();
});

describe("live updates", () => {
  let actionId: string;

  it("the chief hears of an action created through the API", async () => {
    const heard = nextEvent(chief, "action.changed", (p) => p.change === "created");
    const created = await callApi(server.url, memberToken, "POST", "/actions", {
      title: "Live-åtgärd",
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
      startDate: "2020-01-01",
    });
    expect(created.status).toBe(201);
    actionId = created.body.id;
    const { payload } = await heard;
    expect(payload).toMatchObject({ actionId, change: "created", actorName: "Anna Berg" });
  });

  it("the chief hears within a second of another user's API PATCH, with who did it", async () => {
    const heard = nextEvent(
      chief,
      "action.changed",
      (p) => p.actionId === actionId && p.change === "updated",
    );
    const patched = await callApi(server.url, editorToken, "PATCH", `/actions/${actionId}`, {
      version: 1,
      status: "in_progress",
      progress: 20,
    });
    expect(patched.status).toBe(200);
    const { payload, elapsed } = await heard;
    expect(payload).toEqual({
      type: "action.changed",
      actionId,
      departmentId: departments.Socialtjänst,
      documentId: null,
      change: "updated",
      actorId: editor.userId,
      actorName: "Karin Nilsson",
    });
    expect(elapsed).toBeLessThan(WITHIN_MS);
    expect(await heardOf(neighbour, "actionId", actionId)).toBe(false);
  });

  it("a follow-up saved through the API reaches the chief", async () => {
    const heard = nextEvent(
      chief,
      "action.changed",
      (p) => p.actionId === actionId && p.change === "followup",
    );
    const saved = await callApi(
      server.url,
      editorToken,
      "PUT",
      `/actions/${actionId}/followups/${periods["T3 2020"]}`,
      { assessment: "at_risk", comment: "Rekrytering pågår." },
    );
    expect(saved.status).toBe(200);
    expect((await heard).payload).toMatchObject({ actorName: "Karin Nilsson" });
  });

  it("a refused change tells nobody anything", async () => {
    const refused = await callApi(server.url, editorToken, "PATCH", `/actions/${actionId}`, {
      version: 1,
      progress: 90,
    });
    expect(refused.status).toBe(409);
    const before = (received.get(chief) ?? []).length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((received.get(chief) ?? []).slice(before)).toEqual([]);
  });

  it.each([
    ["complete", true],
    ["reopen", false],
  ])(
    "a period report's %s on the Att göra page reaches the chief, not the other organisation",
    async (command, completed) => {
      const departmentId = departments.Socialtjänst;
      // Nothing of the demo falls in T1 2017, so the report can be marked done at once.
      const periodId = periods["T1 2017"];
      const heard = nextEvent(
        chief,
        "period-report.changed",
        (p) => p.periodId === periodId && p.completed === completed,
      );
      const response = await editorPage.postForm("/att-gora", {
        intent: `${command}:${departmentId}`,
        periodId,
      });
      expect(response.status).toBe(303);
      const { payload, elapsed } = await heard;
      expect(payload).toMatchObject({ departmentId, actorName: "Karin Nilsson" });
      expect(elapsed).toBeLessThan(WITHIN_MS);
      expect(await heardOf(neighbour, "periodId", periodId)).toBe(false);
    },
  );

  it("the other organisation hears of its own changes, the chief does not", async () => {
    const heard = nextEvent(neighbour, "action.changed", (p) => p.actionId === other.actionId);
    const patched = await callApi(server.url, otherToken, "PATCH", `/actions/${other.actionId}`, {
      version: 1,
      progress: 50,
    });
    expect(patched.status).toBe(200);
    expect((await heard).payload).toMatchObject({ actorName: "Olle Granne" });
    expect(await heardOf(chief, "actionId", other.actionId)).toBe(false);
  });

  it("a socket without a session, or from another origin, is refused", async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.observer);
    await expect(opened(connect("", server.url))).rejects.toThrow("unauthorized");
    await expect(opened(connect(client.cookieHeader, "https://evil.test"))).rejects.toThrow();
  });
});
