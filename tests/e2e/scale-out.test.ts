import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import { renderState } from "../../server/collab/headless";
import { loadState } from "../../server/collab/store";
import { browserTestsEnabled, launchBrowser, logInAs, onlineUser } from "../helpers/browser";
import { createScratchDatabase } from "../helpers/database";
import { nginxTestsEnabled, startNginx } from "../helpers/nginx";
import { exited, freePort, type ServerProcess, startServerProcess } from "../helpers/process";

/**
 * Two server processes on PostgreSQL behind the repository's nginx configuration, and two people
 * in Chromium whose tabs talk to different processes. PostgreSQL is the one on 127.0.0.1:5432
 * (or SCALE_OUT_DATABASE_URL) whatever DATABASE_URL says: the e2e project runs on PGlite, which
 * is one process's database.
 */
const POSTGRES =
  process.env.SCALE_OUT_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const METRICS_TOKEN = "metrics-token-metrics-token-metrics-0123";
const TITLE = "Samverkan skola–socialtjänst vid oro för barn";

describe.skipIf(!browserTestsEnabled() || !nginxTestsEnabled())(
  "two processes behind nginx",
  () => {
    let drop: () => Promise<void>;
    let database: DatabaseHandle;
    const processes: { port: number; server: ServerProcess }[] = [];
    let proxy: { url: string; stop(): Promise<void> };
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    let documentUrl: string;

    beforeAll(async () => {
      const scratch = await createScratchDatabase(POSTGRES, "samverkan_e2e");
      drop = scratch.drop;
      database = openDatabase({ databaseUrl: scratch.url, poolSize: 2 });
      await migrateToLatest(database.db);
      await seedDemo(database.db);
      const dataDir = mkdtempSync(path.join(tmpdir(), "samverkan-e2e-cluster-"));
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const server = await startServerProcess({
          DATABASE_URL: scratch.url,
          PORT: String(port),
          HOST: "127.0.0.1",
          DATA_DIR: dataDir,
          SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
          SEED_DEMO: "true",
          TRUST_PROXY: "true",
          METRICS_TOKEN,
        });
        processes.push({ port, server });
      }
      proxy = await startNginx(
        await freePort(),
        processes.map((p) => p.port),
      );
      browser = await launchBrowser();
      const { id } = await database.db
        .selectFrom("documents")
        .select("id")
        .where("title", "=", TITLE)
        .executeTakeFirstOrThrow();
      documentUrl = `${proxy.url}/dokument/${id}`;
      // Two servers, nginx and Chromium start one after the other on a shared two-core machine.
    }, 300_000);
    afterAll(async () => {
      for (const context of contexts) await context.close().catch(() => {});
      await browser?.close();
      await proxy?.stop();
      for (const { server } of processes) {
        server.child.kill("SIGTERM");
        await exited(server.child);
      }
      await database?.close();
      await drop?.();
    });

    /** How many sockets each process holds (its own gauge, asked directly, not through nginx). */
    async function socketsPerProcess(): Promise<number[]> {
      return Promise.all(
        processes.map(async ({ port, server }) => {
          if (server.child.exitCode !== null || server.child.signalCode !== null) return 0;
          const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
            headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
          });
          const match = /^samverkan_socket_connections (\d+)/m.exec(await response.text());
          return Number(match?.[1] ?? 0);
        }),
      );
    }

    const editorOf = (page: Page) => page.getByRole("textbox", { name: TITLE });
    const saved = (page: Page) =>
      page.getByTestId("save-indicator").filter({ hasText: /^✓ Sparat$/ });
    const cursorLabel = (page: Page, name: string) =>
      page.getByTestId("editor-cursors").getByText(name, { exact: true });

    async function openDocument(email: string): Promise<Page> {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await logInAs(page, proxy.url, email);
      await page.goto(documentUrl);
      await editorOf(page).waitFor({ state: "visible" });
      return page;
    }

    let sara: Page;
    let anna: Page;
    /** The process Sara's tab talks to. */
    let sarasProcess: number;

    it("two people on different processes co-edit and see each other's presence and cursor", async () => {
      sara = await openDocument("admin@kommun.test");
      await expect.poll(async () => (await socketsPerProcess()).sort()).toEqual([0, 1]);
      sarasProcess = (await socketsPerProcess()).indexOf(1);
      anna = await openDocument("arbetsgrupp@kommun.test");
      // nginx gives the new WebSocket to the process with fewer; a page load may be unlucky.
      for (let attempt = 0; attempt < 5; attempt++) {
        const counts = await socketsPerProcess();
        if (counts[0] === 1 && counts[1] === 1) break;
        await anna.reload();
        await editorOf(anna).waitFor({ state: "visible" });
      }
      await expect.poll(socketsPerProcess).toEqual([1, 1]);

      // Each sees the other online in the header and in the document.
      await onlineUser(sara, "Anna Berg").waitFor({ timeout: 5_000 });
      await onlineUser(anna, "Sara Lind").waitFor({ timeout: 5_000 });
      await sara.getByTestId("document-people").getByText("Anna Berg").waitFor();
      await anna.getByTestId("document-people").getByText("Sara Lind").waitFor();

      await editorOf(sara).focus();
      await sara.keyboard.press("Control+End");
      await sara.keyboard.press("Enter");
      await editorOf(anna).focus();
      await anna.keyboard.press("Control+Home");
      await Promise.all([
        sara.keyboard.type("Sara på den ena processen.", { delay: 15 }),
        anna.keyboard.type("Anna på den andra. ", { delay: 15 }),
      ]);
      for (const page of [sara, anna]) {
        await editorOf(page).getByText("Sara på den ena processen.").waitFor();
        await editorOf(page)
          .getByText(/Anna på den andra\./)
          .waitFor();
      }
      await cursorLabel(sara, "Anna Berg").waitFor();
      await cursorLabel(anna, "Sara Lind").waitFor();
      await Promise.all([saved(sara).waitFor(), saved(anna).waitFor()]);
    });

    it("a rolling restart: one process stops while its person types, and the tab goes on on the other", async () => {
      // Sara's process stops while she types; Anna is on the other.
      const stopping = processes[sarasProcess];
      const [onIt, other] = [sara, anna];
      await editorOf(onIt).focus();
      await onIt.keyboard.press("Control+End");
      const typing = onIt.keyboard.type(" Skrivet under omstarten.", { delay: 40 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      stopping.server.child.kill("SIGTERM");
      await typing;
      await exited(stopping.server.child);
      // Generous: reconnecting and catching up may take seconds on a busy two-core machine.
      await saved(onIt).waitFor({ timeout: 30_000 });
      await editorOf(other)
        .getByText(/Skrivet under omstarten\./)
        .waitFor({ timeout: 30_000 });
      // Both tabs are on the process left, and the edit is stored.
      await expect
        .poll(socketsPerProcess, { timeout: 30_000 })
        .toEqual(processes.map((p) => (p === stopping ? 0 : 2)));
      const stored = await database.db
        .selectFrom("documents")
        .select("id")
        .where("title", "=", TITLE)
        .executeTakeFirstOrThrow();
      await expect
        .poll(
          async () => {
            const state = await loadState(database.db, stored.id);
            return state ? renderState(state.state).text : "";
          },
          { timeout: 30_000 },
        )
        .toContain("Skrivet under omstarten.");
    }, 120_000);
  },
);
