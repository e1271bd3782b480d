import type { DocumentExportFormat, DocumentForExport } from "../domain/document-export";
import { CONTENT_TYPES } from "../reports/export";
import { contentDisposition } from "../reports/outline";
import { documentFileName } from "./document";
import { documentToDocx } from "./document-docx";
import { documentToPdf } from "./document-pdf";

const WRITERS: Record<DocumentExportFormat, (document: DocumentForExport) => Promise<Buffer>> = {
  docx: documentToDocx,
  pdf: documentToPdf,
};

/** A document as a file to download: its bytes and the headers that name it. */
export async function documentFile(document: DocumentForExport, format: DocumentExportFormat) {
  return {
    body: await WRITERS[format](document),
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": contentDisposition(documentFileName(document, format)),
      // A draft changes with every keystroke, and a document may be for a restricted audience.
      "Cache-Control": "private, no-store",
    },
  };
}
