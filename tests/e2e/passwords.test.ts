import { describe, expect, it } from "vitest";
import { createUser } from "../../server/domain/users";
import {
  browserTestsEnabled,
  expectAccessible,
  logInAs,
  useBrowserTests,
} from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("passwords in the browser", () => {
  const e2e = useBrowserTests();

  it("a person changes their own password in Inställningar: a weak one is refused with the reason, then it is changed", async () => {
    await createUser(e2e.server.database.db, null, e2e.server.organisationId, {
      email: "britt.byter@kommun.test",
      name: "Britt Byter",
      password: "Britts-forsta-losenord-1",
      roles: ["member"],
      departmentIds: [],
    });
    const { page, context } = await e2e.signedIn(
      "britt.byter@kommun.test",
      "Britts-forsta-losenord-1",
    );
    await page.goto(`${e2e.server.url}/installningar`);
    await page.getByRole("heading", { level: 2, name: "Byt lösenord" }).waitFor();
    await expectAccessible(page);

    await page.getByLabel("Nuvarande lösenord").fill("Britts-forsta-losenord-1");
    await page.getByLabel("Nytt lösenord").fill("password1234");
    await page.getByLabel("Upprepa det nya lösenordet").fill("password1234");
    await page.getByRole("button", { name: "Byt lösenord" }).click();
    const summary = page.getByRole("alert");
    await summary.getByText("Lösenordet är ett av de vanligaste lösenorden").waitFor();
    await expect(page.getByLabel("Nytt lösenord").getAttribute("aria-invalid")).resolves.toBe(
      "true",
    );
    await expectAccessible(page);

    await page.getByLabel("Nuvarande lösenord").fill("Britts-forsta-losenord-1");
    await page.getByLabel("Nytt lösenord").fill("Britts-nya-ord-om-vintern");
    await page.getByLabel("Upprepa det nya lösenordet").fill("Britts-nya-ord-om-vintern");
    await page.getByRole("button", { name: "Byt lösenord" }).click();
    await page.getByRole("status").getByText("Lösenordet är bytt.").waitFor();
    // Nothing typed stays in the fields once it is saved.
    await expect(page.getByLabel("Nytt lösenord").inputValue()).resolves.toBe("");
    await expectAccessible(page);
    await context.close();

    // The new password signs in.
    const again = await e2e.signedIn("britt.byter@kommun.test", "Britts-nya-ord-om-vintern");
    await again.page.getByRole("heading", { level: 1, name: "Översikt" }).waitFor();
    await again.context.close();
  });

  it("an admin sets a temporary password; the person must change it before anything else", async () => {
    await createUser(e2e.server.database.db, null, e2e.server.organisationId, {
      email: "tage.tillfallig@kommun.test",
      name: "Tage Tillfällig",
      password: "Tages-glomda-losenord-1",
      roles: ["member"],
      departmentIds: [],
    });
    const admin = await e2e.signedIn("admin@kommun.test");
    await admin.page.goto(`${e2e.server.url}/admin/anvandare`);
    await admin.page.getByRole("link", { name: "Tage Tillfällig" }).click();
    await admin.page.getByRole("heading", { level: 2, name: "Lösenord" }).waitFor();
    await expectAccessible(admin.page);
    await admin.page.getByLabel("Nytt tillfälligt lösenord").fill("Tages-tillfalliga-ord-7");
    await admin.page.getByRole("button", { name: "Sätt tillfälligt lösenord" }).click();
    await admin.page
      .getByRole("status")
      .getByText("Det tillfälliga lösenordet är sparat.")
      .waitFor();
    await expect(admin.page.getByLabel("Nytt tillfälligt lösenord").inputValue()).resolves.toBe("");
    await expect(admin.page.content()).resolves.not.toContain("Tages-tillfalliga-ord-7");

    const tageContext = await e2e.browser.newContext();
    const tage = await tageContext.newPage();
    await logInAs(tage, e2e.server.url, "tage.tillfallig@kommun.test", "Tages-tillfalliga-ord-7");
    await tage.getByRole("heading", { level: 1, name: "Byt lösenord" }).waitFor();
    await tage.getByText("Du har loggat in med ett tillfälligt lösenord.").waitFor();
    await expectAccessible(tage);
    // Any other page leads back here.
    await tage.goto(`${e2e.server.url}/atgarder`);
    await tage.getByRole("heading", { level: 1, name: "Byt lösenord" }).waitFor();

    await tage.getByLabel("Nuvarande lösenord").fill("Tages-tillfalliga-ord-7");
    await tage.getByLabel("Nytt lösenord").fill("Tages-egna-ord-i-mars");
    await tage.getByLabel("Upprepa det nya lösenordet").fill("Tages-egna-ord-i-mars");
    await tage.getByRole("button", { name: "Byt lösenord" }).click();
    await tage.getByRole("heading", { level: 1, name: "Åtgärder" }).waitFor();
    await tageContext.close();
    await admin.context.close();
  });
});
