import type { BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderState } from "../../server/collab/headless";
import { COLLAB_LIMITS } from "../../server/collab/limits";
import { loadState } from "../../server/collab/store";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  useBrowserTests,
} from "../helpers/browser";

const TITLE = "Samverkan skola–socialtjänst vid oro för barn";
const WRITER_A = { email: "admin@kommun.test", name: "Sara Lind" };
const WRITER_B = { email: "arbetsgrupp@kommun.test", name: "Anna Berg" };
const CHIEF = { email: "kommunchef@kommun.test", name: "Johan Ek" };

interface Session {
  context: BrowserContext;
  page: Page;
}

describe.skipIf(!browserTestsEnabled())("co-editing in the browser", () => {
  const e2e = useBrowserTests();
  let documentUrl: string;
  const sessions: Session[] = [];
  /** Errors and warnings the pages log (a second copy of Yjs, hydration mismatches, Lexical). */
  const consoleProblems: string[] = [];

  beforeAll(async () => {
    const doc = await e2e.server.database.db
      .selectFrom("documents")
      .select("id")
      .where("title", "=", TITLE)
      .executeTakeFirstOrThrow();
    documentUrl = `${e2e.server.url}/dokument/${doc.id}`;
  });
  afterAll(async () => {
    for (const s of sessions) await s.context.close().catch(() => {});
  });

  async function signIn(email: string): Promise<Session> {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning")
        consoleProblems.push(`${email}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleProblems.push(`${email}: ${error.message}`));
    await logInAs(page, e2e.server.url, email);
    const session = { context, page };
    sessions.push(session);
    return session;
  }

  /** The live editor, shown once the server's state has been synced into it. */
  const editorOf = (page: Page) => page.getByRole("textbox", { name: TITLE });

  async function openDocument(page: Page) {
    await page.goto(documentUrl);
    await editorOf(page).waitFor({ state: "visible" });
  }

  /** Creates a document through the form and waits for its editor. */
  async function newDocument(page: Page, title: string) {
    await page.goto(`${e2e.server.url}/dokument/ny`);
    await page.getByLabel("Titel").fill(title);
    await page.getByLabel("Typ").selectOption("ovrigt");
    await page.getByRole("button", { name: "Skapa dokument" }).click();
    const editor = page.getByRole("textbox", { name: title });
    await editor.waitFor({ state: "visible" });
    return editor;
  }

  /**
   * The page's socket.io connection through a switch (Chromium's offline mode leaves an open
   * WebSocket alone): `cut` drops it and refuses reconnects until `restore`.
   */
  async function connectionSwitch(page: Page) {
    let cut = false;
    const open = new Set<WebSocketRoute>();
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) return ws.close();
      ws.connectToServer();
      open.add(ws);
    });
    return {
      cut: async () => {
        cut = true;
        for (const ws of open) await ws.close();
        open.clear();
      },
      restore: () => {
        cut = false;
      },
    };
  }

  /** What the server stored for the page's document, rendered by its headless editor. */
  const documentIdOf = (page: Page) => new URL(page.url()).pathname.split("/").pop() ?? "";

  async function storedContent(page: Page) {
    const stored = await loadState(e2e.server.database.db, documentIdOf(page));
    return renderState(stored?.state ?? new Uint8Array());
  }

  /** Logs out through the user menu, as a person would in another tab. */
  async function logOut(page: Page, name: string) {
    await page.goto(`${e2e.server.url}/installningar`);
    await page.locator("summary", { hasText: name }).click();
    await page.getByRole("button", { name: "Logga ut" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
  }

  const saved = (page: Page) =>
    page.getByTestId("save-indicator").filter({ hasText: /^✓ Sparat$/ });
  const signedOutIndicator = (page: Page) =>
    page
      .getByTestId("save-indicator")
      .getByText("⚠ Utloggad – ändringar sparas när du har loggat in igen");
  /** "I dokumentet nu": who has the document open. */
  const peopleRail = (page: Page) => page.getByRole("region", { name: "I dokumentet nu" });
  const cursorLabel = (page: Page, name: string) =>
    page.getByTestId("editor-cursors").getByText(name, { exact: true });

  let a: Session;
  let b: Session;

  it("two writers type at once, see each other's text and named cursor, and it is saved", async () => {
    [a, b] = await Promise.all([signIn(WRITER_A.email), signIn(WRITER_B.email)]);
    await Promise.all([openDocument(a.page), openDocument(b.page)]);
    await expectAccessible(a.page);

    await editorOf(a.page).focus();
    await a.page.keyboard.press("Control+End");
    await a.page.keyboard.press("Enter");
    await editorOf(b.page).focus();
    await b.page.keyboard.press("Control+Home");
    await Promise.all([
      a.page.keyboard.type("Sara skriver i slutet.", { delay: 15 }),
      b.page.keyboard.type("Anna skriver först. ", { delay: 15 }),
    ]);

    for (const page of [a.page, b.page]) {
      await editorOf(page).getByText("Sara skriver i slutet.").waitFor();
      await editorOf(page)
        .getByText(/Anna skriver först\./)
        .waitFor();
    }
    await cursorLabel(a.page, WRITER_B.name).waitFor();
    await cursorLabel(b.page, WRITER_A.name).waitFor();
    // Presence: names as text next to the colour chips.
    await a.page.getByTestId("document-people").getByText(WRITER_B.name).waitFor();
    await Promise.all([saved(a.page).waitFor(), saved(b.page).waitFor()]);

    await a.page.reload();
    await editorOf(a.page).waitFor({ state: "visible" });
    await editorOf(a.page).getByText("Sara skriver i slutet.").waitFor();
    await editorOf(a.page)
      .getByText(/Anna skriver först\./)
      .waitFor();
    const text = (await editorOf(a.page).textContent()) ?? "";
    expect(text.split("Sara skriver i slutet.").length).toBe(2);
    expect(text.split("Anna skriver först.").length).toBe(2);
    expect(consoleProblems).toEqual([]);
  });

  it("the kommunchef sees edits live and cannot type", async () => {
    const chief = await signIn(CHIEF.email);
    await openDocument(chief.page);
    const editor = editorOf(chief.page);
    await expect(editor.getAttribute("contenteditable")).resolves.toBe("false");
    await expect(editor.getAttribute("aria-readonly")).resolves.toBe("true");
    // The kommunchef comments but does not write: the toolbar offers "Kommentera" and no formats.
    const toolbar = chief.page.getByRole("toolbar");
    await expect(toolbar.getByRole("button").allTextContents()).resolves.toEqual(["Kommentera"]);
    await expect(chief.page.getByRole("combobox").count()).resolves.toBe(0);
    await expectAccessible(chief.page);

    await editorOf(a.page).focus();
    await a.page.keyboard.press("Control+End");
    await a.page.keyboard.type(" Live till kommunchefen.");
    await editor.getByText(/Live till kommunchefen\./).waitFor();

    const before = await editor.textContent();
    await editor.click({ force: true });
    await chief.page.keyboard.type("xyz");
    await chief.page.keyboard.press("Enter");
    await chief.page.waitForTimeout(500);
    expect(await editor.textContent()).toBe(before);
    expect(await editorOf(a.page).textContent()).not.toContain("xyz");
    expect(e2e.server.collab.stats.droppedReadOnlyUpdates).toBe(0);
    await chief.context.close();
  });

  it("a version one writer names appears in the other's list while they type; restoring it reaches both", async () => {
    await saved(a.page).waitFor();
    // B is typing when A names a version: B's list updates, B's editor and caret stay put.
    await editorOf(b.page).focus();
    await b.page.keyboard.press("Control+End");
    await b.page.keyboard.type(" Skrivet medan");
    await saved(b.page).waitFor();
    await a.page.getByLabel("Anteckning").fill("Före omskrivningen");
    await a.page.getByRole("button", { name: "Spara version" }).click();
    await a.page.getByText("Versionen är sparad.").waitFor();
    await b.page.getByRole("link", { name: "Före omskrivningen" }).waitFor();
    await b.page
      .getByRole("status")
      .getByText("Sara Lind sparade just nu en version av dokumentet.")
      .waitFor();
    await b.page.keyboard.type(" versionen sparades.");
    await editorOf(b.page)
      .getByText(/Skrivet medan versionen sparades\./)
      .waitFor();
    await saved(b.page).waitFor();
    await editorOf(a.page)
      .getByText(/Skrivet medan versionen sparades\./)
      .waitFor();

    await b.page
      .getByRole("button", { name: /^Återställ versionen från/ })
      .first()
      .click();
    await b.page.getByText("Versionen är återställd").waitFor();

    await expect
      .poll(() => editorOf(a.page).textContent(), { timeout: 5_000 })
      .not.toContain("versionen sparades.");
    const restored = await editorOf(a.page).textContent();
    expect(restored).toContain("Live till kommunchefen.");
    expect(await editorOf(b.page).textContent()).toBe(restored);
  });

  it("details another writer saves show at once, without replacing what one types in the form", async () => {
    const titleField = b.page.locator("#meta-title");
    await titleField.fill("Min egen rubrik");
    await a.page.locator("#meta-status").selectOption("review");
    await a.page.getByRole("button", { name: "Spara uppgifterna" }).click();
    await a.page.getByText("Uppgifterna är sparade.").waitFor();

    await b.page.locator(".document-meta").getByText("För granskning").waitFor();
    await b.page.getByText(/Någon annan har ändrat uppgifterna/).waitFor();
    expect(await titleField.inputValue()).toBe("Min egen rubrik");
    await b.page.getByRole("button", { name: /^Visa de nya uppgifterna/ }).click();
    await expect.poll(() => titleField.inputValue()).toBe(TITLE);
    expect(await b.page.locator("#meta-status").inputValue()).toBe("review");
    await expectAccessible(b.page);
  });

  it("closing a tab removes that writer's cursor from the others within a second", async () => {
    await editorOf(b.page).focus();
    await b.page.keyboard.press("Control+End");
    await b.page.keyboard.type("!");
    await cursorLabel(a.page, WRITER_B.name).waitFor();
    const closedAt = Date.now();
    await b.page.close();
    await cursorLabel(a.page, WRITER_B.name).waitFor({ state: "detached", timeout: 1_500 });
    expect(Date.now() - closedAt).toBeLessThan(1_500);
    await a.page
      .getByTestId("document-people")
      .getByText(WRITER_B.name)
      .waitFor({ state: "detached" });
  });

  it("the list, the new-document form with errors and a version page are accessible", async () => {
    await a.page.goto(`${e2e.server.url}/dokument`);
    await a.page.getByRole("link", { name: TITLE }).waitFor();
    await expectAccessible(a.page);

    await a.page.goto(`${e2e.server.url}/dokument/ny`);
    await a.page.getByRole("button", { name: "Skapa dokument" }).click();
    await a.page.getByRole("alert").waitFor();
    await expectAccessible(a.page);

    await a.page.goto(documentUrl);
    await a.page.getByRole("link", { name: "Före omskrivningen" }).click();
    await a.page.getByRole("heading", { level: 1, name: /^Version från/ }).waitFor();
    await expectAccessible(a.page);
  });

  it("the toolbar and shortcuts format text; undo takes the last edit back", async () => {
    const { page } = await signIn(WRITER_B.email);
    const editor = await newDocument(page, "Verktygsfältet");
    await editor.focus();
    await page.keyboard.type("Rubrik");
    await page.getByLabel("Styckeformat").selectOption("h2");
    await editor.locator("h2", { hasText: "Rubrik" }).click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    const bold = page.getByRole("button", { name: "Fetstil" });
    await bold.click();
    await expect.poll(() => bold.getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.type("fet");
    await editor.locator("strong", { hasText: "fet" }).waitFor();
    await bold.click();
    await expect.poll(() => bold.getAttribute("aria-pressed")).toBe("false");
    await page.keyboard.press("Control+i");
    await page.keyboard.type(" kursiv");
    await editor.locator("em", { hasText: "kursiv" }).waitFor();
    await page.keyboard.press("Control+i");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Punktlista" }).click();
    await page.keyboard.type("punkt");
    await editor.locator("ul li", { hasText: "punkt" }).waitFor();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Länk", exact: true }).click();
    await page.getByLabel("Länkadress").fill("https://example.org/plan");
    await page.getByRole("button", { name: "Infoga länk" }).click();
    await editor.locator('a[href="https://example.org/plan"]').waitFor();
    await saved(page).waitFor();

    await page.getByRole("button", { name: "Infoga tabell" }).click();
    await editor.locator("table").waitFor();
    await page.getByRole("button", { name: "Ångra" }).click();
    await editor.locator("table").waitFor({ state: "detached" });
    await saved(page).waitFor();

    const { html } = await storedContent(page);
    expect(html).toMatch(/<h2[^>]*>.*Rubrik/);
    expect(html).toMatch(/<strong[^>]*>fet<\/strong>/);
    expect(html).toMatch(/<em[^>]*> kursiv<\/em>/);
    expect(html).toMatch(/<ul[^>]*><li[^>]*>.*punkt/);
    expect(html).toContain('href="https://example.org/plan"');
    expect(html).not.toContain("<table");
  });

  it("a paste too large to save is explained, held, and saved away once undone", async () => {
    const { page } = await signIn(WRITER_B.email);
    const editor = await newDocument(page, "Stor inklistring");
    await editor.focus();
    await page.keyboard.type("Före inklistringen.");
    await saved(page).waitFor();
    // Yjs merges edits less than 500 ms apart into one undo step; the paste gets its own.
    await page.waitForTimeout(600);

    const limit = COLLAB_LIMITS.maxUpdateBytes;
    COLLAB_LIMITS.maxUpdateBytes = 20_000;
    try {
      await page.evaluate((text) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        document.activeElement?.dispatchEvent(
          new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
        );
      }, "x".repeat(30_000));
      const alert = page.getByTestId("editor-too-large");
      await alert
        .getByText("Det du klistrade in är för stort för att sparas på en gång.")
        .waitFor();
      await expect(alert.getAttribute("role")).resolves.toBe("alert");
      await page
        .getByTestId("save-indicator")
        .getByText("Ej sparat – det du klistrade in är för stort för att sparas")
        .waitFor();
      await expectAccessible(page);

      await page.getByRole("button", { name: "Ångra" }).click();
      await saved(page).waitFor({ timeout: 5_000 });
      await alert.waitFor({ state: "detached" });
      expect(await editor.textContent()).toBe("Före inklistringen.");
    } finally {
      COLLAB_LIMITS.maxUpdateBytes = limit;
    }
    expect((await storedContent(page)).text.trim()).toBe("Före inklistringen.");
  });

  /**
   * WRITER_B types "Före." into a new document until saved, then logs out in another tab of the
   * same browser; resolves once the editor says it is signed out.
   */
  async function signedOutWhileEditing(title: string) {
    const { context, page } = await signIn(WRITER_B.email);
    const editor = await newDocument(page, title);
    await editor.focus();
    await page.keyboard.type("Före.");
    await saved(page).waitFor();
    const otherTab = await context.newPage();
    await logOut(otherTab, WRITER_B.name);
    await signedOutIndicator(page).waitFor({ timeout: 5_000 });
    return { page, otherTab };
  }

  it("signed out in another tab, the editor says so, and saves once signed in again", async () => {
    const { page, otherTab } = await signedOutWhileEditing("Utloggad medan jag skriver");
    await peopleRail(page)
      .getByText("Utloggad – listan uppdateras inte förrän du har loggat in igen")
      .waitFor();
    await page.keyboard.type(" Under utloggningen.");
    // Signing in again in this tab would lose the edit: the question says how to keep it.
    await page.getByRole("link", { name: "Logga in igen" }).click();
    const dialog = page.getByRole("alertdialog", {
      name: "Dina senaste ändringar är inte sparade än",
    });
    await dialog.getByText(/^Du är utloggad\./).waitFor();
    await expectAccessible(page);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    await logInAs(otherTab, e2e.server.url, WRITER_B.email);
    // The tab tries again every 5 s; on a busy two-core machine a few tries may pass.
    await saved(page).waitFor({ timeout: 30_000 });
    expect((await storedContent(page)).text.trim()).toBe("Före. Under utloggningen.");
  });

  it("someone else signing in on the same browser does not get the edits; they are saved once the writer is back", async () => {
    const { page, otherTab } = await signedOutWhileEditing("Delad dator");
    await page.keyboard.type(" Mitt.");

    // A colleague signs in on this computer. The tab tries again every 5 s and is refused: it
    // would otherwise send the edit in the colleague's name (who may edit this document too).
    await logInAs(otherTab, e2e.server.url, WRITER_A.email);
    await page
      .getByRole("alert")
      .getByText(/^Någon annan har loggat in i den här webbläsaren\./)
      .waitFor({ timeout: 12_000 });
    // Signing in from here would only open the page as the colleague: no such link is offered.
    expect(await page.getByRole("link", { name: "Logga in igen" }).count()).toBe(0);
    await signedOutIndicator(page).waitFor();
    await expectAccessible(page);
    expect((await storedContent(page)).text.trim()).toBe("Före.");

    await logOut(otherTab, WRITER_A.name);
    await logInAs(otherTab, e2e.server.url, WRITER_B.email);
    await saved(page).waitFor({ timeout: 30_000 });
    expect((await storedContent(page)).text.trim()).toBe("Före. Mitt.");
    const authors = await e2e.server.database.db
      .selectFrom("document_updates")
      .innerJoin("users", "users.id", "document_updates.user_id")
      .select("users.email")
      .distinct()
      .where("document_updates.document_id", "=", documentIdOf(page))
      .execute();
    expect(authors.map((row) => row.email)).toEqual([WRITER_B.email]);
  });

  it("following a link with edits not saved asks first; staying keeps the text", async () => {
    const { page } = await signIn(WRITER_A.email);
    const connection = await connectionSwitch(page);
    const editor = await newDocument(page, "Lämna med osparat");
    const documentPath = new URL(page.url()).pathname;
    await editor.focus();
    await page.keyboard.type("Sparat.");
    await saved(page).waitFor();

    await connection.cut();
    await page
      .getByTestId("save-indicator")
      .getByText(/^⚠ Ingen anslutning/)
      .waitFor();
    await peopleRail(page).getByText("Ingen anslutning – listan uppdateras inte").waitFor();
    await page.keyboard.type(" Skrivet offline.");
    const actionsLink = page.getByRole("link", { name: "Åtgärder", exact: true });
    const dialog = page.getByRole("alertdialog", {
      name: "Dina senaste ändringar är inte sparade än",
    });
    const focused = (locator: typeof actionsLink) =>
      locator.evaluate((element) => element === document.activeElement);
    await actionsLink.click();
    await dialog.getByText(/^Anslutningen är bruten\./).waitFor();
    // The safe choice has focus; the rest of the page is inert behind the modal dialog.
    await expect
      .poll(() => focused(dialog.getByRole("button", { name: "Stanna kvar" })))
      .toBe(true);
    await expectAccessible(page);

    // Escape stays: same page, same text, focus back on the link that was followed.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(new URL(page.url()).pathname).toBe(documentPath);
    expect(await editor.textContent()).toBe("Sparat. Skrivet offline.");
    expect(await focused(actionsLink)).toBe(true);
    // So does Enter on "Stanna kvar", which has focus.
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    expect(new URL(page.url()).pathname).toBe(documentPath);

    // Back online the edit is saved, and then a link is followed without asking.
    connection.restore();
    // A reconnection attempt that began while cut off is abandoned at the 5 s connect timeout.
    await saved(page).waitFor({ timeout: 30_000 });
    expect((await storedContent(page)).text.trim()).toBe("Sparat. Skrivet offline.");
    await actionsLink.click();
    await page.waitForURL(/\/atgarder$/);
    expect(await dialog.count()).toBe(0);

    // An edit the server refused: "Lämna sidan ändå" leaves.
    await page.goBack();
    await editor.waitFor({ state: "visible" });
    const limit = COLLAB_LIMITS.maxUpdateBytes;
    COLLAB_LIMITS.maxUpdateBytes = 1;
    try {
      await editor.focus();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("!");
      await page
        .getByTestId("save-indicator")
        .getByText(/^! Ej sparat/)
        .waitFor();
      await actionsLink.click();
      await dialog.getByText("Servern har inte kunnat spara dem.", { exact: false }).waitFor();
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/atgarder$/);
    } finally {
      COLLAB_LIMITS.maxUpdateBytes = limit;
    }
  });
});
