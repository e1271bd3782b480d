import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction, type Tx } from "../../db";
import { LOCALES, ROLES, type Role } from "../../db/schema";
import { assertStrongPassword } from "../auth/password-policy";
import { hashPassword, PASSWORD_MIN_LENGTH } from "../auth/passwords";
import { destroyUserSessions } from "../auth/sessions";
import { recordAudit } from "./audit";
import { ConflictError, ValidationError } from "./errors";
import { recordEvent } from "./events";
import { readPage, type SortKey } from "./keyset";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

// An address can carry a personnummer too ("811218-9876@…"): it is free text like a name.
const email = freeText(z.string().trim().toLowerCase().max(254, "validation.tooLong")).pipe(
  z.email("validation.email"),
);

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, "validation.passwordTooShort")
  .max(256, "validation.tooLong");

const UserFields = z.object({
  name: freeText(z.string().trim().min(1, "validation.required").max(200, "validation.tooLong")),
  roles: z.array(z.enum(ROLES, "validation.invalid")).min(1, "validation.roleRequired"),
  departmentIds: z.array(z.uuid("validation.unknownDepartment")).default([]),
});

export const NewUserSchema = UserFields.extend({ email, password: passwordSchema });
export const UserUpdateSchema = UserFields.extend({
  email,
  version: z.coerce.number().int().min(1),
});
/** A person invited by e-mail: they choose their own password through the invitation's link. */
export const InvitedUserSchema = UserFields.extend({ email });

/** The API's change of a person (PATCH): only the fields to change, with the version read. */
export const UserChangesSchema = z.object({
  version: z.int("validation.version").min(1, "validation.version"),
  name: UserFields.shape.name.optional(),
  email: email.optional(),
  roles: UserFields.shape.roles.optional(),
  departmentIds: z.array(z.uuid("validation.unknownDepartment")).optional(),
});

/** A page of the organisation's people for the API, by name. */
export const UserPageSchema = z.object({
  active: z.enum(["true", "false"], "validation.invalid").optional(),
  role: z.enum(ROLES, "validation.invalid").optional(),
  departmentId: z.uuid("validation.unknownDepartment").optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(600, "validation.cursor").optional(),
});

export interface UserView {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  departmentIds: string[];
  departmentNames: string[];
  active: boolean;
  version: number;
  /** A temporary password waits to be replaced at the next sign-in. */
  mustChangePassword: boolean;
  passwordChangedAt: string | null;
}

function usersQuery(db: Executor, organisationId: string) {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select([
      "users.id",
      "users.name",
      "users.email",
      "memberships.roles",
      "memberships.deactivated_at",
      "memberships.version",
      "users.must_change_password",
      "users.password_changed_at",
      sql<string[]>`coalesce(array(
        select d.id::text from user_departments ud join departments d on d.id = ud.department_id
        where ud.user_id = users.id and ud.organisation_id = memberships.organisation_id
        order by lower(d.name)), '{}')`.as("departmentIds"),
      sql<string[]>`coalesce(array(
        select d.name from user_departments ud join departments d on d.id = ud.department_id
        where ud.user_id = users.id and ud.organisation_id = memberships.organisation_id
        order by lower(d.name)), '{}')`.as("departmentNames"),
    ])
    .where("memberships.organisation_id", "=", organisationId);
}

type UserRow = Awaited<ReturnType<ReturnType<typeof usersQuery>["executeTakeFirstOrThrow"]>>;

function present(row: UserRow): UserView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    roles: row.roles,
    departmentIds: row.departmentIds,
    departmentNames: row.departmentNames,
    active: row.deactivated_at === null,
    version: row.version,
    mustChangePassword: row.must_change_password,
    passwordChangedAt: row.password_changed_at?.toISOString() ?? null,
  };
}

export async function listUsers(db: Executor, actor: Actor): Promise<UserView[]> {
  assertCan(actor, "users:manage");
  const rows = await usersQuery(db, actor.organisationId).orderBy(sql`lower(users.name)`).execute();
  return rows.map(present);
}

const USER_SORT: SortKey = { expression: sql`lower(users.name)`, type: "text" };

