import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDocument, updateDocumentMeta } from "../../server/domain/documents";
import { actorFor, createTokenAs, DEMO_EMAILS } from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

/**
 * Observers (Länsstyrelsen, politicians) read the dashboard and adopted reports, with their
 * adopted appendices, and nothing else: no drafts, actions, comments or search.
 */
describe("the observer role", () => {
  let server: TestServer;
  let observer: HttpClient;
  let chief: HttpClient;
  let token: string;
  let actionId: string;
  let documentId: string;
  let periodId: string;
  let appendixTitle: string;

  beforeAll(async () => {
    server = await startTestServer();
    const db = server.database.db;
    observer = new HttpClient(server.url);
    chief = new HttpClient(server.url);
    await Promise.all([observer.logIn(DEMO_EMAILS.observer), chief.logIn(DEMO_EMAILS.chief)]);
    token = await createTokenAs(server.url, DEMO_EMAILS.observer);
    actionId = (await db.selectFrom("actions").select("id").executeTakeFirstOrThrow()).id;
    periodId = (
      await db
        .selectFrom("follow_up_periods")
        .select("id")
        .where("name", "=", "T3 2018")
        .executeTakeFirstOrThrow()
    ).id;
    // An adopted samverkansform becomes an appendix of the report the chief adopts.
    documentId = (
      await db
        .selectFrom("documents")
        .select("id")
        .where("kind", "=", "samverkansform")
        .executeTakeFirstOrThrow()
    ).id;
    const member = await actorFor(db, DEMO_EMAILS.member);
    const document = await getDocument(db, member, documentId);
    appendixTitle = document.title;
    await updateDocumentMeta(db, member, documentId, {
      title: document.title,
      kind: document.kind,
      departmentIds: document.departmentIds,
      status: "adopted",
      version: document.version,
    });
    const adopted = await chief.postForm(`/rapporter/${periodId}`, { confirm: "on" });
    expect(adopted.status).toBe(303);
  });
  afterAll(() => server?.close());

  it("reads the dashboard, whose menu and counts offer only what an observer may open", async () => {
    const response = await observer.get("/");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toMatch(/href="\/atgarder/);
    expect(html).not.toMatch(/href="\/dokument/);
    expect(html).not.toMatch(/action="\/sok"/);
    expect(html).toMatch(/href="\/rapporter"/);
    // The chief's dashboard still leads on to the actions behind each count.
    expect(await (await chief.get("/")).text()).toMatch(/href="\/atgarder\?goalId=/);
  });

  it("reads the adopted report with its adopted appendix", async () => {
    const response = await observer.get(`/rapporter/${periodId}`);
    expect(response.status).toBe(200);
    const text = textOf(await response.text());
    expect(text).toContain("Lägesrapport T3 2018");
    expect(text).toContain(appendixTitle);
    expect((await observer.get("/rapporter")).status).toBe(200);
  });

  it.each([
    "/atgarder",
    "/atgarder?vy=tavla",
    "/atgarder.csv",
    "/att-gora",
    "/dokument",
    "/sok?q=v%C3%A5ld",
  ])("gets 403 for %s", async (pathname) => {
    expect((await observer.get(pathname)).status).toBe(403);
  });

  it("gets 403 for an action with its comments, a draft or adopted document and its versions", async () => {
    for (const pathname of [`/atgarder/${actionId}`, `/dokument/${documentId}`]) {
      const response = await observer.get(pathname);
      expect(response.status, pathname).toBe(403);
      expect(textOf(await response.text())).toContain("Du har inte behörighet");
    }
  });

  it("the API answers 403 for actions, documents and search, 200 for the goal framework", async () => {
    const api = (pathname: string) =>
      fetch(`${server.url}/api/v1${pathname}`, { headers: { Authorization: `Bearer ${token}` } });
    for (const pathname of [
      "/actions",
      `/actions/${actionId}`,
      "/documents",
      `/documents/${documentId}`,
      `/documents/${documentId}/content`,
      "/search?q=v%C3%A5ld",
    ]) {
      const response = await api(pathname);
      expect(response.status, pathname).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden");
    }
    for (const pathname of ["/goals", "/departments", "/periods"])
      expect((await api(pathname)).status, pathname).toBe(200);
  });

  it("cannot open a document over the socket either", async () => {
    const socket = connectSocket(server.url, { cookie: observer.cookieHeader });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      const ack = await socket.timeout(5000).emitWithAck("collab:join", { documentId });
      expect(ack).toEqual({ error: "forbidden" });
    } finally {
      socket.close();
    }
  });
});
