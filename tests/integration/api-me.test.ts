import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db";
import { loadDashboard } from "../../server/domain/dashboard";
import { apiOperations } from "../../server/http/openapi";
import { NOTIFICATION_KINDS } from "../../server/notifications/kinds";
import {
  actorFor,
  createTokenAs,
  DEMO_EMAILS,
  type OtherOrganisation,
  periodIds,
  seedOtherOrganisation,
} from "../helpers/actions";
import { contractClient } from "../helpers/api-contract";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * The token owner's own things through the API: who they are and their language, their Att göra
 * and their notification choices. The same commands as /att-gora and /installningar; nobody
 * reads or changes another person's, and another organisation's person sees none of ours.
 */

let server: TestServer;
let db: DB;
let api: Awaited<ReturnType<typeof contractClient>>["api"];
let revalidate: Awaited<ReturnType<typeof contractClient>>["revalidate"];
let observed: Set<string>;
let editorToken: string;
let chiefToken: string;
let other: OtherOrganisation;
let otherToken: string;

const userOf = (email: string) =>
  db
    .selectFrom("users")
    .select(["id", "name", "locale", "weekly_digest"])
    .where("email", "=", email)
    .executeTakeFirstOrThrow();

const storedChoices = async (email: string) =>
  db
    .selectFrom("notification_preferences")
    .select(["kind", "in_app", "email"])
    .where("user_id", "=", (await userOf(email)).id)
    .orderBy("kind")
    .execute();

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  ({ api, revalidate, observed } = await contractClient(server.url));
  other = await seedOtherOrganisation(db);
  editorToken = await createTokenAs(server.url, DEMO_EMAILS.editor);
  chiefToken = await createTokenAs(server.url, DEMO_EMAILS.chief);
  otherToken = await createTokenAs(server.url, other.email, other.password);
});
afterAll(() => server?.close());

const ours = apiOperations.filter((o) =>
  /^\/(me|todo|notification-preferences|overview)$/.test(o.path),
);

