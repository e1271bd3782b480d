import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sv } from "../../common/i18n/sv";
import { saveIdentityProviderSettings } from "../../server/domain/identity-provider";
import { updateUser } from "../../server/domain/users";
import { actorFor, departmentIds } from "../helpers/actions";
import { CookieJarClient } from "../helpers/cookie-jar";
import { assertEveryAuditedChangeRecordedAnEvent } from "../helpers/event-coverage";
import { stackTraceSigns, textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type ProviderAccount,
  startTestProvider,
  type TestProvider,
} from "../helpers/oidc-provider";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

const PROVIDER_NAME = "Exempelkommunens konto";

/** People at the provider. Like Entra ID, it sends no `email_verified` for anyone. */
const ACCOUNTS: ProviderAccount[] = [
  {
    sub: "entra-sara",
    password: "sara",
    email: "admin@kommun.test",
    name: "Sara Lind",
    groups: [],
  },
  {
    sub: "entra-nora",
    password: "nora",
    email: "nora.ny@kommun.test",
    name: "Nora Ny",
    groups: [],
  },
  {
    sub: "entra-sam",
    password: "sam",
    email: "sam.social@kommun.test",
    name: "Sam Social",
    groups: ["Samverkan-Socialtjänst", "Alla anställda"],
  },
  {
    sub: "entra-olle",
    password: "olle",
    email: "olle@annan-kommun.test",
    name: "Olle Utomstående",
    groups: [],
  },
  {
    sub: "entra-anna",
    password: "anna",
    email: "arbetsgrupp@kommun.test",
    name: "Anna Berg",
    groups: [],
  },
];

/** The app's page at `url` as text, with no trace of a stack. */
async function pageText(client: CookieJarClient, url: string): Promise<string> {
  const response = await client.request(url);
  const html = await response.text();
  expect(stackTraceSigns(html)).toEqual([]);
  return textOf(html);
}

