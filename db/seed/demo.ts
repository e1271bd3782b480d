import { destroyUserSessions } from "../../server/auth/sessions";
import { recordAudit } from "../../server/domain/audit";
import { recordEvent } from "../../server/domain/events";
import { createDemoUser } from "../../server/domain/users";
import { type Executor, inTransaction } from "..";
import type { Role } from "../schema";
import { seedDemoActions } from "./demo-actions";
import { seedDemoDocuments } from "./demo-documents";

export const DEMO_PASSWORD = "Samverkan-demo-1";
export const DEMO_ORGANISATION_SLUG = "exempelkommun";

export const DEMO_DEPARTMENTS = [
  "Kommunledning",
  "Socialtjänst",
  "Barn och utbildning",
  "Kultur och teknik",
];

/** The four national målsättningar (skr. 2016/17:10), verbatim; the county strategy uses the same. */
export const NATIONAL_GOALS = [
  "Ett utökat och verkningsfullt förebyggande arbete mot våld.",
  "Förbättrad upptäckt av våld och starkare skydd och stöd för våldsutsatta kvinnor och barn.",
  "Effektivare brottsbekämpning.",
  "Förbättrad kunskap och metodutveckling.",
];

export const DEMO_USERS: { email: string; name: string; roles: Role[]; department?: string }[] = [
  { email: "admin@kommun.test", name: "Sara Lind", roles: ["admin"] },
  {
    email: "arbetsgrupp@kommun.test",
    name: "Anna Berg",
    roles: ["member"],
    department: "Kommunledning",
  },
  {
    email: "socialtjanst@kommun.test",
    name: "Karin Nilsson",
    roles: ["editor"],
    department: "Socialtjänst",
  },
  {
    email: "skola@kommun.test",
    name: "Erik Holm",
    roles: ["editor"],
    department: "Barn och utbildning",
  },
  { email: "kommunchef@kommun.test", name: "Johan Ek", roles: ["chief"] },
  { email: "observator@kommun.test", name: "Maria Sjö", roles: ["observer"] },
];

const demoOrganisation = (db: Executor) =>
  db
    .selectFrom("organisations")
    .select("id")
    .where("slug", "=", DEMO_ORGANISATION_SLUG)
    .executeTakeFirst();

/**
 * Demo accounts can sign in only while SEED_DEMO is on: their password is published. The server
 * switches them off at a start without it (their sessions and sockets end) and on again at a
 * start with it. Returns how many changed.
 */
export async function setDemoAccountsActive(db: Executor, active: boolean): Promise<number> {
  const organisation = await demoOrganisation(db);
  if (!organisation) return 0;
  const accounts = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "memberships.version"])
    .where("memberships.organisation_id", "=", organisation.id)
    .where(
      "users.email",
      "in",
      DEMO_USERS.map((user) => user.email),
    )
    .where("memberships.deactivated_at", active ? "is not" : "is", null)
    .execute();
  for (const { id: userId, version } of accounts) {
    await inTransaction(db, async (trx) => {
      await trx
        .updateTable("memberships")
        .set({ deactivated_at: active ? null : new Date(), version: version + 1 })
        .where("user_id", "=", userId)
        .where("organisation_id", "=", organisation.id)
        .execute();
      if (!active) await destroyUserSessions(trx, userId, organisation.id);
      await recordAudit(trx, {
        organisationId: organisation.id,
        actorId: null,
        action: active ? "user.reactivated" : "user.deactivated",
        entityType: "user",
        entityId: userId,
        before: { active: !active },
        after: { active, reason: "SEED_DEMO" },
      });
      const system = { organisationId: organisation.id, userId: null };
      await recordEvent(
        trx,
        system,
        active
          ? { type: "user.changed", userId, change: "reactivated" }
          : { type: "user.deactivated", userId },
      );
    });
  }
  return accounts.length;
}

/**
 * Seeds the demo organisation once; a later call finds it and makes sure its demo accounts can
 * sign in. Returns its id.
 */
export async function seedDemo(db: Executor): Promise<string> {
  const existing = await demoOrganisation(db);
  if (existing) {
    await setDemoAccountsActive(db, true);
    return existing.id;
  }

  return inTransaction(db, async (trx) => {
    const { id: organisationId } = await trx
      .insertInto("organisations")
      .values({ name: "Exempelkommun", slug: DEMO_ORGANISATION_SLUG })
      .returning("id")
      .executeTakeFirstOrThrow();
    const departments = await trx
      .insertInto("departments")
      .values(DEMO_DEPARTMENTS.map((name) => ({ organisation_id: organisationId, name })))
      .returning(["id", "name"])
      .execute();
    const { id: strategyId } = await trx
      .insertInto("strategies")
      .values({
        organisation_id: organisationId,
        name: "Länsstrategi Västernorrland 2017–2020",
        description:
          "Arbetet mot mäns våld mot kvinnor/våld i nära relationer. Utgår från de fyra målsättningarna i regeringens nationella strategi (skr. 2016/17:10) och jämställdhetspolitiska delmål 6: Mäns våld mot kvinnor ska upphöra.",
        valid_from: 2017,
        valid_to: 2020,
        is_active: true,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("goals")
      .values(
        NATIONAL_GOALS.map((title, index) => ({
          organisation_id: organisationId,
          strategy_id: strategyId,
          position: index + 1,
          title,
        })),
      )
      .execute();
    for (const user of DEMO_USERS) {
      const department = departments.find((d) => d.name === user.department);
      await createDemoUser(trx, organisationId, {
        email: user.email,
        name: user.name,
        password: DEMO_PASSWORD,
        roles: user.roles,
        departmentIds: department ? [department.id] : [],
      });
    }
    // Documents first: some demo actions were created from one.
    await seedDemoDocuments(trx, organisationId);
    await seedDemoActions(trx, organisationId);
    return organisationId;
  });
}
