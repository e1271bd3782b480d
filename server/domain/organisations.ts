import type { Executor } from "../../db";

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
