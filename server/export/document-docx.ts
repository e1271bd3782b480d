import {
  AlignmentType,
  DeletedTextRun,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  InsertedTextRun,
  LevelFormat,
  Packer,
  Paragraph,
  type ParagraphChild,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import type { DocumentForExport } from "../domain/document-export";
import { pageNumberFooter } from "../reports/docx";
import { cellLines, type ListItem, type Run, runsIn } from "./blocks";
import { type DocumentOutline, documentOutline } from "./document";
import { type WordComments, wordComments } from "./docx-comments";

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
];
const NUMBERED = "numbered";
const BULLETED = "bulleted";
/** Word allows nine list levels; deeper items stay at the ninth. */
const LIST_LEVELS = 9;
const NUMBER_FORMATS = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];
const BULLETS = ["•", "◦", "▪"];

const levelIndent = (level: number) => ({
  paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } },
});

/** Tracked changes' ids start here, clear of the comments' (0, 1, 2 …). */
const CHANGE_IDS = 100_000;

/** Where comments attach: a run as it is, or inside the ranges of the comments on its text. */
type Around = WordComments["around"];
const asIs: Around = (run, write) => write(run.text);

function runs(list: Run[], around: Around = asIs): ParagraphChild[] {
  return list.flatMap((run) =>
    around(run, (text): ParagraphChild[] => {
      const style = {
        bold: run.bold || undefined,
        italics: run.italic || undefined,
        underline: run.underline || run.href ? {} : undefined,
        style: run.href ? "Hyperlink" : undefined,
      };
      // A line break inside a paragraph (Shift+Enter) stays a line break.
      const lines = text.split("\n").map((line, i) => {
        const options = { text: line, break: i > 0 ? 1 : undefined, ...style };
        if (!run.change) return new TextRun(options);
        // A suggested change is a tracked change, numbered by where it stands in the text (apart
        // from the comments' numbers).
        const change = {
          id: CHANGE_IDS + (run.at ?? 0) + i,
          author: run.change.author,
          date: run.change.date,
        };
        return run.change.kind === "insert"
          ? new InsertedTextRun({ ...options, ...change })
          : new DeletedTextRun({ ...options, ...change });
      });
      return run.href ? [new ExternalHyperlink({ link: run.href, children: lines })] : lines;
    }),
  );
}

/** One numbering instance per numbered list, so each starts again at 1. */
function listParagraphs(items: ListItem[], instance: number, around: Around) {
  return items.map(
    (item) =>
      new Paragraph({
        children: runs(item.runs, around),
        numbering: {
          reference: item.ordered ? NUMBERED : BULLETED,
          level: Math.min(item.depth, LIST_LEVELS - 1),
          instance,
        },
      }),
  );
}

function table(rows: { header: boolean; cells: string[]; starts: number[] }[], around: Around) {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map(
      (row) =>
        new TableRow({
          tableHeader: row.header,
          cantSplit: true,
          children: row.cells.map(
            (text, i) =>
              new TableCell({
                children: cellLines(text, row.starts[i], row.header).map(
                  (line) => new Paragraph({ children: runs([line], around) }),
                ),
              }),
          ),
        }),
    ),
  });
}

function frontMatter(o: DocumentOutline): Paragraph[] {
  const line = (text: string, options: { bold?: boolean; size?: number } = {}) =>
    new Paragraph({ children: [new TextRun({ text, ...options })] });
  return [
    line(o.municipality, { bold: true, size: 28 }),
    ...(o.sender ? [line(o.sender)] : []),
    ...(o.documentType ? [line(o.documentType.toUpperCase(), { bold: true })] : []),
    ...o.facts.map((fact) => line(fact)),
    new Paragraph({
      children: [new TextRun({ text: o.edition, bold: true })],
      spacing: { after: 240 },
    }),
  ];
}

/**
 * A document as Word: front matter, the title as Heading 1 and the document's own headings
 * below it (Heading 2…), Word lists, tables, links and a Quote style, language sv-SE; with its
 * comment threads as Word comments when they were asked for.
 */
export function documentToDocx(document: DocumentForExport): Promise<Buffer> {
  const o = documentOutline(document);
  const comments = document.comments && wordComments(document.comments, runsIn(o.blocks));
  const around = comments?.around ?? asIs;
  const children: (Paragraph | Table)[] = [
    ...frontMatter(o),
    new Paragraph({ text: o.title, heading: HeadingLevel.HEADING_1 }),
  ];
  let lists = 0;
  for (const block of o.blocks) {
    if (block.type === "heading")
      children.push(
        new Paragraph({
          children: runs(block.runs, around),
          heading: HEADINGS[block.level - 1],
        }),
      );
    else if (block.type === "quote")
      children.push(new Paragraph({ children: runs(block.runs, around), style: "Quote" }));
    else if (block.type === "list") children.push(...listParagraphs(block.items, lists++, around));
    else if (block.type === "table") children.push(table(block.rows, around));
    else children.push(new Paragraph({ children: runs(block.runs, around) }));
  }
  if (comments) children.push(...comments.trailing);

  const doc = new Document({
    title: o.title,
    subject: o.subject,
    creator: o.municipality,
    description: [o.edition, ...o.facts].join(". "),
    ...(comments && { comments: { children: comments.comments } }),
    styles: {
      default: { document: { run: { language: { value: "sv-SE" } } } },
      paragraphStyles: [
        {
          id: "Quote",
          name: "Quote",
          basedOn: "Normal",
          next: "Normal",
          quickFormat: true,
          run: { italics: true },
          paragraph: { indent: { left: 720, right: 720 } },
        },
      ],
    },
    numbering: {
      config: [
        {
          reference: NUMBERED,
          levels: Array.from({ length: LIST_LEVELS }, (_, level) => ({
            level,
            format: NUMBER_FORMATS[level % NUMBER_FORMATS.length],
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: levelIndent(level),
          })),
        },
        {
          reference: BULLETED,
          levels: Array.from({ length: LIST_LEVELS }, (_, level) => ({
            level,
            format: LevelFormat.BULLET,
            text: BULLETS[level % BULLETS.length],
            alignment: AlignmentType.START,
            style: levelIndent(level),
          })),
        },
      ],
    },
    sections: [
      {
        footers: { default: pageNumberFooter(o.pageLabel) },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
