/**
 * A browser stand-in across several origins (the app and an identity provider): keeps each
 * host's cookies apart and follows redirects one at a time, so a test can stop at any hop.
 */
export class CookieJarClient {
  private jars = new Map<string, Map<string, string>>();

  private jar(url: URL) {
    let jar = this.jars.get(url.host);
    if (!jar) {
      jar = new Map();
      this.jars.set(url.host, jar);
    }
    return jar;
  }

  /** The Cookie header this client sends to that address's host. */
  cookieHeader(url: string): string {
    return [...this.jar(new URL(url))].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar(new URL(url)).get(name);
  }

  setCookie(url: string, name: string, value: string) {
    this.jar(new URL(url)).set(name, value);
  }

  /** One request, no redirect followed; Set-Cookie lines are kept for that host. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = this.cookieHeader(url);
    if (cookies) headers.set("Cookie", cookies);
    if ((init.method ?? "GET") !== "GET" && !headers.has("Origin"))
      headers.set("Origin", target.origin);
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    const jar = this.jar(target);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a),
      );
      if (expired || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  postForm(url: string, fields: Record<string, string>) {
    return this.request(url, { method: "POST", body: new URLSearchParams(fields) });
  }

  /**
   * Follows redirects from `url` until an answer that is not one, or until `stopAt` says the
   * next address should not be requested (it is returned unrequested).
   */
  async follow(
    url: string,
    stopAt: (next: URL) => boolean = () => false,
  ): Promise<{ response: Response | null; url: string }> {
    let current = url;
    for (let hop = 0; hop < 20; hop++) {
      const response = await this.request(current);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location)
        return { response, url: current };
      const next = new URL(location, current);
      if (stopAt(next)) return { response: null, url: next.href };
      current = next.href;
    }
    throw new Error(`Too many redirects from ${url}`);
  }
}
