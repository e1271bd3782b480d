import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserTestsEnabled, expectAccessible, useBrowserTests } from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("search", () => {
  const e2e = useBrowserTests();
  let page: Page;
  beforeAll(async () => {
    ({ page } = await e2e.signedIn("skola@kommun.test"));
  });

  it("searches from the header and shows ranked results with marked matches", async () => {
    const field = page
      .getByRole("search", { name: "Sök i Samverkan" })
      .getByRole("searchbox", { name: "Sök" });
    await field.fill("skolans");
    await field.press("Enter");
    await page.waitForURL((url) => url.pathname === "/sok" && url.search === "?q=skolans");
    await page.getByRole("heading", { level: 1, name: "Sök" }).waitFor();
    await expect(page.title()).resolves.toBe("Sök – Samverkan");
    await expect(page.locator(".search-count").textContent()).resolves.toMatch(/^\d+ träffar$/);
    const results = page.locator(".search-results > li");
    expect(await results.count()).toBeGreaterThan(1);
    const marks = await page.locator(".search-results mark").allTextContents();
    expect(marks.map((m) => m.toLowerCase())).toEqual(
      expect.arrayContaining(["skola", "skolan", "skolans"]),
    );
    // The query is kept in the page's own field.
    await expect(page.getByRole("searchbox", { name: "Sökord" }).inputValue()).resolves.toBe(
      "skolans",
    );
    await expectAccessible(page);

    // A kind filter keeps the query.
    await page
      .getByRole("navigation", { name: "Visa träffar bland" })
      .getByRole("link", { name: "Dokument" })
      .click();
    await page.waitForURL((url) => url.searchParams.get("typ") === "dokument");
    expect(new URL(page.url()).searchParams.get("q")).toBe("skolans");
    // The address changes as the navigation commits; the list may render a moment later.
    await expect
      .poll(
        async () => new Set(await page.locator(".search-results .search-kind").allTextContents()),
      )
      .toEqual(new Set(["Dokument"]));
  });

  it("shows an accessible empty state", async () => {
    const field = page.getByRole("searchbox", { name: "Sökord" });
    await field.fill("kvinnofridsstafetten");
    await field.press("Enter");
    await page.getByText("Inga träffar för ”kvinnofridsstafetten”.").waitFor();
    await page.getByRole("link", { name: "Sök bland alla typer" }).waitFor();
    await expectAccessible(page);
  });

  it("explains an empty query at the field, with an error summary, accessibly", async () => {
    await page.getByRole("searchbox", { name: "Sökord" }).fill("");
    await page
      .getByRole("search", { name: "Sök", exact: true })
      .getByRole("button", { name: "Sök" })
      .click();
    const summary = page.getByRole("alert");
    await summary.getByText("Sökord: Skriv vad du vill söka efter.").waitFor();
    await expect(
      page.getByRole("searchbox", { name: "Sökord" }).getAttribute("aria-invalid"),
    ).resolves.toBe("true");
    await expectAccessible(page);
  });
});
