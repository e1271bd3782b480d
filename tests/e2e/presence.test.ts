import { describe, expect, it } from "vitest";
import { browserTestsEnabled, onlineUser, useBrowserTests } from "../helpers/browser";

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
    await expect(admin.page.getByText("2 personer online").count()).resolves.toBe(1);

    await chief.context.close();
    await onlineUser(admin.page, "Johan Ek").waitFor({ state: "detached", timeout: 5_000 });
    await expect(onlineUser(admin.page, "Sara Lind").count()).resolves.toBe(1);
    await admin.page.getByText("1 person online").waitFor();
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
});
