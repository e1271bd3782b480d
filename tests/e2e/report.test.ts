import { readFile } from "node:fs/promises";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  useBrowserTests,
} from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("the period report in Chromium", () => {
  const e2e = useBrowserTests();

  it("the chief reviews, adopts and downloads the report as Word; every view is accessible", async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await logInAs(page, e2e.server.url, "kommunchef@kommun.test");

    await page.goto(`${e2e.server.url}/rapporter`);
    await page.getByRole("heading", { level: 1, name: "Lägesrapporter" }).waitFor();
    await expectAccessible(page);

    await page.getByRole("link", { name: "Lägesrapport T3 2018" }).click();
    await page.getByRole("heading", { level: 1, name: "Lägesrapport T3 2018" }).waitFor();
    await expect(page.title()).resolves.toBe("Lägesrapport T3 2018 – Samverkan");
    await page.getByRole("heading", { level: 2, name: /^Mål 1 – / }).waitFor();
    await expectAccessible(page);

    // On paper: no navigation, no download links, no adoption form.
    await page.emulateMedia({ media: "print" });
    for (const hidden of [".top-bar", ".report-downloads", "#faststall", ".site-footer"])
      await expect(page.locator(hidden).isVisible()).resolves.toBe(false);
    await expect(
      page.getByRole("heading", { level: 2, name: /^Mål 1 – / }).isVisible(),
    ).resolves.toBe(true);
    await page.emulateMedia({ media: "screen" });

    // Adopting without confirming the review is refused at the field.
    await page.getByRole("button", { name: "Fastställ rapporten" }).click();
    await page.getByRole("alert").getByText("Bekräfta att du har granskat rapporten.").waitFor();
    await expectAccessible(page);

    await page.getByLabel("Jag har granskat rapporten").check();
    await page.getByRole("button", { name: "Fastställ rapporten" }).click();
    await page.waitForURL(/fastst%C3%A4lld=|fastställd=/);
    await page.getByText("Rapporten är fastställd.").waitFor();
    await page
      .getByText(/Fastställd \d{4}-\d{2}-\d{2} av Johan Ek/)
      .first()
      .waitFor();
    await expectAccessible(page);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Word (.docx)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^Lägesrapport-T3-2018-fastställd-\d{4}-\d{2}-\d{2}\.docx$/,
    );
    const bytes = new Uint8Array(await readFile(await download.path()));
    expect(strFromU8(bytes.subarray(0, 2))).toBe("PK");
    const files = unzipSync(bytes);
    expect(files["[Content_Types].xml"]).toBeDefined();
    expect(strFromU8(files["word/document.xml"])).toContain("Lägesrapport T3 2018");
    await context.close();
  });

  it("an observer reads the adopted report, accessibly", async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await logInAs(page, e2e.server.url, "observator@kommun.test");
    await page.goto(`${e2e.server.url}/rapporter`);
    await page.getByRole("heading", { level: 1, name: "Lägesrapporter" }).waitFor();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Lägesrapport T3 2018" }).click();
    await page
      .getByText(/Fastställd \d{4}-\d{2}-\d{2} av Johan Ek/)
      .first()
      .waitFor();
    await expect(page.getByRole("button", { name: "Fastställ rapporten" }).count()).resolves.toBe(
      0,
    );
    await expectAccessible(page);
    await context.close();
  });
});
