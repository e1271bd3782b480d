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
const TITLE = "Yttrande om färdtjänst";
const TEXT = "Kommunen tillstyrker förslaget med förbehåll.";

const rail = (page: Page) => page.getByTestId("suggestions-rail");
const items = (page: Page) => rail(page).getByTestId("suggestion-item");
/**
 * The text marked in the editor, by kind (the CSS Custom Highlights the editor keeps), without
 * the space at its ends: Lexical may name the space typed first or the one already there.
 */
const marked = (page: Page, kind: "insert" | "delete") =>
  page.evaluate(
    (name) =>
      [...(CSS.highlights.get(name) ?? [])]
        .map((range) => (range as Range).toString())
        .join("")
        .trim(),
    kind === "insert" ? "samverkan-suggested-insertion" : "samverkan-suggested-deletion",
  );

describe.skipIf(!browserTestsEnabled())("suggested changes in a document", () => {
  const e2e = useBrowserTests();

  it("B suggests an insertion and a deletion, A sees them live, accepts one and rejects the other; both converge", async () => {
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

    // B switches to Föreslå ändringar: the button says it is on, and so does the toolbar.
    const toggle = b.page.getByRole("button", { name: "Föreslå ändringar" });
    await expect(toggle.getAttribute("aria-pressed")).resolves.toBe("false");
    await toggle.click();
    await expect(toggle.getAttribute("aria-pressed")).resolves.toBe("true");
    await b.page.getByText("Läge: Föreslår ändringar").waitFor();
    await expect(b.page.getByRole("button", { name: "Fetstil" }).isDisabled()).resolves.toBe(true);

    // B types after "förslaget" and deletes "med förbehåll" with Backspace.
    await selectInEditor(b.page, "förslaget");
    await b.page.keyboard.press("ArrowRight");
    await b.page.keyboard.type(" i sin helhet");
    await expect.poll(() => marked(b.page, "insert")).toBe("i sin helhet");
    await selectInEditor(b.page, "med förbehåll");
    await b.page.keyboard.press("Backspace");
    // A deletion only strikes the text through: nothing is gone yet.
    await expect.poll(() => marked(b.page, "delete")).toBe("med förbehåll");
    await expect
      .poll(() => editorB.textContent())
      .toBe("Kommunen tillstyrker förslaget i sin helhet med förbehåll.");
    // Enter is not a suggestion: refused with a message, the text unchanged.
    await b.page.keyboard.press("Enter");
    await b.page
      .getByTestId("suggestions-notice")
      .filter({ hasText: /nya stycken/ })
      .waitFor();
    await expect(editorB.locator("p").count()).resolves.toBe(1);
    await b.page
      .getByTestId("save-indicator")
      .filter({ hasText: /Sparat/ })
      .waitFor();

    // A sees both live, marked in the text, and listed in the rail with who and when.
    await expect.poll(() => marked(a.page, "insert")).toBe("i sin helhet");
    await expect.poll(() => marked(a.page, "delete")).toBe("med förbehåll");
    await expect.poll(() => items(a.page).count()).toBe(2);
    await expect
      .poll(() => items(a.page).first().textContent())
      .toMatch(/Anna Berg.*\d{4}-\d\d-\d\d \d\d:\d\d/);
    await expectAccessible(a.page);

    // A accepts the insertion and rejects the deletion.
    await rail(a.page)
      .getByRole("button", { name: /^Godkänn förslaget ”\s*i sin helhet\s*”$/ })
      .click();
    await rail(a.page).getByRole("button", { name: "Avvisa förslaget ”med förbehåll”" }).click();
    const final = "Kommunen tillstyrker förslaget i sin helhet med förbehåll.";
    for (const page of [a.page, b.page]) {
      await rail(page).getByText("Inga öppna ändringsförslag.").waitFor();
      await expect.poll(() => marked(page, "insert")).toBe("");
      await expect.poll(() => marked(page, "delete")).toBe("");
    }
    await expect.poll(() => editorA.textContent()).toBe(final);
    await expect.poll(() => editorB.textContent()).toBe(final);
    await a.page
      .getByTestId("save-indicator")
      .filter({ hasText: /Sparat/ })
      .waitFor();
    await expectAccessible(b.page);
  });
});
