import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO_EMAILS, periodIds } from "../helpers/actions";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  useBrowserTests,
} from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("Att göra for a department editor", () => {
  const e2e = useBrowserTests();

  const todoPage = () => e2e.livePageAs(DEMO_EMAILS.editor, "/att-gora");

  /** The action cards, in the order shown. */
  const cards = (page: Page) =>
    page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  const cardTitles = (page: Page) =>
    cards(page).getByRole("heading", { level: 3 }).allTextContents();
  const announcement = (page: Page) => page.getByTestId("todo-announcement");

  async function fillReport(card: Locator, assessment: string, comment: string) {
    await card.getByLabel(assessment).check();
    await card.locator('[name="comment"]').fill(comment);
  }

  async function followUp(title: string) {
    const db = e2e.server.database.db;
    const periodId = (await periodIds(db, e2e.server.organisationId))["T3 2020"];
    return db
      .selectFrom("follow_ups")
      .innerJoin("actions", "actions.id", "follow_ups.action_id")
      .select(["follow_ups.assessment", "follow_ups.comment", "actions.status", "actions.progress"])
      .where("actions.title", "=", title)
      .where("follow_ups.period_id", "=", periodId)
      .executeTakeFirst();
  }

  it("explains the scale once, shows every card's due date and names what is missing", async () => {
    const page = await todoPage();
    const scale = page.locator("details", { hasText: "Så används bedömningsskalan" });
    expect(await scale.count()).toBe(1);
    await scale.getByText("Så används bedömningsskalan").click();
    for (const word of ["Enligt plan", "Risk för avvikelse", "Avvikelse", "Ej bedömd"])
      await scale.locator("dt", { hasText: new RegExp(`(^|\\s)${word}$`) }).waitFor();

    const titles = await cardTitles(page);
    expect(titles.length).toBeGreaterThanOrEqual(4);
    for (const card of await cards(page).all())
      expect(await card.getByTestId("due-date").textContent()).toMatch(/\d{4}-\d{2}-\d{2}|Inget/);
    const overdue = cards(page).filter({ hasText: "Stödsamtal med biståndsbeslut" });
    await overdue.getByText("Försenad – skulle vara klar 2020-06-30").waitFor();
    // A department editor may not move a due date (the working group may).
    expect(await page.locator('[name="dueDate"]').count()).toBe(0);

    const missing = page.getByRole("list", { name: /saknar bedömning/ });
    const links = await missing.getByRole("link").all();
    expect(links.length).toBe(titles.length);
    for (const link of links) {
      const target = (await link.getAttribute("href")) ?? "";
      expect(target).toMatch(/^#action-/);
      expect(await page.locator(`${target} h3`).textContent()).toBe(await link.textContent());
    }
    await links[2].click();
    expect(new URL(page.url()).hash).toBe(await links[2].getAttribute("href"));
    await expectAccessible(page);
  });

  it("keeps a saved card in its place with focus in it, and says so in a live region", async () => {
    const page = await todoPage();
    const before = await cardTitles(page);
    const card = cards(page).nth(1);
    const title = before[1];
    await fillReport(card, "Enligt plan", "Arbetet går enligt plan.");
    await card.getByRole("button", { name: /^Spara/ }).focus();
    const scrolled = await page.evaluate(() => window.scrollY);
    const place = (await card.boundingBox())?.y;
    await page.keyboard.press("Enter");

    await announcement(page).getByText(`Sparat: ${title}.`).waitFor();
    expect(await cardTitles(page)).toEqual(before);
    expect(
      await page.evaluate(
        () => document.activeElement?.closest("li")?.querySelector("h3")?.textContent,
      ),
    ).toBe(title);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect((await card.boundingBox())?.y).toBe(place);
    await card.getByText("Sparat.").waitFor();
    expect(await followUp(title)).toMatchObject({ assessment: "on_track" });
    // It no longer counts as missing.
    const missing = page.getByRole("list", { name: /saknar bedömning/ });
    await missing
      .getByRole("link")
      .nth(before.length - 2)
      .waitFor();
    expect(await missing.getByRole("link", { name: title }).count()).toBe(0);
    await expectAccessible(page);
  });

  it("saves every changed card with one button, or none of them when one is wrong", async () => {
    const page = await todoPage();
    const titles = await cardTitles(page);
    const saveAll = page.getByRole("button", { name: "Spara alla ändrade" });

    // One valid, one without its comment: nothing is saved, the error is on its own card.
    await fillReport(cards(page).nth(2), "Risk för avvikelse", "Rekryteringen dröjer.");
    await cards(page).nth(3).getByLabel("Avvikelse", { exact: true }).check();
    await saveAll.click();
    await page
      .getByText(/Inget sparades/)
      .first()
      .waitFor();
    await cards(page).nth(3).getByText("Skriv en kommentar till bedömningen.").first().waitFor();
    expect(await cards(page).nth(2).locator(".field-error").count()).toBe(0);
    expect(await followUp(titles[2])).toBeUndefined();
    expect(await followUp(titles[3])).toBeUndefined();
    await expectAccessible(page);

    // Mended: both are saved together, each still in its place.
    await cards(page).nth(3).locator('[name="comment"]').fill("Polisens omorganisation.");
    await saveAll.click();
    await announcement(page).getByText("2 åtgärder sparade.").waitFor();
    expect(await cardTitles(page)).toEqual(titles);
    expect(await followUp(titles[2])).toMatchObject({ assessment: "at_risk" });
    expect(await followUp(titles[3])).toMatchObject({ assessment: "off_track" });
    await expectAccessible(page);
  });

  it("asks about 'Ej påbörjad' with 50 % and saves once the editor confirms", async () => {
    const page = await todoPage();
    // The first card: the ones after it were saved by the tests above.
    const card = cards(page).nth(0);
    const title = (await cardTitles(page))[0];
    await card.locator('[name="status"]').selectOption("not_started");
    await card.locator('[name="progress"]').fill("50");
    await fillReport(card, "Enligt plan", "Förberedelserna är gjorda.");
    await card.getByRole("button", { name: /^Spara/ }).click();

    const confirm = card.getByRole("checkbox", { name: /spara ändå/ });
    await confirm.waitFor();
    await card.getByRole("alert").filter({ hasText: "Ej påbörjad" }).waitFor();
    expect(await followUp(title)).toBeUndefined();
    await expectAccessible(page);

    await confirm.check();
    await card.getByRole("button", { name: /^Spara/ }).click();
    await announcement(page).getByText(`Sparat: ${title}.`).waitFor();
    expect(await followUp(title)).toMatchObject({ status: "not_started", progress: 50 });
  });

  it("without JavaScript a save lands back on the card's anchor", async () => {
    const context = await e2e.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await logInAs(page, e2e.server.url, DEMO_EMAILS.editor);
      await page.goto(`${e2e.server.url}/att-gora`);
      const card = cards(page).nth(1);
      const id = await card.getAttribute("id");
      await fillReport(card, "Enligt plan", "Utan skript.");
      await card.getByRole("button", { name: /^Spara/ }).click();
      await page.waitForURL((url) => url.hash === `#${id}`);
      await cards(page).nth(1).getByText("Sparat.").waitFor();
    } finally {
      await context.close();
    }
  });
});
