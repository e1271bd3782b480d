import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_EMAILS, periodIds } from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * The demo data's periods are from 2020 and today is later: every deadline has passed, and
 * T3 2020 has departments that never klarmarkerade.
 */
let server: TestServer;
let t3: string;

beforeAll(async () => {
  server = await startTestServer();
  t3 = (await periodIds(server.database.db, server.organisationId))["T3 2020"];
});
afterAll(() => server?.close());

async function pageAs(email: string, path: string) {
  const client = new HttpClient(server.url);
  await client.logIn(email);
  const response = await client.get(path);
  expect(response.status).toBe(200);
  return textOf(await response.text());
}

describe("deadline states", () => {
  it("Rapporter shows T3 2020, past its deadline with reports missing, as Försenad rapport", async () => {
    const text = await pageAs(DEMO_EMAILS.chief, "/rapporter");
    expect(text).not.toContain("Rapporteras nu");
    expect(text).toMatch(/Lägesrapport T3 2020 ! Försenad rapport/);
  });

  it("the period report's header says the deadline passed with reports missing", async () => {
    const text = await pageAs(DEMO_EMAILS.chief, `/rapporter/${t3}`);
    expect(text).toContain("! Försenad rapport");
    expect(text).not.toContain("Rapporteras nu");
  });

  it("Översikt calls a missing report after the deadline late, never 'rapportera senast'", async () => {
    const text = await pageAs(DEMO_EMAILS.chief, `/?periodId=${t3}`);
    expect(text).toMatch(
      /Uppföljningsperiod T3 2020, rapportera senast 14 januari 2021 ! Försenad rapport/,
    );
    expect(text).not.toMatch(/Ej klarmarkerad – (alla|rapportera senast)/);
  });

  it("a department with no actions in the period has nothing to report, not 'all assessed'", async () => {
    const text = await pageAs(DEMO_EMAILS.chief, `/?periodId=${t3}`);
    expect(text).not.toContain("alla åtgärder är bedömda");
    expect(text).toContain("Inga åtgärder att rapportera");
  });

  it("Att göra's header tells the editor the deadline passed", async () => {
    const text = await pageAs(DEMO_EMAILS.editor, "/att-gora");
    expect(text).toContain("! Försenad rapport");
  });
});
