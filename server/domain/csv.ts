import { parse } from "csv-parse/sync";

/** Excel (Swedish locale) opens this correctly: UTF-8 BOM, `;` separators, CRLF lines. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function toExcelCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (value: string | number | null) => {
    // Text starting like a formula is run by Excel (CSV injection, OWASP): an apostrophe defuses it.
    const text =
      value === null
        ? ""
        : typeof value === "string" && FORMULA_START.test(value)
          ? `'${value}`
          : String(value);
    return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(";")).join("\r\n")}\r\n`;
}

export class CsvFormatError extends Error {}

/** Line breaks inside a record's (quoted) cells. */
const lineBreaks = (cells: string[]) => cells.join("").split("\n").length - 1;

/**
 * Reads a CSV file as Swedish Excel (`;`) or others (`,`) write it: the separator is whichever
 * the header line uses more. Returns the header and the rows with their line numbers.
 */
export function readCsv(text: string): {
  header: string[];
  rows: { line: number; cells: string[] }[];
} {
  // One kind of line break, so csv-parse counts lines the same way inside and outside quotes.
  const content = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  const firstLine = content.split(/\r?\n/, 1)[0] ?? "";
  const delimiter =
    (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(content, {
      delimiter,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new CsvFormatError(error instanceof Error ? error.message : String(error));
  }
  const [header, ...rest] = records;
  if (!header) throw new CsvFormatError("empty");
  return {
    header: header.record.map((h) => h.trim()),
    // csv-parse gives the line a record ends on; a person looks for the line it starts on.
    rows: rest.map((r) => ({
      line: r.info.lines - lineBreaks(r.record),
      cells: r.record.map(undoFormulaGuard),
    })),
  };
}

/** Reading back our own export: drop the apostrophe toExcelCsv put before formula-like text. */
function undoFormulaGuard(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
