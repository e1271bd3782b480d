import { describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  onlineUser,
  useBrowserTests,
} from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("deactivating a user", () => {
  const e2e = useBrowserTests();

  it("ends the person's open session and removes them from the online list", async () => {
    // B: Anna Berg (member) has Samverkan open.
    const member = await e2e.signedIn("arbetsgrupp@kommun.test");
    await member.page.getByRole("heading", { level: 1, name: "Översikt" }).waitFor();
    await onlineUser(member.page, "Anna Berg").waitFor();

    // A: Sara Lind (admin) sees her online and opens her account.
    const admin = await e2e.signedIn("admin@kommun.test");
    await onlineUser(admin.page, "Anna Berg").waitFor({ timeout: 5_000 });
    await admin.page.goto(`${e2e.server.url}/admin/anvandare`);
    await admin.page.getByRole("link", { name: "Redigera Anna Berg" }).click();
    await admin.page.getByRole("heading", { level: 1, name: "Redigera Anna Berg" }).waitFor();
    await admin.page.getByRole("button", { name: "Inaktivera" }).click();
    await admin.page
      .getByRole("status")
      .getByText("Användaren är inaktiverad och utloggad.")
      .waitFor();
    await expect(admin.page.getByText("Aktivera igen").count()).resolves.toBe(1);

    // A's online list drops her without a reload: her socket was closed by the e2e.server.
    await onlineUser(admin.page, "Anna Berg").waitFor({ state: "detached", timeout: 5_000 });
    await expect(onlineUser(admin.page, "Sara Lind").count()).resolves.toBe(1);

    // B is told at once that her page no longer updates, with a way back in.
    const notice = member.page.getByRole("alert").filter({ hasText: "Du är utloggad" });
    await notice.waitFor({ timeout: 5_000 });
    await expect(
      notice.getByRole("link", { name: "Logga in igen" }).getAttribute("href"),
    ).resolves.toBe("/login?redirectTo=%2F");
    await expectAccessible(member.page);

    // B: the next navigation (a client-side link click) lands on the login page.
    await member.page.locator("summary", { hasText: "Anna Berg" }).click();
    await member.page.getByRole("link", { name: "Inställningar" }).click();
    await member.page.waitForURL((url) => url.pathname === "/login");
    await member.page.getByRole("heading", { level: 1, name: "Logga in" }).waitFor();

    // A reload of the overview, too, and signing in again is refused.
    await member.page.goto(`${e2e.server.url}/`);
    await member.page.waitForURL((url) => url.pathname === "/login");
    await member.page.getByLabel("E-postadress").fill("arbetsgrupp@kommun.test");
    await member.page.getByLabel("Lösenord").fill("Samverkan-demo-1");
    await member.page.getByRole("button", { name: "Logga in" }).click();
    await member.page.getByText("Fel e-postadress eller lösenord.").waitFor();
    expect(new URL(member.page.url()).pathname).toBe("/login");

    await member.context.close();
    await admin.context.close();
  });
});
