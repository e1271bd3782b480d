import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_EMAILS } from "../helpers/actions";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
const NEW_PASSWORD = "Lugna-vatten-har-djup-botten-3";

async function lastLinkTo(email: string): Promise<string> {
  const row = await server.database.db
    .selectFrom("mail_outbox")
    .select("text_body")
    .where("to_address", "=", email)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return /\/losenord\/[A-Za-z0-9_-]{43}/.exec(row.text_body)![0];
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("Glömt lösenord and the link's page", () => {
  it("answer alike for unknown addresses, and the link sets the password once", async () => {
    const client = new HttpClient(server.url);
    const login = await (await client.get("/login")).text();
    expect(login).toContain('href="/glomt-losenord"');
    const answers = [];
    for (const email of ["ingen@kommun.test", DEMO_EMAILS.member]) {
      const response = await client.postForm("/glomt-losenord", { email });
      expect(response.status).toBe(200);
      // The same page but for the script nonce, new with every answer.
      answers.push((await response.text()).replace(/nonce="[^"]*"/g, ""));
    }
    expect(answers[0]).toContain("Om adressen hör till ett konto i Samverkan");
    expect(answers[0]).toBe(answers[1]);

    const link = await lastLinkTo(DEMO_EMAILS.member);
    const page = await (await client.get(link)).text();
    expect(page).toContain(`Välj lösenord för ${DEMO_EMAILS.member}`);
    const mismatch = await client.postForm(link, {
      newPassword: NEW_PASSWORD,
      confirmPassword: "something else",
    });
    expect(mismatch.status).toBe(400);
    const saved = await client.postForm(link, {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/login?losenord=sparat");
    const again = await client.postForm(link, {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(again.status).toBe(400);
    expect(await (await client.get(link)).text()).toContain("Länken går inte att använda");
    await new HttpClient(server.url).logIn(DEMO_EMAILS.member, NEW_PASSWORD);
  });

  it("an admin invites a person from their page", async () => {
    const admin = new HttpClient(server.url);
    await admin.logIn(DEMO_EMAILS.admin);
    const { id } = await server.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", DEMO_EMAILS.observer)
      .executeTakeFirstOrThrow();
    const page = await (await admin.get(`/admin/anvandare/${id}`)).text();
    expect(page).toContain("Skicka inbjudan via e-post");
    const invited = await admin.postForm(`/admin/anvandare/${id}`, { intent: "invite" });
    expect(invited.status).toBe(303);
    const notice = await (await admin.get(invited.headers.get("location")!)).text();
    expect(notice).toContain(`Inbjudan skickad till ${DEMO_EMAILS.observer}`);
    expect(await lastLinkTo(DEMO_EMAILS.observer)).toMatch(/^\/losenord\//);
  });
});
