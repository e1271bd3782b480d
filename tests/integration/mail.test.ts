import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeMailTransports,
  MAIL_RETRY_MINUTES,
  type MailMessage,
  retryFailedMail,
  sendMail,
} from "../../server/notifications/mail";
import { createTokenAs, DEMO_EMAILS } from "../helpers/actions";
import { contractClient } from "../helpers/api-contract";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";

/** A header as sent, unfolded (long headers are folded over lines). */
function headerLine(mail: ParsedMail, key: string): string {
  return (mail.headerLines.find((line) => line.key === key)?.line ?? "").replace(/\r?\n\s+/g, " ");
}

async function personOf(server: TestServer, email: string) {
  return server.database.db
    .selectFrom("users")
    .select(["id", "email", "name"])
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
}

const message = (
  server: TestServer,
  to: { id: string; email: string; name: string },
  locale: "sv" | "en",
): MailMessage => ({
  organisationId: server.organisationId,
  to: { userId: to.id, email: to.email, name: to.name, locale },
  kind: "assigned",
  subject: locale === "sv" ? "Du är ansvarig för en åtgärd" : "You own an action",
  paragraphs: [locale === "sv" ? "Åtgärden ”Stöd & <råd>” är din." : "The action is yours."],
  link: {
    label: locale === "sv" ? "Öppna åtgärden" : "Open the action",
    url: "http://x/atgarder/1",
  },
  unsubscribe: true,
});

describe("e-mail through a real SMTP server", () => {
  let smtp: TestSmtpServer;
  let server: TestServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      SMTP_URL: smtp.url,
      MAIL_FROM: "Samverkan <noreply@kommun.test>",
    });
  });
  afterAll(async () => {
    await server?.close();
    closeMailTransports();
    await smtp?.close();
  });

  it("sends Swedish and English messages with the organisation in the subject, text and HTML, and one-click unsubscribe", async () => {
    const editor = await personOf(server, "socialtjanst@kommun.test");
    const chief = await personOf(server, "kommunchef@kommun.test");
    const org = await server.database.db
      .selectFrom("organisations")
      .select("name")
      .where("id", "=", server.organisationId)
      .executeTakeFirstOrThrow();

    const sv = await sendMail(server.database.db, server.config, message(server, editor, "sv"));
    const en = await sendMail(server.database.db, server.config, message(server, chief, "en"));
    expect([sv.status, en.status]).toEqual(["sent", "sent"]);
    const [swedish, english] = await smtp.waitFor(2);

    expect(swedish.subject).toBe(`[${org.name}] Du är ansvarig för en åtgärd`);
    expect(swedish.from?.value[0].address).toBe("noreply@kommun.test");
    expect(swedish.to && "value" in swedish.to ? swedish.to.value[0].address : "").toBe(
      editor.email,
    );
    expect(swedish.text).toContain(`Hej ${editor.name}!`);
    expect(swedish.text).toContain("Åtgärden ”Stöd & <råd>” är din.");
    expect(swedish.text).toContain("Öppna åtgärden: http://x/atgarder/1");
    expect(swedish.html).toContain('lang="sv"');
    // Escaped in HTML: what a person wrote never becomes markup.
    expect(swedish.html).toContain("Stöd &amp; &lt;råd&gt;");
    expect(swedish.text).toContain("Avsluta e-post av det här slaget");
    expect(swedish.headers.get("content-language")).toBe("sv");

    expect(english.subject).toBe(`[${org.name}] You own an action`);
    expect(english.text).toContain(`Hello ${chief.name},`);
    expect(english.text).toContain("Stop e-mails of this kind");
    expect(english.html).toContain('lang="en"');

    // RFC 8058: an https/http link in List-Unsubscribe and the one-click POST header.
    expect(headerLine(swedish, "list-unsubscribe")).toMatch(
      /^List-Unsubscribe: <http:\/\/localhost:\d+\/avregistrera\?o=[^>]+&k=assigned&s=[^>]+>$/,
    );
    expect(headerLine(swedish, "list-unsubscribe-post")).toBe(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    );
    // Each person's link is their own.
    expect(headerLine(english, "list-unsubscribe")).not.toBe(
      headerLine(swedish, "list-unsubscribe"),
    );

    // The outbox keeps what was sent.
    const rows = await server.database.db
      .selectFrom("mail_outbox")
      .select(["status", "to_address", "kind", "sent_at"])
      .where("id", "in", [sv.id, en.id])
      .execute();
    expect(rows.map((row) => row.status)).toEqual(["sent", "sent"]);
  });

  it("the one-click link turns that kind's e-mail off for that person, once; a forged one changes nothing", async () => {
    const editor = await personOf(server, "skola@kommun.test");
    await sendMail(server.database.db, server.config, message(server, editor, "sv"));
    const received = await smtp.waitFor(3);
    const link = new URL(
      headerLine(received[2], "list-unsubscribe").replace(/^List-Unsubscribe: <(.*)>$/, "$1"),
    );
    const choice = () =>
      server.database.db
        .selectFrom("notification_preferences")
        .select(["kind", "email", "in_app"])
        .where("user_id", "=", editor.id)
        .execute();

    // Opening the link (a mail scanner does) changes nothing; the page asks.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(textOf(await page.text())).toContain("Vill du sluta få e-post om");
    expect(await choice()).toEqual([]);

    // A forged signature: refused, nothing changes.
    const forged = new URL(link);
    forged.searchParams.set("s", "A".repeat(32));
    const refused = await fetch(forged, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(refused.status).toBe(400);
    expect(await choice()).toEqual([]);

    // The mail program's one-click POST: no Origin, no cookie.
    const oneClick = () =>
      fetch(link, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
    const first = await oneClick();
    expect(first.status).toBe(200);
    expect(await choice()).toEqual([{ kind: "assigned", email: false, in_app: true }]);
    const again = await oneClick();
    expect(again.status).toBe(200);
    expect(await choice()).toEqual([{ kind: "assigned", email: false, in_app: true }]);
  });
});

