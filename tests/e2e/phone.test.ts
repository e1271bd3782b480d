import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_EMAILS, periodIds } from "../helpers/actions";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  onlineUser,
  useBrowserTests,
} from "../helpers/browser";

const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 320, height: 640 };
const SWIPE_CUE = "Svep för att se fler kolumner";

type Person = keyof typeof DEMO_EMAILS | "nobody";
const NAMES: Partial<Record<Person, string>> = {
  chief: "Johan Ek",
  editor: "Karin Nilsson",
  member: "Anna Berg",
  admin: "Sara Lind",
};

/** Browser contexts at one screen size, one per person, signed in on first use. */
function contextsAt(browser: () => Browser, baseUrl: () => string, viewport: typeof PHONE) {
  const open = new Map<Person, Promise<BrowserContext>>();
  const contextFor = (person: Person) => {
    let context = open.get(person);
    if (!context) {
      context = (async () => {
        const created = await browser().newContext({ viewport, isMobile: true, hasTouch: true });
        if (person !== "nobody") {
          const page = await created.newPage();
          await logInAs(page, baseUrl(), DEMO_EMAILS[person]);
          await page.close();
        }
        return created;
      })();
      open.set(person, context);
    }
    return context;
  };
  return {
    async page(person: Person, path: string): Promise<Page> {
      const page = await (await contextFor(person)).newPage();
      await page.goto(`${baseUrl()}${path}`);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      const name = NAMES[person];
      // The live list of people has arrived (it sits in the closed menu, so it is not visible).
      if (name) await onlineUser(page, name).waitFor({ state: "attached" });
      return page;
    },
    async close() {
      for (const context of open.values()) await (await context).close();
    },
  };
}

/** The page is no wider than the screen, and every table that is fits or scrolls on its own. */
async function expectNoSidewaysScrolling(page: Page) {
  // The screen's width, not innerWidth: a phone browser zooms out to fit a page that is too wide.
  const width = page.viewportSize()?.width ?? 0;
  const layout = await page.evaluate(
    ({ cue, width }) => {
      const problems: string[] = [];
      for (const table of document.querySelectorAll("table")) {
        const label = table.caption?.textContent?.trim() ?? table.className;
        let scroller: HTMLElement | null = table.parentElement;
        while (scroller && !["auto", "scroll"].includes(getComputedStyle(scroller).overflowX))
          scroller = scroller.parentElement;
        const overflowing = scroller ? scroller.scrollWidth > scroller.clientWidth : false;
        if (!scroller) {
          if (table.getBoundingClientRect().right > width) problems.push(`${label}: off screen`);
          continue;
        }
        const named =
          scroller.hasAttribute("aria-label") || scroller.hasAttribute("aria-labelledby");
        const region = scroller.getAttribute("role") === "region" || scroller.tagName === "SECTION";
        if (scroller.tabIndex !== 0 || !region || !named)
          problems.push(`${label}: its scrolling region is not a focusable, named region`);
        const container = scroller.parentElement;
        const shownCue = [...(container?.querySelectorAll<HTMLElement>(".scroll-cue") ?? [])].some(
          (element) => element.offsetParent !== null && element.textContent?.includes(cue),
        );
        if (overflowing && !shownCue) problems.push(`${label}: scrolls without "${cue}"`);
      }
      return { scrollWidth: document.documentElement.scrollWidth, problems };
    },
    { cue: SWIPE_CUE, width },
  );
  expect(layout.problems, page.url()).toEqual([]);
  expect(layout.scrollWidth, `${page.url()} is wider than the screen`).toBeLessThanOrEqual(width);
}

