import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as decoding from "lib0/decoding";
import pg from "pg";
import type { Socket } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { SocketIoProvider } from "../../app/editor/provider.client";
import { openDatabase } from "../../db";
import { loadState } from "../../server/collab/store";
import { HttpClient } from "../helpers/http";
import { exited, freePort, startServerProcess } from "../helpers/process";
import { connectSocket } from "../helpers/socket";

/**
 * The server process is killed with SIGKILL while an editor types. Every update the editor saw
 * acknowledged must be in the database when it is reopened, and after a restart on the same data
 * the editor reconnects by itself and its unacknowledged edits arrive exactly once.
 */

const TOKEN = /\[\d+\]/g;
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The provider's socket, noting which typed tokens each acknowledged update carried. */
class AckTracker {
  readonly acknowledged = new Set<string>();
  constructor(readonly socket: Socket) {}

  get connected() {
    return this.socket.connected;
  }
  get active() {
    return this.socket.active;
  }
  connect() {
    this.socket.connect();
    return this;
  }
  on(event: string, handler: (...args: unknown[]) => void) {
    return this.socket.on(event, handler);
  }
  off(event: string, handler: (...args: unknown[]) => void) {
    return this.socket.off(event, handler);
  }
  emit(event: string, ...args: unknown[]) {
    const [payload, ack] = args as [{ data: Uint8Array }, ((a: { ok?: boolean }) => void)?];
    if (event !== "collab:sync" || typeof ack !== "function")
      return this.socket.emit(event, ...args);
    const tokens = tokensOfMessage(payload.data);
    return this.socket.emit(event, payload, (answer: { ok?: boolean }) => {
      if (answer?.ok) for (const token of tokens) this.acknowledged.add(token);
      ack(answer);
    });
  }
}

/** The tokens inserted by a sync message carrying an update (step 2 or update). */
function tokensOfMessage(data: Uint8Array): string[] {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate)
    return [];
  const { structs } = Y.decodeUpdate(decoding.readVarUint8Array(decoder));
  return structs.flatMap((struct) => {
    const content = (struct as { content?: { str?: string } }).content;
    return content?.str ? (content.str.match(TOKEN) ?? []) : [];
  });
}

const modes = [
  { name: "PGlite on disk", postgres: false },
  ...(process.env.DATABASE_URL ? [{ name: "PostgreSQL", postgres: true }] : []),
];

describe.each(modes)("co-editing survives SIGKILL of the server ($name)", ({ postgres }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-fault-"));
  const databaseName = `samverkan_fault_${randomBytes(6).toString("hex")}`;
  let databaseUrl: string | undefined;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill("SIGKILL");
    if (child) await exited(child);
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl) {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${databaseName} with (force)`);
      await admin.end();
    }
  });

  async function storedText(documentId: string): Promise<string> {
    const handle = openDatabase(
      databaseUrl ? { databaseUrl, poolSize: 1 } : { pgliteDir: path.join(dataDir, "pglite") },
    );
    try {
      const stored = await loadState(handle.db, documentId);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, stored!.state);
      return doc.getText("t").toString();
    } finally {
      await handle.close();
    }
  }

  it("keeps every acknowledged update and converges after the restart", {
    timeout: 180_000,
  }, async () => {
    if (postgres) {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${databaseName}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
    }
    const port = await freePort();
    const env: Record<string, string> = {
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      SESSION_SECRET: "fault-secret-fault-secret-fault-secret-01",
      SEED_DEMO: "true",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    };
    child = (await startServerProcess(env)).child;
    const url = `http://localhost:${port}`;

    // A member signs in and creates a document through the API (server-made first state).
    const http = new HttpClient(url);
    await http.logIn("arbetsgrupp@kommun.test");
    const tokenResponse = await http.request("/api/v1/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "feltest" }),
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    const created = await fetch(`${url}/api/v1/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Skrivs under en krasch", kind: "motesanteckningar" }),
    });
    expect(created.status).toBe(201);
    const { id: documentId } = (await created.json()) as { id: string };

    const socket = connectSocket(url, {
      cookie: http.cookieHeader,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    const tracker = new AckTracker(socket);
    const doc = new Y.Doc();
    const provider = new SocketIoProvider(tracker as unknown as Socket, documentId, doc);
    const synced = new Promise<void>((resolve) => provider.on("sync", () => resolve()));
    provider.connect();
    await synced;

    // Type a token every few milliseconds, whatever happens to the server.
    const typed: string[] = [];
    const text = doc.getText("t");
    const typing = setInterval(() => {
      const token = `[${typed.length}]`;
      typed.push(token);
      text.insert(text.length, token);
    }, 4);
    try {
      await expect.poll(() => tracker.acknowledged.size, { timeout: 20_000 }).toBeGreaterThan(150);
      child.kill("SIGKILL");
      await exited(child);
      const acknowledgedAtKill = new Set(tracker.acknowledged);
      const typedAtKill = typed.length;

      // Everything acknowledged is in the database, reopened after the crash.
      const stored = await storedText(documentId);
      const missing = [...acknowledgedAtKill].filter((token) => !stored.includes(token));
      expect(missing).toEqual([]);
      console.log(
        `fault: ${typedAtKill} typed, ${acknowledgedAtKill.size} acknowledged at the kill, ` +
          `${(stored.match(TOKEN) ?? []).length} stored`,
      );

      await tick(300);
      expect(provider.saveState).toBe("offline");
      child = (await startServerProcess(env)).child;
      await expect.poll(() => provider.saveState, { timeout: 20_000 }).not.toBe("offline");
      await tick(300);
    } finally {
      clearInterval(typing);
    }
    await expect.poll(() => provider.saveState, { timeout: 20_000 }).toBe("saved");

    // Every token typed (before, during and after the crash) is stored exactly once, in the
    // order the editor has it; a fresh look through a second editor agrees.
    const expected = typed.join("");
    expect(text.toString()).toBe(expected);
    const observer = new Y.Doc();
    const observerSocket = connectSocket(url, { cookie: http.cookieHeader });
    const observerProvider = new SocketIoProvider(observerSocket, documentId, observer);
    const observerSynced = new Promise<void>((resolve) =>
      observerProvider.on("sync", () => resolve()),
    );
    observerProvider.connect();
    await observerSynced;
    expect(observer.getText("t").toString()).toBe(expected);
    observerProvider.disconnect();
    observerSocket.close();
    provider.disconnect();
    socket.close();

    child.kill("SIGTERM");
    await exited(child);
    child = undefined;
    expect(await storedText(documentId)).toBe(expected);
  });
});
