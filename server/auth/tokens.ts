import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import { type Executor, inTransaction } from "../../db";
import { recordAudit } from "../domain/audit";
import { recordEvent } from "../domain/events";
import { type Actor, assertCan, NotFoundError } from "../domain/policy";
import { freeText, parseInput } from "../domain/validation";
import { activePeople, type SessionUser, sessionUserOf } from "./sessions";

export const TokenSchema = z.object({
  name: freeText(z.string().trim().min(1, "validation.required").max(100, "validation.tooLong")),
});

const PREFIX = "svk_";

function tokenHash(token: string, secret: string) {
  return createHmac("sha256", secret).update(token).digest("base64url");
}

/** Creates an API token acting with its owner's permissions; the token is shown once, stored hashed. */
export async function createApiToken(
  db: Executor,
  actor: Actor,
  secret: string,
  input: unknown,
): Promise<{ id: string; token: string }> {
  assertCan(actor, "tokens:manage-own");
  const { name } = parseInput(TokenSchema, input);
  const token = PREFIX + randomBytes(32).toString("base64url");
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto("api_tokens")
      .values({
        organisation_id: actor.organisationId,
        user_id: actor.userId,
        name,
        token_hash: tokenHash(token, secret),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "token.created",
      entityType: "api_token",
      entityId: id,
      after: { name },
    });
    await recordEvent(trx, actor, { type: "token.changed", tokenId: id, change: "created" });
    return { id, token };
  });
}

export interface TokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export async function listApiTokens(db: Executor, actor: Actor): Promise<TokenView[]> {
  assertCan(actor, "tokens:manage-own");
  const rows = await db
    .selectFrom("api_tokens")
    .select(["id", "name", "created_at", "last_used_at"])
    .where("user_id", "=", actor.userId)
    .where("organisation_id", "=", actor.organisationId)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
  }));
}

export async function revokeApiToken(db: Executor, actor: Actor, tokenId: string) {
  assertCan(actor, "tokens:manage-own");
  if (!z.uuid().safeParse(tokenId).success) throw new NotFoundError();
  await inTransaction(db, async (trx) => {
    const revoked = await trx
      .updateTable("api_tokens")
      .set({ revoked_at: new Date() })
      .where("id", "=", tokenId)
      .where("user_id", "=", actor.userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (revoked.numUpdatedRows === 0n) throw new NotFoundError();
    await recordAudit(trx, {
      organisationId: actor.organisationId,
      actorId: actor.userId,
      action: "token.revoked",
      entityType: "api_token",
      entityId: tokenId,
    });
    await recordEvent(trx, actor, { type: "token.changed", tokenId, change: "revoked" });
  });
}

/** The person behind a bearer token, as long as the token is live and their membership active. */
export async function resolveApiToken(
  db: Executor,
  secret: string,
  token: string | undefined,
): Promise<SessionUser | null> {
  if (!token?.startsWith(PREFIX) || token.length > 100) return null;
  const row = await activePeople(db)
    .innerJoin("api_tokens", (join) =>
      join
        .onRef("api_tokens.user_id", "=", "memberships.user_id")
        .onRef("api_tokens.organisation_id", "=", "memberships.organisation_id"),
    )
    .select(["api_tokens.id as tokenId", "api_tokens.last_used_at"])
    .where("api_tokens.token_hash", "=", tokenHash(token, secret))
    .where("api_tokens.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  const person = sessionUserOf(row, `token:${row.tokenId}`);
  // Recording use once a minute is enough for "last used" and spares a write per request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db
      .updateTable("api_tokens")
      .set({ last_used_at: new Date() })
      .where("id", "=", row.tokenId)
      .execute();
  }
  return person;
}
