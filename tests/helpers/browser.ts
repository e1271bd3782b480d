import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { findProgram, programPresentUnlessCi } from "./process";
import { startTestServer, type TestServer } from "./server";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** Debian's Chromium (or CHROMIUM_PATH); null when there is none, which skips the browser tests. */
export function findChromium(): string | null {
  return findProgram("CHROMIUM_PATH", CANDIDATES);
}

/** Whether the browser tests run here; in CI a missing Chromium is a failure, not a skip. */
export function browserTestsEnabled(): boolean {
  return programPresentUnlessCi(
    findChromium(),
    "no Chromium was found (install Debian's chromium)",
  );
}

export function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("No Chromium");
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export const DEMO_PASSWORD = "Samverkan-demo-1";

export async function logInAs(
  page: Page,
  baseUrl: string,
  email: string,
  password = DEMO_PASSWORD,
) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("E-postadress").fill(email);
  await page.getByLabel("Lösenord").fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page and fails on any serious or critical
 * violation. Evaluated through the DevTools protocol, so the page's CSP does not block it.
 */
export async function expectAccessible(page: Page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: unknown,
          ) => Promise<{
            violations: {
              id: string;
              impact: string;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} → ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
  });
  expect(violations, `axe violations on ${page.url()}`).toEqual([]);
}

/** A person in the browser: their own context (cookies) and a page in it. */
export interface SignedIn {
  context: BrowserContext;
  page: Page;
}

export interface BrowserTests {
  /** The app on a fresh database with the demo organisation. */
  readonly server: TestServer;
  readonly browser: Browser;
  /** A new context signed in as `email`, on the overview; closed when the tests are done. */
  signedIn(email: string, password?: string): Promise<SignedIn>;
  /** A page signed in as `email` at `path`, once its socket is connected (the page is hydrated). */
  livePageAs(email: string, path: string): Promise<Page>;
}

/**
 * For a describe block of browser tests: starts the server and Chromium before its tests and
 * closes them, and every context opened through `signedIn`, after them.
 */
export function useBrowserTests(): BrowserTests {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("Browser tests are used before beforeAll ran");
    return value;
  };
  const signedIn = async (email: string, password?: string): Promise<SignedIn> => {
    const context = await started(browser).newContext();
    contexts.push(context);
    const page = await context.newPage();
    await logInAs(page, started(server).url, email, password);
    return { context, page };
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    signedIn,
    async livePageAs(email, path) {
      const { page } = await signedIn(email);
      await page.goto(`${started(server).url}${path}`);
      // Once the socket is connected the header lists who is online.
      await page.getByTestId("online-users").waitFor({ state: "attached" });
      return page;
    },
  };
}

/** The header's live online list: the full names behind the avatars. */
export function onlineUser(page: Page, name: string) {
  return page.getByTestId("online-users").getByText(name, { exact: true });
}

/**
 * Selects `passage` (its first occurrence) in the editor, as a mouse drag would, and waits until
 * the editor holds that selection: text typed just before may still be reconciled into new DOM
 * nodes, which would move a range set on the old ones.
 */
export async function selectInEditor(page: Page, passage: string) {
  await page.getByTestId("document-editor").evaluate(async (editor, passage) => {
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    for (let attempt = 0; attempt < 20; attempt++) {
      const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(passage) ?? -1;
        if (at < 0) continue;
        (editor as HTMLElement).focus();
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + passage.length);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
        break;
      }
      await nextFrame();
      await nextFrame();
      if (window.getSelection()?.toString() === passage) return;
    }
    throw new Error(`"${passage}" could not be selected in the editor`);
  }, passage);
}
