import type { SerializedEditorState } from "lexical";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findIdentityNumbers } from "../../common/personnummer";
import type { DB } from "../../db";
import { renderState, updateToContent } from "../../server/collab/headless";
import { loadState } from "../../server/collab/store";
import { setPasswordWithLink } from "../../server/domain/one-time-links";
import { PURGED_MARK } from "../../server/domain/personal-data";
import { apiOperations, openApiDocument } from "../../server/http/openapi";
import {
  createTokenAs,
  DEMO_EMAILS,
  type DemoUser,
  departmentIds,
  goalIds,
  type OtherOrganisation,
  seedOtherOrganisation,
} from "../helpers/actions";
import { contractClient } from "../helpers/api-contract";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

/**
 * Administration through the API: people, strategies and goals, the organisation's settings,
 * and documents' reviews. The same commands as the portal's pages, so the same rules: admins
 * only where the pages are, another organisation's things do not exist, bodies are strict.
 */

let server: TestServer;
let db: DB;
let api: Awaited<ReturnType<typeof contractClient>>["api"];
let observed: Set<string>;
const tokens = {} as Record<DemoUser, string>;
let other: OtherOrganisation;
let otherToken: string;
let departments: Record<string, string>;
let goals: string[];
const ids = {} as Record<DemoUser, string>;

const PERSONNUMMER = "811218-9876";
const unknownId = () => crypto.randomUUID();

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
  ({ api, observed } = await contractClient(server.url));
  other = await seedOtherOrganisation(db);
  for (const [role, email] of Object.entries(DEMO_EMAILS)) {
    tokens[role as DemoUser] = await createTokenAs(server.url, email);
    const { id } = await db
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    ids[role as DemoUser] = id;
  }
  otherToken = await createTokenAs(server.url, other.email, other.password);
  departments = await departmentIds(db, server.organisationId);
  goals = await goalIds(db, server.organisationId);
});
afterAll(() => server?.close());

const auditOf = (entityId: string) =>
  db
    .selectFrom("audit_events")
    .select(["action", "actor_id", "after"])
    .where("entity_id", "=", entityId)
    .orderBy("created_at")
    .execute();

/** The person sets their password through the invitation e-mailed to them, as the link's page does. */
async function acceptInvitation(email: string, password: string) {
  const mail = await db
    .selectFrom("mail_outbox")
    .select(["text_body", "kind"])
    .where("to_address", "=", email)
    .orderBy("created_at", "desc")
    .executeTakeFirstOrThrow();
  expect(mail.kind).toBe("invitation");
  const secret = /\/losenord\/([\w-]+)/.exec(mail.text_body)?.[1] ?? "";
  expect(secret.length).toBeGreaterThan(30);
  await setPasswordWithLink(db, secret, { newPassword: password, confirmPassword: password });
  return secret;
}

/** A plain-text answer (the document's content as text). */
async function callApiText(path: string) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${tokens.member}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

/** Expects a 400 naming exactly these fields. */
function expectRefused(
  response: { status: number; body: { error: { fields: object } } },
  fields: string[],
) {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(Object.keys(response.body.error.fields).sort()).toEqual([...fields].sort());
}

