import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { snippetParts } from "../../common/highlight";
import { ValidationError } from "../../server/domain/errors";
import { type SearchHit, type SearchKind, search } from "../../server/domain/search";
import { ArchivedTag, ShowArchivedField } from "../components/ArchivePanel";
import { ErrorSummary, TextField } from "../components/FormFields";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { guard } from "../utils/route.server";

/** The kind filter in the address, in Swedish: /sok?q=våld&typ=dokument. */
const KIND_PARAMS: Record<SearchKind, string> = {
  action: "atgarder",
  comment: "kommentarer",
  followup: "uppfoljningar",
  document: "dokument",
};
// From the map, not the domain's list: the component must not pull server code into the browser.
const KINDS = Object.keys(KIND_PARAMS) as SearchKind[];
const PAGE_SIZE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "search:use");
  const params = new URL(request.url).searchParams;
  // An unknown typ shows every kind; the filter links say which one is chosen.
  const kind = KINDS.find((k) => KIND_PARAMS[k] === params.get("typ"));
  const q = params.get("q");
  // "Visa arkiverade": archived actions and documents among the others (ADR 0031).
  const withArchived = params.get("archived") === "all";
  // Opened without a query (not an empty one): just the form.
  if (q === null) return { q: "", kind, withArchived, hits: null, errors: null };
  return guard(async () => {
    try {
      const archived = withArchived ? "all" : "false";
      const hits = await search(context.db, user, { q, kind, archived, limit: PAGE_SIZE });
      return { q, kind, withArchived, hits, errors: null };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return data({ q, kind, withArchived, hits: null, errors: error.fields }, { status: 400 });
    }
  });
}

export const meta: MetaFunction = (args) => pageTitle(args, "search.title");

function searchUrl(q: string, kind: SearchKind | undefined, withArchived: boolean) {
  const params = new URLSearchParams({ q });
  if (kind) params.set("typ", KIND_PARAMS[kind]);
  if (withArchived) params.set("archived", "all");
  return `/sok?${params}`;
}

/** The snippet as text, its matches in <mark>: React escapes every part, nothing is parsed as HTML. */
function Snippet({ text }: { text: string }) {
  return (
    <p className="search-snippet">
      {snippetParts(text).map((part) =>
        part.match ? (
          <mark key={part.start}>{part.text}</mark>
        ) : (
          <Fragment key={part.start}>{part.text}</Fragment>
        ),
      )}
    </p>
  );
}

function KindFilter({
  q,
  current,
  withArchived,
}: {
  q: string;
  current: SearchKind | undefined;
  withArchived: boolean;
}) {
  const t = useT();
  const options: [SearchKind | undefined, string][] = [
    [undefined, t("search.kindAll")],
    ...KINDS.map((k): [SearchKind, string] => [k, t(`search.kinds.${k}`)]),
  ];
  return (
    <nav aria-label={t("search.kinds")} className="search-kinds">
      <ul>
        {options.map(([kind, label]) => (
          <li key={kind ?? "all"}>
            <Link
              to={searchUrl(q, kind, withArchived)}
              aria-current={kind === current ? "page" : undefined}
            >
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Results({
  q,
  kind,
  withArchived,
  hits,
}: {
  q: string;
  kind?: SearchKind;
  withArchived: boolean;
  hits: SearchHit[];
}) {
  const t = useT();
  return (
    <>
      <KindFilter q={q} current={kind} withArchived={withArchived} />
      {/* A status region: announced when a new search replaces the results without a reload. */}
      <p role="status" className="search-count">
        {hits.length === 0 ? t("search.none", { q }) : t("search.count", { count: hits.length })}
      </p>
      {hits.length === PAGE_SIZE && <p>{t("search.limited", { count: PAGE_SIZE })}</p>}
      {hits.length === 0 ? (
        <>
          <h2>{t("search.tips")}</h2>
          <ul>
            <li>{t("search.tipSpelling")}</li>
            <li>{t("search.tipFewerWords")}</li>
            <li>{t("search.tipWordPart")}</li>
            {kind && (
              <li>
                <Link to={searchUrl(q, undefined, withArchived)}>{t("search.tipAllKinds")}</Link>
              </li>
            )}
          </ul>
        </>
      ) : (
        <ol className="search-results">
          {hits.map((hit, position) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: each search replaces the whole list; comments on one action share its id
            <li key={position}>
              <h2>
                <Link to={hit.url}>{hit.title}</Link>
                {hit.archived && (
                  <>
                    {" "}
                    <ArchivedTag />
                  </>
                )}
              </h2>
              <p className="search-kind">{t(`search.kind.${hit.kind}`)}</p>
              <Snippet text={hit.snippet} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

export default function Search() {
  const t = useT();
  const { q, kind, withArchived, hits, errors } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("search.title")}</h1>
      <ErrorSummary errors={errors ?? undefined} labels={{ q: t("search.label") }} />
      <Form
        method="get"
        action="/sok"
        role="search"
        aria-label={t("search.title")}
        className="search-form"
      >
        <TextField
          key={q}
          id="q"
          name="q"
          type="search"
          label={t("search.label")}
          hint={t("search.hint")}
          error={errors?.q}
          defaultValue={q}
        />
        {kind && <input type="hidden" name="typ" value={KIND_PARAMS[kind]} />}
        <ShowArchivedField key={String(withArchived)} id="archived" checked={withArchived} />
        <button type="submit" className="button">
          {t("search.submit")}
        </button>
      </Form>
      {hits && <Results q={q} kind={kind} withArchived={withArchived} hits={hits} />}
    </div>
  );
}
