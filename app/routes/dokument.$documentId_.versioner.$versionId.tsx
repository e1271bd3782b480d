import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "../../common/format";
import { getDocument, getVersion } from "../../server/domain/documents";
import { Badge } from "../components/Badge";
import { DocumentDownloads } from "../components/DocumentRail";
import { requirePermission } from "../utils/auth.server";
import { pageTitle, useT } from "../utils/i18n";
import { useDocumentUpdates } from "../utils/live";
import { guard } from "../utils/route.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "documents:read");
  const documentId = params.documentId ?? "";
  return guard(async () => {
    const [document, version] = await Promise.all([
      getDocument(context.db, user, documentId),
      getVersion(context.db, user, documentId, params.versionId ?? ""),
    ]);
    return {
      document: { id: document.id, title: document.title },
      version: {
        id: version.id,
        note: version.note,
        adopted: version.adopted,
        createdByName: version.createdByName,
        createdAt: version.createdAt,
        html: version.html,
      },
    };
  });
}

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, "documents.title").map(({ title }) => ({
    title: `${args.data?.document.title ?? ""}, ${args.data ? formatDateTime(args.data.version.createdAt) : ""} – ${title}`,
  }));

export default function DocumentVersion() {
  const t = useT();
  const { document, version } = useLoaderData<typeof loader>();
  // A version never changes, but the document's title may.
  useDocumentUpdates(document.id);
  const date = formatDateTime(version.createdAt);
  return (
    <div className="page narrow">
      <p>
        <Link to={`/dokument/${document.id}`}>← {t("documents.versionBack")}</Link>
      </p>
      <p className="meta">{document.title}</p>
      <h1>{t("documents.versionTitle", { date })}</h1>
      <p>
        {version.adopted && (
          <>
            <Badge tone="ok" symbol="✓">
              {t("documents.versionAdopted")}
            </Badge>{" "}
          </>
        )}
        {t("documents.versionBy", { name: version.createdByName ?? "–", date })}
      </p>
      {version.note && (
        <p>
          <strong>{t("documents.versionNote")}:</strong> {version.note}
        </p>
      )}
      <p className="read-only-note">{t("documents.versionReadOnly")}</p>
      <DocumentDownloads documentId={document.id} versionId={version.id} />
      <section aria-label={t("documents.content")}>
        <div
          className="document-content"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: HTML rendered by the server's headless Lexical
          dangerouslySetInnerHTML={{ __html: version.html }}
        />
      </section>
    </div>
  );
}
