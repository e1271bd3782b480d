import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { saveFollowUp } from "../../server/domain/followups";
import { actorFor, DEMO_EMAILS, periodIds } from "../helpers/actions";
import { browserTestsEnabled, expectAccessible, useBrowserTests } from "../helpers/browser";

// Live changes must arrive well within this; the margin is for a busy two-core test machine.
const LIVE_TIMEOUT = 5_000;

describe.skipIf(!browserTestsEnabled())("actions live in two browsers", () => {
  const e2e = useBrowserTests();

  const pageAs = (email: string, path: string) => e2e.livePageAs(email, path);

  /** A flag in the page's window: still there later means the page was never reloaded. */
  async function markNoReload(page: Page) {
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
  }
  async function wasNotReloaded(page: Page) {
    return page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded);
  }

  async function actionId(title: string) {
    const row = await e2e.server.database.db
      .selectFrom("actions")
      .select("id")
      .where("title", "=", title)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it("the chief's list shows the social-services editor's status change without a reload", async () => {
    const title = "Stödsamtal med biståndsbeslut för män som utövar våld";
    const id = await actionId(title);
    const chief = await pageAs(DEMO_EMAILS.chief, "/atgarder");
    const row = chief.getByRole("row", { name: new RegExp(title) });
    await row.getByText("Försenad").waitFor();
    await markNoReload(chief);

    const editor = await pageAs(DEMO_EMAILS.editor, `/atgarder/${id}`);
    await expectAccessible(editor);
    await editor.getByLabel("Status", { exact: true }).selectOption({ label: "Genomförd" });
    await editor.getByLabel("Genomfört (%)").fill("100");
    await editor.getByRole("button", { name: "Spara ändringarna" }).click();
    await editor.getByText("Ändringarna är sparade.").waitFor();

    const followUp = editor.locator("form", {
      has: editor.getByRole("button", { name: "Spara uppföljningen för T3 2020" }),
    });
    await followUp.getByLabel("Enligt plan").check();
    await followUp
      .getByLabel("Kommentar till bedömningen")
      .fill("Alla planerade samtal genomförda.");
    await followUp.getByRole("button", { name: "Spara uppföljningen för T3 2020" }).click();
    await editor.getByText("Uppföljningen är sparad.").waitFor();

    await row.getByText("Genomförd").waitFor({ timeout: LIVE_TIMEOUT });
    expect(await wasNotReloaded(chief)).toBe(true);
    await chief.getByText("Uppdaterad av Karin Nilsson just nu.").waitFor();
  });

  it("an action a member creates for Barn och utbildning appears in the school editor's Att göra", async () => {
    const title = "Våldsförebyggande program på fritidsgårdarna";
    const school = await pageAs(DEMO_EMAILS.schoolEditor, "/att-gora");
    await school.getByRole("heading", { level: 1, name: "Att göra" }).waitFor();
    await school.getByText("Rapportera senast 14 januari 2021.").waitFor();
    await expectAccessible(school);
    await markNoReload(school);

    const member = await pageAs(DEMO_EMAILS.member, "/atgarder/ny");
    await member.getByLabel("Titel").fill(title);
    await member.getByLabel("Mål", { exact: true }).selectOption({ index: 1 });
    await member.getByLabel("Ansvarig förvaltning").selectOption({ label: "Barn och utbildning" });
    await member.getByRole("button", { name: "Skapa åtgärd" }).click();
    await member.getByRole("heading", { level: 1, name: title }).waitFor();

    const item = school.getByRole("listitem").filter({
      has: school.getByRole("heading", { level: 3, name: title }),
    });
    await item.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await wasNotReloaded(school)).toBe(true);

    // Klarmarkera waits until every action has an assessment.
    const complete = school.getByRole("button", { name: "Klarmarkera rapporten för T3 2020" });
    expect(await complete.isDisabled()).toBe(true);
    await school.getByText(/åtgärder? saknar bedömning\./).waitFor();

    // The new action is assessed in place; the others through the domain, to keep the test short.
    await item.getByLabel("Enligt plan").check();
    await item.getByLabel("Kommentar till bedömningen").fill("Planeringen har börjat.");
    await item.getByRole("button", { name: /^Spara/ }).click();
    await item.getByText("Sparat.").waitFor();
    const db = e2e.server.database.db;
    const erik = await actorFor(db, DEMO_EMAILS.schoolEditor);
    const periodId = (await periodIds(db, e2e.server.organisationId))["T3 2020"];
    const open = await db
      .selectFrom("actions")
      .leftJoin("follow_ups", (join) =>
        join
          .onRef("follow_ups.action_id", "=", "actions.id")
          .on("follow_ups.period_id", "=", periodId),
      )
      .select("actions.id")
      .where("actions.department_id", "in", erik.departmentIds)
      .where("follow_ups.id", "is", null)
      .execute();
    for (const { id } of open)
      await saveFollowUp(db, erik, id, periodId, {
        assessment: "on_track",
        comment: "Enligt plan.",
      });
    await school.reload();

    await complete.click();
    await school.getByText(/Klarmarkerad \d{4}-\d{2}-\d{2} av Erik Holm/).waitFor();
    await expectAccessible(school);
    await school.getByRole("button", { name: "Öppna rapporten igen" }).click();
    await school.getByText("Rapporten är öppnad igen.").waitFor();
  });

  it("a new document appears on the chief's open list, and an action made from it on its open page", async () => {
    const title = "Handlingsplan mot våld i nära relationer 2027";
    const chief = await pageAs(DEMO_EMAILS.chief, "/dokument");
    await chief.getByRole("heading", { level: 1, name: "Dokument" }).waitFor();
    await markNoReload(chief);

    const member = await pageAs(DEMO_EMAILS.member, "/dokument/ny");
    await member.getByLabel("Titel").fill(title);
    await member.getByLabel("Typ").selectOption({ label: "Handlingsplan" });
    await member.getByRole("button", { name: "Skapa dokument" }).click();
    await member.getByRole("textbox", { name: title }).waitFor();

    const link = chief.getByRole("link", { name: title });
    await link.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await wasNotReloaded(chief)).toBe(true);
    await chief.getByText("Listan uppdaterades nyss efter en ändring av Anna Berg.").waitFor();
    await expectAccessible(chief);

    // The chief opens it; the member makes an action from it, which appears there at once.
    await link.click();
    await chief.getByRole("textbox", { name: title }).waitFor();
    await chief.getByText("Inga åtgärder har skapats från dokumentet ännu.").waitFor();
    await markNoReload(chief);
    const action = "Gemensam utbildningsdag för skola och socialtjänst";
    await member.getByRole("link", { name: "Skapa åtgärd från dokumentet" }).click();
    await member.getByRole("heading", { level: 1, name: "Ny åtgärd" }).waitFor();
    await member.getByLabel("Titel").fill(action);
    await member.getByLabel("Mål", { exact: true }).selectOption({ index: 1 });
    await member.getByLabel("Ansvarig förvaltning").selectOption({ label: "Socialtjänst" });
    await member.getByRole("button", { name: "Skapa åtgärd" }).click();
    await member.getByText("Åtgärden är skapad.").waitFor();

    const listed = chief.getByTestId("document-actions").getByRole("link", { name: action });
    await listed.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await wasNotReloaded(chief)).toBe(true);

    // Linked to no document after all: it leaves the chief's open page just as live.
    await member.getByLabel("Från dokument").selectOption({ label: "Inget dokument" });
    await member.getByRole("button", { name: "Spara ändringarna" }).click();
    await member.getByText("Ändringarna är sparade.").waitFor();
    await listed.waitFor({ state: "detached", timeout: LIVE_TIMEOUT });
    expect(await wasNotReloaded(chief)).toBe(true);
  });

  it("a concurrent edit keeps the second person's text and names the first", async () => {
    const title = "Modell liknande SMADIT för att nå våldsutövare i ett mottagligt skede";
    const id = await actionId(title);
    const member = await pageAs(DEMO_EMAILS.member, `/atgarder/${id}`);
    const editor = await pageAs(DEMO_EMAILS.editor, `/atgarder/${id}`);

    const typed = "Anna Bergs nya beskrivning som inte får gå förlorad.";
    const description = member.getByLabel("Beskrivning", { exact: true });
    await description.fill(typed);

    await editor.getByLabel("Status", { exact: true }).selectOption({ label: "Vilande" });
    await editor.getByLabel("Genomfört (%)").fill("40");
    await editor.getByRole("button", { name: "Spara ändringarna" }).click();
    await editor.getByText("Ändringarna är sparade.").waitFor();

    // The member hears of it, keeps typing undisturbed and is offered a reload.
    await member
      .getByText("Uppdaterad av Karin Nilsson just nu.")
      .waitFor({ timeout: LIVE_TIMEOUT });
    await member.getByText(/Någon annan har ändrat åtgärden medan du skriver/).waitFor();
    expect(await description.inputValue()).toBe(typed);

    await member.getByRole("button", { name: "Spara ändringarna" }).click();
    const conflict = member.getByRole("alert").filter({ hasText: "Någon annan hann spara först" });
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(
      /Karin Nilsson ändrade status och genomfört \(%\) \d{4}-\d{2}-\d{2} \d{2}:\d{2}\. Dina ändringar finns kvar nedan – kontrollera och spara igen\./,
    );
    expect(await member.getByLabel("Beskrivning", { exact: true }).inputValue()).toBe(typed);
    await expectAccessible(member);

    // Fields Anna left alone now show Karin's values; saving again builds on Karin's version.
    expect(await member.getByLabel("Status", { exact: true }).inputValue()).toBe("paused");
    expect(await member.getByLabel("Genomfört (%)").inputValue()).toBe("40");
    await member.getByRole("button", { name: "Spara ändringarna" }).click();
    await member.getByText("Ändringarna är sparade.").waitFor();
    const saved = await e2e.server.database.db
      .selectFrom("actions")
      .select(["description", "status", "progress"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(saved).toEqual({ description: typed, status: "paused", progress: 40 });

    // The editor's untouched form simply follows; once she types, it stays on her version.
    await editor.getByText("Uppdaterad av Anna Berg just nu.").waitFor({ timeout: LIVE_TIMEOUT });
    expect(await editor.getByLabel("Genomfört (%)").inputValue()).toBe("40");
    await editor.getByLabel("Genomfört (%)").fill("45");
    await member.getByLabel("Beskrivning", { exact: true }).fill(`${typed} Tillägg.`);
    await member.getByRole("button", { name: "Spara ändringarna" }).click();
    await member.getByText("Ändringarna är sparade.").waitFor();
    await editor.getByText(/Någon annan har ändrat åtgärden medan du skriver/).waitFor({
      timeout: LIVE_TIMEOUT,
    });
    await editor.getByRole("button", { name: "Spara ändringarna" }).click();
    await editor
      .getByRole("alert")
      .filter({ hasText: /Anna Berg ändrade beskrivning/ })
      .waitFor();
    expect(await editor.getByLabel("Genomfört (%)").inputValue()).toBe("45");
    await expectAccessible(editor);
  });

  it("shows a new API key once, accessibly", async () => {
    const page = await pageAs(DEMO_EMAILS.member, "/installningar/api-nycklar");
    await page.getByRole("heading", { level: 1, name: "API-nycklar" }).waitFor();
    await page.getByLabel("Namn").fill("Rapportskript");
    await page.getByRole("button", { name: "Skapa nyckel" }).click();
    const token = page.getByLabel("API-nyckel");
    await token.waitFor();
    expect(await token.inputValue()).toMatch(/^svk_/);
    await page.getByText("Den visas bara den här gången.").waitFor();
    await page.getByRole("cell", { name: "Rapportskript", exact: true }).waitFor();
    await expectAccessible(page);
  });
});
