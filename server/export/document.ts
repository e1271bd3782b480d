import { formatDate, formatDateTime } from "../../common/format";
import { swedishToday } from "../domain/dates";
import type {
  DocumentExportFormat,
  DocumentForExport,
  ExportedThread,
} from "../domain/document-export";
import { safeFileName, sv } from "../reports/outline";
import { type Block, contentBlocks } from "./blocks";

/** What the Word and PDF files write, in reading order: front matter, title, content. */
export interface DocumentOutline {
  title: string;
  /** The municipality (the organisation's name unless the front matter names another). */
  municipality: string;
  sender: string;
  documentType: string;
  /** "Datum: 2026-12-01", "Diarienummer: …", "Handläggare: …": only those set. */
  facts: string[];
  /** "Fastställd 2026-11-27", "Version från 2026-12-05 14:02: Inför mötet" or "Utkast". */
  edition: string;
  /** "Yttrande – Årjängs kommun": the file's subject in its metadata. */
  subject: string;
  blocks: Block[];
  /** The footer before the page number: "Yttrande om skolskjuts – Sida". */
  pageLabel: string;
}

/** The date of the content a file holds: when it was adopted, the version named, or today. */
function contentDate(document: DocumentForExport): string {
  const { edition } = document;
  if (edition.kind === "adopted") return formatDate(edition.adoptedAt);
  if (edition.kind === "version") return formatDate(edition.createdAt);
  return swedishToday();
}

function editionLine(document: DocumentForExport): string {
  const { edition } = document;
  if (edition.kind === "adopted")
    return sv("documentExport.adopted", { date: formatDate(edition.adoptedAt) });
  if (edition.kind === "version") {
    const datetime = formatDateTime(edition.createdAt);
    return edition.note
      ? sv("documentExport.versionNote", { datetime, note: edition.note })
      : sv("documentExport.version", { datetime });
  }
  return sv(`documentStatus.${edition.status}`);
}

export function documentOutline(document: DocumentForExport): DocumentOutline {
  const front = document.frontMatter;
  const municipality = front.municipality || document.organisationName;
  const facts = [
    front.date && `${sv("documentExport.date")}: ${front.date}`,
    front.registrationNumber &&
      `${sv("documentExport.registrationNumber")}: ${front.registrationNumber}`,
    front.caseOfficer && `${sv("documentExport.caseOfficer")}: ${front.caseOfficer}`,
  ].filter((fact): fact is string => Boolean(fact));
  return {
    title: document.title,
    municipality,
    sender: front.sender,
    documentType: front.documentType,
    facts,
    edition: editionLine(document),
    subject: [front.documentType, municipality].filter(Boolean).join(" – "),
    blocks: contentBlocks(document.content, document.suggestions),
    pageLabel: `${document.title} – ${sv("reports.page")}`,
  };
}

/** `Yttrande-om-skolskjuts-2026-12-05.docx`; adopted: `…-fastställd-2026-11-27.pdf`. */
export function documentFileName(
  document: DocumentForExport,
  format: DocumentExportFormat,
): string {
  const parts = [document.title];
  if (document.edition.kind === "adopted") parts.push(sv("reports.fileAdopted"));
  parts.push(contentDate(document));
  return safeFileName(parts, format);
}

/** "Löst 2026-12-05 14:02 av Sara Lind": a resolved thread's last line in a file. */
export function resolvedLine(thread: ExportedThread): string[] {
  return thread.resolved
    ? [
        sv("comments.resolvedBy", {
          date: formatDateTime(thread.resolved.at),
          name: thread.resolved.by,
        }),
      ]
    : [];
}

/** "Text borttagen: ”…”": what a thread whose passage is gone is shown on. */
export const deletedPassage = (quote: string) => `${sv("comments.textDeleted")}: ”${quote}”`;
