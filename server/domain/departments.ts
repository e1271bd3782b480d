import { sql } from "kysely";
import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { recordAudit } from "./audit";
import { ConflictError, ValidationError } from "./errors";
import { recordEvent } from "./events";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

export const DepartmentSchema = z.object({
  name: freeText(z.string().trim().min(1, "validation.required").max(120, "validation.tooLong")),
});

export interface DepartmentView {
  id: string;
  name: string;
  archived: boolean;
  version: number;
  memberCount: number;
}

export async function listDepartments(
  db: Executor,
  actor: Actor,
  options: { includeArchived?: boolean } = {},
): Promise<DepartmentView[]> {
  assertCan(actor, "organisation:read");
  let query = db
    .selectFrom("departments")
    .leftJoin("user_departments", "user_departments.department_id", "departments.id")
    .select((eb) => [
      "departments.id",
      "departments.name",
      "departments.version",
      "departments.archived_at",
      eb.fn.count<string>("user_departments.user_id").as("memberCount"),
    ])
    .where("departments.organisation_id", "=", actor.organisationId)
    .groupBy("departments.id")
    .orderBy(sql`lower(departments.name)`);
  if (!options.includeArchived) query = query.where("departments.archived_at", "is", null);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    version: row.version,
    archived: row.archived_at !== null,
    memberCount: Number(row.memberCount),
  }));
}

async function assertNameFree(
  db: Executor,
  organisationId: string,
  name: string,
  exceptId?: string,
) {
  let query = db
    .selectFrom("departments")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where(sql`lower(name)`, "=", name.toLowerCase());
  if (exceptId) query = query.where("id", "!=", exceptId);
  if (await query.executeTakeFirst()) throw new ValidationError({ name: "validation.nameTaken" });
}

export async function createDepartment(
  db: Executor,
  actor: Actor,
  input: unknown,
): Promise<string> {
  assertCan(actor, "departments:manage");
  const { name } = parseInput(DepartmentSchema, input);
  return inTransaction(db, async (trx) => {
    await assertNameFree(trx, actor.organisationId, name);
    const { id } = await trx
      .insertInto("departments")
      .values({ organisation_id: actor.organisationId, name })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "department.created",
      entityType: "department",
      entityId: id,
      after: { name },
    });
    await recordEvent(trx, actor, {
      type: "department.changed",
      departmentId: id,
      change: "created",
    });
    return id;
  });
}

/** A rename or (un)archiving with the version read; a field left out stays as it is. */
export const DepartmentUpdateSchema = z.object({
  name: DepartmentSchema.shape.name.optional(),
  version: z.coerce
    .number("validation.version")
    .int("validation.version")
    .min(1, "validation.version"),
  archived: z
    .boolean("validation.invalid")
    .optional()
    .describe("Archived: out of the lists and counts, its actions and reports kept"),
});

export async function updateDepartment(
  db: Executor,
  actor: Actor,
  departmentId: string,
  input: unknown,
): Promise<void> {
  assertCan(actor, "departments:manage");
  if (!z.uuid().safeParse(departmentId).success) throw new NotFoundError();
  const changes = parseInput(DepartmentUpdateSchema, input);
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom("departments")
      .selectAll()
      .where("id", "=", departmentId)
      .where("organisation_id", "=", actor.organisationId)
      .executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.version !== changes.version) throw new ConflictError({ version: before.version });
    const name = changes.name ?? before.name;
    const archived = changes.archived ?? before.archived_at !== null;
    await assertNameFree(trx, actor.organisationId, name, departmentId);
    const archivedAt = archived ? (before.archived_at ?? new Date()) : null;
    await trx
      .updateTable("departments")
      .set({ name, archived_at: archivedAt, version: before.version + 1 })
      .where("id", "=", departmentId)
      .execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "department.updated",
      entityType: "department",
      entityId: departmentId,
      before: { name: before.name, archived: before.archived_at !== null },
      after: { name, archived },
    });
    await recordEvent(trx, actor, { type: "department.changed", departmentId, change: "updated" });
  });
}