describe("e-mail while the SMTP server is away", () => {
  let smtp: TestSmtpServer | undefined;
  let server: TestServer;
  let port: number;

  beforeAll(async () => {
    // A port where an SMTP server was and is no more: the connection is refused.
    const gone = await startSmtpServer();
    port = Number(new URL(gone.url).port);
    await gone.close();
    server = await startTestServer({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: "Samverkan <noreply@kommun.test>",
    });
  });
  afterAll(async () => {
    await server?.close();
    closeMailTransports();
    await smtp?.close();
  });

  const outboxRow = (id: string) =>
    server.database.db
      .selectFrom("mail_outbox")
      .select(["status", "attempts", "next_attempt_at", "error", "sent_at"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  /** As if the wait before the next try had passed. */
  const makeDue = (id: string) =>
    server.database.db
      .updateTable("mail_outbox")
      .set({ next_attempt_at: new Date(Date.now() - 1000) })
      .where("id", "=", id)
      .execute();

  it("keeps a refused message, tries it again once due, and sends it when the server is back", async () => {
    const editor = await personOf(server, "socialtjanst@kommun.test");
    const { id, status } = await sendMail(
      server.database.db,
      server.config,
      message(server, editor, "sv"),
    );
    expect(status).toBe("failed");
    const failed = await outboxRow(id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, sent_at: null });
    expect(failed.error).toBeTruthy();
    // Not due yet: the first wait is a minute.
    expect(failed.next_attempt_at?.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(await retryFailedMail(server.database.db, server.config)).toBe(0);

    const admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    expect(textOf(await (await admin.get("/admin/utskick")).text())).toContain(
      "kunde inte skickas – nytt försök",
    );

    smtp = await startSmtpServer(port);
    await makeDue(id);
    expect(await retryFailedMail(server.database.db, server.config)).toBe(1);
    const [mail] = await smtp.waitFor(1);
    expect(mail.subject).toContain("Du är ansvarig för en åtgärd");
    expect(mail.to).toMatchObject({ value: [{ address: editor.email, name: editor.name }] });
    expect(headerLine(mail, "list-unsubscribe-post")).toContain("List-Unsubscribe=One-Click");
    expect(await outboxRow(id)).toMatchObject({
      status: "sent",
      attempts: 2,
      next_attempt_at: null,
      error: null,
    });
    // Sent once: nothing is due any more.
    expect(await retryFailedMail(server.database.db, server.config)).toBe(0);
    await smtp.close();
    smtp = undefined;
  });

  it("gives a message up after its last try, and says so to the admin", async () => {
    await smtp?.close();
    smtp = undefined;
    const editor = await personOf(server, "socialtjanst@kommun.test");
    const { id } = await sendMail(server.database.db, server.config, message(server, editor, "en"));
    for (let i = 0; i < MAIL_RETRY_MINUTES.length; i++) {
      await makeDue(id);
      expect(await retryFailedMail(server.database.db, server.config)).toBe(1);
    }
    expect(await outboxRow(id)).toMatchObject({
      status: "failed",
      attempts: MAIL_RETRY_MINUTES.length + 1,
      next_attempt_at: null,
    });
    expect(await retryFailedMail(server.database.db, server.config)).toBe(0);
    const admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    expect(textOf(await (await admin.get("/admin/utskick")).text())).toContain(
      `kunde inte skickas – gav upp efter ${MAIL_RETRY_MINUTES.length + 1} försök`,
    );
  });
});

describe("e-mail without SMTP_URL", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("keeps every message in the outbox, which admins read at /admin/utskick", async () => {
    const editor = await personOf(server, "socialtjanst@kommun.test");
    const result = await sendMail(server.database.db, server.config, message(server, editor, "sv"));
    expect(result.status).toBe("kept");

    const admin = new HttpClient(server.url);
    await admin.logIn("admin@kommun.test");
    const page = await admin.get("/admin/utskick");
    expect(page.status).toBe(200);
    const text = textOf(await page.text());
    expect(text).toContain("Ingen e-postserver är inställd");
    expect(text).toContain("Du är ansvarig för en åtgärd");
    expect(text).toContain(`till ${editor.email}`);
    expect(text).toContain("ej skickat (ingen e-postserver)");

    const member = new HttpClient(server.url);
    await member.logIn("arbetsgrupp@kommun.test");
    expect((await member.get("/admin/utskick")).status).toBe(403);
  });

  it("admins page through the outbox, on Utskick and in the API, which leaves invitation link secrets out", async () => {
    // More than a page of e-mails, the invitation the newest.
    const editor = await personOf(server, "socialtjanst@kommun.test");
    for (let i = 0; i < 100; i++)
      await sendMail(server.database.db, server.config, message(server, editor, "sv"));
    const { api, observed } = await contractClient(server.url);
    const admin = await createTokenAs(server.url, DEMO_EMAILS.admin);
    const departmentId = (
      await server.database.db
        .selectFrom("departments")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .executeTakeFirstOrThrow()
    ).id;
    const invited = await api(admin, "POST", "/users", {
      name: "Inbjuden Person",
      email: "inbjuden@kommun.test",
      roles: ["editor"],
      departmentIds: [departmentId],
    });
    expect(invited.status).toBe(201);
    const stored = await server.database.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("kind", "=", "invitation")
      .where("to_address", "=", "inbjuden@kommun.test")
      .executeTakeFirstOrThrow();
    const secret = /\/losenord\/([A-Za-z0-9_-]+)/.exec(stored.text_body)?.[1];
    expect(secret).toBeTruthy();

    const first = await api(admin, "GET", "/mail-outbox?limit=1");
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({
      to: "inbjuden@kommun.test",
      kind: "invitation",
      status: "kept",
    });
    expect(first.body.items[0].text).toContain("/losenord/…");
    expect(JSON.stringify(first.body)).not.toContain(secret);
    const second = await api(
      admin,
      "GET",
      `/mail-outbox?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect((await api(admin, "GET", "/mail-outbox?limit=0")).status).toBe(400);
    const notifications = await api(admin, "GET", "/notifications?limit=1");
    expect(
      (
        await api(
          admin,
          "GET",
          `/mail-outbox?cursor=${encodeURIComponent(notifications.body.nextCursor ?? "x")}`,
        )
      ).status,
    ).toBe(400);
    const member = await createTokenAs(server.url, DEMO_EMAILS.member);
    expect((await api(member, "GET", "/mail-outbox")).status).toBe(403);
    for (const status of [200, 400, 403]) expect(observed).toContain(`GET /mail-outbox ${status}`);

    // The page shows a hundred, then Äldre utskick, which needs no JavaScript.
    const page = new HttpClient(server.url);
    await page.logIn("admin@kommun.test");
    const html = await (await page.get("/admin/utskick")).text();
    const older = /href="(\/admin\/utskick\?cursor=[^"]+)"/.exec(html)?.[1];
    expect(older).toBeTruthy();
    const next = textOf(await (await page.get(older!.replace(/&amp;/g, "&"))).text());
    expect(next).toContain("till socialtjanst@kommun.test");
    expect(next).not.toContain("till inbjuden@kommun.test");
  });
});
