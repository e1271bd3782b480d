import type { PeriodReport } from "../domain/reports";
import { bottom, createTaggedPdf, type Doc, FONT, type Struct, writeTable } from "../export/pdf";
import { reportOutline, sv } from "./outline";

/** A4 is 595 pt wide; 495 pt remain between the margins. */
const ACTION_COLUMNS = [115, 80, 60, 52, 75, 113];
const DEPARTMENT_COLUMNS = [150, 245, 100];

function write(
  doc: Doc,
  parent: Struct,
  text: string,
  options: { type: "H1" | "H2" | "H3" | "P"; size: number; bold?: boolean; after?: number },
) {
  // A heading is never left alone at the foot of a page.
  if (options.type !== "P" && doc.y > bottom(doc) - 90) doc.addPage();
  doc
    .font(options.bold ? FONT.bold : FONT.regular)
    .fontSize(options.size)
    .text(text, { structParent: parent, structType: options.type });
  doc.moveDown(options.after ?? 0.4);
}

/**
 * The period report as a tagged PDF/A-2a (headings H1–H3, tables, language sv-SE, title shown by
 * the reader): real text in embedded Unicode fonts, so every name prints, is selectable,
 * searchable and read aloud as written.
 */
export function reportToPdf(report: PeriodReport): Promise<Buffer> {
  const o = reportOutline(report);
  const { doc, root, finish } = createTaggedPdf({
    title: o.title,
    subject: o.subject,
    author: o.author,
  });
  write(doc, root, o.title, { type: "H1", size: 20, bold: true, after: 0.6 });
  for (const fact of o.facts) write(doc, root, fact, { type: "P", size: 11, after: 0.1 });
  doc.moveDown(0.6);
  if (o.emptyNote) write(doc, root, o.emptyNote, { type: "P", size: 11, bold: true, after: 0.8 });

  for (const goal of o.goals) {
    write(doc, root, goal.heading, { type: "H2", size: 14, bold: true });
    write(doc, root, `${goal.rollUp} ${goal.basis}`, { type: "P", size: 10, after: 0.5 });
    if (goal.rows.length > 0)
      writeTable(doc, root, { header: o.actionHeader, rows: goal.rows, widths: ACTION_COLUMNS });
  }

  write(doc, root, o.departmentsHeading, { type: "H2", size: 14, bold: true });
  writeTable(doc, root, {
    header: o.departmentHeader,
    rows: o.departmentRows,
    widths: DEPARTMENT_COLUMNS,
  });

  write(doc, root, o.appendicesHeading, { type: "H2", size: 14, bold: true });
  if (o.appendices.length === 0) write(doc, root, o.noAppendices, { type: "P", size: 10 });
  for (const appendix of o.appendices) {
    write(doc, root, appendix.heading, { type: "H3", size: 12, bold: true });
    write(doc, root, appendix.note, { type: "P", size: 9, after: 0.5 });
    for (const paragraph of appendix.text.split(/\n+/).filter((p) => p.trim()))
      write(doc, root, paragraph, { type: "P", size: 10 });
  }
  return finish(`${o.title} – ${sv("reports.page")}`);
}
