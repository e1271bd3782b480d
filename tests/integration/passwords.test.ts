import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sv } from "../../common/i18n/sv";
import { passwordWeakness } from "../../server/auth/password-policy";
import { verifyPassword } from "../../server/auth/passwords";
import { createUser } from "../../server/domain/users";
import { connected } from "../helpers/collab-wire";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

const NEW_PASSWORD = "Sju-gula-trumpeter-blaser";
const TEMPORARY = "Tillfalligt-losen-for-Tove-9";
// A socket closed by the server says so at once; this only bounds a test that would hang.
const WAIT_MS = 5_000;

function disconnected(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) return resolve("already");
    const timer = setTimeout(() => reject(new Error("still connected")), WAIT_MS);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe("the password rule", () => {
  const context = ["Anna Berg", "anna.berg@kommun.test", "Exempelkommun"];
  it.each([
    ["short", "Kort-losen1", "validation.passwordTooShort"],
    ["a common password", "password1234", "validation.passwordCommon"],
    ["a keyboard row", "qwertyuiop12", "validation.passwordCommon"],
    ["repeated characters", "aaaaaaaaaaaa", "validation.passwordRepeated"],
    ["a sequence", "abcdefghijkl", "validation.passwordSequence"],
    ["the organisation's name and a year", "Exempelkommun2026", "validation.passwordPersonal"],
    ["the product's own words", "kommunen1234", "validation.passwordPersonal"],
    ["the published demo password", "Samverkan-demo-1", "validation.passwordWeak"],
    ["a season and a year", "Sommar2024!!", "validation.passwordWeak"],
  ])("refuses %s, naming why", (_, password, reason) => {
    expect(passwordWeakness(password, context)).toBe(reason);
    expect(reason in sv).toBe(true);
  });

  it.each(["Ett-langt-losenord-1", NEW_PASSWORD, "korv gurka banan"])("accepts %s", (password) => {
    expect(passwordWeakness(password, context)).toBeNull();
  });
});

