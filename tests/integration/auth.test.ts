import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSession } from "../../server/auth/sessions";
import { createUser } from "../../server/domain/users";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const SECRET = "test-secret-test-secret-test-secret-0123";
const SETTINGS = { secret: SECRET, idleMinutes: 240, absoluteHours: 12 };
const INVALID = "Fel e-postadress eller lösenord.";
const PASSWORD = "Samverkan-demo-1";

interface CookieLine {
  name: string;
  value: string;
  attributes: string[];
}

function parseSetCookie(response: Response): CookieLine[] {
  return response.headers.getSetCookie().map((line) => {
    const [pair, ...attributes] = line.split(";").map((part) => part.trim());
    const at = pair.indexOf("=");
    return { name: pair.slice(0, at), value: pair.slice(at + 1), attributes };
  });
}

function hasAttribute(cookie: CookieLine, attribute: string): boolean {
  return cookie.attributes.some((a) => a.toLowerCase() === attribute.toLowerCase());
}

/** A fresh client posting the login form, optionally from a given (proxied) address. */
function tryLogIn(
  server: TestServer,
  email: string,
  password: string,
  address?: string,
  client = new HttpClient(server.url),
) {
  return client.postForm(
    "/login",
    { email, password, redirectTo: "/" },
    address ? { headers: { "X-Forwarded-For": address } } : {},
  );
}

async function sessionCount(server: TestServer, userId: string): Promise<number> {
  const rows = await server.database.db
    .selectFrom("sessions")
    .select("id")
    .where("user_id", "=", userId)
    .execute();
  return rows.length;
}