describe("people (API, admins)", () => {
  it("only admins list, read or invite people; another organisation's person does not exist", async () => {
    for (const role of ["member", "chief", "editor", "observer"] as const) {
      expect((await api(tokens[role], "GET", "/users")).status).toBe(403);
      expect((await api(tokens[role], "GET", `/users/${ids.member}`)).status).toBe(403);
      const invited = await api(tokens[role], "POST", "/users", {
        name: "Obehörig",
        email: `obehorig-${role}@kommun.test`,
        roles: ["member"],
      });
      expect(invited.status).toBe(403);
    }
    const users = await db.selectFrom("users").select("email").execute();
    expect(users.some((u) => u.email.startsWith("obehorig"))).toBe(false);
    expect((await api(tokens.admin, "GET", `/users/${other.user.userId}`)).status).toBe(404);
    expect((await api(tokens.admin, "GET", `/users/${unknownId()}`)).status).toBe(404);
    expect((await api(otherToken, "GET", `/users/${ids.member}`)).status).toBe(403);
  });

  it("lists people by name, page by page, filtered by active, role and department", async () => {
    const all = await api(tokens.admin, "GET", "/users?limit=500");
    expect(all.status).toBe(200);
    const names = all.body.items.map((u: { name: string }) => u.name);
    expect(names).toEqual(expect.arrayContaining(["Anna Berg", "Karin Nilsson", "Sara Lind"]));
    expect(names).not.toContain("Olle Granne");
    const seen: string[] = [];
    let path = "/users?limit=2";
    for (let page = 0; page < 50; page++) {
      const response = await api(tokens.admin, "GET", path);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.items.map((u: { id: string }) => u.id));
      if (!response.body.nextCursor) break;
      path = `/users?limit=2&cursor=${response.body.nextCursor}`;
    }
    expect(seen).toEqual(all.body.items.map((u: { id: string }) => u.id));

    const editors = await api(tokens.admin, "GET", "/users?role=editor");
    expect(editors.body.items.map((u: { name: string }) => u.name).sort()).toEqual([
      "Erik Holm",
      "Karin Nilsson",
    ]);
    const social = await api(
      tokens.admin,
      "GET",
      `/users?departmentId=${departments.Socialtjänst}`,
    );
    expect(social.body.items.map((u: { name: string }) => u.name)).toContain("Karin Nilsson");
    expect(social.body.items.map((u: { name: string }) => u.name)).not.toContain("Erik Holm");
    const inactive = await api(tokens.admin, "GET", "/users?active=false");
    expect(inactive.body.items.every((u: { active: boolean }) => !u.active)).toBe(true);

    expectRefused(await api(tokens.admin, "GET", "/users?role=boss"), ["role"]);
    expectRefused(await api(tokens.admin, "GET", "/users?active=yes"), ["active"]);
    const first = await api(tokens.admin, "GET", "/users?limit=1&role=editor");
    const crossed = await api(
      tokens.admin,
      "GET",
      `/users?limit=1&cursor=${first.body.nextCursor}`,
    );
    expectRefused(crossed, ["cursor"]);
  });

  it("a person is what is stored, and no answer carries a password or its hash", async () => {
    const listed = await api(tokens.admin, "GET", "/users?limit=500");
    const karin = await api(tokens.admin, "GET", `/users/${ids.editor}`);
    expect(karin.status).toBe(200);
    expect(karin.body).toEqual(listed.body.items.find((u: { id: string }) => u.id === ids.editor));
    expect(karin.body).toMatchObject({
      name: "Karin Nilsson",
      email: DEMO_EMAILS.editor,
      roles: ["editor"],
      departmentIds: [departments.Socialtjänst],
      active: true,
    });
    const { password_hash } = await db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", ids.editor)
      .executeTakeFirstOrThrow();
    for (const body of [listed.body, karin.body])
      expect(JSON.stringify(body)).not.toMatch(/password_hash|"password"|\$argon|\$2[aby]\$/);
    expect(JSON.stringify(listed.body)).not.toContain(password_hash);
  });

  it("inviting adds the person and e-mails a one-time link; the answer never holds a password or the link", async () => {
    const body = {
      name: "Ny Person",
      email: " Ny.Person@Kommun.test ",
      roles: ["editor"],
      departmentIds: [departments["Barn och utbildning"]],
    };
    const invited = await api(tokens.admin, "POST", "/users", body);
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      name: "Ny Person",
      email: "ny.person@kommun.test",
      roles: ["editor"],
      departmentIds: [departments["Barn och utbildning"]],
      active: true,
      version: 1,
      mustChangePassword: true,
    });
    const hours = (Date.parse(invited.body.invitation.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);
    const { invitation: _, ...person } = invited.body;
    expect((await api(tokens.admin, "GET", `/users/${invited.body.id}`)).body).toEqual(person);
    expect((await auditOf(invited.body.id)).map((a) => a.action)).toEqual([
      "user.created",
      "user.invited",
    ]);

    // Nobody can sign in before the person has chosen a password through the link.
    const signIn = new HttpClient(server.url);
    await expect(signIn.logIn("ny.person@kommun.test")).rejects.toThrow();
    const secret = await acceptInvitation("ny.person@kommun.test", "Kvast-Moln-Fjaril-4821");
    expect(JSON.stringify(invited.body)).not.toContain(secret);
    expect(JSON.stringify(invited.body)).not.toMatch(/"password"|secret|token|losenord/i);
    await signIn.logIn("ny.person@kommun.test", "Kvast-Moln-Fjaril-4821");
  });

  it("an invitation is refused, and nothing stored, for bad fields: each named, no conversion, no password accepted", async () => {
    const count = async () => (await db.selectFrom("users").select("id").execute()).length;
    const before = await count();
    const base = { name: "Fel Fält", email: "fel@kommun.test", roles: ["member"] };
    expectRefused(
      await api(tokens.admin, "POST", "/users", { ...base, password: "Hemligt-1234" }),
      ["password"],
    );
    expectRefused(await api(tokens.admin, "POST", "/users", { ...base, roles: "member" }), [
      "roles",
    ]);
    expectRefused(
      await api(tokens.admin, "POST", "/users", { ...base, email: DEMO_EMAILS.chief }),
      ["email"],
    );
    expectRefused(await api(tokens.admin, "POST", "/users", { ...base, roles: ["editor"] }), [
      "departmentIds",
    ]);
    expectRefused(
      await api(tokens.admin, "POST", "/users", { ...base, departmentIds: [other.departmentId] }),
      ["departmentIds"],
    );
    const personal = await api(tokens.admin, "POST", "/users", {
      ...base,
      name: `Anna ${PERSONNUMMER}`,
    });
    expect(personal.status).toBe(422);
    expect(personal.body.error.code).toBe("personal_identity_number");
    expect(await count()).toBe(before);
  });

  it("PATCH changes only the fields sent, with the version read; stale versions, strays and strangers are refused", async () => {
    const { body: created } = await api(tokens.admin, "POST", "/users", {
      name: "Ändras Sen",
      email: "andras@kommun.test",
      roles: ["member"],
    });
    const path = `/users/${created.id}`;
    const changed = await api(tokens.admin, "PATCH", path, {
      version: 1,
      roles: ["editor"],
      departmentIds: [departments.Socialtjänst],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: "Ändras Sen",
      email: "andras@kommun.test",
      roles: ["editor"],
      departmentIds: [departments.Socialtjänst],
      version: 2,
    });
    expect((await api(tokens.admin, "GET", path)).body).toEqual(changed.body);
    const audit = await auditOf(created.id);
    expect(audit.at(-1)).toMatchObject({ action: "user.updated", actor_id: ids.admin });

    expect((await api(tokens.admin, "PATCH", path, { version: 1, name: "Gammal" })).status).toBe(
      409,
    );
    expectRefused(await api(tokens.admin, "PATCH", path, { version: "2", name: "Typ" }), [
      "version",
    ]);
    expectRefused(await api(tokens.admin, "PATCH", path, { version: 2, locale: "en" }), ["locale"]);
    expectRefused(await api(tokens.admin, "PATCH", path, { version: 2, roles: [] }), ["roles"]);
    expectRefused(
      await api(tokens.admin, "PATCH", `/users/${ids.admin}`, { version: 1, roles: ["member"] }),
      ["roles"],
    );
    const personal = await api(tokens.admin, "PATCH", path, {
      version: 2,
      name: `Ändras ${PERSONNUMMER}`,
    });
    expect(personal.status).toBe(422);
    expect((await api(tokens.member, "PATCH", path, { version: 2, name: "X" })).status).toBe(403);
    expect(
      (await api(tokens.admin, "PATCH", `/users/${other.user.userId}`, { version: 1, name: "X" }))
        .status,
    ).toBe(404);
    expect((await api(tokens.admin, "GET", path)).body).toEqual(changed.body);
  });

  it("deactivating ends the person's access at once (their token too); activating lets them back", async () => {
    const { body: created } = await api(tokens.admin, "POST", "/users", {
      name: "Tillfällig Person",
      email: "tillfallig@kommun.test",
      roles: ["member"],
    });
    const path = `/users/${created.id}`;
    await acceptInvitation("tillfallig@kommun.test", "Regnbage-Kaffe-Stol-77");
    const theirToken = await createTokenAs(
      server.url,
      "tillfallig@kommun.test",
      "Regnbage-Kaffe-Stol-77",
    );
    expect((await api(theirToken, "GET", "/goals")).status).toBe(200);

    const deactivated = await api(tokens.admin, "POST", `${path}/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ active: false, version: created.version + 1 });
    expect((await api(theirToken, "GET", "/goals")).status).toBe(401);
    expect(
      (await api(tokens.admin, "GET", "/users?active=false")).body.items.map(
        (u: { id: string }) => u.id,
      ),
    ).toContain(created.id);
    expect((await api(tokens.admin, "POST", `${path}/invitation`)).status).toBe(400);

    const activated = await api(tokens.admin, "POST", `${path}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body.active).toBe(true);
    expect((await auditOf(created.id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(["user.deactivated", "user.reactivated"]),
    );

    expect((await api(tokens.admin, "POST", `/users/${ids.admin}/deactivate`)).status).toBe(400);
    for (const action of ["deactivate", "activate", "invitation"]) {
      expect((await api(tokens.member, "POST", `${path}/${action}`)).status).toBe(403);
      expect(
        (await api(tokens.admin, "POST", `/users/${other.user.userId}/${action}`)).status,
      ).toBe(404);
    }
  });

  it("a new invitation or a temporary password, as on the person's page", async () => {
    const { body: created } = await api(tokens.admin, "POST", "/users", {
      name: "Glömsk Person",
      email: "glomsk@kommun.test",
      roles: ["chief"],
    });
    const path = `/users/${created.id}`;
    const invitation = await api(tokens.admin, "POST", `${path}/invitation`);
    expect(invitation.status).toBe(201);
    expect(Object.keys(invitation.body)).toEqual(["expiresAt"]);
    expect((await api(tokens.admin, "POST", `/users/${ids.admin}/invitation`)).status).toBe(400);
    const temporary = await api(tokens.admin, "POST", `${path}/temporary-password`, {
      password: "Sommar-Eka-Vante-513",
    });
    expect(temporary.status).toBe(204);
    const signIn = new HttpClient(server.url);
    const signedIn = await signIn.logIn("glomsk@kommun.test", "Sommar-Eka-Vante-513");
    expect(signedIn.headers.get("location")).toMatch(/byt-losenord/);

    const weak = await api(tokens.admin, "POST", `${path}/temporary-password`, {
      password: "kort",
    });
    expectRefused(weak, ["password"]);
    for (const [token, target, status] of [
      [tokens.member, path, 403],
      [tokens.admin, `/users/${unknownId()}`, 404],
    ] as const) {
      const response = await api(token, "POST", `${target}/temporary-password`, {
        password: "Ett-annat-losen-31",
      });
      expect(response.status).toBe(status);
    }
  });
});

