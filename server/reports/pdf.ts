import PDFDocument from "pdfkit";
import type { PeriodReport } from "../domain/reports";
import { reportOutline, sv } from "./outline";

const REGULAR = "Helvetica";
const BOLD = "Helvetica-Bold";
const MARGIN = 50;
const CELL_PADDING = 4;
const TABLE_FONT_SIZE = 9;
/** A4 is 595 pt wide; 495 pt remain between the margins. */
const ACTION_COLUMNS = [115, 80, 60, 52, 75, 113];
const DEPARTMENT_COLUMNS = [150, 245, 100];

/** Windows-1252 beyond Latin-1: what the standard PDF fonts can show besides å, ä, ö and é. */
const CP1252_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

/**
 * The standard fonts (no font files to ship, text stays selectable and searchable) cover
 * Windows-1252 only; anything else would print as garbage, so it is spelt out or replaced.
 */
export function toWinAnsi(text: string): string {
  let out = "";
  for (const char of text.normalize("NFC")) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\n" || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) {
      out += char;
    } else if (CP1252_EXTRA.has(char)) {
      out += char;
    } else if (/[\u2000-\u200a\u202f\u205f\t]/.test(char)) {
      out += " ";
    } else if (/[\u2010-\u2012\u2212]/.test(char)) {
      out += "-";
    } else {
      const base = char.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      out += /^[\x20-\x7e]+$/.test(base) ? base : "?";
    }
  }
  return out;
}

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

function write(
  doc: Doc,
  parent: Struct,
  text: string,
  options: { type: "H1" | "H2" | "H3" | "P"; size: number; bold?: boolean; after?: number },
) {
  // A heading is never left alone at the foot of a page.
  if (options.type !== "P" && doc.y > bottom(doc) - 90) doc.addPage();
  doc
    .font(options.bold ? BOLD : REGULAR)
    .fontSize(options.size)
    .text(toWinAnsi(text), { structParent: parent, structType: options.type });
  doc.moveDown(options.after ?? 0.4);
}

/**
 * A tagged table (Table/TR/TH/TD) whose rows never split; where a row would not fit, the table
 * continues on the next page under a repeated header row.
 */
function writeTable(
  doc: Doc,
  parent: Struct,
  header: string[],
  rows: string[][],
  widths: number[],
) {
  doc.font(REGULAR).fontSize(TABLE_FONT_SIZE);
  const headerCells = header.map((text) => ({
    text: toWinAnsi(text),
    type: "TH" as const,
    scope: "Column",
    font: { src: BOLD },
    backgroundColor: "#e8eaed",
  }));
  const rowHeight = (cells: string[], font: string) =>
    Math.max(
      ...cells.map((text, i) =>
        doc.font(font).heightOfString(toWinAnsi(text), { width: widths[i] - 2 * CELL_PADDING }),
      ),
    ) +
    2 * CELL_PADDING;
  const start = () => {
    if (doc.y + rowHeight(header, BOLD) + rowHeight(rows[0] ?? [], REGULAR) > bottom(doc))
      doc.addPage();
    const table = doc.table({
      structParent: parent,
      position: { x: MARGIN },
      columnStyles: widths,
      defaultStyle: { border: 0.5, borderColor: "#8a8f94", padding: CELL_PADDING },
    } as PDFKit.Mixins.TableOptions);
    doc.font(REGULAR);
    return table.row(headerCells);
  };
  let table = start();
  for (const cells of rows) {
    if (doc.y + rowHeight(cells, REGULAR) > bottom(doc)) {
      table.end();
      doc.addPage();
      table = start();
    }
    doc.font(REGULAR);
    table.row(cells.map(toWinAnsi));
  }
  table.end();
  doc.x = MARGIN;
  doc.moveDown(0.8);
}

/**
 * The period report as a tagged PDF (headings H1–H3, tables, language sv-SE, title shown by the
 * reader): real text in the standard fonts, so it can be selected, searched and read aloud.
 */
export function reportToPdf(report: PeriodReport): Promise<Buffer> {
  const o = reportOutline(report);
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    lang: "sv-SE",
    tagged: true,
    displayTitle: true,
    pdfVersion: "1.7",
    bufferPages: true,
    info: {
      Title: toWinAnsi(o.title),
      Subject: toWinAnsi(o.subject),
      Author: toWinAnsi(o.author),
      Creator: "Samverkan",
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const root = doc.struct("Document");
  doc.addStructure(root);
  write(doc, root, o.title, { type: "H1", size: 20, bold: true, after: 0.6 });
  for (const fact of o.facts) write(doc, root, fact, { type: "P", size: 11, after: 0.1 });
  doc.moveDown(0.6);
  if (o.emptyNote) write(doc, root, o.emptyNote, { type: "P", size: 11, bold: true, after: 0.8 });

  for (const goal of o.goals) {
    write(doc, root, goal.heading, { type: "H2", size: 14, bold: true });
    write(doc, root, `${goal.rollUp} ${goal.basis}`, { type: "P", size: 10, after: 0.5 });
    if (goal.rows.length > 0) writeTable(doc, root, o.actionHeader, goal.rows, ACTION_COLUMNS);
  }

  write(doc, root, o.departmentsHeading, { type: "H2", size: 14, bold: true });
  writeTable(doc, root, o.departmentHeader, o.departmentRows, DEPARTMENT_COLUMNS);

  write(doc, root, o.appendicesHeading, { type: "H2", size: 14, bold: true });
  if (o.appendices.length === 0) write(doc, root, o.noAppendices, { type: "P", size: 10 });
  for (const appendix of o.appendices) {
    write(doc, root, appendix.heading, { type: "H3", size: 12, bold: true });
    write(doc, root, appendix.note, { type: "P", size: 9, after: 0.5 });
    for (const paragraph of appendix.text.split(/\n+/).filter((p) => p.trim()))
      write(doc, root, paragraph, { type: "P", size: 10 });
  }
  root.end();

  // Page numbers are layout, not content: marked as artifacts so readers skip them.
  const pages = doc.bufferedPageRange();
  for (let i = pages.start; i < pages.start + pages.count; i++) {
    doc.switchToPage(i);
    const { margins } = doc.page;
    const marginBottom = margins.bottom;
    margins.bottom = 0;
    doc.markContent("Artifact", { type: "Pagination" });
    doc
      .font(REGULAR)
      .fontSize(8)
      .text(
        toWinAnsi(
          `${o.title} – ${sv("reports.page")} ${i + 1} ${sv("reports.pageOf")} ${pages.count}`,
        ),
        MARGIN,
        doc.page.height - 30,
        { width: doc.page.width - 2 * MARGIN, align: "center", lineBreak: false },
      );
    doc.endMarkedContent();
    margins.bottom = marginBottom;
  }
  doc.end();
  return finished;
}
