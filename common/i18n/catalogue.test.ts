import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { sv } from "./sv";

/** The glossary's "Använd inte" column: the words retired from the Swedish interface. */
function retiredTerms(): string[] {
  const glossary = readFileSync(new URL("../../docs/glossary.md", import.meta.url), "utf8");
  const rows = glossary
    .split("\n")
    .filter((line) => line.startsWith("|") && !line.startsWith("|---"))
    .map((line) => line.split("|").slice(1, -1));
  const [header, ...body] = rows;
  expect(header?.at(-1)?.trim()).toBe("Använd inte");
  return body.flatMap((cells) =>
    (cells.at(-1) ?? "")
      .split(",")
      .map((term) => term.trim())
      .filter(Boolean),
  );
}

/**
 * A retired term as a pattern: case-insensitive, starting at a word's start (so inflected forms
 * such as "framsteget" are caught too); a digit stands for any digit, so "2020 T3" catches every
 * year-first period name.
 */
function pattern(term: string): RegExp {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\d/g, "\\d");
  return new RegExp(`(?<![\\p{L}\\d])${escaped}`, "iu");
}

const texts = (entry: string | { one: string; other: string }) =>
  typeof entry === "string" ? [entry] : [entry.one, entry.other];

const placeholders = (entry: string | { one: string; other: string }) =>
  [...new Set(texts(entry).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))]
    .sort()
    .join(",");

describe("the message catalogues", () => {
  it("have the same keys, plural forms and placeholders in Swedish and English", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const [key, entry] of Object.entries(sv)) {
      const other = en[key as keyof typeof sv];
      expect(typeof other, key).toBe(typeof entry);
      expect(placeholders(other), key).toBe(placeholders(entry));
    }
  });

  it("use none of the glossary's retired terms in Swedish", () => {
    const terms = retiredTerms();
    expect(terms).toEqual(expect.arrayContaining(["deadline", "online", "framsteg", "2020 T3"]));
    const found = Object.entries(sv).flatMap(([key, entry]) =>
      // Placeholder names ({deadline}) are code, not words the reader sees.
      texts(entry).flatMap((text) =>
        terms
          .filter((term) => pattern(term).test(text.replace(/\{\w+\}/g, "")))
          .map((term) => `${key}: "${term}"`),
      ),
    );
    expect(found).toEqual([]);
  });

  it("the retired-term check catches inflected forms and year-first periods", () => {
    expect(pattern("framsteg").test("Framsteget är 40 %")).toBe(true);
    expect(pattern("2020 T3").test("Lägesrapport 2018 T1")).toBe(true);
    expect(pattern("2020 T3").test("Lägesrapport T1 2018")).toBe(false);
    expect(pattern("redaktör").test("redigeraren")).toBe(false);
  });
});