describe.skipIf(!browserTestsEnabled())("on a phone", () => {
  const e2e = useBrowserTests();
  const phone = contextsAt(
    () => e2e.browser,
    () => e2e.server.url,
    PHONE,
  );
  const smallPhone = contextsAt(
    () => e2e.browser,
    () => e2e.server.url,
    SMALL_PHONE,
  );
  const ids = { action: "", document: "", period: "", user: "", strategy: "" };

  beforeAll(async () => {
    const { db } = e2e.server.database;
    const organisation = e2e.server.organisationId;
    const first = (table: "actions" | "documents" | "strategies") =>
      db
        .selectFrom(table)
        .select("id")
        .where("organisation_id", "=", organisation)
        .orderBy("created_at")
        .executeTakeFirstOrThrow();
    ids.action = (await first("actions")).id;
    ids.document = (await first("documents")).id;
    ids.strategy = (await first("strategies")).id;
    ids.period = (await periodIds(db, organisation))["T3 2020"] ?? "";
    ids.user = (
      await db
        .selectFrom("users")
        .select("id")
        .where("email", "=", DEMO_EMAILS.editor)
        .executeTakeFirstOrThrow()
    ).id;
  });

  afterAll(async () => {
    await phone.close();
    await smallPhone.close();
  });

  /** Every page, as the person who uses it; `{name}` stands for a demo row's id. */
  const PAGES: [Person, string][] = [
    ["nobody", "/login"],
    ["nobody", "/tillganglighet"],
    ["chief", "/"],
    ["chief", "/atgarder"],
    ["chief", "/atgarder?vy=tavla"],
    ["chief", "/atgarder/{action}"],
    ["editor", "/att-gora"],
    ["editor", "/atgarder/{action}"],
    ["chief", "/rapporter"],
    ["chief", "/rapporter/{period}"],
    ["member", "/dokument"],
    ["member", "/dokument/{document}"],
    ["member", "/dokument/ny"],
    ["member", "/atgarder/ny"],
    ["member", "/atgarder/import"],
    ["member", "/sok?q=v%C3%A5ld"],
    ["member", "/installningar"],
    ["member", "/installningar/api-nycklar"],
    ["admin", "/admin/anvandare"],
    ["admin", "/admin/anvandare/{user}"],
    ["admin", "/admin/anvandare/ny"],
    ["admin", "/admin/forvaltningar"],
    ["admin", "/admin/strategier"],
    ["admin", "/admin/strategier/{strategy}"],
    ["admin", "/admin/personuppgifter"],
  ];
  const at = (path: string) =>
    path.replace(/\{(\w+)\}/, (_match, name: keyof typeof ids) => ids[name]);

  it.each(PAGES)(
    "at 390 × 844, as %s, %s fits the screen, its tables scroll on their own, and axe is clean",
    async (person, path) => {
      const page = await phone.page(person, at(path));
      await expectNoSidewaysScrolling(page);
      await expectAccessible(page);
      await page.close();
    },
  );

  it.each(PAGES)("at 320 px, as %s, %s still fits the screen", async (person, path) => {
    const page = await smallPhone.page(person, at(path));
    await expectNoSidewaysScrolling(page);
    await page.close();
  });

  it("a report's wide table scrolls in its own region, reachable by keyboard, with the swipe cue", async () => {
    const page = await phone.page("chief", `/rapporter/${ids.period}`);
    const region = page.getByRole("region", { name: /^Åtgärder för Mål 1/ });
    await region.focus();
    await expect(region.evaluate((element) => element === document.activeElement)).resolves.toBe(
      true,
    );
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => region.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
    await page.getByText(SWIPE_CUE).first().waitFor();
    await page.close();
  });

  it("the Meny button opens the menu, Att göra first for an editor, and every destination is on screen", async () => {
    const page = await phone.page("editor", "/");
    const menuButton = page.getByRole("button", { name: "Meny" });
    const nav = page.getByRole("navigation", { name: "Huvudmeny" });
    await expect(menuButton.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(nav.isVisible()).resolves.toBe(false);

    await menuButton.focus();
    await page.keyboard.press("Enter");
    await expect(menuButton.getAttribute("aria-expanded")).resolves.toBe("true");
    const links = nav.getByRole("link");
    await expect(links.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Att göra/),
      "Översikt",
      "Åtgärder",
      "Dokument",
      "Rapporter",
    ]);
    for (const link of await links.all()) {
      const box = await link.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    }
    await expect(page.getByRole("search").isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    await page.keyboard.press("Escape");
    await expect(menuButton.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(menuButton.evaluate((b) => b === document.activeElement)).resolves.toBe(true);

    await menuButton.click();
    await nav.getByRole("link", { name: "Rapporter" }).click();
    await page.getByRole("heading", { level: 1, name: "Lägesrapporter" }).waitFor();
    // The new page is not covered by the menu.
    await expect(menuButton.getAttribute("aria-expanded")).resolves.toBe("false");
    await page.close();
  });

  it("an admin reaches settings and every admin page through the menu", async () => {
    const page = await phone.page("admin", "/");
    await page.getByRole("button", { name: "Meny" }).click();
    await page.locator("summary", { hasText: "Sara Lind" }).click();
    for (const name of [
      "Inställningar",
      "API-nycklar",
      "Användare",
      "Förvaltningar",
      "Strategier och mål",
      "Personuppgifter att åtgärda",
    ]) {
      const box = await page.getByRole("link", { name, exact: true }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, name).toBe(true);
    }
    await expect(page.getByRole("button", { name: "Logga ut" }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  it.each([
    ["/atgarder", "chief", "main table a"],
    ["/dokument", "member", "main table a"],
    ["/", "chief", "main h2"],
  ] as const)(
    "%s shows content on the first screen, its filters behind a Filter button",
    async (path, person, content) => {
      const page = await phone.page(person, path);
      const filterButton = page.getByRole("button", { name: /^Filter/ });
      await expect(filterButton.getAttribute("aria-expanded")).resolves.toBe("false");
      const form = page.locator(`#${await filterButton.getAttribute("aria-controls")}`);
      await expect(form.isVisible()).resolves.toBe(false);
      const box = await page.locator(content).first().boundingBox();
      expect(box && box.y + box.height <= PHONE.height).toBe(true);

      await filterButton.click();
      await expect(filterButton.getAttribute("aria-expanded")).resolves.toBe("true");
      await expect(form.isVisible()).resolves.toBe(true);
      await page.close();
    },
  );
});
