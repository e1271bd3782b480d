import { describe, expect, it } from "vitest";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  onlineUser,
  useBrowserTests,
} from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("who is online", () => {
  const e2e = useBrowserTests();

  it("two people see each other arrive and leave without reloading", async () => {
    const admin = await e2e.signedIn("admin@kommun.test");
    // Sara sees herself first: her socket is connected before Johan arrives.
    await onlineUser(admin.page, "Sara Lind").waitFor();
    await expect(onlineUser(admin.page, "Johan Ek").count()).resolves.toBe(0);

    const chief = await e2e.signedIn("kommunchef@kommun.test");
    await onlineUser(chief.page, "Sara Lind").waitFor({ timeout: 5_000 });
    await onlineUser(chief.page, "Johan Ek").waitFor({ timeout: 5_000 });
    // Sara's page was not reloaded: Johan arrived over the socket.
    await onlineUser(admin.page, "Johan Ek").waitFor({ timeout: 5_000 });
    await expect(admin.page.getByText("2 personer inloggade").count()).resolves.toBe(1);

    await chief.context.close();
    await onlineUser(admin.page, "Johan Ek").waitFor({ state: "detached", timeout: 5_000 });
    await expect(onlineUser(admin.page, "Sara Lind").count()).resolves.toBe(1);
    await admin.page.getByText("1 person inloggad").waitFor();
    await admin.context.close();
  });

  it("a person with two tabs open is listed once and stays until both are closed", async () => {
    const chief = await e2e.signedIn("kommunchef@kommun.test");
    const secondTab = await chief.context.newPage();
    await secondTab.goto(`${e2e.server.url}/installningar`);
    await onlineUser(secondTab, "Johan Ek").waitFor();

    const admin = await e2e.signedIn("admin@kommun.test");
    await onlineUser(admin.page, "Johan Ek").waitFor({ timeout: 5_000 });
    await expect(onlineUser(admin.page, "Johan Ek").count()).resolves.toBe(1);

    await secondTab.close();
    // Johan still has a tab open: a freshly loaded list (a new socket) still shows him.
    await admin.page.reload();
    await onlineUser(admin.page, "Sara Lind").waitFor();
    await expect(onlineUser(admin.page, "Johan Ek").count()).resolves.toBe(1);

    await chief.context.close();
    await onlineUser(admin.page, "Johan Ek").waitFor({ state: "detached", timeout: 5_000 });
    await admin.context.close();
  });

  it("logging out in one tab tells the other, which comes back once signed in again", async () => {
    const anna = await e2e.signedIn("arbetsgrupp@kommun.test");
    const otherTab = await anna.context.newPage();
    await otherTab.goto(`${e2e.server.url}/atgarder`);
    await onlineUser(otherTab, "Anna Berg").waitFor();

    await anna.page.locator("summary", { hasText: "Anna Berg" }).click();
    await anna.page.getByRole("button", { name: "Logga ut" }).click();
    await anna.page.waitForURL((url) => url.pathname === "/login");

    // The other tab is told at once that it no longer updates, with a way back in.
    const notice = otherTab.getByRole("alert").filter({ hasText: "Du är utloggad" });
    await notice.waitFor({ timeout: 5_000 });
    await expect(
      notice.getByRole("link", { name: "Logga in igen" }).getAttribute("href"),
    ).resolves.toBe("/login?redirectTo=%2Fatgarder");
    await expectAccessible(otherTab);

    // Signing in again in the first tab brings the other back to life without a reload.
    await logInAs(anna.page, e2e.server.url, "arbetsgrupp@kommun.test");
    await notice.waitFor({ state: "detached", timeout: 15_000 });
    await onlineUser(otherTab, "Anna Berg").waitFor();
  });
});
