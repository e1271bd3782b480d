import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  actorFor,
  callApi,
  createTokenAs,
  DEMO_EMAILS,
  departmentIds,
  goalIds,
  type OtherOrganisation,
  seedOtherOrganisation,
} from "../helpers/actions";
import { signedInSocket } from "../helpers/collab-client";
import { connected, nextEvent, recordEvents } from "../helpers/collab-wire";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

/** Others see a named version, a restore or new details within a second (ADR 5). */
const WITHIN_MS = 1000;

interface DocumentEvent {
  type: string;
  documentId: string;
  change: string;
  actorId: string;
  actorName: string;
}

let server: TestServer;
let other: OtherOrganisation;
let memberToken: string;
let member: HttpClient;
let memberId: string;
let documentId: string;
/** The kommunchef's tab, in the document's organisation; the neighbour's tab, in another. */
let chief: Socket;
let neighbour: Socket;
let heardByChief: ReturnType<typeof recordEvents>;
let heardByNeighbour: ReturnType<typeof recordEvents>;

/** The next document.changed about our document that the chief hears, and how long it took. */
async function chiefHears(change: string) {
  const started = Date.now();
  const payload = await nextEvent<DocumentEvent>(
    chief,
    "document.changed",
    (p) => p.documentId === documentId && p.change === change,
    WITHIN_MS,
  );
  return { payload, elapsed: Date.now() - started };
}

beforeAll(async () => {
  server = await startTestServer();
  other = await seedOtherOrganisation(server.database.db);
  memberToken = await createTokenAs(server.url, DEMO_EMAILS.member);
  memberId = (await actorFor(server.database.db, DEMO_EMAILS.member)).userId;
  member = new HttpClient(server.url);
  await member.logIn(DEMO_EMAILS.member);
  const created = await callApi(server.url, memberToken, "POST", "/documents", {
    title: "Lokal handlingsplan",
    kind: "handlingsplan",
  });
  expect(created.status).toBe(201);
  documentId = created.body.id;
  chief = await signedInSocket(server, DEMO_EMAILS.chief);
  neighbour = await signedInSocket(server, other.email, other.password);
  await Promise.all([connected(chief), connected(neighbour)]);
  heardByChief = recordEvents(chief, ["document.changed"]);
  heardByNeighbour = recordEvents(neighbour, ["document.changed"]);
});
afterAll(async () => {
  chief?.close();
  neighbour?.close();
  await server?.close();
});

describe("document events reach the organisation's open pages", () => {
  it("a document created on the page or through the API, so open lists show it", async () => {
    const onPage = nextEvent<DocumentEvent>(
      chief,
      "document.changed",
      (p) => p.change === "created",
      WITHIN_MS,
    );
    const response = await member.postForm("/dokument/ny", {
      title: "Mötesanteckningar 2 oktober",
      kind: "motesanteckningar",
    });
    expect(response.status).toBe(303);
    const pageId = response.headers.get("location")?.match(/^\/dokument\/([^?]+)/)?.[1];
    expect((await onPage).documentId).toBe(pageId);

    const viaApi = nextEvent<DocumentEvent>(
      chief,
      "document.changed",
      (p) => p.change === "created" && p.documentId !== pageId,
      WITHIN_MS,
    );
    const created = await callApi(server.url, memberToken, "POST", "/documents", {
      title: "Yttrande över länsstrategin",
      kind: "yttrande",
    });
    expect(created.status).toBe(201);
    expect(await viaApi).toEqual({
      type: "document.changed",
      documentId: created.body.id,
      change: "created",
      actorId: memberId,
      actorName: "Anna Berg",
    });
  });

  it("an action made from the document names it, so the document's page shows it", async () => {
    const db = server.database.db;
    const goals = await goalIds(db, server.organisationId);
    const departments = await departmentIds(db, server.organisationId);
    const heard = nextEvent<{ actionId: string; documentId: string | null; change: string }>(
      chief,
      "action.changed",
      (p) => p.documentId === documentId,
      WITHIN_MS,
    );
    const created = await callApi(server.url, memberToken, "POST", "/actions", {
      title: "Gemensam fortbildning om våld i nära relationer",
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
      startDate: "2026-01-01",
      documentId,
    });
    expect(created.status).toBe(201);
    expect(await heard).toMatchObject({ actionId: created.body.id, change: "created" });
  });

  it("a version named through the API: who and which document, nothing more", async () => {
    const heard = chiefHears("version");
    const named = await callApi(
      server.url,
      memberToken,
      "POST",
      `/documents/${documentId}/versions`,
      { note: "Inför mötet" },
    );
    expect(named.status).toBe(201);
    const { payload, elapsed } = await heard;
    expect(payload).toEqual({
      type: "document.changed",
      documentId,
      change: "version",
      actorId: memberId,
      actorName: "Anna Berg",
    });
    expect(elapsed).toBeLessThan(WITHIN_MS);
  });

  it("a version named and restored on the page", async () => {
    const named = chiefHears("version");
    const saved = await member.postForm(`/dokument/${documentId}`, {
      intent: "version",
      note: "Från sidan",
    });
    expect(saved.status).toBe(303);
    await named;

    const versions = await callApi(
      server.url,
      memberToken,
      "GET",
      `/documents/${documentId}/versions`,
    );
    const restored = chiefHears("restored");
    const response = await member.postForm(`/dokument/${documentId}`, {
      intent: "restore",
      versionId: versions.body.items[0].id,
    });
    expect(response.status).toBe(303);
    expect((await restored).payload).toMatchObject({ actorName: "Anna Berg" });
  });

  it("a refused version tells nobody anything", async () => {
    const before = heardByChief.length;
    const refused = await member.postForm(`/dokument/${documentId}`, {
      intent: "version",
      note: "Gäller 19121212-1212",
    });
    expect(refused.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heardByChief.slice(before)).toEqual([]);
  });

  it("details saved, then the document adopted (which freezes it)", async () => {
    const fields = { intent: "meta", title: "Lokal handlingsplan 2025", kind: "handlingsplan" };
    const meta = chiefHears("meta");
    const saved = await member.postForm(`/dokument/${documentId}`, {
      ...fields,
      status: "review",
      version: "1",
    });
    expect(saved.status).toBe(303);
    await meta;

    const adopted = chiefHears("adopted");
    const adopting = await member.postForm(`/dokument/${documentId}`, {
      ...fields,
      status: "adopted",
      confirmAdopt: "on",
      version: "2",
    });
    expect(adopting.headers.get("location")).toBe(`/dokument/${documentId}?faststallt=1`);
    await adopted;
  });

  it("the other organisation heard nothing of it", async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heardByNeighbour).toEqual([]);
    expect(heardByChief.map(({ payload }) => payload.change)).toEqual([
      "created",
      "created",
      "version",
      "version",
      "restored",
      "meta",
      "adopted",
    ]);
  });
});