describe("strategies and goals (API)", () => {
  const strategyBody = {
    name: "Handlingsplan 2021–2024",
    description: "Nästa plan",
    validFrom: 2021,
    validTo: 2024,
  };

  it("everyone who may read reads strategies with their goals; only their own organisation's", async () => {
    const listed = await api(tokens.observer, "GET", "/strategies");
    expect(listed.status).toBe(200);
    const active = listed.body.items[0];
    expect(active).toMatchObject({ name: "Länsstrategi Västernorrland 2017–2020", isActive: true });
    const details = await api(tokens.observer, "GET", `/strategies/${active.id}`);
    expect(details.status).toBe(200);
    expect(details.body.goals.map((g: { id: string }) => g.id)).toEqual(goals);
    const goalList = await api(tokens.observer, "GET", "/goals");
    expect(details.body.goals).toEqual(goalList.body.items);
    const theirs = (await api(otherToken, "GET", "/strategies")).body.items;
    expect(theirs.map((s: { name: string }) => s.name)).toEqual(["Grannkommunens strategi"]);
    expect((await api(tokens.admin, "GET", `/strategies/${theirs[0].id}`)).status).toBe(404);
  });

  it("admins create and change a strategy; the answer is what is stored", async () => {
    const created = await api(tokens.admin, "POST", "/strategies", strategyBody);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      ...strategyBody,
      isActive: false,
      version: 1,
      goals: [],
    });
    const path = `/strategies/${created.body.id}`;
    const renamed = await api(tokens.admin, "PATCH", path, { version: 1, name: "Plan 2021–2024" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...created.body, name: "Plan 2021–2024", version: 2 });
    expect((await api(tokens.member, "GET", path)).body).toEqual(renamed.body);
    expect((await auditOf(created.body.id)).map((a) => a.action)).toEqual([
      "strategy.created",
      "strategy.updated",
    ]);
    expect((await api(tokens.admin, "PATCH", path, { version: 1, name: "Gammal" })).status).toBe(
      409,
    );
    expectRefused(await api(tokens.admin, "PATCH", path, { version: 2, validTo: 2020 }), [
      "validTo",
    ]);

    // Making it active makes the old one inactive: the goals a new action is set against follow.
    const activated = await api(tokens.admin, "PATCH", path, { version: 2, isActive: true });
    expect(activated.body.isActive).toBe(true);
    expect((await api(tokens.member, "GET", "/goals")).body.items).toEqual([]);
    const old = (await api(tokens.admin, "GET", "/strategies")).body.items.find(
      (s: { name: string }) => s.name.startsWith("Länsstrategi"),
    );
    expect(old.isActive).toBe(false);
    await api(tokens.admin, "PATCH", `/strategies/${old.id}`, {
      version: old.version,
      isActive: true,
    });
    expect(
      (await api(tokens.member, "GET", "/goals")).body.items.map((g: { id: string }) => g.id),
    ).toEqual(goals);
  });

  it("strategy writes are for admins, strict, and never store a personnummer", async () => {
    const count = async () => (await db.selectFrom("strategies").select("id").execute()).length;
    const before = await count();
    for (const role of ["member", "chief", "observer"] as const)
      expect((await api(tokens[role], "POST", "/strategies", strategyBody)).status).toBe(403);
    expectRefused(await api(tokens.admin, "POST", "/strategies", { ...strategyBody, year: 2021 }), [
      "year",
    ]);
    const typed = await api(tokens.admin, "POST", "/strategies", {
      ...strategyBody,
      validFrom: "2021",
    });
    expectRefused(typed, ["validFrom"]);
    expect(typed.body.error.fields.validFrom).toBe(
      "Must be integer, not string (the API does not convert types).",
    );
    expectRefused(
      await api(tokens.admin, "POST", "/strategies", { ...strategyBody, validTo: 2019 }),
      ["validTo"],
    );
    const personal = await api(tokens.admin, "POST", "/strategies", {
      ...strategyBody,
      description: `Kontakt ${PERSONNUMMER}`,
    });
    expect(personal.status).toBe(422);
    expect(await count()).toBe(before);

    const [mine] = (await api(tokens.admin, "GET", "/strategies")).body.items;
    const path = `/strategies/${mine.id}`;
    expect(
      (await api(tokens.member, "PATCH", path, { version: mine.version, name: "X" })).status,
    ).toBe(403);
    const stranger = await api(otherToken, "GET", "/strategies");
    expect(
      (
        await api(tokens.admin, "PATCH", `/strategies/${stranger.body.items[0].id}`, {
          version: 1,
          name: "X",
        })
      ).status,
    ).toBe(404);
    const personalChange = await api(tokens.admin, "PATCH", path, {
      version: mine.version,
      name: `Strategi ${PERSONNUMMER}`,
    });
    expect(personalChange.status).toBe(422);
    expect((await api(tokens.admin, "GET", path)).body.name).toBe(mine.name);
  });

  it("goals are added, changed and removed by admins; a goal that actions are set against stays (409)", async () => {
    const { body: strategy } = await api(tokens.admin, "POST", "/strategies", {
      ...strategyBody,
      name: "Strategi för mål",
    });
    const goalsPath = `/strategies/${strategy.id}/goals`;
    const added = await api(tokens.admin, "POST", goalsPath, {
      position: 1,
      title: "Första målet",
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      id: expect.any(String),
      strategyId: strategy.id,
      number: 1,
      title: "Första målet",
      description: "",
    });
    const goalPath = `/goals/${added.body.id}`;
    const changed = await api(tokens.admin, "PATCH", goalPath, { description: "Beskrivet" });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...added.body, description: "Beskrivet" });
    expect((await api(tokens.observer, "GET", `/strategies/${strategy.id}`)).body.goals).toEqual([
      changed.body,
    ]);

    expectRefused(await api(tokens.admin, "POST", goalsPath, { position: "2", title: "Typ" }), [
      "position",
    ]);
    expectRefused(
      await api(tokens.admin, "POST", goalsPath, { position: 2, title: "T", owner: 1 }),
      ["owner"],
    );
    expectRefused(await api(tokens.admin, "PATCH", goalPath, { position: 100 }), ["position"]);
    expectRefused(await api(tokens.admin, "PATCH", goalPath, { number: 2 }), ["number"]);
    for (const [method, path, body] of [
      ["POST", goalsPath, { position: 2, title: `Mål ${PERSONNUMMER}` }],
      ["PATCH", goalPath, { title: `Mål ${PERSONNUMMER}` }],
    ] as const)
      expect((await api(tokens.admin, method, path, body)).status).toBe(422);
    for (const [method, path, body] of [
      ["POST", goalsPath, { position: 2, title: "Obehörig" }],
      ["PATCH", goalPath, { title: "Obehörig" }],
      ["DELETE", goalPath, undefined],
    ] as const)
      expect((await api(tokens.member, method, path, body)).status).toBe(403);
    for (const [method, path, body] of [
      ["POST", `/strategies/${unknownId()}/goals`, { position: 2, title: "Ingenstans" }],
      ["PATCH", `/goals/${other.goalId}`, { title: "Grannens" }],
      ["DELETE", `/goals/${other.goalId}`, undefined],
    ] as const)
      expect((await api(tokens.admin, method, path, body)).status).toBe(404);
    expect((await api(tokens.observer, "GET", `/strategies/${strategy.id}`)).body.goals).toEqual([
      changed.body,
    ]);

    const used = await api(tokens.admin, "DELETE", `/goals/${goals[0]}`);
    expect(used.status).toBe(409);
    expect(used.body.error.fields.form).toMatch(/has actions/);
    expect(
      (await api(tokens.member, "GET", "/goals")).body.items.map((g: { id: string }) => g.id),
    ).toEqual(goals);
    expect((await api(tokens.admin, "DELETE", goalPath)).status).toBe(204);
    expect((await api(tokens.admin, "GET", `/strategies/${strategy.id}`)).body.goals).toEqual([]);
    expect((await auditOf(added.body.id)).map((a) => a.action)).toEqual([
      "goal.created",
      "goal.updated",
      "goal.removed",
    ]);
  });

  it("the strategy page refuses removing a goal that actions are set against, saying why", async () => {
    const client = new HttpClient(server.url);
    await client.logIn(DEMO_EMAILS.admin);
    const { strategy_id } = await db
      .selectFrom("goals")
      .select("strategy_id")
      .where("id", "=", goals[1])
      .executeTakeFirstOrThrow();
    const refused = await client.postForm(`/admin/strategier/${strategy_id}`, {
      intent: `remove-goal:${goals[1]}`,
    });
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text())).toContain(
      "Målet har åtgärder och kan inte tas bort. Flytta dem till ett annat mål först.",
    );
    expect((await api(tokens.member, "GET", "/goals")).body.items).toHaveLength(goals.length);
  });
});

