import { createHmac, timingSafeEqual } from "node:crypto";
import { type Selectable, sql } from "kysely";
import nodemailer, { type Transporter } from "nodemailer";
import { translator } from "../../common/i18n";
import type { Executor } from "../../db";
import type { Locale, MailOutboxTable, MailStatus } from "../../db/schema";
import type { Config } from "../config";

/**
 * One e-mail to one person, written in their language by the caller. The mailer adds the
 * organisation's name to the subject, the greeting and the footer, renders plain text and HTML,
 * and (with `unsubscribe`) the RFC 8058 one-click unsubscribe for this person and kind.
 */
export interface MailMessage {
  organisationId: string;
  to: {
    email: string;
    /** Our person, if they have an account (an invitation's addressee may not). */
    userId?: string | null;
    name?: string;
    locale: Locale;
  };
  /** A notification kind, `digest`, or what else sends it (`invitation`, `password-reset`). */
  kind: string;
  subject: string;
  /** The body's paragraphs, plain text (escaped for HTML here). */
  paragraphs: string[];
  /** The one thing to open: a button in HTML, a line with the address in plain text. */
  link?: { label: string; url: string };
  /** Adds the one-click unsubscribe for `to.userId` × `kind` (notifications; never invitations). */
  unsubscribe?: boolean;
}

export interface MailResult {
  /** The outbox row (every message has one, sent or not). */
  id: string;
  status: MailStatus;
}

/** Where the links in e-mails lead (APP_ORIGIN, else this server's own address). */
export function linkOrigin(config: Config): string {
  return config.linkOrigin ?? config.appOrigin ?? `http://localhost:${config.port}`;
}

/** An unsubscribe link's parts: organisation, person, kind and their signature. */
export interface UnsubscribeLink {
  o: string;
  p: string;
  k: string;
  s: string;
}

const sign = (config: Config, organisationId: string, userId: string, kind: string) =>
  createHmac("sha256", config.mail.linkKey)
    .update(`unsubscribe:${organisationId}:${userId}:${kind}`)
    .digest("base64url")
    .slice(0, 32);

/** The signed one-click unsubscribe address for one person and kind. */
export function unsubscribeUrl(
  config: Config,
  organisationId: string,
  userId: string,
  kind: string,
): string {
  const query = new URLSearchParams({
    o: organisationId,
    p: userId,
    k: kind,
    s: sign(config, organisationId, userId, kind),
  });
  return `${linkOrigin(config)}/avregistrera?${query}`;
}

