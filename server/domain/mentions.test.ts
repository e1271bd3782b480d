import { describe, expect, it } from "vitest";
import { mentionedIn } from "./mentions";

const people = [
  { id: "anna", name: "Anna" },
  { id: "anna-berg", name: "Anna Berg" },
  { id: "sara", name: "Sara Lind" },
  { id: "asa", name: "Åsa Öberg" },
];

describe("mentionedIn", () => {
  it("finds full names after an @, whatever their case, each once", () => {
    expect(mentionedIn("@sara lind och @SARA LIND, se @Åsa Öberg.", people)).toEqual([
      "sara",
      "asa",
    ]);
  });

  it("takes the longest name: @Anna Berg is not also @Anna", () => {
    expect(mentionedIn("Fråga @Anna Berg", people)).toEqual(["anna-berg"]);
    expect(mentionedIn("Fråga @Anna Berg och @Anna", people).sort()).toEqual(["anna", "anna-berg"]);
  });

  it("ignores a name that only starts a longer word, an e-mail address and text without @", () => {
    expect(mentionedIn("@Annahem", people)).toEqual([]);
    expect(mentionedIn("skriv till sara.lind@kommun.se", people)).toEqual([]);
    expect(mentionedIn("Sara Lind", people)).toEqual([]);
  });
});
