import { describe, expect, it } from "vitest";
import {
  containsIdentityNumber,
  findIdentityNumbers,
  maskIdentityNumbers,
  replaceIdentityNumbers,
} from "./personnummer";

// 811218-9876 and 19121212-1212 are Skatteverket's documented test-style example numbers;
// 701063-2391 is a samordningsnummer (day + 60).
describe("findIdentityNumbers", () => {
  it.each([
    ["hyphen", "811218-9876"],
    ["no separator", "8112189876"],
    ["century and hyphen", "19811218-9876"],
    ["century, no separator", "198112189876"],
    ["plus sign (over 100)", "Mötet gällde 811218+9876 igen"],
    ["samordningsnummer", "samordningsnummer 701063-2391"],
    ["another number", "121212-1212"],
    ["another number with century", "19121212-1212"],
    ["space", "811218 9876"],
    ["two spaces", "811218  9876"],
    ["space, hyphen, space", "811218 - 9876"],
    ["en dash", "811218\u20139876"],
    ["em dash", "811218\u20149876"],
    ["minus sign", "811218\u22129876"],
    ["hyphen U+2010", "811218\u20109876"],
    ["non-breaking hyphen", "811218\u20119876"],
    ["figure dash", "811218\u20129876"],
    ["fullwidth hyphen-minus", "811218\uFF0D9876"],
    ["small hyphen-minus", "811218\uFE639876"],
    ["non-breaking space", "811218\u00A09876"],
    ["thin space", "811218\u20099876"],
    ["narrow no-break space", "811218\u202F9876"],
    ["thin spaces round an en dash", "811218\u2009\u2013\u20099876"],
    [
      "fullwidth digits and dash",
      "\uFF18\uFF11\uFF11\uFF12\uFF11\uFF18\uFF0D\uFF19\uFF18\uFF17\uFF16",
    ],
    ["Arabic-Indic digits", "\u0668\u0661\u0661\u0662\u0661\u0668-\u0669\u0668\u0667\u0666"],
    ["circled digits", "\u2467\u2460\u2460\u2461\u2460\u2467-\u2468\u2467\u2466\u2465"],
    ["superscript digits", "\u2078\u00B9\u00B9\u00B2\u00B9\u2078-\u2079\u2078\u2077\u2076"],
    ["the last digit inside a compatibility character", "811218-987\u33E5"],
    ["mathematical bold digits", "\u{1D7D6}\u{1D7CF}\u{1D7CF}\u{1D7D0}\u{1D7CF}\u{1D7D6}-9876"],
    ["zero-width space inside", "8112\u200B18-9876"],
    ["zero-width joiner inside", "811218-98\u200D76"],
    ["zero-width non-joiner", "811218\u200C-9876"],
    ["soft hyphen as separator", "811218\u00AD9876"],
    ["byte order mark inside", "\uFEFF811218\uFEFF-9876"],
    ["word joiner inside", "81121\u20608-9876"],
    ["glued to letters before", "ref-8112189876"],
    ["glued to letters both sides", "ref8112189876abc"],
    ["in brackets", "(811218-9876)"],
    ["after a colon", "pnr:811218-9876."],
    ["in quotes", "\u201D811218\u20139876\u201D"],
    ["century with space", "19811218 9876"],
    ["century with en dash", "19811218\u20139876"],
    ["after a line break", "Namn\n811218-9876"],
    ["in running text", "Lisa Andersson 811218-9876 har skyddad identitet"],
    ["right after an id", "3f2504e0-4f89-41d3-9a0c-0305e82c3301 811218-9876"],
    ["glued to an id's end", "3f2504e0-4f89-41d3-9a0c-0305e82c3301811218-9876"],
  ])("finds a number written with %s", (_form, text) => {
    expect(findIdentityNumbers(text)).toHaveLength(1);
    expect(containsIdentityNumber(text)).toBe(true);
  });

  it.each([
    ["a wrong check digit", "811218-9875"],
    ["a wrong check digit with en dash", "811218\u20139875"],
    [
      "a wrong check digit in fullwidth",
      "\uFF18\uFF11\uFF11\uFF12\uFF11\uFF18\uFF19\uFF18\uFF17\uFF15",
    ],
    ["month 13", "811318-9876"],
    ["day 32", "811232-9876"],
    ["30 February", "810230-9876"],
    ["day 92 (samordningsnummer beyond a month)", "811292-9876"],
    ["century 17", "17811218-9876"],
    ["a Stockholm phone number", "08-123 456 78"],
    ["a mobile number", "070-123 45 67"],
    ["a mobile number in one group", "070-1234567"],
    ["an international phone number", "+46 70 123 45 67"],
    ["a diarienummer", "KS 2017/0345"],
    ["another diarienummer", "Dnr SN 2020.123-45"],
    ["a postal code", "852 30 Sundsvall"],
    ["an amount with a thin space", "10\u2009000\u2009000 kr"],
    ["an amount with spaces", "1 234 567 890 kr"],
    ["an ISO date", "2017-10-12"],
    ["a date range", "2017-10-12\u20132020-12-31"],
    ["a period", "T3 2020"],
    ["a long reference", "\u00C4rende 12345678901234"],
    ["an organisation number", "212000-2411"],
    ["a strategy period", "2017\u20132020"],
    ["an SFS number", "SFS 2009:400"],
    ["plain prose", "Stödsamtal med män som utövar våld"],
    ["an id whose first groups look like a number", "ab811218-9876-4abc-8def-0123456789ab"],
    ["a link whose id ends like a number", "/dokument/3f2504e0-4f89-41d3-9a0c-ab8112189876"],
  ])("accepts %s", (_form, text) => {
    expect(findIdentityNumbers(text)).toEqual([]);
    expect(containsIdentityNumber(text)).toBe(false);
  });

  it("counts on no letter normalising to a digit, and no character to more than three", () => {
    // What the quick look before normalising relies on (MAY_BECOME_DIGITS): checked against
    // every code point of the Unicode version this Node.js knows.
    const wrong: string[] = [];
    for (let code = 0x80; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCodePoint(code);
      const digits = char.normalize("NFKC").match(/\p{Nd}/gu)?.length ?? 0;
      if (digits > (/\p{L}/u.test(char) ? 0 : 3)) wrong.push(code.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it("reports where each number stands in the original text", () => {
    expect(findIdentityNumbers("Se 811218-9876.")).toEqual([{ index: 3, text: "811218-9876" }]);
    expect(findIdentityNumbers("\u200BSe \u200B8112\u200B18\u20139876 och 121212-1212")).toEqual([
      { index: 5, text: "8112\u200B18\u20139876" },
      { index: 22, text: "121212-1212" },
    ]);
    expect(
      findIdentityNumbers("\u{1D7D6}\u{1D7CF}\u{1D7CF}\u{1D7D0}\u{1D7CF}\u{1D7D6}9876 x"),
    ).toEqual([{ index: 0, text: "\u{1D7D6}\u{1D7CF}\u{1D7CF}\u{1D7D0}\u{1D7CF}\u{1D7D6}9876" }]);
  });
});

describe("maskIdentityNumbers", () => {
  it("hides the last four digits, whatever form the number was written in", () => {
    expect(maskIdentityNumbers("Lisa 811218\u20139876 och 19121212 1212.")).toBe(
      "Lisa 811218-**** och 19121212-****.",
    );
    expect(
      maskIdentityNumbers("\uFF18\uFF11\uFF11\uFF12\uFF11\uFF18\uFF19\uFF18\uFF17\uFF16"),
    ).toBe("811218-****");
    expect(maskIdentityNumbers("KS 2017/0345")).toBe("KS 2017/0345");
  });
});

describe("replaceIdentityNumbers", () => {
  it("replaces every number with its invisible characters and leaves the rest", () => {
    expect(replaceIdentityNumbers("Lisa (8112\u200B18-9876), ref-1212121212.", "[…]")).toBe(
      "Lisa ([…]), ref-[…].",
    );
  });
});
