import { get as httpGet } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTokenAs } from "../helpers/actions";
import { stackTraceSigns, textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const PASSWORD = "Samverkan-demo-1";

describe("HTTP hardening", () => {
  let server: TestServer;
  let admin: HttpClient;
  let token: string;
  let logged: unknown[][];

  beforeAll(async () => {
    server = await startTestServer();
    admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    token = await createTokenAs(server.url, "arbetsgrupp@kommun.test");
  });
  afterAll(() => server?.close());

  // The server runs in this process: whatever it logs is seen here.
  beforeEach(() => {
    logged = [];
    vi.spyOn(console, "error").mockImplementation((...args) => void logged.push(args));
  });
  afterEach(() => vi.restoreAllMocks());

  async function departmentNames(): Promise<string[]> {
    const rows = await server.database.db
      .selectFrom("departments")
      .select("name")
      .where("organisation_id", "=", server.organisationId)
      .orderBy("name")
      .execute();
    return rows.map((row) => row.name);
  }

  function api(pathname: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return fetch(`${server.url}/api/v1${pathname}`, { ...init, headers });
  }

  /** A refused request: the status, a message without internals, and nothing in the log. */
  async function expectRefused(response: Response, status: number, message: RegExp) {
    const body = await response.text();
    expect(response.status, body).toBe(status);
    expect(textOf(body)).toMatch(message);
    expect(stackTraceSigns(body)).toEqual([]);
    expect(logged).toEqual([]);
  }

  describe("redirect targets", () => {
    const UNSAFE = [
      "/%09/evil.example",
      "/%0A/evil.example",
      "//evil.example",
      "/%5Cevil.example",
      "/\\evil.example",
      "/.//evil.example",
      "/%2E//evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "/%0D%0ASet-Cookie:%20stolen=1",
      "evil.example",
    ];

    it.each(UNSAFE)(
      "GET /login?redirectTo=%s sends a signed-in person to / only",
      async (target) => {
        const response = await admin.get(`/login?redirectTo=${target}`);
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/");
        expect(logged).toEqual([]);
      },
    );

    it.each([
      ["/s%C3%B6k?q=v%C3%A5ld", "/s%C3%B6k?q=v%C3%A5ld"],
      ["/sök?q=våld", "/s%C3%B6k?q=v%C3%A5ld"],
      ["/dokument?titel=%E2%82%AC", "/dokument?titel=%E2%82%AC"],
      ["/%E2%82%AC", "/%E2%82%AC"],
      ["/atgarder#anchor", "/atgarder#anchor"],
    ])(
      "keeps a local target %s (characters above U+00FF percent-encoded, no 500)",
      async (target, expected) => {
        const response = await admin.get(`/login?redirectTo=${encodeURIComponent(target)}`);
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe(expected);
        expect(logged).toEqual([]);
      },
    );

    it.each([
      "/\t/evil.example",
      "/\r\nSet-Cookie: stolen=1",
      "/\u0085/evil.example",
      "/.//evil.example",
    ])("signing in and switching language refuse the target %j", async (target) => {
      const login = await new HttpClient(server.url).postForm("/login", {
        email: "arbetsgrupp@kommun.test",
        password: PASSWORD,
        redirectTo: target,
      });
      expect(login.status).toBe(303);
      expect(login.headers.get("location")).toBe("/");
      const language = await admin.postForm("/sprak", { locale: "sv", redirectTo: target });
      expect(language.status).toBe(303);
      expect(language.headers.get("location")).toBe("/");
      expect(logged).toEqual([]);
    });

    it("switching language with a target above U+00FF goes there, percent-encoded", async () => {
      const response = await admin.postForm("/sprak", { locale: "sv", redirectTo: "/sök?q=€" });
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/s%C3%B6k?q=%E2%82%AC");
    });
  });

  describe("NUL characters", () => {
    const FORBIDDEN = /otillåtet tecken/;

    it("in a form field: 400 with a Swedish message, nothing written", async () => {
      const before = await departmentNames();
      const response = await admin.postForm("/admin/forvaltningar", {
        intent: "create",
        name: "Miljö\u0000förvaltningen",
      });
      await expectRefused(response, 400, FORBIDDEN);
      expect(await departmentNames()).toEqual(before);
    });

    it("in the login email: 400 with a Swedish message, no session", async () => {
      const response = await new HttpClient(server.url).postForm("/login", {
        email: "admin@kommun.test\u0000",
        password: PASSWORD,
        redirectTo: "/",
      });
      expect(response.headers.getSetCookie()).toEqual([]);
      await expectRefused(response, 400, FORBIDDEN);
    });

    it("in the search query: 400 with a Swedish message", async () => {
      await expectRefused(await admin.get("/sok?q=v%00ld"), 400, FORBIDDEN);
    });

    it("in an API body or query: 400 invalid_input", async () => {
      const body = await api("/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: "Stödsamtal\u0000" }),
      });
      await expectRefused(body, 400, /NUL/);
      const search = await api("/search?q=v%00ld");
      const json = await search.clone().json();
      expect(json.error.code).toBe("invalid_input");
      await expectRefused(search, 400, /NUL/);
    });
  });

  describe("bodies that cannot be read", () => {
    it.each([
      ["a form", "/admin/forvaltningar", "application/x-www-form-urlencoded"],
      ["the API", "/api/v1/actions", "application/json"],
    ])("%s with Content-Encoding: foo gets 415", async (_label, pathname, type) => {
      const response = await admin.request(pathname, {
        method: "POST",
        headers: { "Content-Type": type, "Content-Encoding": "foo" },
        body: type === "application/json" ? "{}" : "intent=create&name=X",
      });
      await expectRefused(response, 415, /Content-Encoding/);
    });

    it("a form with charset=koi8-r gets 415, nothing written", async () => {
      const before = await departmentNames();
      const response = await admin.request("/admin/forvaltningar", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=koi8-r" },
        body: "intent=create&name=Milj%F6",
      });
      await expectRefused(response, 415, /teckenkodning|charset/);
      expect(await departmentNames()).toEqual(before);
    });

    it("the API with charset=koi8-r gets 415", async () => {
      const response = await api("/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=koi8-r" },
        body: "{}",
      });
      await expectRefused(response, 415, /charset/);
    });

    it("the API with gzip on a plain body gets 400; a real gzip body is read", async () => {
      const plain = await api("/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
        body: "{}",
      });
      await expectRefused(plain, 400, /decode|could not be read/);
      const zipped = await api("/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
        body: gzipSync("{}"),
      });
      // Read and validated: the fields are missing.
      expect(zipped.status).toBe(400);
      expect((await zipped.json()).error.fields).toBeDefined();
    });

    it("a form with bytes that are not UTF-8 gets 400, nothing written", async () => {
      const before = await departmentNames();
      const raw = await admin.request("/admin/forvaltningar", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: Buffer.concat([Buffer.from("intent=create&name=Milj"), Buffer.from([0xf6])]),
      });
      await expectRefused(raw, 400, /Formuläret kunde inte läsas/);
      const percent = await admin.request("/admin/forvaltningar", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "intent=create&name=Milj%F6",
      });
      await expectRefused(percent, 400, /Formuläret kunde inte läsas/);
      expect(await departmentNames()).toEqual(before);
    });

    it("the API with bytes that are not UTF-8 gets 400", async () => {
      const response = await api("/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: Buffer.concat([
          Buffer.from('{"title":"Milj'),
          Buffer.from([0xf6]),
          Buffer.from('"}'),
        ]),
      });
      await expectRefused(response, 400, /UTF-8/);
    });
  });

  describe("Cache-Control", () => {
    it.each(["/", "/atgarder", "/dokument", "/sok?q=v%C3%A5ld", "/atgarder.csv", "/installningar"])(
      "a signed-in page %s is never stored",
      async (pathname) => {
        const response = await admin.get(pathname);
        expect(response.status).toBe(200);
        expect(response.headers.get("cache-control")).toMatch(/\bno-store\b/);
      },
    );

    it("a redirect and a 403 for a signed-in person are never stored either", async () => {
      const observer = new HttpClient(server.url);
      await observer.logIn("observator@kommun.test");
      const forbidden = await observer.get("/admin/anvandare");
      expect(forbidden.status).toBe(403);
      expect(forbidden.headers.get("cache-control")).toMatch(/\bno-store\b/);
      const redirect = await observer.get("/login");
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get("cache-control")).toMatch(/\bno-store\b/);
    });

    it("the API's answers are never stored", async () => {
      for (const pathname of ["/actions", "/departments", "/search?q=v%C3%A5ld"]) {
        const response = await api(pathname);
        expect(response.status, pathname).toBe(200);
        expect(response.headers.get("cache-control"), pathname).toMatch(/\bno-store\b/);
      }
    });
  });

  describe("login throttle", () => {
    it("a parallel burst of 40 wrong guesses gets at most five checked (the limit), the rest 429", async () => {
      const email = "skola@kommun.test";
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, guess) =>
          new HttpClient(server.url).postForm("/login", {
            email,
            password: `wrong-${guess}`,
            redirectTo: "/",
          }),
        ),
      );
      const statuses = burst.map((response) => response.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(35);
      const recorded = await server.database.db
        .selectFrom("login_attempts")
        .select("id")
        .where("email", "=", email)
        .execute();
      expect(recorded).toHaveLength(5);
      // Even the right password now waits.
      const right = await new HttpClient(server.url).postForm("/login", {
        email,
        password: PASSWORD,
        redirectTo: "/",
      });
      expect(right.status).toBe(429);
    });
  });
});

describe("with SECURE_COOKIES on, over plain HTTP", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: "production", SECURE_COOKIES: "true" });
  });
  afterAll(() => server?.close());

  /** The login page as a browser gets it, addressed to `host` (which fetch cannot set). */
  function loginPage(host: string, language = "sv"): Promise<string> {
    const { port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const request = httpGet(
        {
          host: "127.0.0.1",
          port,
          path: "/login",
          headers: { Host: host, Cookie: `lang=${language}` },
        },
        (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk) => {
            body += chunk;
          });
          response.on("end", () => resolve(textOf(body)));
        },
      );
      request.on("error", reject);
    });
  }

  it("the login page says that sign-in cannot work on a real host name, in Swedish and English", async () => {
    expect(await loginPage("samverkan.kommun.test")).toMatch(/kräver https/);
    expect(await loginPage("samverkan.kommun.test", "en")).toMatch(/requires https/);
  });

  it("says nothing on localhost, where browsers keep a Secure cookie over HTTP", async () => {
    const { host } = new URL(server.url);
    expect(await loginPage(host)).not.toMatch(/kräver https/);
  });
});