describe("organisation settings (API, admins)", () => {
  it("admins read and set the roll-up threshold; others may not; the value is strict", async () => {
    const read = await api(tokens.admin, "GET", "/organisation");
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ name: "Exempelkommun", rollUpThreshold: expect.any(Number) });
    const set = await api(tokens.admin, "PATCH", "/organisation", { rollUpThreshold: 60 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ ...read.body, rollUpThreshold: 60 });
    const { rollup_threshold } = await db
      .selectFrom("organisations")
      .select("rollup_threshold")
      .where("id", "=", server.organisationId)
      .executeTakeFirstOrThrow();
    expect(rollup_threshold).toBe(60);
    expectRefused(await api(tokens.admin, "PATCH", "/organisation", { rollUpThreshold: "50" }), [
      "rollUpThreshold",
    ]);
    expectRefused(await api(tokens.admin, "PATCH", "/organisation", { rollUpThreshold: 100 }), [
      "rollUpThreshold",
    ]);
    expectRefused(
      await api(tokens.admin, "PATCH", "/organisation", { rollUpThreshold: 50, name: "X" }),
      ["name"],
    );
    for (const role of ["member", "chief", "observer"] as const) {
      expect((await api(tokens[role], "GET", "/organisation")).status).toBe(403);
      expect(
        (await api(tokens[role], "PATCH", "/organisation", { rollUpThreshold: 10 })).status,
      ).toBe(403);
    }
    expect((await api(otherToken, "GET", "/organisation")).status).toBe(403);
    expect((await api(tokens.admin, "GET", "/organisation")).body.rollUpThreshold).toBe(60);
  });
});

