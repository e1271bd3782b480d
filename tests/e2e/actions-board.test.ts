import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  useBrowserTests,
} from "../helpers/browser";

const column = (page: Page, status: string) =>
  page.locator(`section[aria-labelledby="column-${status}"]`);

describe.skipIf(!browserTestsEnabled())("Åtgärder: list, board, new action, import", () => {
  const e2e = useBrowserTests();

  it("moves a card to another column with the keyboard only", async () => {
    const { context, page } = await e2e.signedIn("arbetsgrupp@kommun.test");
    await page.goto(`${e2e.server.url}/atgarder?vy=tavla`);
    await expectAccessible(page);
    const card = column(page, "overdue").locator("article.board-card").first();
    const cardId = (await card.getAttribute("id")) ?? "";
    const actionId = cardId.replace(/^card-/, "");

    // From the card's title, Tab to its "Flytta till…", pick Genomförd by typing, Tab, Enter.
    await card.getByRole("link").focus();
    for (let i = 0; i < 5; i++) {
      if ((await page.evaluate(() => document.activeElement?.id)) === `move-${actionId}`) break;
      await page.keyboard.press("Tab");
    }
    const select = page.locator(`#move-${actionId}`);
    await expect(select.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press("G");
    await expect(select.inputValue()).resolves.toBe("done");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");

    await column(page, "done").locator(`#${cardId}`).waitFor();
    await expect(column(page, "overdue").locator(`#${cardId}`).count()).resolves.toBe(0);
    expect(new URL(page.url()).searchParams.get("flyttad")).toBe(actionId);
    await page.waitForFunction((id) => document.activeElement?.id === id, cardId);
    await expect(
      page.getByRole("status").filter({ hasText: "har flyttats till Genomförd" }).count(),
    ).resolves.toBe(1);
    await expectAccessible(page);
    await context.close();
  });

  it("moves a card by drag and drop, and Försenad takes no drops", async () => {
    // Tall enough that source and target are both on screen while dragging.
    const context = await e2e.browser.newContext({ viewport: { width: 1400, height: 3000 } });
    const page = await context.newPage();
    await logInAs(page, e2e.server.url, "admin@kommun.test");
    await page.goto(`${e2e.server.url}/atgarder?vy=tavla`);
    const top = { x: 40, y: 40 };
    const card = column(page, "overdue").locator("article.board-card").first();
    const cardId = (await card.getAttribute("id")) ?? "";
    await card.dragTo(column(page, "cancelled"), { sourcePosition: top, targetPosition: top });
    await column(page, "cancelled").locator(`#${cardId}`).waitFor();

    const done = column(page, "done").locator("article.board-card").first();
    const doneId = (await done.getAttribute("id")) ?? "";
    const before = page.url();
    await done.dragTo(column(page, "overdue"), { sourcePosition: top, targetPosition: top });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    await expect(column(page, "done").locator(`#${doneId}`).count()).resolves.toBe(1);
    await context.close();
  });

  it("filters the list, keeps the filter in the URL and across views", async () => {
    const { context, page } = await e2e.signedIn("kommunchef@kommun.test");
    await page.goto(`${e2e.server.url}/atgarder`);
    await expectAccessible(page);
    const rows = page.locator("table tbody tr");
    const total = await rows.count();
    expect(total).toBeGreaterThan(10);
    // The kommunchef may read and export, not create or import.
    await expect(page.getByRole("link", { name: "Ny åtgärd" }).count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "Exportera CSV" }).count()).resolves.toBe(1);

    await page.getByLabel("Ansvarig förvaltning").selectOption({ label: "Socialtjänst" });
    await page.getByLabel("Bara försenade").check();
    await page.getByRole("button", { name: "Filtrera" }).click();
    await page.waitForURL((url) => url.searchParams.get("overdue") === "true");
    await page.getByRole("link", { name: "Rensa filter" }).waitFor();
    const url = new URL(page.url());
    expect(url.searchParams.get("departmentId")).toMatch(/^[0-9a-f-]{36}$/);
    const filtered = await rows.count();
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(total);
    for (const text of await rows.locator("td:nth-child(3)").allInnerTexts())
      expect(text).toBe("Socialtjänst");
    for (const text of await rows.locator("td:nth-child(6)").allInnerTexts())
      expect(text).toContain("Försenad");
    await expect(
      page.getByRole("link", { name: "Exportera CSV" }).getAttribute("href"),
    ).resolves.toContain(`departmentId=${url.searchParams.get("departmentId")}`);

    // Sorting keeps the filter; a second click reverses the order.
    await page.getByRole("link", { name: "Titel", exact: true }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: "Titel" }).waitFor();
    expect(new URL(page.url()).searchParams.get("sort")).toBe("title");
    expect(new URL(page.url()).searchParams.get("departmentId")).toBe(
      url.searchParams.get("departmentId"),
    );
    await page.getByRole("link", { name: /^Titel/ }).click();
    await page.locator('th[aria-sort="descending"]', { hasText: "Titel" }).waitFor();
    expect(new URL(page.url()).searchParams.get("dir")).toBe("desc");

    await page.getByRole("link", { name: "Tavla" }).click();
    await page.waitForURL((u) => u.searchParams.get("vy") === "tavla");
    await page.locator(".board").waitFor();
    expect(new URL(page.url()).searchParams.get("departmentId")).toBe(
      url.searchParams.get("departmentId"),
    );
    await expect(page.locator("article.board-card").count()).resolves.toBe(filtered);
    await expect(page.locator(".move-form").count()).resolves.toBe(0);
    await expectAccessible(page);

    await page.getByRole("link", { name: "Rensa filter" }).click();
    await page.getByRole("link", { name: "Rensa filter" }).waitFor({ state: "detached" });
    expect(new URL(page.url()).searchParams.has("departmentId")).toBe(false);
    await expect(page.getByLabel("Ansvarig förvaltning").inputValue()).resolves.toBe("");
    await context.close();
  });

  it("shows another person's move live, without a reload, keeping what the viewer typed", async () => {
    const chief = await e2e.signedIn("kommunchef@kommun.test");
    await chief.page.goto(`${e2e.server.url}/atgarder?vy=tavla`);
    await chief.page.getByTestId("online-users").waitFor();
    await chief.page.getByLabel("Fritext").fill("halvskriven sökning");
    await chief.page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const editor = await e2e.signedIn("socialtjanst@kommun.test");
    await editor.page.goto(`${e2e.server.url}/atgarder?vy=tavla`);
    const card = column(editor.page, "overdue")
      .locator("article.board-card:has(.move-form)")
      .first();
    const cardId = (await card.getAttribute("id")) ?? "";
    await card.getByLabel(/^Flytta till…/).selectOption("done");
    await card.getByRole("button", { name: /^Flytta/ }).click();
    await column(editor.page, "done").locator(`#${cardId}`).waitFor();

    await column(chief.page, "done").locator(`#${cardId}`).waitFor({ timeout: 3000 });
    await chief.page
      .getByRole("status")
      .filter({ hasText: "Uppdaterad av Karin Nilsson just nu." })
      .waitFor();
    await expect(
      chief.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).resolves.toBe(true);
    await expect(chief.page.getByLabel("Fritext").inputValue()).resolves.toBe(
      "halvskriven sökning",
    );
    await chief.context.close();
    await editor.context.close();
  });

  it("the new-action form is accessible, also with its errors shown", async () => {
    const { context, page } = await e2e.signedIn("arbetsgrupp@kommun.test");
    await page.goto(`${e2e.server.url}/atgarder`);
    await page.getByRole("link", { name: "Ny åtgärd" }).click();
    await page.getByRole("heading", { level: 1, name: "Ny åtgärd" }).waitFor();
    await expect(page.title()).resolves.toBe("Ny åtgärd – Samverkan");
    await expectAccessible(page);

    await page.getByLabel("Titel").fill("Utbildning för förskolans personal");
    await page.getByLabel("Beskrivning").fill("Kontakt: 19121212-1212");
    await page.getByLabel("Slutdatum").fill("2017-10-12");
    await page.getByRole("button", { name: "Skapa åtgärd" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "Det finns fel i formuläret" });
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain("Mål: Välj ett mål ur listan.");
    await expect(page.getByLabel("Titel").inputValue()).resolves.toBe(
      "Utbildning för förskolans personal",
    );
    await expect(page.getByLabel("Slutdatum").inputValue()).resolves.toBe("2017-10-12");
    await expectAccessible(page);

    // With the choices made, the domain's personnummer check answers at the description.
    await page.getByLabel("Mål", { exact: true }).selectOption({ index: 2 });
    await page.getByLabel("Ansvarig förvaltning").selectOption({ label: "Barn och utbildning" });
    await page.getByRole("button", { name: "Skapa åtgärd" }).click();
    await page.locator("#description-error").waitFor();
    await expect(page.locator("#description-error").textContent()).resolves.toContain(
      "personnummer",
    );
    await expect(page.getByLabel("Beskrivning").inputValue()).resolves.toBe(
      "Kontakt: 19121212-1212",
    );
    await expectAccessible(page);
    await context.close();
  });

  it("the import page is accessible, also with a preview that has errors", async () => {
    const { context, page } = await e2e.signedIn("admin@kommun.test");
    await page.goto(`${e2e.server.url}/atgarder/import`);
    await expectAccessible(page);
    await page.getByLabel("CSV-fil").setInputFiles({
      name: "atgarder.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "Titel;Mål;Ansvarig förvaltning;Slutdatum\r\nBra;1;Socialtjänst;2027-01-31\r\nFel;7;Okänd;31/1\r\n",
      ),
    });
    await page.getByRole("button", { name: "Förhandsgranska" }).click();
    await page.getByText("1 rad har fel.").waitFor();
    await expect(page.locator("#rad-3-goalId").textContent()).resolves.toContain(
      "Välj ett mål ur listan.",
    );
    await expect(page.getByRole("button", { name: /^Importera/ }).count()).resolves.toBe(0);
    await expectAccessible(page);
    await context.close();
  });
});