describe("signing in with the organisation's identity provider (configured like Entra ID)", () => {
  let provider: TestProvider;
  let server: TestServer;

  beforeAll(async () => {
    provider = await startTestProvider(ACCOUNTS);
    server = await startTestServer({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_NAME: PROVIDER_NAME,
      OIDC_EMAIL_DOMAINS: "kommun.test",
      // Entra ID has no email_verified; the organisation vouches for its directory's addresses.
      OIDC_TRUST_UNVERIFIED_EMAIL: "true",
    });
    provider.serve(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  /** Starts at the app's login button and stops at the provider's redirect back to the app. */
  async function toCallback(client: CookieJarClient, email: string, password: string) {
    const start = await client.follow(
      `${server.url}/auth/oidc/start?organisation=${server.organisationId}&redirectTo=/atgarder`,
      (next) => next.pathname.startsWith("/interaction/"),
    );
    const interaction = new URL(start.url);
    const login = await client.postForm(`${interaction.href}/login`, { login: email, password });
    expect(login.status).toBe(303);
    const back = await client.follow(
      new URL(login.headers.get("location") ?? "", interaction).href,
      (next) => next.pathname === "/auth/oidc/callback",
    );
    return new URL(back.url);
  }

  /** The whole sign-in: where the app sends the browser after the callback. */
  async function signIn(client: CookieJarClient, email: string, password: string) {
    const callback = await toCallback(client, email, password);
    const response = await client.request(callback.href);
    expect(response.status).toBe(303);
    return response.headers.get("location") ?? "";
  }

  const account = (sub: string) => {
    const found = provider.accounts.get(sub);
    if (!found) throw new Error(sub);
    return found;
  };

  async function auditRows(action: string) {
    return server.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", action)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
  }

  it("shows 'Logga in med …' first on the login page, above the password form", async () => {
    const text = await pageText(new CookieJarClient(), `${server.url}/login`);
    const button = text.indexOf(`Logga in med ${PROVIDER_NAME}`);
    expect(button).toBeGreaterThan(-1);
    expect(button).toBeLessThan(text.indexOf("E-postadress"));
  });

  it("signs an existing account in, matched by its e-mail address, and audits how", async () => {
    const client = new CookieJarClient();
    expect(await signIn(client, "admin@kommun.test", "sara")).toBe("/atgarder");
    expect(client.cookie(server.url, "samverkan_session")).toBeDefined();
    expect(await pageText(client, `${server.url}/atgarder`)).toContain("Sara Lind");
    const [row] = await auditRows("user.signed-in");
    expect(row.after).toMatchObject({ method: "oidc", provider: PROVIDER_NAME });
    await assertEveryAuditedChangeRecordedAnEvent(server.database.db);
  });

  it("creates an account for an owned domain with no role, and lets the person in once an admin gives one", async () => {
    const client = new CookieJarClient();
    expect(await signIn(client, "nora.ny@kommun.test", "nora")).toBe("/vantar-pa-behorighet");
    expect(client.cookie(server.url, "samverkan_session")).toBeUndefined();
    expect(await pageText(client, `${server.url}/vantar-pa-behorighet`)).toContain(
      "Väntar på behörighet",
    );
    const nora = await server.database.db
      .selectFrom("users")
      .innerJoin("memberships", "memberships.user_id", "users.id")
      .select(["users.id", "users.name", "memberships.roles", "memberships.version"])
      .where("users.email", "=", "nora.ny@kommun.test")
      .executeTakeFirstOrThrow();
    expect(nora).toMatchObject({ name: "Nora Ny", roles: [] });
    const [created] = await auditRows("user.created");
    expect(created.entity_id).toBe(nora.id);

    const admin = await actorFor(server.database.db, "admin@kommun.test");
    await updateUser(server.database.db, admin, nora.id, {
      name: "Nora Ny",
      email: "nora.ny@kommun.test",
      roles: ["member"],
      departmentIds: [],
      version: nora.version,
    });
    expect(await signIn(new CookieJarClient(), "nora.ny@kommun.test", "nora")).toBe("/atgarder");
    await assertEveryAuditedChangeRecordedAnEvent(server.database.db);
  });

  it("refuses an address outside the organisation's domains, and audits the refusal", async () => {
    const client = new CookieJarClient();
    const location = await signIn(client, "olle@annan-kommun.test", "olle");
    expect(location).toBe("/login?inloggningsfel=unknown-account");
    expect(await pageText(client, server.url + location)).toContain(
      sv["oidc.error.unknown-account"],
    );
    const [row] = await auditRows("user.sign-in-failed");
    expect(row.after).toMatchObject({
      method: "oidc",
      reason: "unknown-account",
      email: "olle@annan-kommun.test",
    });
  });

  describe("with groups mapped to roles and departments", () => {
    let sessionBefore: CookieJarClient;

    beforeAll(async () => {
      const admin = await actorFor(server.database.db, "admin@kommun.test");
      const departments = await departmentIds(server.database.db, server.organisationId);
      await saveIdentityProviderSettings(server.database.db, server.config, admin, {
        groupMappings: [
          {
            group: "Samverkan-Socialtjänst",
            role: "editor",
            departmentId: departments.Socialtjänst,
          },
          { group: "Samverkan-Admin", role: "admin", departmentId: null },
          { group: "Samverkan-Arbetsgrupp", role: "member", departmentId: null },
        ],
        emailDomains: [],
        passwordSignIn: true,
        version: 0,
      });
      // Sara keeps being admin through her group.
      account("entra-sara").groups = ["Samverkan-Admin"];
    });

    it("gives a new person the mapped role and department at their first sign-in", async () => {
      sessionBefore = new CookieJarClient();
      expect(await signIn(sessionBefore, "sam.social@kommun.test", "sam")).toBe("/atgarder");
      const sam = await actorFor(server.database.db, "sam.social@kommun.test");
      const departments = await departmentIds(server.database.db, server.organisationId);
      expect(sam.roles).toEqual(["editor"]);
      expect(sam.departmentIds).toEqual([departments.Socialtjänst]);
    });

    it("applies a changed group at the next sign-in, audited as a change from the provider", async () => {
      account("entra-anna").groups = ["Samverkan-Arbetsgrupp", "Samverkan-Socialtjänst"];
      await signIn(new CookieJarClient(), "arbetsgrupp@kommun.test", "anna");
      const anna = await actorFor(server.database.db, "arbetsgrupp@kommun.test");
      expect(anna.roles).toEqual(["member", "editor"]);
      const [row] = await auditRows("user.roles-from-provider");
      expect(row.entity_id).toBe(anna.userId);
      expect(row.before).toMatchObject({ roles: ["member"] });
      expect(row.after).toMatchObject({ roles: ["member", "editor"] });
      await assertEveryAuditedChangeRecordedAnEvent(server.database.db);
    });

    it("takes access away when the person is removed from every mapped group, and ends their sessions", async () => {
      const socket = connectSocket(server.url, {
        cookie: sessionBefore.cookieHeader(server.url),
      });
      await connected(socket);
      const gone = disconnected(socket);

      account("entra-sam").groups = ["Alla anställda"];
      expect(await signIn(new CookieJarClient(), "sam.social@kommun.test", "sam")).toBe(
        "/vantar-pa-behorighet",
      );
      expect(await gone).toBe("io server disconnect");
      const old = await sessionBefore.request(`${server.url}/atgarder`);
      expect(old.status).toBe(302);
      expect(old.headers.get("location")).toContain("/login");
      const sam = await actorFor(server.database.db, "sam.social@kommun.test");
      expect(sam.roles).toEqual([]);
    });
  });

  it("ends the session and closes its open socket at once when the provider logs the person out (back-channel)", async () => {
    const client = new CookieJarClient();
    await signIn(client, "admin@kommun.test", "sara");
    const socket = connectSocket(server.url, { cookie: client.cookieHeader(server.url) });
    await connected(socket);
    const gone = disconnected(socket);

    // The person logs out at the provider itself (another application's "Sign out").
    const logoutPage = await client.request(
      `${provider.issuer}/session/end?client_id=${CLIENT_ID}`,
    );
    const html = await logoutPage.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(xsrf).toBeDefined();
    const confirmed = await client.postForm(new URL(action ?? "", provider.issuer).href, {
      xsrf: xsrf ?? "",
      logout: "yes",
    });
    expect(confirmed.status).toBeLessThan(400);

    expect(await gone).toBe("io server disconnect");
    const after = await client.request(`${server.url}/atgarder`);
    expect(after.status).toBe(302);
  });

  it("refuses a back-channel logout token that the provider did not sign", async () => {
    const response = await fetch(`${server.url}/auth/oidc/backchannel-logout`, {
      method: "POST",
      body: new URLSearchParams({ logout_token: "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0." }),
    });
    expect(response.status).toBe(400);
    expect(stackTraceSigns(await response.text())).toEqual([]);
  });

  it("logs out at the provider too when the session came from it (RP-initiated logout)", async () => {
    const client = new CookieJarClient();
    await signIn(client, "admin@kommun.test", "sara");
    const app = new HttpClient(server.url);
    const response = await client.request(`${server.url}/logout`, { method: "POST" });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(location.searchParams.get("post_logout_redirect_uri")).toBe(
      `${server.url}/login?utloggad=1`,
    );
    expect(app).toBeDefined();
  });

  describe("refuses, with a specific Swedish message and an audit row", () => {
    async function refusedWith(location: string, reason: string, client: CookieJarClient) {
      expect(location).toBe(`/login?inloggningsfel=${reason}`);
      expect(await pageText(client, server.url + location)).toContain(
        sv[`oidc.error.${reason}` as keyof typeof sv] as string,
      );
      expect(client.cookie(server.url, "samverkan_session")).toBeUndefined();
    }

    it("a tampered state", async () => {
      const client = new CookieJarClient();
      const callback = await toCallback(client, "admin@kommun.test", "sara");
      callback.searchParams.set("state", `${callback.searchParams.get("state")}x`);
      const response = await client.request(callback.href);
      await refusedWith(response.headers.get("location") ?? "", "state", client);
      const [row] = await auditRows("user.sign-in-failed");
      expect(row.after).toMatchObject({ method: "oidc", reason: "state" });
    });

    it("a tampered nonce", async () => {
      const client = new CookieJarClient();
      const start = await client.request(
        `${server.url}/auth/oidc/start?organisation=${server.organisationId}`,
      );
      const authorize = new URL(start.headers.get("location") ?? "");
      authorize.searchParams.set("nonce", "ett-annat-engangsvarde");
      const interaction = await client.follow(authorize.href, (next) =>
        next.pathname.startsWith("/interaction/"),
      );
      const login = await client.postForm(`${interaction.url}/login`, {
        login: "admin@kommun.test",
        password: "sara",
      });
      const back = await client.follow(
        new URL(login.headers.get("location") ?? "", provider.issuer).href,
        (next) => next.pathname === "/auth/oidc/callback",
      );
      const response = await client.request(back.url);
      await refusedWith(response.headers.get("location") ?? "", "nonce", client);
      const [row] = await auditRows("user.sign-in-failed");
      expect(row.after).toMatchObject({ reason: "nonce" });
    });

    it("an expired code", async () => {
      const client = new CookieJarClient();
      const callback = await toCallback(client, "admin@kommun.test", "sara");
      provider.expireAuthorizationCodes();
      const response = await client.request(callback.href);
      await refusedWith(response.headers.get("location") ?? "", "code", client);
    });

    it("a code used a second time", async () => {
      const client = new CookieJarClient();
      const callback = await toCallback(client, "admin@kommun.test", "sara");
      const pending = client.cookie(server.url, "samverkan_oidc") ?? "";
      expect((await client.request(callback.href)).headers.get("location")).toBe("/atgarder");
      const replay = new CookieJarClient();
      replay.setCookie(server.url, "samverkan_oidc", pending);
      const response = await replay.request(callback.href);
      await refusedWith(response.headers.get("location") ?? "", "code", replay);
    });

    it("an ID token issued for another client id", async () => {
      const client = new CookieJarClient();
      const callback = await toCallback(client, "admin@kommun.test", "sara");
      provider.tamperTokens({ aud: "another-application" });
      try {
        const response = await client.request(callback.href);
        await refusedWith(response.headers.get("location") ?? "", "audience", client);
      } finally {
        provider.tamperTokens(null);
      }
      const [row] = await auditRows("user.sign-in-failed");
      expect(row.after).toMatchObject({ reason: "audience" });
    });

    it("an ID token from the wrong issuer", async () => {
      const client = new CookieJarClient();
      const callback = await toCallback(client, "admin@kommun.test", "sara");
      provider.tamperTokens({ iss: "https://login.example.org/another-tenant/v2.0" });
      try {
        const response = await client.request(callback.href);
        await refusedWith(response.headers.get("location") ?? "", "issuer", client);
      } finally {
        provider.tamperTokens(null);
      }
    });
  });

  it("refuses password sign-in for the organisation once local passwords are switched off", async () => {
    const admin = await actorFor(server.database.db, "admin@kommun.test");
    const current = await server.database.db
      .selectFrom("identity_providers")
      .selectAll()
      .executeTakeFirstOrThrow();
    await saveIdentityProviderSettings(server.database.db, server.config, admin, {
      groupMappings: current.group_mappings,
      emailDomains: current.email_domains,
      passwordSignIn: false,
      version: current.version,
    });
    const client = new HttpClient(server.url);
    const response = await client.postForm("/login", {
      email: "kommunchef@kommun.test",
      password: "Samverkan-demo-1",
      redirectTo: "/",
    });
    expect(response.status).toBe(403);
    expect(textOf(await response.text())).toContain(sv["login.passwordsOff"]);
    // A wrong password still gets the usual answer: the message tells a guesser nothing.
    const wrong = await client.postForm("/login", {
      email: "kommunchef@kommun.test",
      password: "fel-losenord-123",
      redirectTo: "/",
    });
    expect(wrong.status).toBe(401);
    const text = await pageText(new CookieJarClient(), `${server.url}/login`);
    expect(text).toContain(`Logga in med ${PROVIDER_NAME}`);
    expect(text).not.toContain("Lösenord");
  });
});

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

function disconnected(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
}

describe("the organisation's identity provider set by an admin on Inloggning", () => {
  let provider: TestProvider;
  let server: TestServer;

  beforeAll(async () => {
    provider = await startTestProvider([
      {
        sub: "kc-johan",
        password: "johan",
        email: "kommunchef@kommun.test",
        email_verified: false,
        name: "Johan Ek",
        groups: [],
      },
    ]);
    server = await startTestServer();
    provider.serve(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  const settings = (overrides: Record<string, string> = {}) => ({
    displayName: "Kommunens konto",
    issuer: provider.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: "openid email profile",
    emailClaim: "email",
    groupsClaim: "groups",
    emailDomains: "kommun.test",
    passwordSignIn: "on",
    version: "0",
    ...overrides,
  });

  it("is for admins only: anyone else gets 403 and cannot save", async () => {
    const member = new HttpClient(server.url);
    await member.logIn("arbetsgrupp@kommun.test");
    expect((await member.get("/admin/inloggning")).status).toBe(403);
    expect((await member.postForm("/admin/inloggning", settings())).status).toBe(403);
    expect(await server.database.db.selectFrom("identity_providers").selectAll().execute()).toEqual(
      [],
    );
  });

  it("says in Swedish what is wrong with an issuer that is not https, and saves nothing", async () => {
    const admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    const response = await admin.postForm(
      "/admin/inloggning",
      settings({ issuer: "http://login.example.org/tenant" }),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(stackTraceSigns(html)).toEqual([]);
    expect(textOf(html)).toContain(sv["validation.httpsRequired"]);
    expect(await server.database.db.selectFrom("identity_providers").selectAll().execute()).toEqual(
      [],
    );
  });

  it("refuses an address the provider has not verified, unless the organisation trusts it", async () => {
    const admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    expect((await admin.postForm("/admin/inloggning", settings())).status).toBe(303);

    const client = new CookieJarClient();
    const start = await client.follow(
      `${server.url}/auth/oidc/start?organisation=${server.organisationId}`,
      (next) => next.pathname.startsWith("/interaction/"),
    );
    const login = await client.postForm(`${start.url}/login`, {
      login: "kommunchef@kommun.test",
      password: "johan",
    });
    const back = await client.follow(
      new URL(login.headers.get("location") ?? "", provider.issuer).href,
      (next) => next.pathname === "/auth/oidc/callback",
    );
    const response = await client.request(back.url);
    expect(response.headers.get("location")).toBe("/login?inloggningsfel=email-unverified");
    expect(await pageText(client, `${server.url}/login?inloggningsfel=email-unverified`)).toContain(
      sv["oidc.error.email-unverified"],
    );
  });
});