async function userIdOf(server: TestServer, email: string): Promise<string> {
  const row = await server.database.db
    .selectFrom("users")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("sign-in, sessions and sign-out", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Behind a proxy, so each test can speak from its own address (X-Forwarded-For).
    server = await startTestServer({ TRUST_PROXY: "true" });
  });
  afterAll(() => server?.close());

  it("signs in with a 303 and an HttpOnly, SameSite=Lax session cookie (not Secure over http)", async () => {
    const response = await tryLogIn(server, "admin@kommun.test", PASSWORD, "10.0.0.1");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    const cookies = parseSetCookie(response);
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie.name).toBe("samverkan_session");
    expect(cookie.value.length).toBeGreaterThanOrEqual(40);
    expect(hasAttribute(cookie, "HttpOnly")).toBe(true);
    expect(hasAttribute(cookie, "SameSite=Lax")).toBe(true);
    expect(hasAttribute(cookie, "Path=/")).toBe(true);
    expect(hasAttribute(cookie, "Secure")).toBe(false);
  });

  it("the cookie opens the start page; without it the start page sends you to /login", async () => {
    const client = new HttpClient(server.url);
    const anonymous = await client.get("/");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/login");
    await tryLogIn(server, "arbetsgrupp@kommun.test", PASSWORD, "10.0.0.2", client);
    const home = await client.get("/");
    expect(home.status).toBe(200);
    expect(textOf(await home.text())).toContain("Anna Berg");
  });

  it("only follows local redirect targets", async () => {
    const client = new HttpClient(server.url);
    const response = await client.postForm(
      "/login",
      { email: "admin@kommun.test", password: PASSWORD, redirectTo: "//evil.example/x" },
      { headers: { "X-Forwarded-For": "10.0.0.3" } },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
  });

  it("gives a new random cookie value on every sign-in and stores only its hash", async () => {
    const client = new HttpClient(server.url);
    const first = parseSetCookie(
      await tryLogIn(server, "admin@kommun.test", PASSWORD, "10.0.0.4", client),
    )[0].value;
    // Signing in again from a browser that already holds a session must not reuse its id.
    const second = parseSetCookie(
      await tryLogIn(server, "admin@kommun.test", PASSWORD, "10.0.0.4", client),
    )[0].value;
    const third = parseSetCookie(
      await tryLogIn(server, "admin@kommun.test", PASSWORD, "10.0.0.4"),
    )[0].value;
    expect(new Set([first, second, third]).size).toBe(3);
    const stored = await server.database.db.selectFrom("sessions").select("id").execute();
    const ids = stored.map((row) => row.id);
    for (const token of [first, second, third]) expect(ids).not.toContain(token);
  });

  it("answers a wrong password and an unknown email alike: 401 with the same Swedish message", async () => {
    const wrong = await tryLogIn(server, "admin@kommun.test", "Fel-losenord-123", "10.0.1.1");
    const unknown = await tryLogIn(server, "ingen@kommun.test", PASSWORD, "10.0.1.1");
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
      const text = textOf(await response.text());
      expect(text).toContain(INVALID);
      // The typed email is kept so the person can correct it; the password is not echoed.
      expect(text).not.toContain("Fel-losenord-123");
    }
  });

  it("answers empty fields with 400 and a Swedish message per field, recording no attempt", async () => {
    const before = await server.database.db.selectFrom("login_attempts").select("id").execute();
    const response = await tryLogIn(server, "", "", "10.0.1.2");
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
    const html = await response.text();
    const text = textOf(html);
    expect(text).toContain("E-postadress: Fyll i fältet.");
    expect(text).toContain("Lösenord: Fyll i fältet.");
    expect(html).toContain('id="email-error"');
    expect(html).toContain('id="password-error"');
    expect(text).not.toContain(INVALID);
    const after = await server.database.db.selectFrom("login_attempts").select("id").execute();
    expect(after.length).toBe(before.length);
  });

  it("answers a form without the fields at all with 400", async () => {
    const client = new HttpClient(server.url);
    const response = await client.postForm(
      "/login",
      {},
      { headers: { "X-Forwarded-For": "10.0.1.3" } },
    );
    expect(response.status).toBe(400);
  });

  it("throttles after five failures for one account at one address, and only there", async () => {
    const office = "192.0.2.10";
    const email = "skola@kommun.test";
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await tryLogIn(server, email, `wrong-password-${attempt}`, office);
      expect(response.status, `attempt ${attempt}`).toBe(401);
    }
    // Now even the right password is refused from this address, with Retry-After.
    const throttled = await tryLogIn(server, email, PASSWORD, office);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.getSetCookie()).toEqual([]);
    const retryAfter = Number(throttled.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(retryAfter % 60).toBe(0);
    expect(textOf(await throttled.text())).toMatch(/minut/);
    // The address is recognised however the email is written.
    expect((await tryLogIn(server, " SKOLA@kommun.test ", PASSWORD, office)).status).toBe(429);

    // The same person from another address still gets in…
    expect((await tryLogIn(server, email, PASSWORD, "198.51.100.20")).status).toBe(303);
    // …and so does a colleague behind the same office address.
    expect((await tryLogIn(server, "kommunchef@kommun.test", PASSWORD, office)).status).toBe(303);
    // A success elsewhere does not lift the lock on the throttled pair.
    expect((await tryLogIn(server, email, PASSWORD, office)).status).toBe(429);
  });

  it("signing out ends the session: the old cookie no longer opens anything", async () => {
    const client = new HttpClient(server.url);
    await tryLogIn(server, "observator@kommun.test", PASSWORD, "10.0.2.1", client);
    const oldCookie = client.cookieHeader;
    const userId = await userIdOf(server, "observator@kommun.test");
    const sessionsBefore = await sessionCount(server, userId);
    expect((await client.get("/")).status).toBe(200);

    const logout = await client.postForm("/logout", {});
    expect(logout.status).toBe(303);
    expect(logout.headers.get("location")).toBe("/login");
    const cleared = parseSetCookie(logout)[0];
    expect(cleared.name).toBe("samverkan_session");
    expect(cleared.value).toBe("");
    expect(await sessionCount(server, userId)).toBe(sessionsBefore - 1);

    const replay = await fetch(`${server.url}/`, {
      headers: { cookie: oldCookie },
      redirect: "manual",
    });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toBe("/login");
  });

  it("GET /logout changes nothing and leads to the login page", async () => {
    const client = new HttpClient(server.url);
    await tryLogIn(server, "observator@kommun.test", PASSWORD, "10.0.2.2", client);
    const response = await client.get("/logout");
    expect(response.status).toBe(302);
    expect((await client.get("/")).status).toBe(200);
  });

  async function freshToken(address: string): Promise<string> {
    const response = await tryLogIn(server, "arbetsgrupp@kommun.test", PASSWORD, address);
    return parseSetCookie(response)[0].value;
  }

  it("ends a session that has been idle longer than the idle limit", async () => {
    const db = server.database.db;
    const token = await freshToken("10.0.3.1");
    const start = Date.now();
    const minutes = (n: number) => new Date(start + n * 60_000);
    // Used again just inside the limit: still alive, and the clock restarts.
    const alive = await resolveSession(db, SETTINGS, token, minutes(239));
    expect(alive?.email).toBe("arbetsgrupp@kommun.test");
    expect(await resolveSession(db, SETTINGS, token, minutes(239 + 239))).not.toBeNull();
    // Then left alone for longer than the idle limit.
    expect(await resolveSession(db, SETTINGS, token, minutes(239 + 239 + 241))).toBeNull();
    // Gone for good, also for the real server.
    expect(await resolveSession(db, SETTINGS, token)).toBeNull();
    const replay = await fetch(`${server.url}/`, {
      headers: { cookie: `samverkan_session=${token}` },
      redirect: "manual",
    });
    expect(replay.status).toBe(302);
  });

  it("ends a session at the absolute limit even when it is used all the time", async () => {
    const db = server.database.db;
    const token = await freshToken("10.0.3.2");
    const start = Date.now();
    const hours = (n: number) => new Date(start + n * 3_600_000);
    for (const h of [3, 6, 9, 11.9]) {
      expect(await resolveSession(db, SETTINGS, token, hours(h)), `after ${h} h`).not.toBeNull();
    }
    expect(await resolveSession(db, SETTINGS, token, hours(12.01))).toBeNull();
    expect(await resolveSession(db, SETTINGS, token)).toBeNull();
  });

  it("a sign-in forgets old login attempts and deletes expired and idle sessions", async () => {
    const db = server.database.db;
    const userId = await userIdOf(server, "arbetsgrupp@kommun.test");
    const organisationId = server.organisationId;
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000);
    await db
      .insertInto("login_attempts")
      .values([
        { email: "gammal@kommun.test", ip: "10.0.9.1", succeeded: false, created_at: ago(60) },
        { email: "ny@kommun.test", ip: "10.0.9.1", succeeded: false, created_at: ago(5) },
      ])
      .execute();
    const session = (id: string, lastSeen: Date, expires: Date) => ({
      id,
      user_id: userId,
      organisation_id: organisationId,
      last_seen_at: lastSeen,
      expires_at: expires,
    });
    await db
      .insertInto("sessions")
      .values([
        session("prune-expired", ago(1), ago(0.5)),
        session("prune-idle", ago(241), inHours(6)),
        session("prune-alive", ago(239), inHours(6)),
      ])
      .execute();

    expect((await tryLogIn(server, "socialtjanst@kommun.test", PASSWORD, "10.0.9.2")).status).toBe(
      303,
    );
    const attempts = await db.selectFrom("login_attempts").select("email").execute();
    expect(attempts.map((a) => a.email)).not.toContain("gammal@kommun.test");
    expect(attempts.map((a) => a.email)).toContain("ny@kommun.test");
    const left = await db
      .selectFrom("sessions")
      .select("id")
      .where("id", "like", "prune-%")
      .execute();
    expect(left.map((r) => r.id)).toEqual(["prune-alive"]);
  });

  it("refuses unknown, empty and absurdly long tokens", async () => {
    const db = server.database.db;
    expect(await resolveSession(db, SETTINGS, undefined)).toBeNull();
    expect(await resolveSession(db, SETTINGS, "")).toBeNull();
    expect(await resolveSession(db, SETTINGS, "x".repeat(43))).toBeNull();
    expect(await resolveSession(db, SETTINGS, "x".repeat(10_000))).toBeNull();
    // A real token checked with another secret is not a session either.
    const token = await freshToken("10.0.3.3");
    expect(await resolveSession(db, { ...SETTINGS, secret: "another-secret" }, token)).toBeNull();
    expect(await resolveSession(db, SETTINGS, token)).not.toBeNull();
  });

  it("deactivating a person through the admin form ends their open sessions at once", async () => {
    const db = server.database.db;
    const email = "tillfallig@kommun.test";
    const userId = await createUser(db, null, server.organisationId, {
      email,
      name: "Tillfällig Person",
      password: "Tillfalligt-losen-1",
      roles: ["member"],
      departmentIds: [],
    });
    const victim = new HttpClient(server.url);
    const otherDevice = new HttpClient(server.url);
    await tryLogIn(server, email, "Tillfalligt-losen-1", "10.0.4.1", victim);
    await tryLogIn(server, email, "Tillfalligt-losen-1", "10.0.4.2", otherDevice);
    expect((await victim.get("/")).status).toBe(200);
    expect(await sessionCount(server, userId)).toBe(2);

    const admin = new HttpClient(server.url);
    await tryLogIn(server, "admin@kommun.test", PASSWORD, "10.0.4.3", admin);
    const deactivate = await admin.postForm(`/admin/anvandare/${userId}`, { intent: "deactivate" });
    expect(deactivate.status).toBe(303);

    expect(await sessionCount(server, userId)).toBe(0);
    for (const client of [victim, otherDevice]) {
      const response = await client.get("/");
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/login");
    }
    // Nor can they sign in again, and they get the ordinary message.
    const again = await tryLogIn(server, email, "Tillfalligt-losen-1", "10.0.4.4");
    expect(again.status).toBe(401);
    expect(textOf(await again.text())).toContain(INVALID);

    // Reactivated, they can sign in again.
    const reactivate = await admin.postForm(`/admin/anvandare/${userId}`, { intent: "reactivate" });
    expect(reactivate.status).toBe(303);
    expect((await tryLogIn(server, email, "Tillfalligt-losen-1", "10.0.4.5")).status).toBe(303);
  });
});

describe("with SECURE_COOKIES=true (production)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: "production", SECURE_COOKIES: "true" });
  });
  afterAll(() => server?.close());

  it("sets a __Host- cookie with Secure, HttpOnly, SameSite=Lax and Path=/ and no Domain", async () => {
    const client = new HttpClient(server.url);
    const response = await client.postForm("/login", {
      email: "admin@kommun.test",
      password: PASSWORD,
      redirectTo: "/",
    });
    expect(response.status).toBe(303);
    const [cookie] = parseSetCookie(response);
    expect(cookie.name).toBe("__Host-samverkan_session");
    for (const attribute of ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"]) {
      expect(hasAttribute(cookie, attribute), attribute).toBe(true);
    }
    expect(cookie.attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);

    // The server reads that cookie (and not a plain-named one with the same value).
    expect((await client.get("/")).status).toBe(200);
    const plain = await fetch(`${server.url}/`, {
      headers: { cookie: `samverkan_session=${cookie.value}` },
      redirect: "manual",
    });
    expect(plain.status).toBe(302);
  });
});