describe("personal data (API, admins)", () => {
  /** Text as it was typed before numbers were refused: written straight into the stored state. */
  async function typedBefore(documentId: string, text: string) {
    const stored = await loadState(db, documentId);
    if (!stored) throw new Error("no state");
    const paragraph = { type: "paragraph", version: 1, direction: null, format: "", indent: 0 };
    const content = {
      root: {
        ...paragraph,
        type: "root",
        children: [
          {
            ...paragraph,
            children: [
              { type: "text", version: 1, text, format: 0, detail: 0, mode: "normal", style: "" },
            ],
          },
        ],
      },
    } as unknown as SerializedEditorState;
    await server.collab.applyServerUpdate(documentId, updateToContent(stored.state, content), null);
  }

  it("admins find the numbers stored before they were refused, masked, and purge them, in a document's text too", async () => {
    const { body: action } = await api(tokens.member, "POST", "/actions", {
      title: "Gammal åtgärd",
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
    });
    await db
      .updateTable("actions")
      .set({ description: `Kontakt ${PERSONNUMMER} via socialtjänsten` })
      .where("id", "=", action.id)
      .execute();
    const { body: document } = await api(tokens.member, "POST", "/documents", {
      title: "Gammal anteckning",
      kind: "motesanteckningar",
    });
    await typedBefore(document.id, `Ring ${PERSONNUMMER} om stödet`);

    const found = await api(tokens.admin, "GET", "/personal-data");
    expect(found.status).toBe(200);
    expect(findIdentityNumbers(JSON.stringify(found.body))).toEqual([]);
    const ofAction = found.body.items.find((f: { id: string }) => f.id === action.id);
    expect(ofAction).toMatchObject({
      place: "action",
      field: "description",
      excerpt: expect.stringContaining("811218-****"),
      href: `/atgarder/${action.id}`,
    });
    const ofDocument = found.body.items.find(
      (f: { id: string; field: string }) => f.id === document.id && f.field === "content",
    );
    expect(ofDocument).toMatchObject({ place: "document" });

    for (const finding of [ofAction, ofDocument]) {
      const { place, id, field } = finding;
      expect(
        (await api(tokens.member, "POST", "/personal-data/purge", { place, id, field })).status,
      ).toBe(403);
      expect(
        (await api(tokens.admin, "POST", "/personal-data/purge", { place, id, field })).status,
      ).toBe(204);
    }
    const { description } = await db
      .selectFrom("actions")
      .select("description")
      .where("id", "=", action.id)
      .executeTakeFirstOrThrow();
    expect(description).toBe(`Kontakt ${PURGED_MARK} via socialtjänsten`);
    const stored = await loadState(db, document.id);
    expect(renderState(stored?.state as Uint8Array).text).not.toContain(PERSONNUMMER);
    const text = await callApiText(`/documents/${document.id}/content?format=text`);
    expect(text).toContain(PURGED_MARK);
    const after = await api(tokens.admin, "GET", "/personal-data");
    expect(
      after.body.items.filter(
        (f: { id: string; field: string }) =>
          f.id === action.id || (f.id === document.id && f.field === "content"),
      ),
    ).toEqual([]);
    expect((await auditOf(action.id)).at(-1)).toMatchObject({
      action: "personal-data.purged",
      after: { field: "description", removed: 1 },
    });
  });

  it("only admins see or purge; a bad target is named, an unknown one does not exist", async () => {
    for (const role of ["member", "chief", "observer"] as const)
      expect((await api(tokens[role], "GET", "/personal-data")).status).toBe(403);
    const target = { place: "action", id: unknownId(), field: "description" };
    expect((await api(tokens.admin, "POST", "/personal-data/purge", target)).status).toBe(404);
    expect(
      (await api(tokens.admin, "POST", "/personal-data/purge", { ...target, id: other.actionId }))
        .status,
    ).toBe(404);
    expectRefused(
      await api(tokens.admin, "POST", "/personal-data/purge", { ...target, place: "letter" }),
      ["place"],
    );
    expectRefused(
      await api(tokens.admin, "POST", "/personal-data/purge", { ...target, all: true }),
      ["all"],
    );
  });
});

