import { describe, expect, it } from "vitest";
import { DEMO_EMAILS } from "../helpers/actions";
import { browserTestsEnabled, expectAccessible, useBrowserTests } from "../helpers/browser";

// Live changes must arrive well within this; the margin is for a busy two-core test machine.
const LIVE_TIMEOUT = 5_000;

describe.skipIf(!browserTestsEnabled())("notifications in two browsers", () => {
  const e2e = useBrowserTests();

  const pageAs = (email: string, path: string) => e2e.livePageAs(email, path);

  it("a member @-mentions the kommunchef from the suggestions; the chief's bell counts it live", async () => {
    const { id } = await e2e.server.database.db
      .selectFrom("actions")
      .select("id")
      .where("title", "=", "Stödsamtal med biståndsbeslut för män som utövar våld")
      .executeTakeFirstOrThrow();
    const chief = await pageAs(DEMO_EMAILS.chief, "/");
    const bell = chief.getByRole("link", { name: /^Notiser, \d+ olästa?$/ });
    const before = Number(await bell.getAttribute("data-unread"));
    await chief.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const member = await pageAs(DEMO_EMAILS.member, `/atgarder/${id}`);
    const box = member.getByLabel("Ny kommentar");
    await box.fill("Kan du ta upp detta i ledningsgruppen, @Joh");
    const suggestions = member.getByRole("list", { name: "Personer att nämna" });
    await suggestions.getByRole("button", { name: "@Johan Ek" }).waitFor();
    await expectAccessible(member);
    // Keyboard only: Arrow down to the suggestion, Enter chooses it.
    await box.press("ArrowDown");
    await member.keyboard.press("Enter");
    await expect(box.inputValue()).resolves.toBe(
      "Kan du ta upp detta i ledningsgruppen, @Johan Ek ",
    );
    await member.getByRole("button", { name: "Skicka kommentaren" }).click();
    await member.getByText("Kan du ta upp detta i ledningsgruppen, @Johan Ek").waitFor();

    const after = before + 1;
    await chief
      .getByRole("link", { name: `Notiser, ${after} ${after === 1 ? "oläst" : "olästa"}` })
      .waitFor({ timeout: LIVE_TIMEOUT });
    expect(
      await chief.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);

    await chief.getByRole("link", { name: /^Notiser, / }).click();
    await chief.getByRole("heading", { level: 1, name: "Notiser" }).waitFor();
    const entry = chief.getByRole("link", {
      name: /Anna Berg nämnde dig i en kommentar till åtgärden ”Stödsamtal med biståndsbeslut/,
    });
    await entry.waitFor();
    await expectAccessible(chief);
    await chief.getByRole("button", { name: "Markera alla som lästa" }).click();
    await chief.getByRole("link", { name: "Notiser, 0 olästa" }).waitFor();
    await entry.click();
    await chief.getByRole("heading", { level: 2, name: "Kommentarer" }).waitFor();
  });
});
