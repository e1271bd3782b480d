import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsEnabled, expectAccessible, useBrowserTests } from "../helpers/browser";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  startTestProvider,
  type TestProvider,
} from "../helpers/oidc-provider";

describe.skipIf(!browserTestsEnabled())(
  "signing in with the organisation's identity provider",
  () => {
    const e2e = useBrowserTests();
    let provider: TestProvider;

    beforeAll(async () => {
      provider = await startTestProvider([
        {
          sub: "entra-johan",
          password: "johans-losenord",
          email: "kommunchef@kommun.test",
          name: "Johan Ek",
          groups: [],
        },
      ]);
      provider.serve(e2e.server.url);
    });
    afterAll(() => provider?.close());

    it("an admin connects the provider on Inloggning, and the secret is stored encrypted", async () => {
      const { page } = await e2e.signedIn("admin@kommun.test");
      await page.goto(`${e2e.server.url}/admin/inloggning`);
      await expectAccessible(page);
      await expect(page.getByText(`${e2e.server.url}/auth/oidc/callback`).count()).resolves.toBe(1);
      await page.getByLabel("Namn på knappen").fill("Exempelkommunens konto");
      await page.getByLabel("Utfärdare (issuer)").fill(provider.issuer);
      await page.getByLabel("Klient-id (application id)").fill(CLIENT_ID);
      await page.getByLabel("Klienthemlighet").fill(CLIENT_SECRET);
      await page.getByLabel("Organisationens e-postdomäner").fill("kommun.test");
      await page
        .getByLabel("Lita på e-postadresser som inloggningstjänsten inte märkt som bekräftade")
        .check();
      await page.getByRole("button", { name: "Spara" }).click();
      await page.getByText("Inställningarna är sparade.").waitFor();
      await expectAccessible(page);

      const stored = await e2e.server.database.db
        .selectFrom("identity_providers")
        .select("client_secret_encrypted")
        .executeTakeFirstOrThrow();
      expect(stored.client_secret_encrypted).not.toContain(CLIENT_SECRET);
    });

    it("a person signs in through the provider's own login page and lands on the overview", async () => {
      const context = await e2e.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${e2e.server.url}/login`);
      const button = page.getByRole("link", { name: "Logga in med Exempelkommunens konto" });
      await button.waitFor();
      await expectAccessible(page);
      await button.click();

      await page.waitForURL((url) => url.origin === provider.issuer);
      await page.getByLabel("Användarnamn").fill("kommunchef@kommun.test");
      await page.getByLabel("Lösenord").fill("johans-losenord");
      await page.getByRole("button", { name: "Fortsätt" }).click();

      await page.getByRole("heading", { level: 1, name: "Översikt" }).waitFor();
      expect(new URL(page.url()).origin).toBe(e2e.server.url);
      await expect(page.getByText("Välkommen, Johan Ek").count()).resolves.toBe(1);

      // Logging out here logs out at the provider too (RP-initiated logout).
      await page.locator("details.user-menu summary").click();
      await page.getByRole("button", { name: "Logga ut" }).click();
      await page.waitForURL((url) => url.origin === provider.issuer);
      await context.close();
    });
  },
);
