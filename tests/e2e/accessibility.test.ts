import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  onlineUser,
  type SignedIn,
  useBrowserTests,
} from "../helpers/browser";

/** What every page must get right: axe-clean, exactly one h1 (the expected one), a full title. */
async function expectGoodPage(page: Page, h1: string) {
  const headings = page.getByRole("heading", { level: 1 });
  await headings.first().waitFor();
  await expect(headings.allTextContents()).resolves.toEqual([h1]);
  await expect(page.title()).resolves.toMatch(/^\S.* – Samverkan$/);
  await expectAccessible(page);
}

/** Signed-in pages: wait until the header's live list has arrived, so axe sees the final page. */
async function settled(page: Page, name: string) {
  await onlineUser(page, name).waitFor();
}

describe.skipIf(!browserTestsEnabled())("accessibility", () => {
  const e2e = useBrowserTests();
  let anonymous: BrowserContext;
  let member: SignedIn;
  let admin: SignedIn;
  let userId: string;
  let strategyId: string;

  beforeAll(async () => {
    anonymous = await e2e.browser.newContext();
    member = await e2e.signedIn("arbetsgrupp@kommun.test");
    admin = await e2e.signedIn("admin@kommun.test");
    const { db } = e2e.server.database;
    ({ id: userId } = await db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "socialtjanst@kommun.test")
      .executeTakeFirstOrThrow());
    ({ id: strategyId } = await db
      .selectFrom("strategies")
      .select("id")
      .where("organisation_id", "=", e2e.server.organisationId)
      .executeTakeFirstOrThrow());
  });

  describe("signed out", () => {
    it.each([
      ["/login", "Logga in", "Logga in – Samverkan"],
      ["/glomt-losenord", "Glömt lösenord", "Glömt lösenord – Samverkan"],
      ["/tillganglighet", "Tillgänglighetsredogörelse", "Tillgänglighetsredogörelse – Samverkan"],
      ["/finns-inte", "Sidan finns inte", "Sidan finns inte – Samverkan"],
    ])("%s", async (path, h1, title) => {
      const page = await anonymous.newPage();
      await page.goto(`${e2e.server.url}${path}`);
      await expectGoodPage(page, h1);
      await expect(page.title()).resolves.toBe(title);
      await page.close();
    });

    it("the page a password link opens, after Glömt lösenord sent it", async () => {
      const page = await anonymous.newPage();
      await page.goto(`${e2e.server.url}/glomt-losenord`);
      await page.getByLabel("E-postadress").fill("observator@kommun.test");
      await page.getByRole("button", { name: "Skicka länk" }).click();
      await page.getByText("Om adressen hör till ett konto i Samverkan har vi skickat").waitFor();
      await expectGoodPage(page, "Glömt lösenord");
      const mail = await e2e.server.database.db
        .selectFrom("mail_outbox")
        .select("text_body")
        .where("to_address", "=", "observator@kommun.test")
        .executeTakeFirstOrThrow();
      const link = /\/losenord\/[\w-]+/.exec(mail.text_body)?.[0];
      expect(link).toBeDefined();
      await page.goto(`${e2e.server.url}${link}`);
      await expectGoodPage(page, "Välj lösenord");
      await page.close();
    });

    it("the login page after a wrong password", async () => {
      const page = await anonymous.newPage();
      await page.goto(`${e2e.server.url}/login`);
      await page.getByLabel("E-postadress").fill("admin@kommun.test");
      await page.getByLabel("Lösenord").fill("fel-lösenord");
      await page.getByRole("button", { name: "Logga in" }).click();
      await page.getByRole("alert").getByText("Fel e-postadress eller lösenord.").waitFor();
      await expectGoodPage(page, "Logga in");
      await page.close();
    });

    it("the login page after submitting empty fields", async () => {
      const page = await anonymous.newPage();
      await page.goto(`${e2e.server.url}/login`);
      await page.getByRole("button", { name: "Logga in" }).click();
      await page.getByRole("alert").getByText("Det finns fel i formuläret").waitFor();
      await expectGoodPage(page, "Logga in");
      await page.close();
    });
  });

  describe("signed in as a working-group member", () => {
    it.each([
      ["/", "Översikt"],
      ["/installningar", "Inställningar"],
      ["/tillganglighet", "Tillgänglighetsredogörelse"],
      ["/finns-inte", "Sidan finns inte"],
      ["/admin/anvandare", "Du har inte behörighet"],
    ])("%s", async (path, h1) => {
      await member.page.goto(`${e2e.server.url}${path}`);
      await settled(member.page, "Anna Berg");
      await expectGoodPage(member.page, h1);
    });
  });

  describe("an action from a document", () => {
    it("“Skapa åtgärd från dokumentet” → save → each page links to the other, axe-clean", async () => {
      const title = "Samverkan skola–socialtjänst vid oro för barn";
      const { page } = member;
      const { id } = await e2e.server.database.db
        .selectFrom("documents")
        .select("id")
        .where("title", "=", title)
        .executeTakeFirstOrThrow();
      const editorReady = () => page.getByRole("textbox", { name: title }).waitFor();
      await page.goto(`${e2e.server.url}/dokument/${id}`);
      await settled(page, "Anna Berg");
      await editorReady();
      await page.getByRole("link", { name: "Skapa åtgärd från dokumentet" }).click();

      await page.getByRole("heading", { level: 1, name: "Ny åtgärd" }).waitFor();
      await expect(page.getByLabel("Från dokument").inputValue()).resolves.toBe(id);
      await expectGoodPage(page, "Ny åtgärd");
      await page.getByLabel("Titel").fill("Kontaktperson i socialtjänsten per skolområde");
      await page.getByLabel("Mål", { exact: true }).selectOption({ index: 2 });
      await page.getByLabel("Ansvarig förvaltning").selectOption({ label: "Socialtjänst" });
      await page.getByRole("button", { name: "Skapa åtgärd" }).click();

      const back = page.getByRole("link", { name: title });
      await page.getByText("Åtgärden är skapad.").waitFor();
      await expect(page.getByText("Från dokumentet:").textContent()).resolves.toBe(
        `Från dokumentet: ${title}`,
      );
      await expectGoodPage(page, "Kontaktperson i socialtjänsten per skolområde");
      await back.click();

      await editorReady();
      const listed = page.getByTestId("document-actions");
      await listed
        .getByRole("link", { name: "Kontaktperson i socialtjänsten per skolområde" })
        .waitFor();
      // The document's own headings start at h2: the title stays the page's one h1.
      await expectGoodPage(page, title);
    });
  });

  describe("signed in as admin", () => {
    it.each([
      ["/", "Översikt"],
      ["/admin/anvandare", "Användare"],
      ["/admin/anvandare/ny", "Ny användare"],
      ["/admin/forvaltningar", "Förvaltningar"],
      ["/admin/strategier", "Strategier och mål"],
      ["/admin/organisation", "Organisationens inställningar"],
      ["/admin/webhooks", "Webhooks"],
      ["/admin/utskick", "Utskick"],
      ["/finns-inte", "Sidan finns inte"],
    ])("%s", async (path, h1) => {
      await admin.page.goto(`${e2e.server.url}${path}`);
      await settled(admin.page, "Sara Lind");
      await expectGoodPage(admin.page, h1);
    });

    it("a user's edit page", async () => {
      await admin.page.goto(`${e2e.server.url}/admin/anvandare/${userId}`);
      await settled(admin.page, "Sara Lind");
      await expectGoodPage(admin.page, "Redigera Karin Nilsson");
      await expect(admin.page.title()).resolves.toBe("Redigera Karin Nilsson – Samverkan");
    });

    it("a strategy's edit page", async () => {
      await admin.page.goto(`${e2e.server.url}/admin/strategier/${strategyId}`);
      await settled(admin.page, "Sara Lind");
      await expectGoodPage(admin.page, "Länsstrategi Västernorrland 2017–2020");
    });

    it("Personuppgifter att åtgärda, listing a stored number", async () => {
      const { db } = e2e.server.database;
      const action = await db
        .selectFrom("actions")
        .select(["id", "description"])
        .where("organisation_id", "=", e2e.server.organisationId)
        .executeTakeFirstOrThrow();
      // Stored before the check existed: written straight into the database.
      await db
        .updateTable("actions")
        .set({ description: "Samtal med 811218\u20139876" })
        .where("id", "=", action.id)
        .execute();
      const { page } = admin;
      await page.goto(`${e2e.server.url}/admin/personuppgifter`);
      await settled(page, "Sara Lind");
      await page.getByRole("cell", { name: "Samtal med 811218-****" }).waitFor();
      await expectGoodPage(page, "Personuppgifter att åtgärda");
      await page.getByRole("button", { name: /Ta bort numret/ }).click();
      await page.getByText("Personnumret är borttaget ur texten och historiken.").waitFor();
      await expectGoodPage(page, "Personuppgifter att åtgärda");
      await db
        .updateTable("actions")
        .set({ description: action.description })
        .where("id", "=", action.id)
        .execute();
    });

    it("the new-user form with its errors shown", async () => {
      const { page } = admin;
      await page.goto(`${e2e.server.url}/admin/anvandare/ny`);
      await settled(page, "Sara Lind");
      await page.getByLabel("E-postadress").fill("inte-en-adress");
      await page.getByRole("button", { name: "Skapa användare" }).click();
      await page.getByRole("alert").getByText("Det finns fel i formuläret").waitFor();
      await page.locator(".field-error").first().waitFor();
      await expectGoodPage(page, "Ny användare");
    });

    it("the departments page with an error shown", async () => {
      const { page } = admin;
      await page.goto(`${e2e.server.url}/admin/forvaltningar`);
      await settled(page, "Sara Lind");
      await page.getByRole("button", { name: "Lägg till", exact: true }).click();
      await page.getByRole("alert").getByText("Det finns fel i formuläret").waitFor();
      await expectGoodPage(page, "Förvaltningar");
    });

    it("the webhooks page: the secret shown once, a webhook with its deliveries, then an error", async () => {
      const { page } = admin;
      await page.goto(`${e2e.server.url}/admin/webhooks`);
      await settled(page, "Sara Lind");
      await page.getByLabel("Adress (URL)").fill("http://127.0.0.1:9/hook");
      await page.getByRole("button", { name: "Lägg till webhook" }).click();
      await expect(page.getByLabel("Hemlighet", { exact: true }).inputValue()).resolves.toMatch(
        /^whsec_/,
      );
      await page.getByRole("button", { name: "Stäng av http://127.0.0.1:9/hook" }).waitFor();
      await expectGoodPage(page, "Webhooks");
      await page.getByLabel("Adress (URL)").fill("ftp://example.org/hook");
      await page.getByRole("button", { name: "Lägg till webhook" }).click();
      await page.getByRole("alert").getByText("Det finns fel i formuläret").waitFor();
      await expectGoodPage(page, "Webhooks");
    });
  });

  describe("keyboard", () => {
    it.each([
      ["signed out", "/login"],
      ["signed in", "/"],
    ])(
      "%s, the skip link is the first Tab stop and moves focus to the main content",
      async (who, path) => {
        const page = who === "signed out" ? await anonymous.newPage() : member.page;
        await page.goto(`${e2e.server.url}${path}`);
        if (who === "signed in") await settled(page, "Anna Berg");
        await page.keyboard.press("Tab");
        const focused = page.locator(":focus");
        await expect(focused.textContent()).resolves.toBe("Hoppa till innehållet");
        await expect(focused.getAttribute("href")).resolves.toBe("#main");
        // Visible when focused, not just present for screen readers.
        const box = await focused.boundingBox();
        expect(box && box.y >= 0 && box.height > 1).toBe(true);
        await page.keyboard.press("Enter");
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
        // The next Tab continues after the header, not back at the top of the page.
        await page.keyboard.press("Tab");
        await expect(
          page.evaluate(() => {
            const el = document.activeElement;
            return Boolean(el && el !== document.body && !el.closest("header, .skip-link"));
          }),
        ).resolves.toBe(true);
        if (who === "signed out") await page.close();
      },
    );

    it("the user menu opens with Enter and Space, its links are reached by Tab, Escape closes it", async () => {
      const { page } = admin;
      await page.goto(`${e2e.server.url}/`);
      await settled(page, "Sara Lind");
      const menu = page.locator("details.user-menu");
      const isOpen = () => menu.evaluate((el) => (el as HTMLDetailsElement).open);
      const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? "");

      // Tab from the top of the page until the menu's toggle has focus.
      let presses = 0;
      while (!(await page.evaluate(() => document.activeElement?.tagName === "SUMMARY"))) {
        expect(presses++, "the user menu should be reachable by Tab").toBeLessThan(20);
        await page.keyboard.press("Tab");
      }
      await expect(focusedText()).resolves.toBe("Sara Lind");
      await expect(isOpen()).resolves.toBe(false);

      await page.keyboard.press("Enter");
      await expect.poll(isOpen).toBe(true);
      const items: string[] = [];
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press("Tab");
        items.push(await focusedText());
      }
      expect(items).toEqual([
        "Inställningar",
        "API-nycklar",
        "Användare",
        "Förvaltningar",
        "Strategier och mål",
        "Personuppgifter att åtgärda",
        "Inloggning",
        "Granskningslogg",
        "Utskick",
        "Webhooks",
        "Organisationens inställningar",
        "Logga ut",
      ]);

      // Escape closes it and puts focus back on the toggle.
      await page.keyboard.press("Escape");
      await expect.poll(isOpen).toBe(false);
      await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe("SUMMARY");

      await page.keyboard.press("Space");
      await expect.poll(isOpen).toBe(true);
      await page.keyboard.press("Space");
      await expect.poll(isOpen).toBe(false);

      // Following a link from the menu: the new page, the menu closed, focus on its content.
      await page.keyboard.press("Enter");
      await expect.poll(isOpen).toBe(true);
      // Inställningar, API-nycklar, then Användare.
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { level: 1, name: "Användare" }).waitFor();
      await expect.poll(isOpen).toBe(false);
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
    });
  });

  describe("language", () => {
    it("“In English” switches the page to English, lang attribute included", async () => {
      const observer = await e2e.signedIn("observator@kommun.test");
      const { page } = observer;
      await settled(page, "Maria Sjö");
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe("sv");
      const toggle = page.getByRole("button", { name: "In English" });
      await expect(toggle.getAttribute("lang")).resolves.toBe("en");
      await toggle.click();

      await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
      await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
      await page
        .getByRole("heading", { level: 2, name: "Departments in the working group" })
        .waitFor();
      await expect.poll(() => page.title()).toBe("Overview – Samverkan");
      await expectGoodPage(page, "Overview");
      const back = page.getByRole("button", { name: "På svenska" });
      await expect(back.getAttribute("lang")).resolves.toBe("sv");

      // Stored on the account: the next page is English too.
      await page.goto(`${e2e.server.url}/installningar`);
      await expectGoodPage(page, "Settings");
      await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");

      await back.click();
      await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("sv");
      await page.getByRole("heading", { level: 1, name: "Inställningar" }).waitFor();
      await observer.context.close();
    });

    it("signed out, the login page switches too", async () => {
      const context = await e2e.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${e2e.server.url}/login`);
      await page.getByRole("button", { name: "In English" }).click();
      await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
      await expectGoodPage(page, "Log in");
      await expect(page.title()).resolves.toBe("Log in – Samverkan");
      await context.close();
    });
  });
});
