/**
 * A minimal browser stand-in for HTTP tests: keeps cookies, sends a same-origin `Origin` on
 * non-GET requests (as browsers do) and never follows redirects, so tests see each status.
 */
export class HttpClient {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(
    pathname: string,
    init: RequestInit & { origin?: string | null } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("Cookie", this.cookieHeader);
    const method = init.method ?? "GET";
    if (method !== "GET" && init.origin !== null && !headers.has("Origin")) {
      headers.set("Origin", init.origin ?? this.baseUrl);
    }
    const response = await fetch(new URL(pathname, this.baseUrl), {
      ...init,
      headers,
      redirect: "manual",
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...rest] = pair.split("=");
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || rest.join("=") === "") this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), rest.join("="));
    }
    return response;
  }

  get(pathname: string, init: RequestInit = {}) {
    return this.request(pathname, init);
  }

  /** Posts a form the way a browser without JavaScript does. */
  postForm(
    pathname: string,
    fields: Record<string, string | string[]>,
    init: RequestInit & { origin?: string | null } = {},
  ) {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    }
    return this.request(pathname, { ...init, method: "POST", body });
  }

  async logIn(email: string, password = "Samverkan-demo-1"): Promise<Response> {
    const response = await this.postForm("/login", { email, password, redirectTo: "/" });
    if (response.status !== 303)
      throw new Error(`Login as ${email} failed with ${response.status}`);
    return response;
  }
}