describe("document reviews (API)", () => {
  it("the working group asks for a review, each reviewer marks their own Granskad; then the document is adopted", async () => {
    const { body: document } = await api(tokens.member, "POST", "/documents", {
      title: "Samverkansform för granskning",
      kind: "samverkansform",
    });
    const reviews = `/documents/${document.id}/reviews`;
    expect((await api(tokens.chief, "POST", reviews, { reviewerIds: [ids.chief] })).status).toBe(
      403,
    );
    expectRefused(await api(tokens.member, "POST", reviews, { reviewerIds: [ids.observer] }), [
      "reviewerIds",
    ]);
    expectRefused(await api(tokens.member, "POST", reviews, { reviewerIds: [] }), ["reviewerIds"]);
    expectRefused(await api(tokens.member, "POST", reviews, { reviewers: [ids.chief] }), [
      "reviewerIds",
      "reviewers",
    ]);
    expect(
      (
        await api(tokens.member, "POST", `/documents/${unknownId()}/reviews`, {
          reviewerIds: [ids.chief],
        })
      ).status,
    ).toBe(404);

    const requested = await api(tokens.member, "POST", reviews, {
      reviewerIds: [ids.chief, ids.editor],
    });
    expect(requested.status).toBe(201);
    expect(requested.body.items.map((r: { reviewerName: string }) => r.reviewerName)).toEqual([
      "Johan Ek",
      "Karin Nilsson",
    ]);
    expect(requested.body.items[0]).toMatchObject({
      reviewerId: ids.chief,
      requestedByName: "Anna Berg",
      reviewedAt: null,
      comment: "",
    });
    const metadata = await api(tokens.member, "GET", `/documents/${document.id}`);
    expect(metadata.body).toMatchObject({ status: "review", version: 2 });
    expect((await api(tokens.chief, "GET", reviews)).body).toEqual(requested.body);
    expect((await api(tokens.observer, "GET", reviews)).status).toBe(403);
    expect((await api(otherToken, "GET", reviews)).status).toBe(404);

    const [chiefs, karins] = requested.body.items;
    const done = (review: { id: string }) => `${reviews}/${review.id}/reviewed`;
    expectRefused(await api(tokens.chief, "POST", done(karins), { comment: "Inte min" }), ["form"]);
    expect((await api(tokens.chief, "POST", `${reviews}/${unknownId()}/reviewed`, {})).status).toBe(
      404,
    );
    expect((await api(tokens.observer, "POST", done(chiefs), {})).status).toBe(403);
    const personal = await api(tokens.chief, "POST", done(chiefs), {
      comment: `Ring ${PERSONNUMMER}`,
    });
    expect(personal.status).toBe(422);
    expectRefused(await api(tokens.chief, "POST", done(chiefs), { comment: 5 }), ["comment"]);
    const marked = await api(tokens.chief, "POST", done(chiefs), { comment: " Ser bra ut. " });
    expect(marked.status).toBe(200);
    expect(marked.body).toEqual({
      ...chiefs,
      reviewedAt: expect.any(String),
      comment: "Ser bra ut.",
    });
    expectRefused(await api(tokens.chief, "POST", done(chiefs), {}), ["form"]);
    expect((await api(tokens.editor, "POST", done(karins), {})).status).toBe(200);
    const stored = await db
      .selectFrom("document_reviews")
      .select(["reviewer_id", "comment"])
      .where("document_id", "=", document.id)
      .where("reviewed_at", "is not", null)
      .execute();
    expect(stored).toHaveLength(2);

    // Adopting is a status change (PATCH); an adopted document takes no more reviews.
    const adopted = await api(tokens.member, "PATCH", `/documents/${document.id}`, {
      version: 2,
      status: "adopted",
    });
    expect(adopted.body.status).toBe("adopted");
    expectRefused(await api(tokens.member, "POST", reviews, { reviewerIds: [ids.chief] }), [
      "form",
    ]);
  });
});

