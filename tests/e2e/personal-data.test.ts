import { afterAll, describe, expect, it } from "vitest";
import { browserTestsEnabled, logInAs, useBrowserTests } from "../helpers/browser";
import { storedPlaces } from "../helpers/stored-bytes";

const NUMBER = "811218-9876";
const NUMBER_FORMS = [NUMBER, "8112189876", "19811218-9876", "198112189876"];

describe.skipIf(!browserTestsEnabled())("an identity number in a co-edited document", () => {
  const e2e = useBrowserTests();
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close().catch(() => {});
  });

  it("is not applied when typed digit by digit or pasted, says why at the caret, and is stored nowhere", async () => {
    const context = await e2e.browser.newContext();
    closers.push(() => context.close());
    const page = await context.newPage();
    await logInAs(page, e2e.server.url, "arbetsgrupp@kommun.test");
    const title = "Anteckningar från samverkansmötet";
    await page.goto(`${e2e.server.url}/dokument/ny`);
    await page.getByLabel("Titel").fill(title);
    await page.getByLabel("Typ").selectOption("ovrigt");
    await page.getByRole("button", { name: "Skapa dokument" }).click();
    const editor = page.getByRole("textbox", { name: title });
    await editor.waitFor({ state: "visible" });
    await editor.focus();

    await page.keyboard.type(`Lisa Andersson ${NUMBER} har skyddad identitet.`, { delay: 10 });
    const notice = page.getByTestId("personal-data-notice");
    await expect.poll(() => notice.textContent()).toContain("Beskriv situationen, inte personen");
    expect(await notice.getAttribute("aria-live")).toBe("polite");
    await expect.poll(() => editor.textContent()).toContain("811218-987 har skyddad identitet.");
    expect(await editor.textContent()).not.toContain(NUMBER);

    await page.keyboard.press("Enter");
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      const target = document.querySelector('[data-testid="document-editor"]');
      target?.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, `Inklistrat: ${NUMBER}`);
    await page.keyboard.type("Beskrivning av situationen.", { delay: 10 });
    await expect
      .poll(() => page.getByTestId("save-indicator").textContent(), { timeout: 10_000 })
      .toBe("✓ Sparat");
    expect(await editor.textContent()).not.toContain("Inklistrat");

    await page.reload();
    await editor.waitFor({ state: "visible" });
    expect(await editor.textContent()).not.toContain(NUMBER);
    // Every table, as text and with bytea decoded: the log, snapshots, versions, search.
    expect(await storedPlaces(e2e.server.database.db, NUMBER_FORMS)).toEqual([]);
  });
});