describe("passwords people manage", () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  const db = () => server.database.db;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  async function person(email: string, password: string, name = "Tove Test") {
    return createUser(db(), null, server.organisationId, {
      email,
      name,
      password,
      roles: ["member"],
      departmentIds: [],
    });
  }

  async function signedIn(email: string, password: string) {
    const client = new HttpClient(server.url);
    await client.logIn(email, password);
    return client;
  }

  function socketOf(client: HttpClient) {
    const socket = connectSocket(server.url, { cookie: client.cookieHeader, reconnection: false });
    sockets.push(socket);
    return socket;
  }

  const hashOf = async (userId: string) =>
    await db()
      .selectFrom("users")
      .select(["password_hash", "must_change_password", "password_changed_at"])
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();

  const auditOf = (userId: string, action: string) =>
    db()
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_id", "=", userId)
      .where("action", "=", action)
      .orderBy("created_at", "desc")
      .execute();

  const eventsOf = (type: string) =>
    db().selectFrom("domain_events").select("payload").where("type", "=", type).execute();

  function changeOwn(client: HttpClient, fields: Record<string, string>) {
    return client.postForm("/installningar", { intent: "change-password", ...fields });
  }

  describe("changing one's own password in Inställningar", () => {
    const email = "byter.sjalv@kommun.test";
    const first = "Forsta-egna-losenordet-7";
    let userId: string;
    beforeAll(async () => {
      userId = await person(email, first, "Bo Byter");
    });

    it("the settings page has the form", async () => {
      const client = await signedIn(email, first);
      const page = textOf(await (await client.get("/installningar")).text());
      expect(page).toContain("Byt lösenord");
      expect(page).toContain("Nuvarande lösenord");
      expect(page).toContain("Minst 12 tecken");
    });

    it("refuses a wrong current password with 400 and changes nothing", async () => {
      const client = await signedIn(email, first);
      const response = await changeOwn(client, {
        currentPassword: "Inte-mitt-losenord-alls",
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(textOf(html)).toContain(sv["validation.currentPasswordWrong"]);
      // Nothing typed comes back in the page.
      expect(html).not.toContain("Inte-mitt-losenord-alls");
      expect(html).not.toContain(NEW_PASSWORD);
      expect(await verifyPassword((await hashOf(userId)).password_hash, first)).toBe(true);
    });

    it("refuses a weak new password with the reason, and a repeat that differs", async () => {
      const client = await signedIn(email, first);
      const weak = await changeOwn(client, {
        currentPassword: first,
        newPassword: "password1234",
        confirmPassword: "password1234",
      });
      expect(weak.status).toBe(400);
      expect(textOf(await weak.text())).toContain(sv["validation.passwordCommon"]);
      const personal = await changeOwn(client, {
        currentPassword: first,
        newPassword: "Byter.Sjalv@kommun.test",
        confirmPassword: "Byter.Sjalv@kommun.test",
      });
      expect(personal.status).toBe(400);
      expect(textOf(await personal.text())).toContain(sv["validation.passwordPersonal"]);
      const mismatch = await changeOwn(client, {
        currentPassword: first,
        newPassword: NEW_PASSWORD,
        confirmPassword: `${NEW_PASSWORD}x`,
      });
      expect(mismatch.status).toBe(400);
      expect(textOf(await mismatch.text())).toContain(sv["validation.passwordMismatch"]);
      expect(await verifyPassword((await hashOf(userId)).password_hash, first)).toBe(true);
    });

    it("a change ends every other session and its socket, keeps this one, and is audited", async () => {
      const laptop = await signedIn(email, first);
      const phone = await signedIn(email, first);
      const [laptopSocket, phoneSocket] = [socketOf(laptop), socketOf(phone)];
      await Promise.all([connected(laptopSocket), connected(phoneSocket)]);

      const phoneGone = disconnected(phoneSocket);
      const response = await changeOwn(laptop, {
        currentPassword: first,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/installningar?losenord=1");
      expect(await phoneGone).toBe("io server disconnect");

      // This session and its socket go on; the other session is gone.
      expect((await laptop.get("/")).status).toBe(200);
      expect(laptopSocket.connected).toBe(true);
      expect(await laptopSocket.timeout(WAIT_MS).emitWithAck("presence:list")).toBeInstanceOf(
        Array,
      );
      expect((await phone.get("/")).headers.get("location")).toBe("/login");
      const notice = textOf(await (await laptop.get("/installningar?losenord=1")).text());
      expect(notice).toContain(sv["password.changed"]);

      // The old password no longer signs in; the new one does.
      const old = await new HttpClient(server.url).postForm("/login", {
        email,
        password: first,
        redirectTo: "/",
      });
      expect(old.status).toBe(401);
      await signedIn(email, NEW_PASSWORD);

      const stored = await hashOf(userId);
      expect(stored.password_changed_at).toBeInstanceOf(Date);
      const [audit] = await auditOf(userId, "user.password-changed");
      expect(audit).toMatchObject({ actor_id: userId, organisation_id: server.organisationId });
      expect(audit.after).toEqual({ by: "self", replacedTemporary: false });
      expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
      const events = await eventsOf("user.password-changed");
      expect(events.some((e) => (e.payload as { userId: string }).userId === userId)).toBe(true);
    });

    it("a form sent from another site changes no password", async () => {
      const client = await signedIn(email, NEW_PASSWORD);
      const response = await client.postForm(
        "/installningar",
        {
          intent: "change-password",
          currentPassword: NEW_PASSWORD,
          newPassword: "Ett-helt-annat-langt-losen",
          confirmPassword: "Ett-helt-annat-langt-losen",
        },
        { origin: "https://evil.example" },
      );
      expect(response.status).toBe(403);
      expect(await verifyPassword((await hashOf(userId)).password_hash, NEW_PASSWORD)).toBe(true);
    });
  });

  describe("a temporary password from an admin", () => {
    const email = "tove.tillfallig@kommun.test";
    const own = "Toves-forsta-riktiga-losen";
    let userId: string;
    let admin: HttpClient;
    beforeAll(async () => {
      userId = await person(email, own, "Tove Tillfällig");
      admin = await signedIn("admin@kommun.test", "Samverkan-demo-1");
    });

    it("an admin sets it on the user page: the person's sessions and sockets end, the page never shows it", async () => {
      const tove = await signedIn(email, own);
      const socket = socketOf(tove);
      await connected(socket);
      const gone = disconnected(socket);

      const weak = await admin.postForm(`/admin/anvandare/${userId}`, {
        intent: "temporary-password",
        password: "tove12345678",
      });
      expect(weak.status).toBe(400);
      const weakHtml = await weak.text();
      expect(weakHtml).not.toContain("tove12345678");
      expect(textOf(weakHtml)).toContain(sv["validation.passwordCommon"]);

      const response = await admin.postForm(`/admin/anvandare/${userId}`, {
        intent: "temporary-password",
        password: TEMPORARY,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(`/admin/anvandare/${userId}?losenord=1`);
      expect(await gone).toBe("io server disconnect");
      expect((await tove.get("/")).headers.get("location")).toBe("/login");

      const page = await (await admin.get(`/admin/anvandare/${userId}?losenord=1`)).text();
      expect(page).not.toContain(TEMPORARY);
      expect(textOf(page)).toContain(sv["users.temporaryPasswordSet"]);
      expect(textOf(page)).toContain(sv["users.mustChangePassword"]);

      const stored = await hashOf(userId);
      expect(stored.must_change_password).toBe(true);
      expect(stored.password_hash).toMatch(/^\$argon2id\$/);
      const [audit] = await auditOf(userId, "user.password-reset");
      expect(audit.after).toEqual({ temporary: true });
      expect(JSON.stringify(audit)).not.toContain(TEMPORARY);
    });

    it("signing in with it leads to Byt lösenord, and nothing else opens until it is changed", async () => {
      const tove = new HttpClient(server.url);
      const login = await tove.postForm("/login", {
        email,
        password: TEMPORARY,
        redirectTo: "/atgarder",
      });
      expect(login.status).toBe(303);
      expect(login.headers.get("location")).toBe("/byt-losenord?redirectTo=%2Fatgarder");

      const forced = await tove.get("/byt-losenord");
      expect(forced.status).toBe(200);
      const forcedText = textOf(await forced.text());
      expect(forcedText).toContain(sv["password.forcedIntro"]);
      // The header offers nothing to go to.
      expect(forcedText).not.toContain("Åtgärder");

      for (const path of ["/", "/atgarder", "/installningar", "/dokument", "/login"]) {
        const response = await tove.get(path);
        expect(response.status, path).toBe(302);
        expect(response.headers.get("location"), path).toMatch(/^\/byt-losenord/);
      }
      // The API's cookie route and the socket act for nobody.
      const token = await tove.request("/api/v1/tokens", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Skript" }),
      });
      expect(token.status).toBe(401);
      const socket = socketOf(tove);
      await expect(connected(socket)).rejects.toThrow("unauthorized");

      // Keeping the temporary password is not a choice.
      const same = await tove.postForm("/byt-losenord", {
        intent: "change-password",
        currentPassword: TEMPORARY,
        newPassword: TEMPORARY,
        confirmPassword: TEMPORARY,
      });
      expect(same.status).toBe(400);
      expect(textOf(await same.text())).toContain(sv["validation.passwordUnchanged"]);

      const changed = await tove.postForm("/byt-losenord", {
        intent: "change-password",
        currentPassword: TEMPORARY,
        newPassword: "Toves-alldeles-egna-ord-2",
        confirmPassword: "Toves-alldeles-egna-ord-2",
        redirectTo: "/atgarder",
      });
      expect(changed.status).toBe(303);
      expect(changed.headers.get("location")).toBe("/atgarder");
      expect((await tove.get("/atgarder")).status).toBe(200);
      expect((await hashOf(userId)).must_change_password).toBe(false);
      const [audit] = await auditOf(userId, "user.password-changed");
      expect(audit.after).toEqual({ by: "self", replacedTemporary: true });
    });

    it("an admin's own password is changed in Inställningar, not as a temporary one", async () => {
      const adminId = (
        await db()
          .selectFrom("users")
          .select("id")
          .where("email", "=", "admin@kommun.test")
          .executeTakeFirstOrThrow()
      ).id;
      const response = await admin.postForm(`/admin/anvandare/${adminId}`, {
        intent: "temporary-password",
        password: TEMPORARY,
      });
      expect(response.status).toBe(400);
      expect((await hashOf(adminId)).must_change_password).toBe(false);
    });

    it("a person who also belongs to another organisation gets no temporary password from this one's admin", async () => {
      const shared = await person("delad@kommun.test", "Delad-persons-egna-losen", "Dana Delad");
      const { id: otherOrganisation } = await db()
        .insertInto("organisations")
        .values({ name: "Annan kommun", slug: "annan-kommun" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db()
        .insertInto("memberships")
        .values({ user_id: shared, organisation_id: otherOrganisation, roles: ["admin"] })
        .execute();
      const before = await hashOf(shared);
      const response = await admin.postForm(`/admin/anvandare/${shared}`, {
        intent: "temporary-password",
        password: TEMPORARY,
      });
      expect(response.status).toBe(400);
      expect(textOf(await response.text())).toContain(sv["validation.passwordOtherOrganisation"]);
      expect(await hashOf(shared)).toEqual(before);
    });

    it("a person an admin creates must change the given password at first sign-in", async () => {
      const response = await admin.postForm("/admin/anvandare/ny", {
        name: "Nils Ny",
        email: "nils.ny@kommun.test",
        password: "Nils-forsta-tillfalliga-8",
        roles: ["member"],
      });
      expect(response.status).toBe(303);
      const nils = new HttpClient(server.url);
      const login = await nils.logIn("nils.ny@kommun.test", "Nils-forsta-tillfalliga-8");
      expect(login.headers.get("location")).toBe("/byt-losenord");
    });

    it("a non-admin cannot set anyone's password", async () => {
      const member = await signedIn("arbetsgrupp@kommun.test", "Samverkan-demo-1");
      const response = await member.postForm(`/admin/anvandare/${userId}`, {
        intent: "temporary-password",
        password: "Nagon-annans-losen-123",
      });
      expect(response.status).toBe(403);
    });
  });

  describe("sign-ins in the audit log", () => {
    it("records a password sign-in and a failed one of a known account, each with its event", async () => {
      const email = "loggad@kommun.test";
      const userId = await person(email, "Loggad-person-losen-4", "Lo Loggad");
      const wrong = await new HttpClient(server.url).postForm("/login", {
        email,
        password: "Fel-losenord-helt-och-hallet",
        redirectTo: "/",
      });
      expect(wrong.status).toBe(401);
      await signedIn(email, "Loggad-person-losen-4");

      const [failed] = await auditOf(userId, "user.sign-in-failed");
      expect(failed.after).toMatchObject({ method: "password", reason: "wrong-password" });
      expect(JSON.stringify(failed)).not.toContain("Fel-losenord");
      const [signedInRow] = await auditOf(userId, "user.signed-in");
      expect(signedInRow).toMatchObject({ actor_id: userId });
      expect(signedInRow.after).toMatchObject({ method: "password" });
      const ofThisPerson = (rows: { payload: unknown }[]) =>
        rows.filter((e) => (e.payload as { userId: string }).userId === userId);
      expect(ofThisPerson(await eventsOf("user.signed-in"))).toHaveLength(1);
      expect(ofThisPerson(await eventsOf("user.sign-in-failed"))).toHaveLength(1);
    });
  });
  describe("the audit log page", () => {
    const rowsOf = (html: string) =>
      [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => textOf(m[1])).slice(1);

    it("an admin filters it by kind, person and day, and pages through it", async () => {
      const email = "granskad@kommun.test";
      const userId = await person(email, "Granskad-persons-losen-5", "Greta Granskad");
      await new HttpClient(server.url).postForm("/login", {
        email,
        password: "Inte-Gretas-losenord-alls",
        redirectTo: "/",
      });
      const admin = await signedIn("admin@kommun.test", "Samverkan-demo-1");
      const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Stockholm" });

      const filtered = await admin.get(
        `/admin/logg?kind=user.sign-in-failed&personId=${userId}&from=${today}&to=${today}`,
      );
      expect(filtered.status).toBe(200);
      const rows = rowsOf(await filtered.text());
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain("Misslyckad inloggning");
      expect(rows[0]).toContain("Greta Granskad");
      expect(rows[0]).toContain("reason: wrong-password");

      const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("sv-SE", {
        timeZone: "Europe/Stockholm",
      });
      const none = textOf(await (await admin.get(`/admin/logg?from=${tomorrow}`)).text());
      expect(none).toContain(sv["auditLog.none"]);

      const first = await (await admin.get("/admin/logg")).text();
      const firstRows = rowsOf(first);
      expect(firstRows).toHaveLength(50);
      const next = first.match(/href="(\/admin\/logg\?[^"]*cursor=[^"]*)"/)?.[1];
      expect(next).toBeDefined();
      const second = await admin.get((next as string).replaceAll("&amp;", "&"));
      expect(second.status).toBe(200);
      const secondRows = rowsOf(await second.text());
      expect(secondRows.length).toBeGreaterThan(0);

      expect((await admin.get("/admin/logg?from=igar")).status).toBe(400);
    });

    it("is for admins only", async () => {
      const member = await signedIn("arbetsgrupp@kommun.test", "Samverkan-demo-1");
      expect((await member.get("/admin/logg")).status).toBe(403);
    });
  });
});
