import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackTraceSigns, textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const BODY_LIMIT = 4096;
const REFUSED = "Förfrågan avvisades";

describe("HTTP security", () => {
  let server: TestServer;
  let admin: HttpClient;

  beforeAll(async () => {
    server = await startTestServer({ BODY_LIMIT_BYTES: String(BODY_LIMIT) });
    admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
  });
  afterAll(() => server?.close());

  async function departmentNames(): Promise<string[]> {
    const rows = await server.database.db
      .selectFrom("departments")
      .select("name")
      .where("organisation_id", "=", server.organisationId)
      .orderBy("name")
      .execute();
    return rows.map((row) => row.name);
  }

  async function auditCount(): Promise<number> {
    const rows = await server.database.db.selectFrom("audit_events").select("id").execute();
    return rows.length;
  }

  describe("cross-site requests (CSRF)", () => {
    it.each([
      ["a foreign Origin", { Origin: "https://evil.example" }],
      ["the same host on another scheme", { Origin: "https://" }],
      ["the same host on another port", { Origin: "http://localhost:1" }],
      ['Origin "null"', { Origin: "null" }],
      ["Sec-Fetch-Site: cross-site without Origin", { "Sec-Fetch-Site": "cross-site" }],
      ["Sec-Fetch-Site: same-site without Origin", { "Sec-Fetch-Site": "same-site" }],
      ["neither Origin nor Sec-Fetch-Site", {}],
      [
        "a foreign Origin even with Sec-Fetch-Site: same-origin",
        { Origin: "https://evil.example", "Sec-Fetch-Site": "same-origin" },
      ],
    ])(
      "refuses a signed-in admin's POST with %s: 403 and nothing written",
      async (_label, headers) => {
        const fixed: Record<string, string> = { ...headers };
        if (fixed.Origin === "https://") fixed.Origin = server.url.replace("http://", "https://");
        const before = await departmentNames();
        const audits = await auditCount();
        const response = await admin.postForm(
          "/admin/forvaltningar",
          { intent: "create", name: "Miljöförvaltningen" },
          { headers: fixed, origin: null },
        );
        expect(response.status).toBe(403);
        const body = await response.text();
        expect(body).toContain(REFUSED);
        expect(stackTraceSigns(body)).toEqual([]);
        expect(await departmentNames()).toEqual(before);
        expect(await auditCount()).toBe(audits);
      },
    );

    it("refuses a cross-site logout and login too", async () => {
      const logout = await admin.postForm("/logout", {}, { origin: "https://evil.example" });
      expect(logout.status).toBe(403);
      expect((await admin.get("/")).status).toBe(200);
      const login = await new HttpClient(server.url).postForm(
        "/login",
        { email: "admin@kommun.test", password: "Samverkan-demo-1" },
        { origin: "https://evil.example" },
      );
      expect(login.status).toBe(403);
      expect(login.headers.getSetCookie()).toEqual([]);
    });

    it("accepts the same request from our own origin, or with Sec-Fetch-Site: same-origin", async () => {
      const viaOrigin = await admin.postForm("/admin/forvaltningar", {
        intent: "create",
        name: "Miljöförvaltningen",
      });
      expect(viaOrigin.status).toBe(303);
      const viaFetchMetadata = await admin.postForm(
        "/admin/forvaltningar",
        { intent: "create", name: "Stadsbyggnad" },
        { origin: null, headers: { "Sec-Fetch-Site": "same-origin" } },
      );
      expect(viaFetchMetadata.status).toBe(303);
      expect(await departmentNames()).toEqual(
        expect.arrayContaining(["Miljöförvaltningen", "Stadsbyggnad"]),
      );
    });

    it("an Authorization header neither skips the origin check nor signs a page in by its cookie", async () => {
      const before = await departmentNames();
      const crossSite = await admin.postForm(
        "/admin/forvaltningar",
        { intent: "create", name: "Via bärarhuvud" },
        { headers: { Authorization: "Bearer svk_inte-en-riktig-nyckel" }, origin: null },
      );
      expect(crossSite.status).toBe(403);
      expect(await crossSite.text()).toContain(REFUSED);
      // From our own origin the header decides alone: pages take no tokens, so nobody is signed in.
      const sameOrigin = await admin.postForm(
        "/admin/forvaltningar",
        { intent: "create", name: "Via bärarhuvud" },
        { headers: { Authorization: "Bearer svk_inte-en-riktig-nyckel" } },
      );
      expect(sameOrigin.status).toBe(302);
      expect(sameOrigin.headers.get("location")).toMatch(/^\/login/);
      const page = await admin.get("/admin/forvaltningar", {
        headers: { Authorization: "Basic YTpi" },
      });
      expect(page.status).toBe(302);
      expect(page.headers.get("location")).toMatch(/^\/login/);
      expect(await departmentNames()).toEqual(before);
      expect((await admin.get("/admin/forvaltningar")).status).toBe(200);
    });

    it("lets GET requests through without any Origin", async () => {
      const response = await admin.get("/admin/forvaltningar");
      expect(response.status).toBe(200);
    });
  });

  describe("request size", () => {
    it("refuses a body over BODY_LIMIT_BYTES with 413, a clear message and no stack trace", async () => {
      const before = await departmentNames();
      const response = await admin.postForm("/admin/forvaltningar", {
        intent: "create",
        name: "x".repeat(BODY_LIMIT + 1),
      });
      expect(response.status).toBe(413);
      const body = await response.text();
      expect(body).toContain("för stort");
      expect(body).toContain("4 kB");
      expect(stackTraceSigns(body)).toEqual([]);
      expect(await departmentNames()).toEqual(before);
    });

    it("refuses an oversized login before reading it", async () => {
      const response = await new HttpClient(server.url).postForm("/login", {
        email: "admin@kommun.test",
        password: "p".repeat(BODY_LIMIT * 2),
      });
      expect(response.status).toBe(413);
    });

    it("accepts a body just under the limit", async () => {
      // Valid form, too long a name for the domain: reaches the application and gets a 400.
      const response = await admin.postForm("/admin/forvaltningar", {
        intent: "create",
        name: "y".repeat(BODY_LIMIT - 100),
      });
      expect(response.status).toBe(400);
      expect(textOf(await response.text())).toContain("Texten är för lång.");
    });

    it("refuses a streamed body without Content-Length with 411", async () => {
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("intent=create&name=Streamad"));
          controller.close();
        },
      });
      const response = await fetch(`${server.url}/admin/forvaltningar`, {
        method: "POST",
        headers: {
          cookie: admin.cookieHeader,
          origin: server.url,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: stream,
        duplex: "half",
        redirect: "manual",
      } as RequestInit);
      expect(response.status).toBe(411);
      expect(await departmentNames()).not.toContain("Streamad");
    });
  });

  describe("response headers", () => {
    it("sends a CSP whose nonce is on every inline script, and a new nonce each time", async () => {
      const nonces: string[] = [];
      for (const client of [new HttpClient(server.url), admin]) {
        const response = await client.get(client === admin ? "/" : "/login");
        expect(response.status).toBe(200);
        const csp = response.headers.get("content-security-policy") ?? "";
        const nonce = /script-src [^;]*'nonce-([^']+)'/.exec(csp)?.[1];
        expect(nonce, csp).toBeTruthy();
        expect(csp).not.toContain("'unsafe-inline' 'unsafe-eval'");
        expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'(;|$)/);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).toContain("default-src 'self'");
        const html = await response.text();
        const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]);
        const inline = scripts.filter((attributes) => !/\bsrc=/.test(attributes));
        expect(inline.length).toBeGreaterThan(0);
        for (const attributes of scripts) {
          expect(attributes).toContain(`nonce="${nonce}"`);
        }
        nonces.push(nonce as string);
      }
      expect(nonces[0]).not.toBe(nonces[1]);
    });

    it.each(["/login", "/", "/healthz", "/finns-inte"])(
      "sends nosniff, frame protection and a referrer policy on %s",
      async (pathname) => {
        const response = await admin.get(pathname);
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("x-frame-options")).toBe("DENY");
        expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
        expect(response.headers.get("x-powered-by")).toBeNull();
        // HSTS only in production with Secure cookies (see auth.test.ts).
        expect(response.headers.get("strict-transport-security")).toBeNull();
        await response.body?.cancel();
      },
    );
  });

  describe("error pages", () => {
    it.each(["/finns-inte", "/admin/finns-inte/alls"])(
      "answers the unknown path %s with a Swedish 404 page",
      async (pathname) => {
        for (const client of [new HttpClient(server.url), admin]) {
          const response = await client.get(pathname);
          expect(response.status).toBe(404);
          const html = await response.text();
          expect(html).toContain('lang="sv"');
          expect(textOf(html)).toContain("Sidan finns inte");
          expect(stackTraceSigns(html)).toEqual([]);
        }
      },
    );

    it("answers a malformed id with 404, not an error", async () => {
      for (const pathname of ["/admin/anvandare/inte-ett-id", "/admin/strategier/1'%20or%201=1"]) {
        const response = await admin.get(pathname);
        expect(response.status).toBe(404);
        const html = await response.text();
        expect(textOf(html)).toContain("Sidan finns inte");
        expect(stackTraceSigns(html)).toEqual([]);
      }
    });

    it("answers a page the role may not see with a Swedish 403 page", async () => {
      const observer = new HttpClient(server.url);
      await observer.logIn("observator@kommun.test");
      const response = await observer.get("/admin/anvandare");
      expect(response.status).toBe(403);
      const html = await response.text();
      expect(textOf(html)).toContain("Du har inte behörighet");
      expect(stackTraceSigns(html)).toEqual([]);
    });

    it("answers a malformed request body with a Swedish 400 page, without a stack trace", async () => {
      const response = await admin.request("/admin/forvaltningar", {
        method: "POST",
        headers: { "Content-Type": "multipart/form-data; boundary=nothing-here" },
        body: "this is not multipart at all",
      });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(textOf(html)).toContain("Formuläret kunde inte läsas");
      expect(stackTraceSigns(html)).toEqual([]);
      expect(html).not.toContain("boundary");
    });
  });
});
