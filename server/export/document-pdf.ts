import { formatDateTime } from "../../common/format";
import type { DocumentForExport, ExportedThread } from "../domain/document-export";
import { sv } from "../reports/outline";
import { type ListItem, type Run, runsIn } from "./blocks";
import { type DocumentOutline, deletedPassage, documentOutline, resolvedLine } from "./document";
import {
  bottom,
  createTaggedPdf,
  type Doc,
  evenColumns,
  FONT,
  fontOf,
  MARGIN,
  type Struct,
  writeTable,
} from "./pdf";

const BODY_SIZE = 11;
/** Sizes of H1 (the title) … H6. */
const HEADING_SIZES = [20, 15, 13, 12, 11, 11];
const LIST_INDENT = 18;
const QUOTE_INDENT = 30;

interface Placement {
  x?: number;
  width?: number;
  size?: number;
  italic?: boolean;
}

/** Styled runs as one flowing paragraph; links are underlined and clickable. */
function writeRuns(doc: Doc, runs: Run[], placement: Placement = {}) {
  const x = placement.x ?? MARGIN;
  const width = placement.width ?? doc.page.width - MARGIN - x;
  runs.forEach((run, i) => {
    doc.font(fontOf({ bold: run.bold, italic: run.italic || placement.italic }));
    doc.fontSize(placement.size ?? BODY_SIZE);
    // A suggested change: underlined or struck through as well as coloured, as in the editor.
    doc.fillColor(run.change ? CHANGE_COLOURS[run.change.kind] : "black");
    const options = {
      width,
      continued: i < runs.length - 1,
      underline: run.underline || Boolean(run.href) || run.change?.kind === "insert",
      strike: run.change?.kind === "delete",
      link: run.href ?? null,
    };
    if (i === 0) doc.text(run.text, x, doc.y, options);
    else doc.text(run.text, options);
  });
  doc.fillColor("black");
}

const CHANGE_COLOURS = { insert: "#17663a", delete: "#a3201d" } as const;

const hasText = (runs: Run[]) => runs.some((run) => run.text.trim() !== "");

function paragraph(doc: Doc, parent: Struct, tag: string, runs: Run[], placement?: Placement) {
  if (!hasText(runs)) {
    doc.moveDown(0.5);
    return;
  }
  parent.add(doc.struct(tag, {}, () => writeRuns(doc, runs, placement)));
  doc.moveDown(0.4);
}

function heading(doc: Doc, parent: Struct, level: number, runs: Run[]) {
  // A heading is never left alone at the foot of a page.
  if (doc.y > bottom(doc) - 90) doc.addPage();
  const bold = runs.map((run) => ({ ...run, bold: true }));
  parent.add(
    doc.struct(`H${level}`, {}, () =>
      writeRuns(doc, bold, { size: HEADING_SIZES[level - 1] ?? BODY_SIZE }),
    ),
  );
  doc.moveDown(0.4);
}

/** "1.", "a.", "i." by depth for numbered items; bullets otherwise. */
function label(item: ListItem): string {
  if (!item.ordered) return ["•", "◦", "▪"][item.depth % 3];
  const n = item.number;
  if (item.depth % 3 === 1) return `${String.fromCharCode(96 + (((n - 1) % 26) + 1))}.`;
  if (item.depth % 3 === 2)
    return `${["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][(n - 1) % 10]}.`;
  return `${n}.`;
}

/** A tagged list (L, LI, Lbl, LBody); nested lists indent under their item. */
function list(doc: Doc, parent: Struct, items: ListItem[]) {
  const listStruct = doc.struct("L");
  parent.add(listStruct);
  for (const item of items) {
    const x = MARGIN + LIST_INDENT * (item.depth + 1);
    if (doc.y + doc.currentLineHeight(true) > bottom(doc)) doc.addPage();
    const y = doc.y;
    const entry = doc.struct("LI");
    listStruct.add(entry);
    entry.add(
      doc.struct("Lbl", {}, () => {
        doc.font(FONT.regular).fontSize(BODY_SIZE);
        doc.text(label(item), x - LIST_INDENT, y, { width: LIST_INDENT - 3, lineBreak: false });
      }),
    );
    doc.y = y;
    entry.add(doc.struct("LBody", {}, () => writeRuns(doc, item.runs, { x })));
    entry.end();
    doc.moveDown(0.2);
  }
  listStruct.end();
  doc.x = MARGIN;
  doc.moveDown(0.3);
}

