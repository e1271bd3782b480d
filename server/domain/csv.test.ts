import { describe, expect, it } from "vitest";
import { CsvFormatError, readCsv, toExcelCsv } from "./csv";

const lines = (text: string) => readCsv(text).rows.map((row) => [row.line, row.cells[0]]);

describe("readCsv", () => {
  it("reads Swedish Excel: BOM, ; and CRLF", () => {
    expect(readCsv("\uFEFFTitel;Mål\r\nEtt;1\r\nTvå;2\r\n")).toEqual({
      header: ["Titel", "Mål"],
      rows: [
        { line: 2, cells: ["Ett", "1"] },
        { line: 3, cells: ["Två", "2"] },
      ],
    });
  });

  it("takes , when the header has more commas than semicolons", () => {
    expect(readCsv('title,goal\n"a; b",1\n').rows[0].cells).toEqual(["a; b", "1"]);
  });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
  ])("numbers each row by the line it starts on, also after quoted %s line breaks", (_, nl) => {
    const text = ["T;M", '"a', 'b";1', "c;2", "", '"d', "", 'e";3', "f;4"].join(nl);
    expect(lines(text)).toEqual([
      [2, "a\nb"],
      [4, "c"],
      [6, "d\n\ne"],
      [9, "f"],
    ]);
  });

  it("unescapes doubled quotes", () => {
    expect(readCsv('T;M\n"Citat ""så här""";1\n').rows[0].cells[0]).toBe('Citat "så här"');
  });

  it.each([
    ["empty", ""],
    ["an unterminated quote", 'T;M\n"öppen;1\n'],
  ])("refuses %s", (_, text) => {
    expect(() => readCsv(text)).toThrow(CsvFormatError);
  });
});

describe("toExcelCsv", () => {
  it("writes a BOM, ; and CRLF, quoting what needs it, and reads back the same", () => {
    const text = toExcelCsv(
      ["A", "B"],
      [
        ["x;y", 'sa "hej"'],
        ["rad\nbrytning", null],
      ],
    );
    expect(text).toBe('\uFEFFA;B\r\n"x;y";"sa ""hej"""\r\n"rad\nbrytning";\r\n');
    expect(readCsv(text).rows.map((row) => row.cells)).toEqual([
      ["x;y", 'sa "hej"'],
      ["rad\nbrytning", ""],
    ]);
  });
});

describe("formula-like text", () => {
  it("is defused for Excel and read back unchanged", () => {
    const csv = toExcelCsv(["Titel"], [['=HYPERLINK("x")'], ["-5 % bidrag"], ["Vanlig text"]]);
    expect(csv).toContain("'=HYPERLINK");
    expect(readCsv(csv).rows.map((r) => r.cells[0])).toEqual([
      '=HYPERLINK("x")',
      "-5 % bidrag",
      "Vanlig text",
    ]);
  });
});
