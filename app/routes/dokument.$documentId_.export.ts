import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "../../common/i18n";
import { DocumentExportQuery, documentForExport } from "../../server/domain/document-export";
import { ValidationError } from "../../server/domain/errors";
import { ForbiddenError, NotFoundError } from "../../server/domain/policy";
import { parseInput } from "../../server/domain/validation";
import { documentFile } from "../../server/export/download";
import { requirePermission } from "../utils/auth.server";
import { orUnavailablePage } from "../utils/unavailable.server";

const plain = (status: number, message: string) =>
  new Response(`${message}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });

/**
 * The document page's downloads: `?format=docx|pdf`, with `&versionId=` for a stored version and
 * `&comments=true` for the comment threads, `&suggestions=true` for the open suggested changes.
 */
export const loader = orUnavailablePage(
  async ({ request, params, context }: LoaderFunctionArgs) => {
    const user = await requirePermission(request, context, "documents:read");
    const t = translator(user.locale);
    const search = Object.fromEntries(new URL(request.url).searchParams);
    try {
      const { format, ...options } = parseInput(DocumentExportQuery, search);
      const document = await documentForExport(context.db, user, params.documentId ?? "", options);
      const file = await documentFile(document, format);
      return new Response(new Uint8Array(file.body), { headers: file.headers });
    } catch (error) {
      if (error instanceof ValidationError)
        return plain(
          400,
          "comments" in error.fields
            ? t("documents.exportBadComments")
            : "suggestions" in error.fields
              ? t("documents.exportBadSuggestions")
              : t("documents.exportUnknownFormat", { format: search.format ?? "" }),
        );
      if (error instanceof NotFoundError) return plain(404, t("documents.exportNotFound"));
      if (error instanceof ForbiddenError) return plain(403, t("documents.exportForbidden"));
      throw error;
    }
  },
);
