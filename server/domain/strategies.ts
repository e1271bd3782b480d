import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import type { Goal, Strategy } from "../../db/schema";
import { recordAudit } from "./audit";
import { ConflictError, InUseError } from "./errors";
import { recordEvent } from "./events";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

const year = z.coerce
  .number("validation.year")
  .int("validation.year")
  .min(1990, "validation.year")
  .max(2100, "validation.year");

const description = freeText(z.string().trim().max(5000, "validation.tooLong"));

const StrategyFields = z.object({
  name: freeText(z.string().trim().min(1, "validation.required").max(200, "validation.tooLong")),
  description: description.default(""),
  validFrom: year,
  validTo: year,
  isActive: z.boolean().default(false),
});
const yearsInOrder = (s: { validFrom: number; validTo: number }) => s.validFrom <= s.validTo;
const yearOrder = { path: ["validTo"], message: "validation.yearOrder" };

export const StrategySchema = StrategyFields.refine(yearsInOrder, yearOrder);
// One object, not an intersection: its JSON Schema stays one object whose fields are all known.
export const StrategyUpdateSchema = StrategyFields.extend({
  version: z.coerce.number().int().min(1),
}).refine(yearsInOrder, yearOrder);

/** The API's change of a strategy (PATCH): only the fields to change, with the version read. */
export const StrategyChangesSchema = z.object({
  version: z.int("validation.version").min(1, "validation.version"),
  name: StrategyFields.shape.name.optional(),
  description: description.optional(),
  validFrom: year.optional(),
  validTo: year.optional(),
  isActive: z.boolean().optional(),
});

export const GoalSchema = z.object({
  position: z.coerce
    .number("validation.position")
    .int("validation.position")
    .min(1, "validation.position")
    .max(99, "validation.position"),
  title: freeText(z.string().trim().min(1, "validation.required").max(500, "validation.tooLong")),
  description: description.default(""),
});

/** The API's change of a goal (PATCH): only the fields to change. */
export const GoalChangesSchema = z.object({
  position: GoalSchema.shape.position.optional(),
  title: GoalSchema.shape.title.optional(),
  description: description.optional(),
});

export interface StrategyWithGoals {
  strategy: Strategy;
  goals: Goal[];
}

export async function listStrategies(db: Executor, actor: Actor): Promise<Strategy[]> {
  assertCan(actor, "organisation:read");
  return db
    .selectFrom("strategies")
    .selectAll()
    .where("organisation_id", "=", actor.organisationId)
    .orderBy("is_active", "desc")
    .orderBy("valid_from", "desc")
    .execute();
}

async function goalsOf(db: Executor, strategyId: string): Promise<Goal[]> {
  return db
    .selectFrom("goals")
    .selectAll()
    .where("strategy_id", "=", strategyId)
    .orderBy("position")
    .execute();
}

export async function getStrategy(
  db: Executor,
  actor: Actor,
  strategyId: string,
): Promise<StrategyWithGoals> {
  assertCan(actor, "organisation:read");
  if (!z.uuid().safeParse(strategyId).success) throw new NotFoundError();
  const strategy = await db
    .selectFrom("strategies")
    .selectAll()
    .where("id", "=", strategyId)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!strategy) throw new NotFoundError();
  return { strategy, goals: await goalsOf(db, strategyId) };
}

export async function getActiveStrategy(
  db: Executor,
  actor: Actor,
): Promise<StrategyWithGoals | null> {
  assertCan(actor, "organisation:read");
  const strategy = await db
    .selectFrom("strategies")
    .selectAll()
    .where("organisation_id", "=", actor.organisationId)
    .where("is_active", "=", true)
    .executeTakeFirst();
  return strategy ? { strategy, goals: await goalsOf(db, strategy.id) } : null;
}

/** Exactly one strategy is the one the organisation works against now. */
async function makeOnlyActive(db: Executor, organisationId: string, strategyId: string) {
  await db
    .updateTable("strategies")
    .set({ is_active: false })
    .where("organisation_id", "=", organisationId)
    .where("id", "!=", strategyId)
    .where("is_active", "=", true)
    .execute();
}

export async function createStrategy(db: Executor, actor: Actor, input: unknown): Promise<string> {
  assertCan(actor, "strategies:manage");
  const data = parseInput(StrategySchema, input);
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto("strategies")
      .values({
        organisation_id: actor.organisationId,
        name: data.name,
        description: data.description,
        valid_from: data.validFrom,
        valid_to: data.validTo,
        is_active: data.isActive,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (data.isActive) await makeOnlyActive(trx, actor.organisationId, id);
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "strategy.created",
      entityType: "strategy",
      entityId: id,
      after: data,
    });
    await recordEvent(trx, actor, {
      type: "strategy.changed",
      strategyId: id,
      goalId: null,
      change: "created",
    });
    return id;
  });
}