describe("sign-in settings (API, admins)", () => {
  it("admins read and set the identity provider as on Inloggning; the secret is written, never read", async () => {
    const read = await api(tokens.admin, "GET", "/identity-provider");
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ secretStored: false, passwordSignIn: true, version: 0 });
    const settings = {
      displayName: "Kommunens inloggning",
      issuer: "https://login.kommun.test/realms/kommun",
      clientId: "samverkan",
      clientSecret: "hemlig-nyckel-123",
      scopes: "openid email profile",
      emailDomains: ["kommun.test"],
      groupMappings: [
        { group: "samverkan-admin", role: "admin", departmentId: null },
        {
          group: "samverkan-socialtjanst",
          role: "editor",
          departmentId: departments.Socialtjänst,
        },
      ],
      passwordSignIn: true,
      version: 0,
    };
    const set = await api(tokens.admin, "PUT", "/identity-provider", settings);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      displayName: "Kommunens inloggning",
      issuer: "https://login.kommun.test/realms/kommun",
      secretStored: true,
      secretUnreadable: false,
      groupMappings: settings.groupMappings,
      version: 1,
    });
    expect(JSON.stringify(set.body)).not.toContain("hemlig-nyckel-123");
    expect(
      JSON.stringify((await api(tokens.admin, "GET", "/identity-provider")).body),
    ).not.toContain("hemlig");
    // An empty secret keeps the stored one; an old version is refused.
    const renamed = await api(tokens.admin, "PUT", "/identity-provider", {
      ...settings,
      displayName: "Logga in med kommunkontot",
      clientSecret: "",
      version: 1,
    });
    expect(renamed.body).toMatchObject({ secretStored: true, version: 2 });
    expect((await api(tokens.admin, "PUT", "/identity-provider", settings)).status).toBe(409);
    expectRefused(
      await api(tokens.admin, "PUT", "/identity-provider", { ...settings, version: "2" }),
      ["version"],
    );
    expectRefused(
      await api(tokens.admin, "PUT", "/identity-provider", {
        ...settings,
        scopes: "email",
        version: 2,
      }),
      ["scopes"],
    );
    expectRefused(
      await api(tokens.admin, "PUT", "/identity-provider", {
        ...settings,
        secret: "x",
        version: 2,
      }),
      ["secret"],
    );
    for (const role of ["member", "chief", "editor", "observer"] as const) {
      expect((await api(tokens[role], "GET", "/identity-provider")).status).toBe(403);
      expect((await api(tokens[role], "PUT", "/identity-provider", settings)).status).toBe(403);
    }
    expect((await api(otherToken, "GET", "/identity-provider")).status).toBe(403);
    for (const status of [200, 400, 403, 409])
      expect(observed).toContain(`PUT /identity-provider ${status}`);
    expect(observed).toContain("GET /identity-provider 403");
  });
});

