import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import type { Goal, Strategy } from "../../db/schema";
import { recordAudit } from "./audit";
import { ConflictError } from "./errors";
import { recordEvent } from "./events";
import { type Actor, assertCan, NotFoundError } from "./policy";
import { freeText, parseInput } from "./validation";

const year = z.coerce
  .number("validation.year")
  .int("validation.year")
  .min(1990, "validation.year")
  .max(2100, "validation.year");

export const StrategySchema = z
  .object({
    name: freeText(z.string().trim().min(1, "validation.required").max(200, "validation.tooLong")),
    description: freeText(z.string().trim().max(5000, "validation.tooLong")).default(""),
    validFrom: year,
    validTo: year,
    isActive: z.boolean().default(false),
  })
  .refine((s) => s.validFrom <= s.validTo, { path: ["validTo"], message: "validation.yearOrder" });

export const StrategyUpdateSchema = StrategySchema.and(
  z.object({ version: z.coerce.number().int().min(1) }),
);

export const GoalSchema = z.object({
  position: z.coerce
    .number("validation.position")
    .int("validation.position")
    .min(1, "validation.position")
    .max(99, "validation.position"),
  title: freeText(z.string().trim().min(1, "validation.required").max(500, "validation.tooLong")),
  description: freeText(z.string().trim().max(5000, "validation.tooLong")).default(""),
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

async function getGoal(db: Executor, actor: Actor, goalId: string): Promise<Goal> {
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

export async function removeGoal(db: Executor, actor: Actor, goalId: string) {
  assertCan(actor, "strategies:manage");
  const before = await getGoal(db, actor, goalId);
  await inTransaction(db, async (trx) => {
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
