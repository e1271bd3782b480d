import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../server/domain/users";
import { PRESENCE_COALESCE_MS } from "../../server/realtime";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

interface OnlineUser {
  id: string;
  name: string;
}

const TIMEOUT_MS = 5_000;

describe("realtime (socket.io)", () => {
  let server: TestServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(() => server?.close());

  function connect(
    options: {
      cookie?: string;
      origin?: string | null;
      authorization?: string;
      transport?: "websocket" | "polling";
      /** The person whose page the tab shows, as a browser tab says (realtime.client.ts). */
      tabUserId?: string;
    } = {},
  ): Socket {
    const socket = connectSocket(server.url, {
      cookie: options.cookie,
      origin: options.origin,
      authorization: options.authorization,
      auth: options.tabUserId ? { userId: options.tabUserId } : {},
      transports: [options.transport ?? "websocket"],
      reconnection: false,
      timeout: TIMEOUT_MS,
    });
    sockets.push(socket);
    return socket;
  }

  async function cookieOf(email: string, password?: string): Promise<string> {
    const client = new HttpClient(server.url);
    await client.logIn(email, password);
    return client.cookieHeader;
  }

  function connected(socket: Socket): Promise<void> {
    return new Promise((resolve, reject) => {
      if (socket.connected) return resolve();
      const timer = setTimeout(() => reject(new Error("no connect")), TIMEOUT_MS);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("connect_error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Resolves with the connect_error; rejects if the socket connects instead. */
  function refused(socket: Socket): Promise<Error> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("neither connected nor refused")),
        TIMEOUT_MS,
      );
      socket.once("connect", () => {
        clearTimeout(timer);
        reject(new Error("connected although it should have been refused"));
      });
      socket.once("connect_error", (error) => {
        clearTimeout(timer);
        resolve(error);
      });
    });
  }

  /** The next `presence` list that satisfies `predicate`. */
  function presence(
    socket: Socket,
    predicate: (names: string[]) => boolean,
  ): Promise<OnlineUser[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off("presence", listener);
        reject(new Error("no matching presence list"));
      }, TIMEOUT_MS);
      const listener = (list: OnlineUser[]) => {
        if (!predicate(list.map((u) => u.name))) return;
        clearTimeout(timer);
        socket.off("presence", listener);
        resolve(list);
      };
      socket.on("presence", listener);
    });
  }

  function disconnected(socket: Socket): Promise<string> {
    return new Promise((resolve, reject) => {
      if (!socket.connected) return resolve("already");
      const timer = setTimeout(() => reject(new Error("still connected")), TIMEOUT_MS);
      socket.once("disconnect", (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  }

  describe("the handshake", () => {
    it("refuses a socket without a session cookie", async () => {
      const error = await refused(connect());
      expect(error.message).toBe("unauthorized");
    });

    it("refuses an invalid session cookie", async () => {
      const error = await refused(connect({ cookie: "samverkan_session=not-a-real-token" }));
      expect(error.message).toBe("unauthorized");
    });

    it("refuses an expired session", async () => {
      const cookie = await cookieOf("kommunchef@kommun.test");
      const { id } = await server.database.db
        .selectFrom("users")
        .select("id")
        .where("email", "=", "kommunchef@kommun.test")
        .executeTakeFirstOrThrow();
      await server.database.db
        .updateTable("sessions")
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where("user_id", "=", id)
        .execute();
      const error = await refused(connect({ cookie }));
      expect(error.message).toBe("unauthorized");
    });

    it("refuses a valid session cookie that comes with an Authorization header (the header decides alone)", async () => {
      const cookie = await cookieOf("kommunchef@kommun.test");
      const error = await refused(
        connect({ cookie, authorization: "Bearer svk_inte-en-riktig-nyckel" }),
      );
      expect(error.message).toBe("unauthorized");
      await connected(connect({ cookie }));
    });

    it("refuses a tab that shows another person's page than the session's (someone else signed in)", async () => {
      const cookie = await cookieOf("kommunchef@kommun.test");
      const userIdOf = async (email: string) =>
        (
          await server.database.db
            .selectFrom("users")
            .select("id")
            .where("email", "=", email)
            .executeTakeFirstOrThrow()
        ).id;
      const other = connect({ cookie, tabUserId: await userIdOf("arbetsgrupp@kommun.test") });
      expect((await refused(other)).message).toBe("other_user");
      // The person's own tab, and a client that says nothing (the API's), connect as before.
      const own = connect({ cookie, tabUserId: await userIdOf("kommunchef@kommun.test") });
      await connected(own);
      await connected(connect({ cookie }));
    });

    it.each(["websocket", "polling"] as const)(
      "refuses a foreign Origin over %s, even with a valid session",
      async (transport) => {
        const cookie = await cookieOf("admin@kommun.test");
        await refused(connect({ cookie, origin: "https://evil.example", transport }));
        // The same session from our own origin is let in: only the Origin made the difference.
        await connected(connect({ cookie, transport }));
      },
    );

    it("accepts a valid session from our own origin", async () => {
      const socket = connect({ cookie: await cookieOf("observator@kommun.test") });
      await connected(socket);
      expect(socket.connected).toBe(true);
    });
  });

  describe("who is online", () => {
    it("two people each see both names; when one leaves the other sees the change", async () => {
      const sara = connect({ cookie: await cookieOf("admin@kommun.test") });
      const saraSeesBoth = presence(sara, (names) => names.includes("Anna Berg"));
      await connected(sara);
      const anna = connect({ cookie: await cookieOf("arbetsgrupp@kommun.test") });
      const annaSeesBoth = presence(anna, (names) => names.includes("Sara Lind"));
      await connected(anna);

      for (const list of [await saraSeesBoth, await annaSeesBoth]) {
        const names = list.map((u) => u.name);
        expect(names).toEqual(expect.arrayContaining(["Anna Berg", "Sara Lind"]));
        expect(new Set(names).size).toBe(names.length);
        for (const user of list) expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
      }

      const saraSeesAnnaGone = presence(sara, (names) => !names.includes("Anna Berg"));
      anna.disconnect();
      const after = await saraSeesAnnaGone;
      expect(after.map((u) => u.name)).toContain("Sara Lind");
      expect(after.map((u) => u.name)).not.toContain("Anna Berg");
    });

    it("lists a person once however many tabs they have open", async () => {
      const cookie = await cookieOf("skola@kommun.test");
      const first = connect({ cookie });
      const second = connect({ cookie });
      await Promise.all([connected(first), connected(second)]);
      const list = (await first.timeout(TIMEOUT_MS).emitWithAck("presence:list")) as OnlineUser[];
      expect(list.filter((u) => u.name === "Erik Holm")).toHaveLength(1);
    });

    it("a burst of tabs opening makes one presence broadcast, not one per tab", async () => {
      const cookie = await cookieOf("observator@kommun.test");
      const watcher = connect({ cookie });
      await connected(watcher);
      await new Promise((resolve) => setTimeout(resolve, 3 * PRESENCE_COALESCE_MS));
      const lists: OnlineUser[][] = [];
      watcher.on("presence", (list: OnlineUser[]) => lists.push(list));
      const tabs = Array.from({ length: 8 }, () => connect({ cookie }));
      await Promise.all(tabs.map(connected));
      await new Promise((resolve) => setTimeout(resolve, 3 * PRESENCE_COALESCE_MS));
      // Eight joins within a window or two: at most a couple of lists, the last one current.
      expect(lists.length).toBeGreaterThan(0);
      expect(lists.length).toBeLessThan(4);
      expect(lists.at(-1)!.filter((u) => u.name === "Maria Sjö")).toHaveLength(1);
    });

    it("answers presence:list with an acknowledgement carrying the list", async () => {
      const karin = connect({ cookie: await cookieOf("socialtjanst@kommun.test") });
      await connected(karin);
      // As the header sends it (a null payload) and with no payload at all.
      const withPayload = (await karin
        .timeout(TIMEOUT_MS)
        .emitWithAck("presence:list", null)) as OnlineUser[];
      const list = (await karin.timeout(TIMEOUT_MS).emitWithAck("presence:list")) as OnlineUser[];
      expect(list).toEqual(withPayload);
      expect(Array.isArray(list)).toBe(true);
      expect(list.map((u) => u.name)).toContain("Karin Nilsson");
      // Sorted by name, Swedish collation.
      const names = list.map((u) => u.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "sv")));
    });

    it("keeps organisations apart", async () => {
      const db = server.database.db;
      const { id: organisationId } = await db
        .insertInto("organisations")
        .values({ name: "Grannkommun", slug: "grannkommun" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await createUser(db, null, organisationId, {
        email: "greta@grannkommun.test",
        name: "Greta Granne",
        password: "Grannkommun-losen-1",
        roles: ["member"],
        departmentIds: [],
      });
      const ours = connect({ cookie: await cookieOf("admin@kommun.test") });
      await connected(ours);
      const greta = connect({
        cookie: await cookieOf("greta@grannkommun.test", "Grannkommun-losen-1"),
      });
      await connected(greta);
      const theirList = (await greta
        .timeout(TIMEOUT_MS)
        .emitWithAck("presence:list")) as OnlineUser[];
      expect(theirList.map((u) => u.name)).toEqual(["Greta Granne"]);
      const ourList = (await ours.timeout(TIMEOUT_MS).emitWithAck("presence:list")) as OnlineUser[];
      expect(ourList.map((u) => u.name)).not.toContain("Greta Granne");
    });
  });

  describe("ending a session", () => {
    it("deactivating a person through the admin form disconnects their socket at once", async () => {
      const db = server.database.db;
      const userId = await createUser(db, null, server.organisationId, {
        email: "avgar@kommun.test",
        name: "Ove Avgår",
        password: "Ove-avgar-losen-1",
        roles: ["member"],
        departmentIds: [],
      });
      const ove = connect({ cookie: await cookieOf("avgar@kommun.test", "Ove-avgar-losen-1") });
      await connected(ove);
      const watcher = connect({ cookie: await cookieOf("kommunchef@kommun.test") });
      const watcherSeesOve = presence(watcher, (names) => names.includes("Ove Avgår"));
      await connected(watcher);
      await watcherSeesOve;

      const gone = disconnected(ove);
      const watcherSeesOveGone = presence(watcher, (names) => !names.includes("Ove Avgår"));
      const admin = new HttpClient(server.url);
      await admin.logIn("admin@kommun.test");
      const response = await admin.postForm(`/admin/anvandare/${userId}`, { intent: "deactivate" });
      expect(response.status).toBe(303);

      expect(await gone).toBe("io server disconnect");
      await watcherSeesOveGone;
      // And the same cookie cannot open a new socket.
      const again = connect({ cookie: ove.io.opts.extraHeaders?.cookie });
      expect((await refused(again)).message).toBe("unauthorized");
    });

    it("logging out closes that session's sockets at once, not the person's other sessions", async () => {
      const laptop = new HttpClient(server.url);
      await laptop.logIn("arbetsgrupp@kommun.test");
      const laptopSocket = connect({ cookie: laptop.cookieHeader });
      const phoneSocket = connect({ cookie: await cookieOf("arbetsgrupp@kommun.test") });
      await Promise.all([connected(laptopSocket), connected(phoneSocket)]);

      const gone = disconnected(laptopSocket);
      const response = await laptop.postForm("/logout", {});
      expect(response.status).toBe(303);
      expect(await gone).toBe("io server disconnect");

      // The other session still gets answers over its socket.
      const list = await phoneSocket.timeout(TIMEOUT_MS).emitWithAck("presence:list");
      expect(list.map((u: OnlineUser) => u.name)).toContain("Anna Berg");
      expect(phoneSocket.connected).toBe(true);
    });

    it("closes a tab that only listens once its session has ended, and keeps no session alive", async () => {
      const db = server.database.db;
      const lastSeen = (email: string, at: Date) =>
        db
          .updateTable("sessions")
          .set({ last_seen_at: at })
          .where("user_id", "=", (eb) =>
            eb.selectFrom("users").select("id").where("email", "=", email),
          )
          .execute();
      const lastSeenOf = async (email: string) =>
        (
          await db
            .selectFrom("sessions")
            .innerJoin("users", "users.id", "sessions.user_id")
            .select("sessions.last_seen_at")
            .where("users.email", "=", email)
            .executeTakeFirstOrThrow()
        ).last_seen_at.getTime();
      const away = connect({ cookie: await cookieOf("socialtjanst@kommun.test") });
      const here = connect({ cookie: await cookieOf("skola@kommun.test") });
      await Promise.all([connected(away), connected(here)]);
      // Neither tab sends anything; one person has been away longer than the idle limit.
      const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
      await lastSeen("socialtjanst@kommun.test", hoursAgo(5));
      await lastSeen("skola@kommun.test", hoursAgo(1));
      const seenBefore = await lastSeenOf("skola@kommun.test");

      const gone = disconnected(away);
      await server.realtime.closeEndedSessions();
      expect(await gone).toBe("io server disconnect");
      expect(here.connected).toBe(true);
      // Checking is not activity: the open tab did not move the other session's idle clock.
      expect(await lastSeenOf("skola@kommun.test")).toBe(seenBefore);
    });
  });
});
