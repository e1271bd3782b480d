import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import Provider, { type Adapter, type AdapterPayload } from "oidc-provider";

/** A person at the provider: what its ID token says about them. */
export interface ProviderAccount {
  sub: string;
  password: string;
  email: string;
  /** Entra ID sends no `email_verified` at all: leave it out to behave like it. */
  email_verified?: boolean;
  name: string;
  groups: string[];
}

/** How the next token response is altered, to see that the app refuses it. */
export type TokenTampering = { aud: string } | { iss: string } | null;

export const CLIENT_ID = "samverkan-test";
export const CLIENT_SECRET = "test-client-secret-0123456789abcdef";

/** Every model of every provider in this process, so a test can reach stored codes. */
const stored = new Map<string, { payload: AdapterPayload; consumed?: boolean }>();

/** Kept in memory; unlike the built-in one it lets a test expire the codes it issued. */
class TestAdapter implements Adapter {
  constructor(private readonly model: string) {}
  private key(id: string) {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: AdapterPayload) {
    stored.set(this.key(id), { payload });
  }
  async find(id: string) {
    const entry = stored.get(this.key(id));
    if (!entry) return undefined;
    return { ...entry.payload, ...(entry.consumed ? { consumed: true } : {}) };
  }
  async findByUid(uid: string) {
    for (const [key, entry] of stored)
      if (key.startsWith(`${this.model}:`) && entry.payload.uid === uid) return entry.payload;
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(id: string) {
    const entry = stored.get(this.key(id));
    if (entry) entry.consumed = true;
  }
  async destroy(id: string) {
    stored.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const [key, entry] of stored) if (entry.payload.grantId === grantId) stored.delete(key);
  }
}

export interface TestProvider {
  issuer: string;
  /** Registers the Samverkan server at this address as the client (its redirect and logout URIs). */
  serve(appUrl: string): void;
  accounts: Map<string, ProviderAccount>;
  /** Alters the ID token of the next token responses (re-signed with the provider's own key). */
  tamperTokens(tampering: TokenTampering): void;
  /** Every authorization code issued so far is past its expiry. */
  expireAuthorizationCodes(): void;
  /** Back-channel logout requests the provider sent, answered with these statuses. */
  backchannelStatuses: number[];
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The provider's own sign-in page: plain HTML, labelled fields, like a real one. */
function loginPage(uid: string, error?: string) {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Testleverantör – logga in</title></head>
<body><main><h1>Testleverantör</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<label for="login">Användarnamn</label> <input id="login" name="login" autocomplete="username">
<label for="password">Lösenord</label> <input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Fortsätt</button>
</form></main></body></html>`;
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * A real OpenID Connect provider (the certified `oidc-provider`) on loopback, set up as a
 * stand-in for Microsoft Entra ID: authorization code with PKCE, claims in the ID token, a
 * `groups` claim, back-channel logout with `sid`, RP-initiated logout. It listens at once (so
 * the app can be configured with its issuer) and serves once told the app's address.
 */
export async function startTestProvider(accounts: ProviderAccount[]): Promise<TestProvider> {
  const httpServer: Server = createServer();
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const privateJwk = {
    ...(await exportJWK(privateKey)),
    kid: randomUUID(),
    alg: "RS256",
    use: "sig",
  };
  const people = new Map(accounts.map((account) => [account.sub, account]));
  let tampering: TokenTampering = null;
  const backchannelStatuses: number[] = [];

  let provider: Provider | undefined;
  let callback: ReturnType<Provider["callback"]> | undefined;
  const createProvider = (appUrl: string) =>
    new Provider(issuer, {
      adapter: TestAdapter,
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${appUrl}/auth/oidc/callback`],
          post_logout_redirect_uris: [`${appUrl}/login?utloggad=1`],
          backchannel_logout_uri: `${appUrl}/auth/oidc/backchannel-logout`,
          backchannel_logout_session_required: true,
          token_endpoint_auth_method: "client_secret_post",
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      jwks: { keys: [privateJwk as never] },
      cookies: { keys: ["test-provider-cookie-key"] },
      pkce: { required: () => true },
      // Like Entra ID: the person's claims are in the ID token itself.
      conformIdTokenClaims: false,
      claims: {
        openid: ["sub", "groups"],
        email: ["email", "email_verified"],
        profile: ["name"],
      },
      async findAccount(_ctx, sub) {
        const account = people.get(sub);
        if (!account) return undefined;
        return {
          accountId: sub,
          async claims() {
            const { password: _password, ...claims } = account;
            return claims;
          },
        };
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: { enabled: true },
      },
      ttl: {
        Session: 3600,
        Interaction: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        AccessToken: 600,
        Grant: 3600,
      },
    });

  const handleInteraction = async (
    provider: Provider,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params } = details;
    if (prompt.name === "login") {
      if (req.method === "GET") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(loginPage(uid));
        return;
      }
      const form = await formOf(req);
      const account = [...people.values()].find(
        (a) => a.email === form.get("login") && a.password === form.get("password"),
      );
      if (!account) {
        res
          .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
          .end(loginPage(uid, "Fel användarnamn eller lösenord."));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account.sub } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    // Consent: granted by the organisation for its own application, as an admin does in Entra ID.
    const grant = new provider.Grant({
      accountId: details.session?.accountId,
      clientId: String(params.client_id),
    });
    grant.addOIDCScope(String(params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      {
        mergeWithLastSubmission: true,
      },
    );
  };

  const signingKey = await importJWK(privateJwk, "RS256");
  /** The token response with its ID token's claims changed and signed again with the real key. */
  const tamper = async (body: string): Promise<string> => {
    if (!tampering) return body;
    const json = JSON.parse(body);
    if (!json.id_token) return body;
    const claims = { ...decodeJwt(json.id_token), ...tampering };
    json.id_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: privateJwk.kid, typ: "JWT" })
      .sign(signingKey);
    return JSON.stringify(json);
  };

  httpServer.on("request", (req, res) => {
    if (!provider || !callback) {
      res.writeHead(503).end();
      return;
    }
    const path = new URL(req.url ?? "/", issuer).pathname;
    if (path.startsWith("/interaction/")) {
      handleInteraction(provider, req, res).catch((error) => {
        res.writeHead(500).end(String(error));
      });
      return;
    }
    if (path.endsWith("/token") && tampering) {
      // Holds the provider's answer back until its ID token has been altered.
      const end = res.end.bind(res);
      const write = res.write.bind(res);
      const chunks: Buffer[] = [];
      res.write = ((chunk: Buffer | string) => {
        chunks.push(Buffer.from(chunk));
        return true;
      }) as typeof res.write;
      res.end = ((chunk?: Buffer | string) => {
        if (chunk) chunks.push(Buffer.from(chunk));
        void tamper(Buffer.concat(chunks).toString("utf8")).then((body) => {
          res.setHeader("Content-Length", Buffer.byteLength(body));
          res.write = write;
          end(body);
        });
        return res;
      }) as typeof res.end;
    }
    callback(req, res);
  });

  return {
    issuer,
    serve(appUrl) {
      provider = createProvider(appUrl);
      // Which back-channel logouts reached the app, and how it answered.
      provider.on("backchannel.success", () => backchannelStatuses.push(200));
      provider.on("backchannel.error", () => backchannelStatuses.push(400));
      callback = provider.callback();
    },
    accounts: people,
    backchannelStatuses,
    tamperTokens(next) {
      tampering = next;
    },
    expireAuthorizationCodes() {
      for (const [key, entry] of stored)
        if (key.startsWith("AuthorizationCode:"))
          entry.payload.exp = Math.floor(Date.now() / 1000) - 10;
    },
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}
