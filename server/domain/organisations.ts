import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { recordAudit } from "./audit";
import { recordEvent } from "./events";
import { type Actor, assertCan } from "./policy";
import { ROLLUP_THRESHOLD_MAX, ROLLUP_THRESHOLD_MIN } from "./rollup";
import { parseInput } from "./validation";

/** Finds an organisation by slug or creates it; used when setting up a production instance. */
export async function ensureOrganisation(
  db: Executor,
  name: string,
  slug: string,
): Promise<string> {
  const existing = await db
    .selectFrom("organisations")
    .select("id")
    .where("slug", "=", slug)
    .executeTakeFirst();
  if (existing) return existing.id;
  const { id } = await db
    .insertInto("organisations")
    .values({ name, slug })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/** The organisation's coverage threshold for roll-ups (server/domain/rollup.ts). */
export async function rollUpThreshold(db: Executor, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom("organisations")
    .select("rollup_threshold")
    .where("id", "=", organisationId)
    .executeTakeFirstOrThrow();
  return row.rollup_threshold;
}

export interface OrganisationSettings {
  name: string;
  rollUpThreshold: number;
}

export async function getOrganisationSettings(
  db: Executor,
  actor: Actor,
): Promise<OrganisationSettings> {
  assertCan(actor, "organisation:manage");
  const row = await db
    .selectFrom("organisations")
    .select(["name", "rollup_threshold"])
    .where("id", "=", actor.organisationId)
    .executeTakeFirstOrThrow();
  return { name: row.name, rollUpThreshold: row.rollup_threshold };
}

export const RollUpThresholdSchema = z.object({
  rollUpThreshold: z.coerce
    .number("validation.rollUpThreshold")
    .int("validation.rollUpThreshold")
    .min(ROLLUP_THRESHOLD_MIN, "validation.rollUpThreshold")
    .max(ROLLUP_THRESHOLD_MAX, "validation.rollUpThreshold"),
});

/** An admin sets how much of a goal must be assessed before its roll-up is given. */
export async function updateRollUpThreshold(
  db: Executor,
  actor: Actor,
  input: unknown,
): Promise<void> {
  assertCan(actor, "organisation:manage");
  const { rollUpThreshold } = parseInput(RollUpThresholdSchema, input);
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom("organisations")
      .select("rollup_threshold")
      .where("id", "=", actor.organisationId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (before.rollup_threshold === rollUpThreshold) return;
    await trx
      .updateTable("organisations")
      .set({ rollup_threshold: rollUpThreshold })
      .where("id", "=", actor.organisationId)
      .execute();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "organisation.rollup-threshold-changed",
      entityType: "organisation",
      entityId: actor.organisationId,
      before: { rollUpThreshold: before.rollup_threshold },
      after: { rollUpThreshold },
    });
    await recordEvent(trx, actor, { type: "organisation.changed", change: "rollup-threshold" });
  });
}
