import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findIdentityNumbers } from "../../common/personnummer";
import type { DB } from "../../db";
import { DEMO_EMAILS, departmentIds, periodIds } from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { everyStoredRow } from "../helpers/stored-text";

/** The written forms the old check let through, each a valid number (811218-9876). */
const WRITTEN_FORMS = [
  ["an en dash", "811218\u20139876"],
  ["a space", "811218 9876"],
  ["a minus sign", "811218\u22129876"],
  ["a non-breaking space", "811218\u00A09876"],
  ["fullwidth digits", "\uFF18\uFF11\uFF11\uFF12\uFF11\uFF18\uFF0D\uFF19\uFF18\uFF17\uFF16"],
  ["a zero-width space inside", "8112\u200B18-9876"],
  ["a soft hyphen", "811218\u00AD9876"],
  ["letters glued on", "ref-8112189876"],
  ["brackets", "(19811218-9876)"],
] as const;

const MESSAGE = "Texten innehåller något som ser ut som ett personnummer";

let server: TestServer;
let db: DB;
let admin: HttpClient;
let member: HttpClient;
let editor: HttpClient;
let documentId: string;
let actionId: string;
let strategyId: string;
let period: string;

async function signedIn(email: string) {
  const client = new HttpClient(server.url);
  await client.logIn(email);
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  [admin, member, editor] = await Promise.all(
    [DEMO_EMAILS.admin, DEMO_EMAILS.member, DEMO_EMAILS.editor].map(signedIn),
  );
  const created = await member.postForm("/dokument/ny", { title: "Rutin", kind: "ovrigt" });
  documentId = (created.headers.get("location") ?? "").split("/")[2];
  const departments = await departmentIds(db, server.organisationId);
  const action = await db
    .selectFrom("actions")
    .select("id")
    .where("organisation_id", "=", server.organisationId)
    .where("department_id", "=", departments.Socialtjänst)
    .executeTakeFirstOrThrow();
  actionId = action.id;
  strategyId = (
    await db
      .selectFrom("strategies")
      .select("id")
      .where("organisation_id", "=", server.organisationId)
      .executeTakeFirstOrThrow()
  ).id;
  period = (await periodIds(db, server.organisationId))["T3 2020"];
});
afterAll(() => server?.close());

/** Each form that takes free text, as a browser without JavaScript posts it. */
const FORMS: Record<string, (text: string) => [() => HttpClient, string, Record<string, string>]> =
  {
    "a new document's title": (text) => [
      () => member,
      "/dokument/ny",
      { title: `Plan ${text}`, kind: "ovrigt" },
    ],
    "a document's title": (text) => [
      () => member,
      `/dokument/${documentId}`,
      { intent: "meta", title: `Plan ${text}`, kind: "ovrigt", status: "draft", version: "1" },
    ],
    "a version note": (text) => [
      () => member,
      `/dokument/${documentId}`,
      { intent: "version", note: `Före ${text}` },
    ],
    "an action comment": (text) => [
      () => member,
      `/atgarder/${actionId}`,
      { intent: "comment", body: `Gäller ${text}` },
    ],
    "a follow-up comment": (text) => [
      () => editor,
      `/atgarder/${actionId}`,
      { intent: `followup:${period}`, assessment: "at_risk", comment: `Gäller ${text}` },
    ],
    "a user's name": (text) => [
      () => admin,
      "/admin/anvandare/ny",
      {
        name: `Lena ${text}`,
        email: "lena@kommun.test",
        password: "Ett-langt-losenord-1",
        roles: "member",
      },
    ],
    "a user's email address": (text) => [
      () => admin,
      "/admin/anvandare/ny",
      {
        name: "Lena Strand",
        email: `lena.${text}@kommun.test`,
        password: "Ett-langt-losenord-1",
        roles: "member",
      },
    ],
    "a department's name": (text) => [
      () => admin,
      "/admin/forvaltningar",
      { intent: "create", name: `Enhet ${text}` },
    ],
    "a strategy's description": (text) => [
      () => admin,
      "/admin/strategier",
      { name: "Lokal plan", description: `Om ${text}`, validFrom: "2025", validTo: "2028" },
    ],
    "a goal's title": (text) => [
      () => admin,
      `/admin/strategier/${strategyId}`,
      { intent: "add-goal", position: "7", title: `Mål ${text}`, description: "" },
    ],
  };

describe("every form refuses a personnummer in any written form", () => {
  const cases = Object.keys(FORMS).flatMap((form) =>
    WRITTEN_FORMS.map(([how, number]) => ({ form, how, number })),
  );

  it.each(cases)("$form with $how is 400 with the Swedish message", async ({ form, number }) => {
    const [client, path, fields] = FORMS[form](number);
    const response = await client().postForm(path, fields);
    expect(response.status).toBe(400);
    expect(textOf(await response.text())).toContain(MESSAGE);
  });

  it("stored none of them anywhere", async () => {
    const found = (await everyStoredRow(db)).filter(({ text }) => findIdentityNumbers(text).length);
    expect(found).toEqual([]);
  });
});
