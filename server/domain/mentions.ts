import { sql } from "kysely";
import type { Executor } from "../../db";

export interface MentionablePerson {
  id: string;
  name: string;
}

/** The organisation's active people, by name: whom a comment may @-mention. */
export async function mentionablePeople(
  db: Executor,
  organisationId: string,
): Promise<MentionablePerson[]> {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.name"])
    .where("memberships.organisation_id", "=", organisationId)
    .where("memberships.deactivated_at", "is", null)
    .orderBy(sql`lower(users.name)`)
    .execute();
}

/**
 * Whom a text @-mentions: each of `people` whose full name follows an "@" ("@Sara Lind", as the
 * comment boxes' suggestions write it) and is not the start of a longer word. Longer names first,
 * so "@Anna Berg" is not also "@Anna".
 */
export function mentionedIn(text: string, people: MentionablePerson[]): string[] {
  if (!text.includes("@")) return [];
  let rest = text.toLocaleLowerCase("sv");
  const mentioned: string[] = [];
  for (const person of [...people].sort((a, b) => b.name.length - a.name.length)) {
    const tag = `@${person.name.toLocaleLowerCase("sv")}`;
    const at = rest.indexOf(tag);
    if (at === -1 || /[\p{L}\p{N}]/u.test(rest.charAt(at + tag.length))) continue;
    mentioned.push(person.id);
    rest = rest.replaceAll(tag, " ");
  }
  return mentioned;
}
