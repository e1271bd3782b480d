import { describe, expect, it } from "vitest";
import { browserTestsEnabled, logInAs, useBrowserTests } from "../helpers/browser";

describe.skipIf(!browserTestsEnabled())("administering users", () => {
  const e2e = useBrowserTests();

  it("an admin creates a user, who then signs in and sees the overview", async () => {
    const admin = await e2e.signedIn("admin@kommun.test");
    const { page } = admin;
    await page.locator("summary", { hasText: "Sara Lind" }).click();
    await page.getByRole("link", { name: "Användare" }).click();
    await page.getByRole("heading", { level: 1, name: "Användare" }).waitFor();
    await page.getByRole("link", { name: "Ny användare" }).click();
    await page.getByRole("heading", { level: 1, name: "Ny användare" }).waitFor();

    await page.getByLabel("Namn").fill("Lena Åberg");
    await page.getByLabel("E-postadress").fill("lena.aberg@kommun.test");
    await page.getByLabel("Tillfälligt lösenord").fill("Ett-långt-lösenord-1");
    await page.getByRole("group", { name: "Roller" }).getByLabel("Rapportansvarig").check();
    await page.getByRole("group", { name: "Förvaltningar" }).getByLabel("Socialtjänst").check();
    await page.getByRole("button", { name: "Skapa användare" }).click();

    await page.getByRole("status").getByText("Användaren Lena Åberg är skapad.").waitFor();
    await page.getByRole("heading", { level: 1, name: "Redigera Lena Åberg" }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/anvandare\/[^/]+$/);
    // What was ticked is stored.
    await expect(page.getByLabel("Rapportansvarig").isChecked()).resolves.toBe(true);
    await expect(page.getByLabel("Socialtjänst").isChecked()).resolves.toBe(true);
    await expect(page.getByLabel("Administratör").isChecked()).resolves.toBe(false);

    // The list shows her too.
    await page.getByRole("link", { name: "Tillbaka till användare" }).click();
    const row = page.getByRole("row", { name: /Lena Åberg/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("lena.aberg@kommun.test");
    await expect(row.textContent()).resolves.toContain("Socialtjänst");

    // Another browser: Lena signs in with the temporary password and chooses her own first.
    const lenaContext = await e2e.browser.newContext();
    const lena = await lenaContext.newPage();
    await logInAs(lena, e2e.server.url, "lena.aberg@kommun.test", "Ett-långt-lösenord-1");
    await lena.getByRole("heading", { level: 1, name: "Byt lösenord" }).waitFor();
    await lena.getByLabel("Nuvarande lösenord").fill("Ett-långt-lösenord-1");
    await lena.getByLabel("Nytt lösenord").fill("Lenas-egna-ord-i-snön");
    await lena.getByLabel("Upprepa det nya lösenordet").fill("Lenas-egna-ord-i-snön");
    await lena.getByRole("button", { name: "Byt lösenord" }).click();
    await lena.getByRole("heading", { level: 1, name: "Översikt" }).waitFor();
    await expect(lena.getByText("Välkommen, Lena Åberg").count()).resolves.toBe(1);
    await expect(lena.getByText("Dina roller: Rapportansvarig").count()).resolves.toBe(1);
    await lena.getByRole("heading", { level: 2, name: "Målsättningar" }).waitFor();

    await lenaContext.close();
    await admin.context.close();
  });

  it("a bad email and a short password show an error summary and field errors, keeping the input", async () => {
    const admin = await e2e.signedIn("admin@kommun.test");
    const { page } = admin;
    await page.goto(`${e2e.server.url}/admin/anvandare/ny`);
    await page.getByLabel("Namn").fill("Olle Test");
    await page.getByLabel("E-postadress").fill("inte-en-adress");
    await page.getByLabel("Tillfälligt lösenord").fill("kort");
    await page.getByLabel("Arbetsgruppsmedlem").check();
    await page.getByRole("button", { name: "Skapa användare" }).click();

    const summary = page.getByRole("alert").filter({ hasText: "Det finns fel i formuläret" });
    await summary.waitFor();
    // The summary takes focus so screen readers and keyboard users start there.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains("error-summary")))
      .toBe(true);

    const emailLink = summary.getByRole("link", { name: /^E-postadress: / });
    const passwordLink = summary.getByRole("link", { name: /^Tillfälligt lösenord: / });
    await expect(emailLink.getAttribute("href")).resolves.toBe("#email");
    await expect(passwordLink.getAttribute("href")).resolves.toBe("#password");
    await expect(emailLink.textContent()).resolves.toBe(
      "E-postadress: Ange en e-postadress i formatet namn@exempel.se.",
    );
    await expect(passwordLink.textContent()).resolves.toBe(
      "Tillfälligt lösenord: Lösenordet måste ha minst 12 tecken.",
    );
    // Nothing else was wrong, so nothing else is listed.
    await expect(summary.getByRole("listitem").count()).resolves.toBe(2);

    // Field errors next to the fields, tied to them for assistive technology.
    const email = page.getByLabel("E-postadress");
    const password = page.getByLabel("Tillfälligt lösenord");
    await expect(page.locator("#email-error").textContent()).resolves.toContain(
      "Ange en e-postadress i formatet namn@exempel.se.",
    );
    await expect(page.locator("#password-error").textContent()).resolves.toContain(
      "Lösenordet måste ha minst 12 tecken.",
    );
    await expect(email.getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(email.getAttribute("aria-describedby")).resolves.toContain("email-error");
    await expect(password.getAttribute("aria-describedby")).resolves.toContain("password-error");

    // Nothing typed is lost.
    await expect(page.getByLabel("Namn").inputValue()).resolves.toBe("Olle Test");
    await expect(email.inputValue()).resolves.toBe("inte-en-adress");
    await expect(page.getByLabel("Arbetsgruppsmedlem").isChecked()).resolves.toBe(true);

    // The summary's links move focus to the field.
    await passwordLink.click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("password");
    await emailLink.click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("email");
    // ...and the errors stay on screen while the person fixes them.
    await expect(summary.isVisible()).resolves.toBe(true);
    await expect(page.locator("#email-error").count()).resolves.toBe(1);

    // Nothing was saved.
    await page.goto(`${e2e.server.url}/admin/anvandare`);
    await page.getByRole("heading", { level: 1, name: "Användare" }).waitFor();
    await expect(page.getByText("Olle Test").count()).resolves.toBe(0);
    await admin.context.close();
  });
});