/** Whether an unsubscribe link's signature is ours for that organisation, person and kind. */
export function verifyUnsubscribe(config: Config, link: UnsubscribeLink): boolean {
  const expected = Buffer.from(sign(config, link.o, link.p, link.k));
  const given = Buffer.from(link.s);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

interface Rendered {
  subject: string;
  text: string;
  html: string;
  unsubscribe?: string;
}

function render(config: Config, organisationName: string, message: MailMessage): Rendered {
  const t = translator(message.to.locale);
  const unsubscribe =
    message.unsubscribe && message.to.userId
      ? unsubscribeUrl(config, message.organisationId, message.to.userId, message.kind)
      : undefined;
  const greeting = message.to.name ? t("mail.greeting", { name: message.to.name }) : undefined;
  const settings = `${linkOrigin(config)}/installningar`;
  const footer = [
    t("mail.footer.sender", { organisation: organisationName }),
    ...(unsubscribe ? [t("mail.footer.unsubscribe"), t("mail.footer.settings")] : []),
  ];

  const text = [
    ...(greeting ? [greeting] : []),
    ...message.paragraphs,
    ...(message.link ? [`${message.link.label}: ${message.link.url}`] : []),
    "-- ",
    footer[0],
    ...(unsubscribe ? [`${footer[1]}: ${unsubscribe}`, `${footer[2]}: ${settings}`] : []),
  ].join("\n\n");

  const p = (content: string) => `<p style="margin:0 0 1em">${content}</p>`;
  const html = [
    `<!doctype html><html lang="${message.to.locale}"><head><meta charset="utf-8">`,
    `<title>${escapeHtml(message.subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">',
    ...(greeting ? [p(escapeHtml(greeting))] : []),
    ...message.paragraphs.map((paragraph) => p(escapeHtml(paragraph))),
    ...(message.link
      ? [
          p(
            `<a href="${escapeHtml(message.link.url)}" style="display:inline-block;padding:.5em 1em;background:#0b4f8a;color:#ffffff;text-decoration:underline">${escapeHtml(message.link.label)}</a>`,
          ),
        ]
      : []),
    '<hr><div style="font-size:14px;color:#444">',
    p(escapeHtml(footer[0])),
    ...(unsubscribe
      ? [
          p(`<a href="${escapeHtml(unsubscribe)}">${escapeHtml(footer[1])}</a>`),
          p(`<a href="${escapeHtml(settings)}">${escapeHtml(footer[2])}</a>`),
        ]
      : []),
    "</div></body></html>",
  ].join("\n");

  return { subject: `[${organisationName}] ${message.subject}`, text, html, unsubscribe };
}

const transports = new Map<string, Transporter>();
function transportFor(smtpUrl: string): Transporter {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    // The URL says how: smtps:// is TLS from the start, smtp:// upgrades with STARTTLS when the
    // server offers it (?requireTLS=true insists); user:password@ signs in.
    transport = nodemailer.createTransport(smtpUrl);
    transports.set(smtpUrl, transport);
  }
  return transport;
}

/** Waits between tries of one e-mail: 1, 5, 15 and 60 minutes, then it is given up. */
export const MAIL_RETRY_MINUTES = [1, 5, 15, 60] as const;
/** How long a send may take before another process takes the message up (it died mid-send). */
const SEND_CLAIM = sql`interval '2 minutes'`;

/** What a send needs of an outbox row. */
const SENDABLE = [
  "id",
  "kind",
  "locale",
  "to_address",
  "to_name",
  "subject",
  "text_body",
  "html_body",
  "unsubscribe_url",
  "attempts",
] as const;
type OutboxRow = Pick<Selectable<MailOutboxTable>, (typeof SENDABLE)[number]>;

/**
 * Composes and sends one e-mail. Every message is kept in the outbox (`mail_outbox`, read by
 * admins at /admin/utskick): with no SMTP_URL it stays there (`kept`), otherwise it is sent and
 * marked `sent`, or `failed` with the reason and tried again later (`retryFailedMail`); a
 * failure is reported, never thrown at the caller. Call it after the change that caused it has
 * committed.
 */
export async function sendMail(
  db: Executor,
  config: Config,
  message: MailMessage,
): Promise<MailResult> {
  const organisation = await db
    .selectFrom("organisations")
    .select("name")
    .where("id", "=", message.organisationId)
    .executeTakeFirstOrThrow();
  const mail = render(config, organisation.name, message);
  const smtpUrl = config.mail.smtpUrl;
  const row = await db
    .insertInto("mail_outbox")
    .values({
      organisation_id: message.organisationId,
      user_id: message.to.userId ?? null,
      to_address: message.to.email,
      to_name: message.to.name ?? null,
      kind: message.kind,
      locale: message.to.locale,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      unsubscribe_url: mail.unsubscribe ?? null,
      status: smtpUrl ? "sending" : "kept",
      next_attempt_at: smtpUrl ? sql<Date>`now() + ${SEND_CLAIM}` : null,
    })
    .returning(SENDABLE)
    .executeTakeFirstOrThrow();
  if (!smtpUrl) return { id: row.id, status: "kept" };
  return { id: row.id, status: await transmit(db, config, smtpUrl, row) };
}

/** Sends one outbox row and records how it went: sent, or failed with its next try (if any). */
async function transmit(
  db: Executor,
  config: Config,
  smtpUrl: string,
  row: OutboxRow,
): Promise<MailStatus> {
  let error: string | null = null;
  try {
    await transportFor(smtpUrl).sendMail({
      from: config.mail.from,
      to: row.to_name ? { name: row.to_name, address: row.to_address } : row.to_address,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
      headers: {
        "Content-Language": row.locale,
        "Auto-Submitted": "auto-generated",
        ...(row.unsubscribe_url
          ? {
              "List-Unsubscribe": `<${row.unsubscribe_url}>`,
              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
          : {}),
      },
    });
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
    console.error(`Sending e-mail ${row.id} (${row.kind}, try ${row.attempts}) failed: ${error}`);
  }
  const retryMinutes = MAIL_RETRY_MINUTES[row.attempts - 1];
  await db
    .updateTable("mail_outbox")
    .set({
      status: error ? "failed" : "sent",
      error,
      sent_at: error ? null : new Date(),
      next_attempt_at:
        error && retryMinutes !== undefined
          ? sql<Date>`now() + make_interval(mins => ${retryMinutes})`
          : null,
    })
    .where("id", "=", row.id)
    .execute();
  return error ? "failed" : "sent";
}

/**
 * Sends again each e-mail whose next try is due (after a failure, or a send its process did not
 * finish). Each is claimed with FOR UPDATE SKIP LOCKED and its claim time, so two processes never
 * send one message at once. Returns how many it tried.
 */
export async function retryFailedMail(db: Executor, config: Config): Promise<number> {
  const smtpUrl = config.mail.smtpUrl;
  if (!smtpUrl) return 0;
  let tried = 0;
  for (;;) {
    const row = await db
      .updateTable("mail_outbox")
      .set((eb) => ({
        status: "sending",
        attempts: eb("attempts", "+", 1),
        next_attempt_at: sql<Date>`now() + ${SEND_CLAIM}`,
      }))
      .where(
        "id",
        "=",
        db
          .selectFrom("mail_outbox")
          .select("id")
          .where("next_attempt_at", "<=", sql<Date>`now()`)
          .orderBy("next_attempt_at")
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .returning(SENDABLE)
      .executeTakeFirst();
    if (!row) return tried;
    tried += 1;
    await transmit(db, config, smtpUrl, row);
  }
}

/** Closes the SMTP connections (at shutdown). */
export function closeMailTransports(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}
