import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, DB } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import { verifyPassword } from "../../server/auth/passwords";
import type { Config } from "../../server/config";
import { ValidationError } from "../../server/domain/errors";
import {
  openLink,
  requestPasswordReset,
  sendInvitation,
  setPasswordWithLink,
} from "../../server/domain/one-time-links";
import type { Actor } from "../../server/domain/policy";
import { createUser } from "../../server/domain/users";
import { closeMailTransports } from "../../server/notifications/mail";
import { actorFor, DEMO_EMAILS, seedOtherOrganisation } from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";
import { testConfig } from "../helpers/server";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";

let handle: DatabaseHandle;
let db: DB;
let config: Config;
let admin: Actor;
let smtp: TestSmtpServer;
let newcomerId: string;
const NEW_PASSWORD = "Trana-hoppar-over-bron-7";

/** The secret of the last link e-mailed to `email`, read from the outbox's plain text. */
async function lastLinkTo(email: string): Promise<string> {
  const row = await db
    .selectFrom("mail_outbox")
    .select("text_body")
    .where("to_address", "=", email)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  const match = /\/losenord\/([A-Za-z0-9_-]{43})/.exec(row.text_body);
  if (!match) throw new Error(`No link in: ${row.text_body}`);
  return match[1];
}

const outboxTo = (email: string) =>
  db.selectFrom("mail_outbox").selectAll().where("to_address", "=", email).execute();

const passwordHashOf = async (email: string) =>
  (
    await db
      .selectFrom("users")
      .select("password_hash")
      .where("email", "=", email)
      .executeTakeFirstOrThrow()
  ).password_hash;

async function refusal(work: Promise<unknown>) {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  const organisationId = await seedDemo(db);
  smtp = await startSmtpServer();
  config = testConfig({
    SMTP_URL: smtp.url,
    MAIL_FROM: "samverkan@kommun.test",
    LOGIN_MAX_FAILURES: "3",
  });
  admin = await actorFor(db, DEMO_EMAILS.admin);
  newcomerId = await createUser(db, admin, organisationId, {
    email: "ny.person@kommun.test",
    name: "Nora Ny",
    password: "Ett-tillfalligt-losen-9",
    roles: ["member"],
    departmentIds: [],
  });
});
afterAll(async () => {
  closeMailTransports();
  await smtp?.close();
  await handle?.close();
});

