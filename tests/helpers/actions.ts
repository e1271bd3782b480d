import { get } from "node:http";
import type { Executor } from "../../db";
import type { Role } from "../../db/schema";
import { departmentIdsOf, type SessionUser } from "../../server/auth/sessions";
import { createAction } from "../../server/domain/actions";
import { getDocument, updateDocumentMeta } from "../../server/domain/documents";
import { ensurePeriods } from "../../server/domain/periods";
import { createUser } from "../../server/domain/users";
import { HttpClient } from "./http";

/** One demo user per role (db/seed/demo.ts), plus the second department editor. */
export const DEMO_EMAILS = {
  admin: "admin@kommun.test",
  member: "arbetsgrupp@kommun.test",
  editor: "socialtjanst@kommun.test",
  chief: "kommunchef@kommun.test",
  observer: "observator@kommun.test",
  schoolEditor: "skola@kommun.test",
} as const;
export type DemoUser = keyof typeof DEMO_EMAILS;

/** What the permission matrix tries, for each demo user, on the domain and on the API. */
export const OPERATIONS = [
  "read",
  "create",
  "editAll",
  "progressOwn",
  "progressOther",
  "followUpOwn",
  "followUpOther",
  "comment",
  "completeOwn",
  "completeOther",
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The department a role counts as its own; roles without one act on Socialtjänst. */
export const OWN_DEPARTMENT: Record<DemoUser, string> = {
  admin: "Socialtjänst",
  member: "Kommunledning",
  editor: "Socialtjänst",
  schoolEditor: "Barn och utbildning",
  chief: "Socialtjänst",
  observer: "Socialtjänst",
};
/** No demo user belongs to Kultur och teknik. */
export const OTHER_DEPARTMENT = "Kultur och teknik";

/** The permission rules, per demo user (see also server/domain/policy.test.ts). */
export const ALLOWED: Record<DemoUser, readonly Operation[]> = {
  admin: OPERATIONS,
  member: OPERATIONS.filter((op) => op !== "completeOwn" && op !== "completeOther"),
  editor: ["read", "progressOwn", "followUpOwn", "comment", "completeOwn"],
  schoolEditor: ["read", "progressOwn", "followUpOwn", "comment", "completeOwn"],
  chief: ["read", "comment"],
  observer: [],
};

/** The person behind an email as a session sees them, for calling the domain directly. */
export async function actorFor(db: Executor, email: string): Promise<SessionUser> {
  const row = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .innerJoin("organisations", "organisations.id", "memberships.organisation_id")
    .select([
      "users.id as userId",
      "users.email",
      "users.name",
      "users.locale",
      "memberships.organisation_id as organisationId",
      "memberships.roles",
      "organisations.name as organisationName",
    ])
    .where("users.email", "=", email)
    .executeTakeFirstOrThrow();
  return {
    ...row,
    sessionId: `test:${row.userId}`,
    roles: row.roles as Role[],
    departmentIds: await departmentIdsOf(db, row.userId, row.organisationId),
    mustChangePassword: false,
  };
}

/** Name → id of the organisation's departments. */
export async function departmentIds(
  db: Executor,
  organisationId: string,
): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("departments")
    .select(["id", "name"])
    .where("organisation_id", "=", organisationId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.name, r.id]));
}

/** Position (1–4) → id of the goals of the organisation's active strategy. */
export async function goalIds(db: Executor, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("goals")
    .innerJoin("strategies", "strategies.id", "goals.strategy_id")
    .select(["goals.id", "goals.position"])
    .where("goals.organisation_id", "=", organisationId)
    .where("strategies.is_active", "=", true)
    .orderBy("goals.position")
    .execute();
  return rows.map((r) => r.id);
}

/** Period name (e.g. "T3 2020") → id. */
export async function periodIds(
  db: Executor,
  organisationId: string,
): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("follow_up_periods")
    .select(["id", "name"])
    .where("organisation_id", "=", organisationId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.name, r.id]));
}

export interface OtherOrganisation {
  organisationId: string;
  departmentId: string;
  goalId: string;
  periodId: string;
  actionId: string;
  email: string;
  password: string;
  user: SessionUser;
}

/**
 * A second organisation with its own department, strategy, goal, period, action and a member
 * (`password`): what must stay invisible to the demo organisation, and vice versa.
 */
export async function seedOtherOrganisation(db: Executor): Promise<OtherOrganisation> {
  const { id: organisationId } = await db
    .insertInto("organisations")
    .values({ name: "Grannkommun", slug: "grannkommun" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { id: departmentId } = await db
    .insertInto("departments")
    .values({ organisation_id: organisationId, name: "Socialtjänst" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { id: strategyId } = await db
    .insertInto("strategies")
    .values({
      organisation_id: organisationId,
      name: "Grannkommunens strategi",
      valid_from: 2017,
      valid_to: 2020,
      is_active: true,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { id: goalId } = await db
    .insertInto("goals")
    .values({
      organisation_id: organisationId,
      strategy_id: strategyId,
      position: 1,
      title: "Grannkommunens mål",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await ensurePeriods(db, organisationId, [2020], "tertial");
  const email = "annan@grannkommun.test";
  const password = "Grannkommun-losen-1";
  await createUser(db, null, organisationId, {
    email,
    name: "Olle Granne",
    password,
    roles: ["member"],
    departmentIds: [departmentId],
  });
  const user = await actorFor(db, email);
  const action = await createAction(db, user, {
    title: "Grannkommunens åtgärd",
    goalId,
    departmentId,
  });
  const periods = await periodIds(db, organisationId);
  return {
    organisationId,
    departmentId,
    goalId,
    periodId: periods["T3 2020"],
    actionId: action.id,
    email,
    password,
    user,
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  body: any;
}

/** Calls /api/v1 with a bearer token (or none) and reads the JSON answer. */
export async function callApi(
  baseUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

/**
 * GET /api/v1`path` again with the ETag of its last answer (304 when unchanged). Over node:http:
 * fetch adds "Cache-Control: no-cache" to a conditional request, which asks for a fresh answer.
 */
export function conditionalGet(
  baseUrl: string,
  token: string,
  path: string,
  etag: string,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) =>
    get(
      `${baseUrl}/api/v1${path}`,
      { headers: { authorization: `Bearer ${token}`, "if-none-match": etag } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: new Headers(response.headers as Record<string, string>),
            body: text ? JSON.parse(text) : null,
          }),
        );
      },
    ).on("error", reject),
  );
}

/** Signs in as `email` and creates an API token the way the settings page does. */
export async function createTokenAs(
  baseUrl: string,
  email: string,
  password?: string,
): Promise<string> {
  const client = new HttpClient(baseUrl);
  await client.logIn(email, password);
  const response = await client.request("/api/v1/tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: `Test ${email}` }),
  });
  if (response.status !== 201) throw new Error(`Token for ${email}: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** Adopts (fastställer) a document as its page does, with the version just read. */
export async function adoptDocument(db: Executor, actor: SessionUser, documentId: string) {
  const { title, kind, version } = await getDocument(db, actor, documentId);
  return updateDocumentMeta(db, actor, documentId, { title, kind, status: "adopted", version });
}
