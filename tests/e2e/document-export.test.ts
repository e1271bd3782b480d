import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  useBrowserTests,
} from "../helpers/browser";

const TITLE = "Samverkan skola–socialtjänst vid oro för barn";

describe.skipIf(!browserTestsEnabled())("a document leaves the portal", () => {
  const e2e = useBrowserTests();

  it("a member sets the front matter, downloads Word and PDF, and the page prints as the document alone", async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await logInAs(page, e2e.server.url, "arbetsgrupp@kommun.test");
    await page.goto(`${e2e.server.url}/dokument`);
    await page.getByRole("link", { name: TITLE }).click();
    await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();

    await page.getByLabel("Diarienummer").fill("KS 2026/117");
    await page.getByLabel("Dokumenttyp").fill("Samverkansform");
    await page.getByRole("button", { name: "Spara uppgifterna" }).click();
    await page.getByText("Uppgifterna är sparade.").waitFor();
    await page.getByTestId("front-matter").getByText("KS 2026/117").waitFor();
    await expectAccessible(page);

    const downloads = page.getByRole("region", { name: "Ladda ner" });
    // Comments go along when asked for; the file is the same kind either way.
    await downloads.getByRole("checkbox", { name: "Med kommentarer" }).check();
    for (const [button, extension, magic] of [
      ["Word (.docx)", "docx", "PK"],
      ["PDF", "pdf", "%PDF"],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        downloads.getByRole("button", { name: button }).click(),
      ]);
      expect(download.url()).toContain("comments=true");
      expect(download.suggestedFilename()).toMatch(
        new RegExp(
          `^Samverkan-skola–socialtjänst-vid-oro-för-barn-\\d{4}-\\d{2}-\\d{2}\\.${extension}$`,
        ),
      );
      const bytes = await readFile(await download.path());
      expect(bytes.subarray(0, magic.length).toString("latin1")).toBe(magic);
    }

    // On paper: the front matter, the title and the text; no navigation, notices, rail or toolbar.
    await page.emulateMedia({ media: "print" });
    for (const hidden of [
      ".top-bar",
      ".site-footer",
      ".back-link",
      ".notice",
      ".document-rail",
      ".editor-toolbar-wrap",
    ])
      await expect(page.locator(hidden).first().isVisible(), hidden).resolves.toBe(false);
    for (const shown of [
      page.getByRole("heading", { level: 1, name: TITLE }),
      page.getByTestId("front-matter"),
      page.locator(".editor-input"),
    ])
      await expect(shown.isVisible()).resolves.toBe(true);
    await page.emulateMedia({ media: "screen" });
    await expect(page.locator(".document-rail").isVisible()).resolves.toBe(true);
    await context.close();
  });
});
