import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createUser } from "../../server/domain/users";
import { ask, connected, nextEvent, storedDoc, updateMessage } from "../helpers/collab-wire";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

const EMAIL = "degraderad@kommun.test";
const PASSWORD = "Degraderad-losen-1";
// Well under the 30 s after which an open socket rechecks its session anyway.
const AT_ONCE_MS = 3_000;

/**
 * A role change reaches open sockets at once, as a deactivation does: a member demoted while
 * their document is open can no longer write into it, and an observer no longer reads it.
 */
describe("a role change on open sockets", () => {
  let server: TestServer;
  let admin: HttpClient;
  let socket: Socket;
  let userId: string;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const db = server.database.db;
    userId = await createUser(db, null, server.organisationId, {
      email: EMAIL,
      name: "Dag Degraderad",
      password: PASSWORD,
      roles: ["member"],
      departmentIds: [],
    });
    documentId = (
      await db
        .selectFrom("documents")
        .select("id")
        .where("kind", "=", "samverkansform")
        .executeTakeFirstOrThrow()
    ).id;
    admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    const member = new HttpClient(server.url);
    await member.logIn(EMAIL, PASSWORD);
    socket = connectSocket(server.url, { cookie: member.cookieHeader, reconnection: false });
    await connected(socket);
  });
  afterAll(async () => {
    socket?.close();
    await server?.close();
  });

  async function setRoles(roles: string) {
    const { version } = await server.database.db
      .selectFrom("memberships")
      .select("version")
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    const response = await admin.postForm(`/admin/anvandare/${userId}`, {
      name: "Dag Degraderad",
      email: EMAIL,
      password: "",
      roles,
      version: String(version),
    });
    expect(response.status).toBe(303);
  }

  async function typed(text: string) {
    const doc = await storedDoc(server.database.db, documentId);
    const before = Y.encodeStateVector(doc);
    doc.getText("probe").insert(0, text);
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return ask(socket, "collab:sync", { documentId, data: updateMessage(update) });
  }

  const storedText = async () =>
    (await storedDoc(server.database.db, documentId)).getText("probe").toString();

  it("a member demoted to kommunchef stops writing at once, and the editor is told", async () => {
    expect(await ask(socket, "collab:join", { documentId })).toEqual({ ok: true, writable: true });
    expect(await typed("före ")).toEqual({ ok: true });

    const status = nextEvent(
      socket,
      "collab:status",
      (p) => p.documentId === documentId,
      AT_ONCE_MS,
    );
    await setRoles("chief");
    expect(await status).toEqual({ documentId, frozen: false, writable: false });
    expect(await typed("efter ")).toEqual({ error: "read_only" });
    expect(await storedText()).toBe("före ");
    // Still connected and still reading: only writing ended.
    expect(socket.connected).toBe(true);
  });

  it("made an observer, the socket leaves the document: no more reading it", async () => {
    const refused = nextEvent(
      socket,
      "collab:error",
      (p) => p.documentId === documentId,
      AT_ONCE_MS,
    );
    await setRoles("observer");
    expect(await refused).toEqual({ documentId, code: "forbidden" });
    expect(await ask(socket, "collab:join", { documentId })).toEqual({ error: "forbidden" });
  });

  it("promoted back to member, the same socket may join and write again", async () => {
    await setRoles("member");
    await expect
      .poll(() => ask(socket, "collab:join", { documentId }), { timeout: AT_ONCE_MS })
      .toEqual({ ok: true, writable: true });
    expect(await typed("igen ")).toEqual({ ok: true });
  });
});