const plain = (text: string, bold = false): Run[] => [
  { text, bold, italic: false, underline: false },
];

/** After the text: each thread numbered, on its passage, with every comment's author and time. */
function commentList(doc: Doc, parent: Struct, threads: ExportedThread[]) {
  heading(doc, parent, 2, plain(sv("comments.title")));
  threads.forEach((thread, i) => {
    const passage = thread.range ? `”${thread.quote}”` : deletedPassage(thread.quote);
    paragraph(doc, parent, "P", plain(`${i + 1}. ${passage}`, true));
    const lines = [
      ...thread.comments.map(
        (c) => `${c.author}, ${formatDateTime(c.createdAt)}: ${c.body.replace(/\s+/g, " ")}`,
      ),
      ...resolvedLine(thread),
    ];
    for (const line of lines)
      paragraph(doc, parent, "P", plain(line), { x: MARGIN + LIST_INDENT, size: 10 });
  });
}

/** After the text: what the lines mean, and each suggested change with who and when. */
function changeList(doc: Doc, parent: Struct, blocks: DocumentOutline["blocks"]) {
  // Runs side by side that are one change (bold words within it) are listed once.
  const changes: { change: NonNullable<Run["change"]>; text: string }[] = [];
  let previous: Run | undefined;
  for (const run of runsIn(blocks)) {
    const same = previous?.change && JSON.stringify(previous.change) === JSON.stringify(run.change);
    if (run.change && same) changes[changes.length - 1].text += run.text;
    else if (run.change) changes.push({ change: run.change, text: run.text });
    previous = run;
  }
  if (changes.length === 0) return;
  heading(doc, parent, 2, plain(sv("suggestions.title")));
  paragraph(doc, parent, "P", plain(sv("suggestions.fileLegend")), { size: 10 });
  for (const { change, text } of changes) {
    const what = sv(change.kind === "insert" ? "suggestions.insert" : "suggestions.delete");
    paragraph(
      doc,
      parent,
      "P",
      plain(`${what}: ”${text}” – ${change.author}, ${formatDateTime(change.date)}`),
      { x: MARGIN + LIST_INDENT, size: 10 },
    );
  }
}

/**
 * A document as a tagged PDF/A-2a: front matter, the title as H1 and the document's headings
 * below it, lists, tables, quotes and links, in DejaVu Sans embedded; page numbers as artifacts.
 */
export function documentToPdf(document: DocumentForExport): Promise<Buffer> {
  const o = documentOutline(document);
  const { doc, root, finish } = createTaggedPdf({
    title: o.title,
    subject: o.subject,
    author: o.municipality,
  });
  paragraph(doc, root, "P", plain(o.municipality, true), { size: 14 });
  if (o.sender) paragraph(doc, root, "P", plain(o.sender));
  if (o.documentType) paragraph(doc, root, "P", plain(o.documentType.toUpperCase(), true));
  for (const fact of o.facts) paragraph(doc, root, "P", plain(fact), { size: 10 });
  paragraph(doc, root, "P", plain(o.edition, true), { size: 10 });
  doc.moveDown(0.6);
  heading(doc, root, 1, plain(o.title));

  for (const block of o.blocks) {
    if (block.type === "heading") heading(doc, root, block.level, block.runs);
    else if (block.type === "quote")
      paragraph(doc, root, "BlockQuote", block.runs, {
        x: MARGIN + QUOTE_INDENT,
        width: doc.page.width - 2 * (MARGIN + QUOTE_INDENT),
        italic: true,
      });
    else if (block.type === "list") list(doc, root, block.items);
    else if (block.type === "table") {
      const [first, ...rest] = block.rows;
      const header = first?.header ? first.cells : null;
      const rows = (header ? rest : block.rows).map((row) => row.cells);
      const columns = Math.max(0, ...block.rows.map((row) => row.cells.length));
      writeTable(doc, root, { header, rows, widths: evenColumns(doc, columns) });
    } else paragraph(doc, root, "P", block.runs);
  }
  changeList(doc, root, o.blocks);
  if (document.comments?.length) commentList(doc, root, document.comments);
  return finish(o.pageLabel);
}
