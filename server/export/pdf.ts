import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";
import { sv } from "../reports/outline";

/**
 * What every PDF the portal writes shares (period reports and documents): DejaVu Sans embedded
 * from the `dejavu-fonts-ttf` package (never fetched at run time) so every Swedish, Sami, Finnish
 * and Meänkieli letter and the common symbols print and extract as themselves; a tagged
 * structure with language and title; page numbers marked as artifacts; PDF/A-2a metadata.
 * See docs/decisions/0021-document-export-and-fonts.md.
 */

export type Doc = PDFKit.PDFDocument;
export type Struct = PDFKit.PDFStructureElement;

/** The registered names, which are also the files' names in the package. */
export const FONT = {
  regular: "DejaVuSans",
  bold: "DejaVuSans-Bold",
  italic: "DejaVuSans-Oblique",
  boldItalic: "DejaVuSans-BoldOblique",
} as const;

let fontFiles: [string, Buffer][] | undefined;
/** Read once per process: about 2.7 MB, of which each file embeds only the glyphs it uses. */
function fontFilesOnce(): [string, Buffer][] {
  if (!fontFiles) {
    const fontPackage = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json");
    const directory = path.join(path.dirname(fontPackage), "ttf");
    fontFiles = Object.values(FONT).map((name) => [
      name,
      readFileSync(path.join(directory, `${name}.ttf`)),
    ]);
  }
  return fontFiles;
}

export function fontOf(style: { bold?: boolean; italic?: boolean }): string {
  if (style.bold) return style.italic ? FONT.boldItalic : FONT.bold;
  return style.italic ? FONT.italic : FONT.regular;
}

export const MARGIN = 50;
const CELL_PADDING = 4;
const TABLE_FONT_SIZE = 9;

export const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

export interface TaggedPdf {
  doc: Doc;
  /** The Document structure element everything is tagged under. */
  root: Struct;
  /** Ends the content, writes "<label> 1 av 3" at the foot of every page and returns the file. */
  finish(pageLabel: string): Promise<Buffer>;
}

/** An A4 PDF/A-2a document in Swedish, with the fonts registered and DejaVu Sans selected. */
export function createTaggedPdf(info: { title: string; subject: string; author: string }) {
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    lang: "sv-SE",
    tagged: true,
    displayTitle: true,
    pdfVersion: "1.7",
    subset: "PDF/A-2a",
    bufferPages: true,
    // No standard font (PDF/A allows only embedded ones): the first text needs a font set.
    font: null as unknown as string,
    info: { Title: info.title, Subject: info.subject, Author: info.author, Creator: "Samverkan" },
  } as PDFKit.PDFDocumentOptions);
  for (const [name, file] of fontFilesOnce()) doc.registerFont(name, file);
  doc.font(FONT.regular);
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const root = doc.struct("Document");
  doc.addStructure(root);

  function finish(pageLabel: string): Promise<Buffer> {
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
        .font(FONT.regular)
        .fontSize(8)
        .text(
          `${pageLabel} ${i + 1} ${sv("reports.pageOf")} ${pages.count}`,
          MARGIN,
          doc.page.height - 30,
          {
            width: doc.page.width - 2 * MARGIN,
            align: "center",
            lineBreak: false,
          },
        );
      doc.endMarkedContent();
      margins.bottom = marginBottom;
    }
    doc.end();
    return finished;
  }
  return { doc, root, finish } satisfies TaggedPdf;
}

/** Column widths that share the text width evenly. */
export const evenColumns = (doc: Doc, count: number) =>
  Array.from({ length: count }, () => (doc.page.width - 2 * MARGIN) / count);

/**
 * A tagged table (Table/TR/TH/TD) whose rows never split; where a row would not fit, the table
 * continues on the next page under a repeated header row.
 */
export function writeTable(
  doc: Doc,
  parent: Struct,
  table: { header: string[] | null; rows: string[][]; widths: number[] },
) {
  const { header, rows, widths } = table;
  doc.font(FONT.regular).fontSize(TABLE_FONT_SIZE);
  const rowHeight = (cells: string[], font: string) =>
    Math.max(
      0,
      ...cells.map((text, i) =>
        doc.font(font).heightOfString(text, { width: widths[i] - 2 * CELL_PADDING }),
      ),
    ) +
    2 * CELL_PADDING;
  const start = () => {
    const first = header ? rowHeight(header, FONT.bold) : 0;
    if (doc.y + first + rowHeight(rows[0] ?? [], FONT.regular) > bottom(doc)) doc.addPage();
    const pdfTable = doc.table({
      structParent: parent,
      position: { x: MARGIN },
      columnStyles: widths,
      defaultStyle: { border: 0.5, borderColor: "#8a8f94", padding: CELL_PADDING },
    } as PDFKit.Mixins.TableOptions);
    doc.font(FONT.regular);
    if (!header) return pdfTable;
    return pdfTable.row(
      header.map((text) => ({
        text,
        type: "TH" as const,
        scope: "Column",
        font: { src: FONT.bold },
        backgroundColor: "#e8eaed",
      })),
    );
  };
  let pdfTable = start();
  for (const cells of rows) {
    if (doc.y + rowHeight(cells, FONT.regular) > bottom(doc)) {
      pdfTable.end();
      doc.addPage();
      pdfTable = start();
    }
    doc.font(FONT.regular);
    pdfTable.row(cells);
  }
  pdfTable.end();
  doc.x = MARGIN;
  doc.moveDown(0.8);
}
