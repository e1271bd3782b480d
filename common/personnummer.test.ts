import { describe, expect, it } from "vitest";
import { findIdentityNumbers } from "./personnummer";

describe("findIdentityNumbers", () => {
  // 811218-9876 and 19811218-9876 are Skatteverket's documented test-style example numbers.
  it.each([
    "811218-9876",
    "8112189876",
    "19811218-9876",
    "198112189876",
    "Mötet gällde 811218+9876 igen",
    "samordningsnummer 701063-2391",
  ])("finds %s", (text) => {
    expect(findIdentityNumbers(text)).toHaveLength(1);
  });

  it.each([
    "811218-9875", // wrong check digit
    "811318-9876", // month 13
    "811232-9876", // day 32
    "070-123 45 67", // phone number
    "2017-10-12", // a date
    "Ärende 12345678901234",
  ])("accepts the look-alike %s", (text) => {
    expect(findIdentityNumbers(text)).toEqual([]);
  });

  it("reports where each number stands", () => {
    expect(findIdentityNumbers("Se 811218-9876.")).toEqual([{ index: 3, text: "811218-9876" }]);
  });
});
