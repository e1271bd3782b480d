import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  selectInEditor,
  useBrowserTests,
} from "../helpers/browser";

const A = { email: "admin@kommun.test", name: "Sara Lind" };
const B = { email: "arbetsgrupp@kommun.test", name: "Anna Berg" };
const TITLE = "Yttrande om skolskjuts";
const TEXT = "Kommunen tillstyrker förslaget med förbehåll.";

/** The text the page highlights as commented (the CSS Custom Highlight the editor keeps). */
const highlighted = (page: Page) =>
  page.evaluate(() =>
    [...(CSS.highlights.get("samverkan-comment") ?? [])]
      .map((range) => (range as Range).toString())
      .join(""),
  );

const rail = (page: Page) => page.locator(".document-comments");
const thread = (page: Page) => rail(page).getByTestId("comment-thread");

describe.skipIf(!browserTestsEnabled())("comments on a document's text", () => {
  const e2e = useBrowserTests();

  it("A comments on a passage, B sees it live and replies with an @-mention, the comment follows B's edit, A resolves it", async () => {
    const a = await e2e.signedIn(A.email);
    await a.page.goto(`${e2e.server.url}/dokument/ny`);
    await a.page.getByLabel("Titel").fill(TITLE);
    await a.page.getByLabel("Typ").selectOption("yttrande");
    await a.page.getByRole("button", { name: "Skapa dokument" }).click();
    const editorA = a.page.getByRole("textbox", { name: TITLE });
    await editorA.waitFor({ state: "visible" });
    await editorA.click();
    await a.page.keyboard.type(TEXT);
    await a.page
      .getByTestId("save-indicator")
      .filter({ hasText: /Sparat/ })
      .waitFor();

    const b = await e2e.signedIn(B.email);
    await b.page.goto(a.page.url());
    const editorB = b.page.getByRole("textbox", { name: TITLE });
    await editorB.waitFor({ state: "visible" });
    await expect.poll(() => editorB.textContent()).toBe(TEXT);

    // A selects a passage and comments with the keyboard shortcut.
    await selectInEditor(a.page, "tillstyrker förslaget");
    await a.page.keyboard.press("Control+Alt+M");
    const draft = a.page.getByTestId("comment-draft");
    await draft.getByText("tillstyrker förslaget").waitFor();
    await expect
      .poll(() => a.page.evaluate(() => document.activeElement?.tagName))
      .toBe("TEXTAREA");
    await a.page.keyboard.type("Stämmer detta med nämndens beslut?");
    await expectAccessible(a.page);
    await draft.getByRole("button", { name: "Spara kommentar" }).click();
    await thread(a.page).getByText("Stämmer detta med nämndens beslut?").waitFor();
    await expect.poll(() => highlighted(a.page)).toBe("tillstyrker förslaget");

    // B sees it live, with the passage highlighted in the text.
    await thread(b.page).getByText("Stämmer detta med nämndens beslut?").waitFor();
    await expect(thread(b.page).getByTestId("comment-quote").textContent()).resolves.toBe(
      "tillstyrker förslaget",
    );
    await expect.poll(() => highlighted(b.page)).toBe("tillstyrker förslaget");

    // B replies, mentioning A through the suggestions.
    const reply = thread(b.page).getByLabel("Svara");
    await reply.click();
    await b.page.keyboard.type("Ja, se bilagan. @Sar");
    await thread(b.page).getByRole("button", { name: "@Sara Lind" }).waitFor();
    await b.page.keyboard.press("ArrowDown");
    await b.page.keyboard.press("Enter");
    await expect.poll(() => reply.inputValue()).toBe("Ja, se bilagan. @Sara Lind ");
    await thread(b.page).getByRole("button", { name: "Skicka svar" }).click();
    await thread(a.page).getByText("Ja, se bilagan. @Sara Lind").waitFor();
    await thread(a.page).getByText("Nämner Sara Lind").waitFor();

    // B edits inside the passage: the comment stays on it, in both editors.
    await selectInEditor(b.page, "förslaget");
    await b.page.keyboard.press("ArrowLeft");
    await b.page.keyboard.type("hela ");
    await expect
      .poll(() => editorA.textContent())
      .toBe("Kommunen tillstyrker hela förslaget med förbehåll.");
    await expect.poll(() => highlighted(a.page)).toBe("tillstyrker hela förslaget");
    await expect.poll(() => highlighted(b.page)).toBe("tillstyrker hela förslaget");
    await b.page
      .getByTestId("save-indicator")
      .filter({ hasText: /Sparat/ })
      .waitFor();
    await b.page.reload();
    await expect(thread(b.page).getByTestId("comment-quote").textContent()).resolves.toBe(
      "tillstyrker hela förslaget",
    );

    // Keyboard: jump to the thread, then A resolves it; B sees it resolved live.
    await a.page.keyboard.press("Control+Alt+J");
    await expect
      .poll(() => a.page.evaluate(() => document.activeElement?.getAttribute("data-testid")))
      .toBe("comment-thread");
    await expectAccessible(a.page);
    await thread(a.page).getByRole("button", { name: "Markera som löst" }).click();
    await rail(b.page).getByText("0 öppna kommentarer").waitFor();
    await expect.poll(() => highlighted(b.page)).toBe("");
    await rail(b.page).getByRole("button", { name: "Visa 1 löst kommentar" }).click();
    await thread(b.page)
      .getByText(/Löst .* av Sara Lind/)
      .waitFor();
    await expectAccessible(b.page);
  });

  it("a selection-less Kommentera says what to do; the kommunchef comments in a read-only editor", async () => {
    const chief = await e2e.signedIn("kommunchef@kommun.test");
    const doc = await e2e.server.database.db
      .selectFrom("documents")
      .select("id")
      .where("title", "=", TITLE)
      .executeTakeFirstOrThrow();
    await chief.page.goto(`${e2e.server.url}/dokument/${doc.id}`);
    const editor = chief.page.getByRole("textbox", { name: TITLE });
    await editor.waitFor({ state: "visible" });
    await chief.page.getByRole("button", { name: "Kommentera" }).click();
    await rail(chief.page).getByText("Markera först den text du vill kommentera.").waitFor();
    await selectInEditor(chief.page, "förbehåll");
    await chief.page.getByRole("button", { name: "Kommentera" }).click();
    await chief.page.getByTestId("comment-draft").getByText("förbehåll").waitFor();
    await chief.page.keyboard.type("Vilket förbehåll?");
    await chief.page.getByRole("button", { name: "Spara kommentar" }).click();
    await thread(chief.page).getByText("Vilket förbehåll?").waitFor();
    await expect.poll(() => highlighted(chief.page)).toBe("förbehåll");
  });
});
