import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  onlineUser,
  useBrowserTests,
} from "../helpers/browser";

const FOLD = 768;

async function bottomOf(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("not rendered");
  return box.y + box.height;
}

/** The kommunchef's 10-second check on a laptop: 1366 × 768, demo data. */
describe.skipIf(!browserTestsEnabled())("Översikt at 1366 × 768", () => {
  const e2e = useBrowserTests();
  let page: Page;

  beforeAll(async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1366, height: FOLD } });
    page = await context.newPage();
    await logInAs(page, e2e.server.url, "kommunchef@kommun.test");
    await page.goto(`${e2e.server.url}/`);
    await onlineUser(page, "Johan Ek").waitFor();
  });
  afterAll(() => page?.context().close());

  it("shows every goal's roll-up and every department's report state above the fold", async () => {
    const goals = page.getByTestId("glance-goals").getByRole("listitem");
    await expect(goals.count()).resolves.toBe(4);
    for (const goal of await goals.all()) {
      await expect(goal.textContent()).resolves.toMatch(/Mål \d.*\d+ av \d+ bedömda/);
      expect(await bottomOf(goal)).toBeLessThanOrEqual(FOLD);
    }
    const departments = page.getByTestId("glance-reports").getByRole("listitem");
    await expect(departments.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Barn och utbildning.*(Klarmarkerad|Ej klarmarkerad|Försenad)/),
      expect.stringMatching(/^Kommunledning/),
      expect.stringMatching(/^Kultur och teknik/),
      expect.stringMatching(/^Socialtjänst/),
    ]);
    for (const department of await departments.all())
      expect(await bottomOf(department)).toBeLessThanOrEqual(FOLD);
    await expect(
      page.getByRole("heading", { name: "Sedan ditt senaste besök" }).isVisible(),
    ).resolves.toBe(true);
    expect(
      await bottomOf(page.getByRole("heading", { name: "Sedan ditt senaste besök" })),
    ).toBeLessThanOrEqual(FOLD);
  });

  it("puts the check before the filters and the trend charts", async () => {
    const lastDepartment = page.getByTestId("glance-reports").getByRole("listitem").last();
    const filters = page.getByRole("form", { name: "Filtrera översikten" });
    const trend = page.getByRole("heading", { name: "Bedömningar över tid" });
    const filtersTop = (await filters.boundingBox())!.y;
    expect(await bottomOf(lastDepartment)).toBeLessThan(filtersTop);
    expect((await trend.boundingBox())!.y).toBeGreaterThan(filtersTop);
  });

  it("labels the trend charts' axes, gives a legend in words and a text alternative", async () => {
    // Shape and word for each colour.
    await expect(
      page.getByTestId("trend-legend").getByRole("listitem").allTextContents(),
    ).resolves.toEqual(["● Enligt plan", "▲ Risk för avvikelse", "■ Avvikelse", "○ Ej bedömd"]);
    for (const goal of [1, 2, 3, 4]) {
      const chart = page.getByRole("img", { name: new RegExp(`^Mål ${goal}: `) });
      await expect(chart.count()).resolves.toBe(1);
      const figure = page.getByRole("figure").filter({ has: chart });
      for (const axis of ["Antal åtgärder", "Period"]) {
        const label = figure.getByText(axis, { exact: true }).filter({ visible: true });
        await expect(label.count()).resolves.toBe(1);
      }
      // The numbers behind the bars, as a table (shown on request).
      await expect(figure.getByRole("table", { includeHidden: true }).count()).resolves.toBe(1);
    }
  });

  it("is accessible", async () => {
    await expectAccessible(page);
  });
});
