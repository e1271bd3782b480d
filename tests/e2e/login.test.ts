import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../db/seed/demo";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  useBrowserTests,
} from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("signing in", () => {
  const e2e = useBrowserTests();

  it("the login page is accessible", async () => {
    const page = await e2e.browser.newPage();
    await page.goto(`${e2e.server.url}/login`);
    await expect(page.title()).resolves.toBe("Logga in – Samverkan");
    await expectAccessible(page);
    await page.close();
  });

  it.each(DEMO_USERS.map((u) => [u.email, u.name] as const))(
    "%s signs in and sees the overview",
    async (email, name) => {
      const context = await e2e.browser.newContext();
      const page = await context.newPage();
      await logInAs(page, e2e.server.url, email);
      await page.getByRole("heading", { level: 1, name: "Översikt" }).waitFor();
      await expect(page.getByText(`Välkommen, ${name}`).count()).resolves.toBe(1);
      await expectAccessible(page);
      await context.close();
    },
  );
});