/** The people listUsers gives, filtered, one page at a time by keyset (see keyset.ts). */
export async function listUserPage(
  db: Executor,
  actor: Actor,
  rawFilter: unknown,
): Promise<{ items: UserView[]; nextCursor: string | null }> {
  assertCan(actor, "users:manage");
  const filter = parseInput(UserPageSchema, rawFilter);
  let query = usersQuery(db, actor.organisationId);
  if (filter.active)
    query = query.where(
      "memberships.deactivated_at",
      filter.active === "true" ? "is" : "is not",
      null,
    );
  const { role, departmentId } = filter;
  if (role) query = query.where(sql<boolean>`${role} = any(memberships.roles)`);
  if (departmentId)
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("user_departments as ud")
          .select("ud.user_id")
          .whereRef("ud.user_id", "=", "users.id")
          .whereRef("ud.organisation_id", "=", "memberships.organisation_id")
          .where("ud.department_id", "=", departmentId),
      ),
    );
  const { page, nextCursor } = await readPage(
    query,
    { list: "users", sort: USER_SORT, direction: "asc", idColumn: sql`users.id` },
    filter,
  );
  return { items: page.map(present), nextCursor };
}

/** Everyone active in the organisation, for choosing an action's owner (any reader may see names). */
export async function listActiveMembers(
  db: Executor,
  actor: Actor,
): Promise<{ id: string; name: string }[]> {
  assertCan(actor, "organisation:read");
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.name"])
    .where("memberships.organisation_id", "=", actor.organisationId)
    .where("memberships.deactivated_at", "is", null)
    .orderBy(sql`lower(users.name)`)
    .execute();
}