describe("the OpenAPI document (administration)", () => {
  it("puts every operation in a section (tag) the document describes", () => {
    const described = new Map(openApiDocument.tags.map((t) => [t.name, t.description]));
    const paths = openApiDocument.paths as Record<string, Record<string, { tags?: string[] }>>;
    for (const [path, item] of Object.entries(paths))
      for (const [method, operation] of Object.entries(item)) {
        const what = `${method.toUpperCase()} ${path} (name its first segment in TAGS, openapi.ts)`;
        expect(operation.tags, what).toHaveLength(1);
        expect(described.get(operation.tags?.[0] ?? ""), what).toBeTruthy();
      }
    expect(paths["/users/{id}/deactivate"].post.tags).toEqual(["People"]);
    expect(paths["/documents/{id}/reviews"].post.tags).toEqual(["Documents"]);
  });

  it("every documented answer of every administration and review operation was seen and matched its schema", () => {
    const ours = apiOperations.filter((o) =>
      /^\/(users|strategies|organisation|personal-data)\b|^\/goals\/|\/reviews/.test(o.path),
    );
    expect(ours.length).toBe(22);
    const documented = ours.flatMap((o) =>
      Object.keys(o.responses).map((status) => `${o.method.toUpperCase()} ${o.path} ${status}`),
    );
    expect(documented.filter((answer) => !observed.has(answer))).toEqual([]);
  });
});
