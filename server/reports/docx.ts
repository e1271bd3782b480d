import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import { htmlToContent } from "docx/html";
import type { PeriodReport } from "../domain/reports";
import { reportOutline, sv } from "./outline";

/** A4 with docx's default margins leaves 9 026 twips of text width. */
const ACTION_COLUMNS = [2100, 1300, 1100, 900, 1300, 2326];
const DEPARTMENT_COLUMNS = [3000, 4026, 2000];

const paragraphs = (text: string) =>
  text.split(/\r?\n/).map((line) => new Paragraph({ children: [new TextRun(line)] }));

/** The header row repeats on every page (tableHeader) and no row breaks across pages. */
function table(header: string[], rows: string[][], widths: number[]): Table {
  const row = (cells: string[], isHeader: boolean) =>
    new TableRow({
      tableHeader: isHeader,
      cantSplit: true,
      children: cells.map(
        (text, i) =>
          new TableCell({
            width: { size: widths[i], type: WidthType.DXA },
            children: isHeader
              ? [new Paragraph({ children: [new TextRun({ text, bold: true })] })]
              : paragraphs(text),
          }),
      ),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: widths,
    rows: [row(header, true), ...rows.map((cells) => row(cells, false))],
  });
}

/** "<label> 2 av 5" centred at the foot of every page, numbers as Word fields. */
export function pageNumberFooter(label: string): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({
            children: [
              `${label} `,
              PageNumber.CURRENT,
              ` ${sv("reports.pageOf")} `,
              PageNumber.TOTAL_PAGES,
            ],
          }),
        ],
      }),
    ],
  });
}

/** The period report as a Word document: Heading 1/2/3 styles, real tables, language sv-SE. */
export function reportToDocx(report: PeriodReport): Promise<Buffer> {
  const o = reportOutline(report);
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: o.title, heading: HeadingLevel.HEADING_1 }),
    ...o.facts.map((fact) => new Paragraph({ children: [new TextRun(fact)] })),
  ];
  if (o.emptyNote) children.push(new Paragraph({ children: [new TextRun(o.emptyNote)] }));
  for (const goal of o.goals) {
    children.push(
      new Paragraph({ text: goal.heading, heading: HeadingLevel.HEADING_2 }),
      new Paragraph({
        children: [new TextRun({ text: goal.rollUp, bold: true }), new TextRun(` ${goal.basis}`)],
      }),
    );
    if (goal.rows.length > 0) children.push(table(o.actionHeader, goal.rows, ACTION_COLUMNS));
  }
  children.push(
    new Paragraph({ text: o.departmentsHeading, heading: HeadingLevel.HEADING_2 }),
    table(o.departmentHeader, o.departmentRows, DEPARTMENT_COLUMNS),
    new Paragraph({ text: o.appendicesHeading, heading: HeadingLevel.HEADING_2 }),
  );
  if (o.appendices.length === 0) children.push(...paragraphs(o.noAppendices));
  for (const appendix of o.appendices) {
    children.push(
      new Paragraph({ text: appendix.heading, heading: HeadingLevel.HEADING_3 }),
      ...paragraphs(appendix.note),
      ...htmlToContent(appendix.html),
    );
  }

  const document = new Document({
    title: o.title,
    subject: o.subject,
    creator: o.author,
    description: o.facts.join(". "),
    styles: { default: { document: { run: { language: { value: "sv-SE" } } } } },
    sections: [
      {
        footers: { default: pageNumberFooter(`${o.title} – ${sv("reports.page")}`) },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