export async function getUser(db: Executor, actor: Actor, userId: string): Promise<UserView> {
  assertCan(actor, "users:manage");
  if (!z.uuid().safeParse(userId).success) throw new NotFoundError();
  const row = await usersQuery(db, actor.organisationId)
    .where("users.id", "=", userId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return present(row);
}

async function assertEmailFree(db: Executor, address: string, exceptUserId?: string) {
  let query = db.selectFrom("users").select("id").where(sql`lower(email)`, "=", address);
  if (exceptUserId) query = query.where("id", "!=", exceptUserId);
  if (await query.executeTakeFirst()) throw new ValidationError({ email: "validation.emailTaken" });
}

/** Every department must be the organisation's own, and an editor needs at least one. */
async function assertDepartments(trx: Tx, organisationId: string, roles: Role[], ids: string[]) {
  if (roles.includes("editor") && ids.length === 0) {
    throw new ValidationError({ departmentIds: "validation.editorNeedsDepartment" });
  }
  if (ids.length === 0) return;
  const found = await trx
    .selectFrom("departments")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("id", "in", ids)
    .execute();
  if (found.length !== new Set(ids).size) {
    throw new ValidationError({ departmentIds: "validation.unknownDepartment" });
  }
}

export async function setDepartments(
  trx: Tx,
  organisationId: string,
  userId: string,
  ids: string[],
) {
  await trx
    .deleteFrom("user_departments")
    .where("user_id", "=", userId)
    .where("organisation_id", "=", organisationId)
    .execute();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  await trx
    .insertInto("user_departments")
    .values(
      unique.map((department_id) => ({
        user_id: userId,
        department_id,
        organisation_id: organisationId,
      })),
    )
    .execute();
}

/**
 * Creates an account and its membership; used by admins and by the first-admin script. A password
 * an admin chose is a temporary one: the person must replace it at their first sign-in.
 */
export async function createUser(
  db: Executor,
  actor: Actor | null,
  organisationId: string,
  input: unknown,
) {
  if (actor) assertCan(actor, "users:manage", { organisationId });
  const data = parseInput(NewUserSchema, input);
  assertStrongPassword(data.password, [data.name, data.email], "password");
  return insertUser(db, actor, organisationId, data, { mustChangePassword: actor !== null });
}

/**
 * Creates an account for a person who is then invited: its password is random and never shown,
 * so nobody can sign in with it; the person chooses their own through the invitation's link.
 */
export async function createInvitedUser(db: Executor, actor: Actor, input: unknown) {
  assertCan(actor, "users:manage");
  const data = parseInput(InvitedUserSchema, input);
  const password = randomBytes(32).toString("base64url");
  return insertUser(
    db,
    actor,
    actor.organisationId,
    { ...data, password },
    {
      mustChangePassword: true,
    },
  );
}

/** A demo account: its password is the published demo one, which the strength check refuses. */
export async function createDemoUser(db: Executor, organisationId: string, input: unknown) {
  return insertUser(db, null, organisationId, parseInput(NewUserSchema, input), {
    mustChangePassword: false,
  });
}

async function insertUser(
  db: Executor,
  actor: Actor | null,
  organisationId: string,
  data: z.output<typeof NewUserSchema>,
  { mustChangePassword }: { mustChangePassword: boolean },
) {
  const passwordHash = await hashPassword(data.password);
  return inTransaction(db, async (trx) => {
    await assertEmailFree(trx, data.email);
    await assertDepartments(trx, organisationId, data.roles, data.departmentIds);
    const { id } = await trx
      .insertInto("users")
      .values({
        email: data.email,
        name: data.name,
        password_hash: passwordHash,
        must_change_password: mustChangePassword,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("memberships")
      .values({ user_id: id, organisation_id: organisationId, roles: data.roles })
      .execute();
    await setDepartments(trx, organisationId, id, data.departmentIds);
    await recordAudit(trx, {
      organisationId,
      actorId: actor?.userId ?? null,
      action: "user.created",
      entityType: "user",
      entityId: id,
      after: {
        name: data.name,
        email: data.email,
        roles: data.roles,
        departmentIds: data.departmentIds,
        mustChangePassword,
      },
    });
    await recordEvent(
      trx,
      { organisationId, userId: actor?.userId ?? null },
      { type: "user.changed", userId: id, change: "created" },
    );
    return id;
  });
}

export async function updateUser(db: Executor, actor: Actor, userId: string, input: unknown) {
  const before = await getUser(db, actor, userId);
  const data = parseInput(UserUpdateSchema, input);
  if (userId === actor.userId && before.roles.includes("admin") && !data.roles.includes("admin")) {
    throw new ValidationError({ roles: "validation.cannotDropOwnAdmin" });
  }
  await inTransaction(db, async (trx) => {
    await assertEmailFree(trx, data.email, userId);
    await assertDepartments(trx, actor.organisationId, data.roles, data.departmentIds);
    const updated = await trx
      .updateTable("memberships")
      .set({ roles: data.roles, version: data.version + 1 })
      .where("user_id", "=", userId)
      .where("organisation_id", "=", actor.organisationId)
      .where("version", "=", data.version)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new ConflictError({ version: before.version });
    await trx
      .updateTable("users")
      .set({ name: data.name, email: data.email })
      .where("id", "=", userId)
      .execute();
    await setDepartments(trx, actor.organisationId, userId, data.departmentIds);
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "user.updated",
      entityType: "user",
      entityId: userId,
      before: {
        name: before.name,
        email: before.email,
        roles: before.roles,
        departmentIds: before.departmentIds,
      },
      after: {
        name: data.name,
        email: data.email,
        roles: data.roles,
        departmentIds: data.departmentIds,
      },
    });
    await recordEvent(trx, actor, { type: "user.access-changed", userId });
  });
}

/** Changes some of a person's fields (updateUser with the rest kept). */
export async function changeUser(db: Executor, actor: Actor, userId: string, input: unknown) {
  const before = await getUser(db, actor, userId);
  const changes = parseInput(UserChangesSchema, input);
  const { name, email, roles, departmentIds } = before;
  await updateUser(db, actor, userId, { name, email, roles, departmentIds, ...changes });
}

/** Deactivating ends every session at once; reactivating lets the person sign in again. */
export async function setUserActive(db: Executor, actor: Actor, userId: string, active: boolean) {
  const before = await getUser(db, actor, userId);
  if (!active && userId === actor.userId)
    throw new ValidationError({ form: "validation.cannotDeactivateSelf" });
  if (before.active === active) return;
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable("memberships")
      .set({ deactivated_at: active ? null : new Date(), version: before.version + 1 })
      .where("user_id", "=", userId)
      .where("organisation_id", "=", actor.organisationId)
      .execute();
    if (!active) await destroyUserSessions(trx, userId, actor.organisationId);
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: active ? "user.reactivated" : "user.deactivated",
      entityType: "user",
      entityId: userId,
      before: { active: before.active },
      after: { active },
    });
    // A deactivation also closes their open sockets, so they drop off "online now".
    await recordEvent(
      trx,
      actor,
      active
        ? { type: "user.changed", userId, change: "reactivated" }
        : { type: "user.deactivated", userId },
    );
  });
}

export const LocaleSchema = z.object({ locale: z.enum(LOCALES, "validation.invalid") });

export async function setOwnLocale(db: Executor, actor: Actor, input: unknown) {
  assertCan(actor, "settings:update-own");
  const { locale } = parseInput(LocaleSchema, input);
  await db.updateTable("users").set({ locale }).where("id", "=", actor.userId).execute();
}