describe("invitations", () => {
  it("e-mail a one-time link, valid 72 hours, that sets the password once", async () => {
    const sentAt = new Date("2026-12-05T10:00:00Z");
    const { expiresAt, mail } = await sendInvitation(db, config, admin, newcomerId, sentAt);
    expect(expiresAt.toISOString()).toBe("2026-12-08T10:00:00.000Z");
    expect(mail.status).toBe("sent");
    const [received] = await smtp.waitFor(1);
    expect(received.subject).toContain("Välkommen till Samverkan");
    const secret = await lastLinkTo("ny.person@kommun.test");
    expect(received.text).toContain(`/losenord/${secret}`);
    // Only the hash is kept.
    const stored = await db.selectFrom("one_time_links").select("token_hash").execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(secret);
    expect(
      await db
        .selectFrom("domain_events")
        .select("payload")
        .where("type", "=", "user.link-sent")
        .execute(),
    ).toEqual([{ payload: { userId: newcomerId, purpose: "invitation" } }]);

    const later = new Date("2026-12-08T09:59:00Z");
    expect((await openLink(db, secret, later))?.email).toBe("ny.person@kommun.test");
    const input = { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
    await setPasswordWithLink(db, secret, input, later);
    expect(await verifyPassword(await passwordHashOf("ny.person@kommun.test"), NEW_PASSWORD)).toBe(
      true,
    );
    // Used up.
    expect(await openLink(db, secret, later)).toBeNull();
    expect(await refusal(setPasswordWithLink(db, secret, input, later))).toEqual({
      newPassword: "validation.linkUnusable",
    });
  });

  it("expire after 72 hours, and a new invitation ends the one before", async () => {
    const sentAt = new Date("2026-12-05T12:00:00Z");
    await sendInvitation(db, config, admin, newcomerId, sentAt);
    const first = await lastLinkTo("ny.person@kommun.test");
    const input = {
      newPassword: "Annat-starkt-losen-42",
      confirmPassword: "Annat-starkt-losen-42",
    };
    expect(await openLink(db, first, new Date("2026-12-08T12:00:01Z"))).toBeNull();
    expect(
      await refusal(setPasswordWithLink(db, first, input, new Date("2026-12-08T12:00:01Z"))),
    ).toEqual({ newPassword: "validation.linkUnusable" });
    await sendInvitation(db, config, admin, newcomerId, new Date("2026-12-05T13:00:00Z"));
    const second = await lastLinkTo("ny.person@kommun.test");
    expect(second).not.toBe(first);
    expect(await openLink(db, first, new Date("2026-12-05T13:00:01Z"))).toBeNull();
    expect(await openLink(db, second, new Date("2026-12-05T13:00:01Z"))).not.toBeNull();
    // A weak password is refused without using the link up.
    expect(
      await refusal(
        setPasswordWithLink(
          db,
          second,
          { newPassword: "short", confirmPassword: "short" },
          new Date("2026-12-05T13:00:01Z"),
        ),
      ),
    ).toHaveProperty("newPassword");
    expect(await openLink(db, second, new Date("2026-12-05T13:00:01Z"))).not.toBeNull();
  });

  it("are refused for a person of another organisation too, and for oneself", async () => {
    const other = await seedOtherOrganisation(db);
    await db
      .insertInto("memberships")
      .values({
        user_id: other.user.userId,
        organisation_id: admin.organisationId,
        roles: ["member"],
      })
      .execute();
    expect(await refusal(sendInvitation(db, config, admin, other.user.userId))).toEqual({
      invite: "validation.passwordOtherOrganisation",
    });
    expect(await refusal(sendInvitation(db, config, admin, admin.userId))).toEqual({
      invite: "validation.ownPasswordHere",
    });
  });
});

describe("Glömt lösenord", () => {
  it("answers the same for known and unknown addresses, and e-mails only the known", async () => {
    const now = new Date();
    const known = await requestPasswordReset(
      db,
      config,
      { email: " Skola@Kommun.test " },
      "10.0.0.1",
      now,
    );
    const unknown = await requestPasswordReset(
      db,
      config,
      { email: "ingen@kommun.test" },
      "10.0.0.1",
      now,
    );
    expect(unknown).toEqual(known);
    expect(known).toEqual({ throttledMinutes: 0 });
    expect(await outboxTo("ingen@kommun.test")).toEqual([]);
    const [mail] = await outboxTo(DEMO_EMAILS.schoolEditor);
    expect(mail).toMatchObject({ kind: "password-reset", status: "sent" });
    expect(mail.subject).toContain("Återställ ditt lösenord");
    const secret = await lastLinkTo(DEMO_EMAILS.schoolEditor);
    // Valid two hours.
    expect(await openLink(db, secret, new Date(now.getTime() + 7_199_000))).not.toBeNull();
    expect(await openLink(db, secret, new Date(now.getTime() + 7_201_000))).toBeNull();
    const before = await passwordHashOf(DEMO_EMAILS.schoolEditor);
    await setPasswordWithLink(db, secret, {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(await passwordHashOf(DEMO_EMAILS.schoolEditor)).not.toBe(before);
    await expect(
      setPasswordWithLink(db, secret, { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("is throttled per address and client alike, whether the address exists or not", async () => {
    for (const email of [DEMO_EMAILS.editor, "okand@kommun.test"]) {
      const answers = [];
      for (let i = 0; i < 4; i++)
        answers.push(await requestPasswordReset(db, config, { email }, "10.0.0.2"));
      expect(answers.map((a) => a.throttledMinutes > 0)).toEqual([false, false, false, true]);
      // Another client is not held up.
      expect(await requestPasswordReset(db, config, { email }, "10.0.0.3")).toEqual({
        throttledMinutes: 0,
      });
    }
    expect(await outboxTo(DEMO_EMAILS.editor)).toHaveLength(4);
  });
});