export async function updateStrategy(
  db: Executor,
  actor: Actor,
  strategyId: string,
  input: unknown,
) {
  assertCan(actor, "strategies:manage");
  const { strategy: before } = await getStrategy(db, actor, strategyId);
  const data = parseInput(StrategyUpdateSchema, input);
  await inTransaction(db, async (trx) => {
    const updated = await trx
      .updateTable("strategies")
      .set({
        name: data.name,
        description: data.description,
        valid_from: data.validFrom,
        valid_to: data.validTo,
        is_active: data.isActive,
        version: data.version + 1,
      })
      .where("id", "=", strategyId)
      .where("version", "=", data.version)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new ConflictError({ version: before.version });
    if (data.isActive) await makeOnlyActive(trx, actor.organisationId, strategyId);
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "strategy.updated",
      entityType: "strategy",
      entityId: strategyId,
      before: {
        name: before.name,
        description: before.description,
        validFrom: before.valid_from,
        validTo: before.valid_to,
        isActive: before.is_active,
      },
      after: data,
    });
    await recordEvent(trx, actor, {
      type: "strategy.changed",
      strategyId: strategyId,
      goalId: null,
      change: "updated",
    });
  });
}

/** Changes some of a strategy's fields (updateStrategy with the rest kept). */
export async function changeStrategy(
  db: Executor,
  actor: Actor,
  strategyId: string,
  input: unknown,
) {
  assertCan(actor, "strategies:manage");
  const { strategy } = await getStrategy(db, actor, strategyId);
  const changes = parseInput(StrategyChangesSchema, input);
  await updateStrategy(db, actor, strategyId, {
    name: strategy.name,
    description: strategy.description,
    validFrom: strategy.valid_from,
    validTo: strategy.valid_to,
    isActive: strategy.is_active,
    ...changes,
  });
}

export async function addGoal(
  db: Executor,
  actor: Actor,
  strategyId: string,
  input: unknown,
): Promise<string> {
  assertCan(actor, "strategies:manage");
  await getStrategy(db, actor, strategyId);
  const data = parseInput(GoalSchema, input);
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto("goals")
      .values({ organisation_id: actor.organisationId, strategy_id: strategyId, ...data })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "goal.created",
      entityType: "goal",
      entityId: id,
      after: { strategyId, ...data },
    });
    await recordEvent(trx, actor, {
      type: "strategy.changed",
      strategyId: strategyId,
      goalId: id,
      change: "goal-added",
    });
    return id;
  });
}

export async function getGoal(db: Executor, actor: Actor, goalId: string): Promise<Goal> {
  assertCan(actor, "organisation:read");
  if (!z.uuid().safeParse(goalId).success) throw new NotFoundError();
  const goal = await db
    .selectFrom("goals")
    .selectAll()
    .where("id", "=", goalId)
    .where("organisation_id", "=", actor.organisationId)
    .executeTakeFirst();
  if (!goal) throw new NotFoundError();
  return goal;
}

export async function updateGoal(db: Executor, actor: Actor, goalId: string, input: unknown) {
  assertCan(actor, "strategies:manage");
  const before = await getGoal(db, actor, goalId);
  const data = parseInput(GoalSchema, input);
  await inTransaction(db, async (trx) => {
    await trx.updateTable("goals").set(data).where("id", "=", goalId).execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "goal.updated",
      entityType: "goal",
      entityId: goalId,
      before: { position: before.position, title: before.title, description: before.description },
      after: data,
    });
    await recordEvent(trx, actor, {
      type: "strategy.changed",
      strategyId: before.strategy_id,
      goalId: goalId,
      change: "goal-updated",
    });
  });
}

/** Changes some of a goal's fields (updateGoal with the rest kept). */
export async function changeGoal(db: Executor, actor: Actor, goalId: string, input: unknown) {
  assertCan(actor, "strategies:manage");
  const { position, title, description } = await getGoal(db, actor, goalId);
  const changes = parseInput(GoalChangesSchema, input);
  await updateGoal(db, actor, goalId, { position, title, description, ...changes });
}

/** A goal that actions are set against stays: they would lose what they work towards. */
export async function removeGoal(db: Executor, actor: Actor, goalId: string) {
  assertCan(actor, "strategies:manage");
  const before = await getGoal(db, actor, goalId);
  await inTransaction(db, async (trx) => {
    const used = await trx
      .selectFrom("actions")
      .select("id")
      .where("goal_id", "=", goalId)
      .limit(1)
      .executeTakeFirst();
    if (used) throw new InUseError({ form: "validation.goalInUse" });
    await trx.deleteFrom("goals").where("id", "=", goalId).execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "goal.removed",
      entityType: "goal",
      entityId: goalId,
      before: { position: before.position, title: before.title, description: before.description },
    });
    await recordEvent(trx, actor, {
      type: "strategy.changed",
      strategyId: before.strategy_id,
      goalId: goalId,
      change: "goal-removed",
    });
  });
}
