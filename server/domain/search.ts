import { type RawBuilder, sql } from "kysely";
import { z } from "zod";
import { formatPeriod } from "../../common/format";
import type { Executor } from "../../db";
import { ARCHIVED_FILTER, archivedCondition } from "./archived-filter";
import { type Actor, assertCan, can } from "./policy";
import { parseInput } from "./validation";

export const SEARCH_KINDS = ["action", "comment", "followup", "document"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SearchSchema = z.object({
  q: z.string().trim().min(1, "validation.searchEmpty").max(200, "validation.searchTooLong"),
  kind: z.enum(SEARCH_KINDS, "validation.invalid").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  archived: ARCHIVED_FILTER,
});

export interface SearchHit {
  kind: SearchKind;
  /** The action or document the hit belongs to (comments and follow-ups link to their action). */
  id: string;
  title: string;
  /** Plain text with the matched words between \u0001 and \u0002 (the UI turns them into <mark>). */
  snippet: string;
  rank: number;
  url: string;
  /** The action or document is archived (found only when archived ones are asked for). */
  archived: boolean;
}

// Control characters cannot occur in stored text, so they mark matches safely; HTML is escaped later.
const HEADLINE =
  "StartSel=\u0001, StopSel=\u0002, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=' … '";

// The Snowball stemmer keeps the definite endings -et and -an ("våldet", "skolan" stay as they are).
const DEFINITE_ENDING = /(?:et|an)$/;

/** A quoted tsquery lexeme; from four letters also a prefix, so compounds match ("våld" → "våldsutövare"). */
function term(lexeme: string): string {
  const quoted = `'${lexeme.replaceAll("'", "''")}'`;
  return [...lexeme].length >= 4 ? `${quoted}:*` : quoted;
}

/**
 * Broadens the stemmed query (tsquery text as PostgreSQL prints it, operators kept) for Swedish:
 * every lexeme also matches as a prefix ("skola" finds "skolan"), and a definite form the stemmer
 * keeps also matches its base ("våldet" finds "våld", "skolans" finds "skola").
 */
function broaden(tsquery: string): string {
  return tsquery.replace(/'((?:[^']|'')+)'/g, (_match, escaped: string) => {
    const lexeme = escaped.replaceAll("''", "'");
    const base = lexeme.replace(DEFINITE_ENDING, "");
    return base !== lexeme && [...base].length >= 3
      ? `(${term(lexeme)} | ${term(base)})`
      : term(lexeme);
  });
}

/**
 * Swedish full-text search (PostgreSQL's `swedish` configuration: "samverkansformerna" finds
 * "samverkansform") across actions, their comments and follow-up comments, and documents'
 * rendered text; ranked, with highlighted snippets, only within the actor's organisation and
 * only kinds the actor may read.
 */
export async function search(db: Executor, actor: Actor, input: unknown): Promise<SearchHit[]> {
  assertCan(actor, "search:use");
  const { q, kind, limit, archived } = parseInput(SearchSchema, input);
  const exact = sql`websearch_to_tsquery('swedish', ${q})`;
  const stemmed = await sql<{ text: string }>`select ${exact}::text as text`.execute(db);
  const text = stemmed.rows[0]?.text ?? "";
  // Only stop words ("och", "att"): nothing to look for.
  if (text === "") return [];
  const query = sql`${broaden(text)}::tsquery`;
  // Exact (stemmed) matches count twice, so "våld" ranks above "våldsutövare" for the query "våld".
  const rank = (column: RawBuilder<unknown>) =>
    sql`ts_rank(${column}, ${query}) + ts_rank(${column}, ${exact})`;
  const org = actor.organisationId;
  // Comments and follow-ups go with their action: archived with it, found with it when asked.
  const shown = (column: string) => archivedCondition(column, archived) ?? sql`true`;
  const wanted = (k: SearchKind) =>
    (!kind || kind === k) && can(actor, k === "document" ? "documents:read" : "actions:read");

  const parts = [];
  if (wanted("action")) {
    parts.push(sql`select 'action' as kind, a.id, a.title, null::date as period_start, null::date as period_end, ts_headline('swedish', a.title || ' – ' || a.description, ${query}, ${HEADLINE}) as snippet, ${rank(sql.ref("a.search"))} as rank, a.archived_at is not null as archived
      from actions a where a.organisation_id = ${org} and a.search @@ ${query} and ${shown("a.archived_at")}`);
  }
  if (wanted("comment")) {
    parts.push(sql`select 'comment' as kind, a.id, a.title, null::date as period_start, null::date as period_end, ts_headline('swedish', c.body, ${query}, ${HEADLINE}) as snippet, ${rank(sql.ref("c.search"))} as rank, a.archived_at is not null as archived
      from action_comments c join actions a on a.id = c.action_id where c.organisation_id = ${org} and c.search @@ ${query} and ${shown("a.archived_at")}`);
  }
  if (wanted("followup")) {
    parts.push(sql`select 'followup' as kind, a.id, a.title, p.start_date as period_start, p.end_date as period_end, ts_headline('swedish', f.comment, ${query}, ${HEADLINE}) as snippet, ${rank(sql.ref("f.search"))} as rank, a.archived_at is not null as archived
      from follow_ups f join actions a on a.id = f.action_id join follow_up_periods p on p.id = f.period_id where f.organisation_id = ${org} and f.search @@ ${query} and ${shown("a.archived_at")}`);
  }
  if (wanted("document")) {
    parts.push(sql`select 'document' as kind, d.id, d.title, null::date as period_start, null::date as period_end, ts_headline('swedish', d.rendered_text, ${query}, ${HEADLINE}) as snippet, ${rank(sql.ref("d.search"))} as rank, d.archived_at is not null as archived
      from documents d where d.organisation_id = ${org} and d.search @@ ${query} and ${shown("d.archived_at")}`);
  }
  if (parts.length === 0) return [];
  const result = await sql<{
    kind: SearchKind;
    id: string;
    title: string;
    period_start: string | null;
    period_end: string | null;
    snippet: string;
    rank: number;
    archived: boolean;
  }>`
    select * from (${sql.join(parts, sql` union all `)}) hits order by rank desc, title limit ${limit}`.execute(
    db,
  );
  return result.rows.map(({ period_start, period_end, ...row }) => ({
    ...row,
    title:
      period_start && period_end
        ? `${row.title} (${formatPeriod(period_start, period_end)})`
        : row.title,
    rank: Number(row.rank),
    url: row.kind === "document" ? `/dokument/${row.id}` : `/atgarder/${row.id}`,
  }));
}