describe("the token owner's own things in /api/v1", () => {
  it("without a token every one is 401 with the Bearer challenge", async () => {
    for (const { method, path } of ours) {
      const response = await api(null, method.toUpperCase(), path);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="samverkan"');
    }
  });

  it("GET /me is the token's person with their roles and own departments", async () => {
    const person = await userOf(DEMO_EMAILS.editor);
    const { status, body } = await api(editorToken, "GET", "/me");
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: person.id, name: person.name, email: DEMO_EMAILS.editor });
    expect(body.roles).toEqual(["editor"]);
    const own = await db
      .selectFrom("user_departments")
      .innerJoin("departments", "departments.id", "user_departments.department_id")
      .select(["departments.id", "departments.name"])
      .where("user_departments.user_id", "=", person.id)
      .execute();
    expect(body.departments).toHaveLength(own.length);
    expect(body.departments).toEqual(expect.arrayContaining(own));

    const theirs = await api(otherToken, "GET", "/me");
    expect(theirs.body.email).toBe(other.email);
    expect(theirs.body.departments).toEqual([{ id: other.departmentId, name: "Socialtjänst" }]);
  });

  it("PATCH /me chooses the language; an unknown locale or field is 400 naming it, and nothing changes", async () => {
    const changed = await api(editorToken, "PATCH", "/me", { locale: "en" });
    expect(changed.status).toBe(200);
    expect(changed.body.locale).toBe("en");
    expect((await userOf(DEMO_EMAILS.editor)).locale).toBe("en");
    expect((await api(editorToken, "GET", "/me")).body.locale).toBe("en");

    const unknownLocale = await api(editorToken, "PATCH", "/me", { locale: "fi" });
    expect(unknownLocale.status).toBe(400);
    expect(Object.keys(unknownLocale.body.error.fields)).toEqual(["locale"]);
    const unknownField = await api(editorToken, "PATCH", "/me", { locale: "sv", name: "Ny" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.fields.name).toMatch(/Unknown field/);
    const person = await userOf(DEMO_EMAILS.editor);
    expect(person.locale).toBe("en");
    expect(person.name).not.toBe("Ny");

    expect((await api(editorToken, "PATCH", "/me", { locale: "sv" })).body.locale).toBe("sv");
    expect((await userOf(other.email)).locale).toBe("sv");
  });

  it("GET /todo is Att göra for the owner's departments only", async () => {
    const { status, body } = await api(editorToken, "GET", "/todo");
    expect(status).toBe(200);
    const me = await api(editorToken, "GET", "/me");
    const ownIds = me.body.departments.map((d: { id: string }) => d.id);
    expect([...body.departmentIds].sort()).toEqual([...ownIds].sort());
    expect(body.period).not.toBeNull();
    expect(body.reports.length).toBeGreaterThan(0);
    for (const report of body.reports) {
      expect(ownIds).toContain(report.department.id);
      expect(report.status.departmentId).toBe(report.department.id);
      expect(report.status.periodId).toBe(body.period.id);
      const actions = await db
        .selectFrom("actions")
        .select(["id", "department_id"])
        .where("id", "in", [
          "00000000-0000-0000-0000-000000000000",
          ...report.items.map((i: { id: string }) => i.id),
        ])
        .execute();
      expect(actions).toHaveLength(report.items.length);
      for (const action of actions) expect(action.department_id).toBe(report.department.id);
      const missing = report.items.filter(
        (i: { assessment: string | null }) => !i.assessment || i.assessment === "not_assessed",
      );
      expect(report.missing.map((m: { id: string }) => m.id)).toEqual(
        missing.map((i: { id: string }) => i.id),
      );
    }

    const theirs = await api(otherToken, "GET", "/todo");
    expect(theirs.status).toBe(200);
    expect(theirs.body.departmentIds).toEqual([other.departmentId]);
    const seen = JSON.stringify(theirs.body);
    for (const report of body.reports) {
      expect(seen).not.toContain(report.department.id);
      for (const item of report.items) expect(seen).not.toContain(item.id);
    }
  });

  it("GET and PUT /notification-preferences read and replace the owner's choices, strictly", async () => {
    const before = await api(editorToken, "GET", "/notification-preferences");
    expect(before.status).toBe(200);
    expect(before.body.kinds.map((k: { kind: string }) => k.kind)).toEqual([...NOTIFICATION_KINDS]);

    const saved = await api(editorToken, "PUT", "/notification-preferences", {
      inApp: ["assigned", "mention"],
      email: ["mention"],
      weeklyDigest: true,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.weeklyDigest).toBe(true);
    for (const { kind, inApp, email } of saved.body.kinds) {
      expect(inApp).toBe(kind === "assigned" || kind === "mention");
      expect(email).toBe(kind === "mention");
    }
    expect((await api(editorToken, "GET", "/notification-preferences")).body).toEqual(saved.body);
    expect((await userOf(DEMO_EMAILS.editor)).weekly_digest).toBe(true);
    const stored = await storedChoices(DEMO_EMAILS.editor);

    for (const [body, field] of [
      [{ inApp: ["no-such-kind"], email: [], weeklyDigest: false }, "inApp"],
      [{ inApp: [], email: [], weeklyDigest: "false" }, "weeklyDigest"],
      [{ inApp: [], email: [], weeklyDigest: false, digest: "weekly" }, "digest"],
      [{ inApp: [], email: [] }, "weeklyDigest"],
    ] as const) {
      const refused = await api(editorToken, "PUT", "/notification-preferences", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(refused.body.error.fields), JSON.stringify(body)).toContain(field);
    }
    expect(await storedChoices(DEMO_EMAILS.editor)).toEqual(stored);
    expect((await userOf(DEMO_EMAILS.editor)).weekly_digest).toBe(true);

    // Another person's choices, in this organisation or another, are their own.
    expect(await storedChoices(other.email)).toEqual([]);
    const theirs = await api(otherToken, "GET", "/notification-preferences");
    expect(theirs.body.weeklyDigest).toBe((await userOf(other.email)).weekly_digest);
    expect(theirs.body.kinds.find((k: { kind: string }) => k.kind === "reviewed").inApp).toBe(true);
  });

  it("GET /overview is the overview's roll-ups of the chosen period, of the organisation only", async () => {
    const chief = await actorFor(db, DEMO_EMAILS.chief);
    const current = await api(chiefToken, "GET", "/overview");
    expect(current.status).toBe(200);
    const page = await loadDashboard(db, chief, {});
    expect(current.body.period).toEqual(page.period);
    expect(current.body.goals.length).toBeGreaterThan(0);
    for (const goal of current.body.goals) {
      const counted = Object.values(goal.statusCounts as Record<string, number>);
      expect(counted.reduce((a, b) => a + b, 0)).toBe(goal.total);
    }

    const periods = Object.values(await periodIds(db, server.organisationId));
    const earlier = periods.find((id) => id !== page.period?.id) as string;
    const chosen = await api(chiefToken, "GET", `/overview?periodId=${earlier}`);
    expect(chosen.status).toBe(200);
    expect(chosen.body.period.id).toBe(earlier);
    const { strategy, period, periodState, goals, departments, trend } = await loadDashboard(
      db,
      chief,
      { periodId: earlier },
    );
    expect(chosen.body).toEqual({ strategy, period, periodState, goals, departments, trend });
    const etag = chosen.headers.get("etag") ?? "";
    const unchanged = await revalidate(chiefToken, `/overview?periodId=${earlier}`, etag);
    expect(unchanged.status).toBe(304);

    const malformed = await api(chiefToken, "GET", "/overview?periodId=T3");
    expect(malformed.status).toBe(400);
    expect(Object.keys(malformed.body.error.fields)).toEqual(["periodId"]);
    const theirPeriod = await api(chiefToken, "GET", `/overview?periodId=${other.periodId}`);
    expect(theirPeriod.status).toBe(404);
    const ourPeriod = await api(otherToken, "GET", `/overview?periodId=${earlier}`);
    expect(ourPeriod.status).toBe(404);

    const theirs = await api(otherToken, "GET", "/overview");
    expect(theirs.status).toBe(200);
    expect(theirs.body.departments.map((d: { id: string }) => d.id)).toEqual([other.departmentId]);
    expect(theirs.body.goals.map((g: { id: string }) => g.id)).toEqual([other.goalId]);
  });

  it("every documented answer of these operations was seen and matched its schema", () => {
    expect(ours).toHaveLength(6);
    const documented = ours.flatMap((o) =>
      Object.keys(o.responses).map((status) => `${o.method.toUpperCase()} ${o.path} ${status}`),
    );
    expect(documented.filter((answer) => !observed.has(answer))).toEqual([]);
    for (const { method, path } of ours)
      expect(observed.has(`${method.toUpperCase()} ${path} 401`)).toBe(true);
  });
});
