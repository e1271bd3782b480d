import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../db/seed/demo";
import { browserTestsEnabled, expectAccessible, launchBrowser, logInAs } from "../helpers/browser";
import { startTestServer, type TestServer } from "../helpers/server";

describe.skipIf(!browserTestsEnabled())("signing in", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the login page is accessible", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await expect(page.title()).resolves.toBe("Logga in – Samverkan");
    await expectAccessible(page);
    await page.close();
  });

  it.each(DEMO_USERS.map((u) => [u.email, u.name] as const))(
    "%s signs in and sees the overview",
    async (email, name) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await logInAs(page, server.url, email);
      await page.getByRole("heading", { level: 1, name: "Översikt" }).waitFor();
      await expect(page.getByText(`Välkommen, ${name}`).count()).resolves.toBe(1);
      await expectAccessible(page);
      await context.close();
    },
  );
});
