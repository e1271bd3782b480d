import type { Locale } from "../../db/schema";
import { en } from "./en";
import { type Catalogue, type MessageKey, sv } from "./sv";

export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const catalogues: Record<Locale, Catalogue> = { sv, en };
// Built once per locale: a page makes a translator per component, and building Intl objects is costly.
const plurals: Record<Locale, Intl.PluralRules> = {
  sv: new Intl.PluralRules("sv-SE"),
  en: new Intl.PluralRules("en-GB"),
};
const numbers: Record<Locale, Intl.NumberFormat> = {
  sv: new Intl.NumberFormat("sv-SE"),
  en: new Intl.NumberFormat("en-GB"),
};

/** Returns a translator for one locale; `{name}` placeholders and `count`-driven plural forms. */
export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  const plural = plurals[locale];
  return (key, vars = {}) => {
    const entry = catalogue[key] ?? sv[key] ?? key;
    const text =
      typeof entry === "string"
        ? entry
        : entry[plural.select(Number(vars.count ?? 0)) === "one" ? "one" : "other"];
    return text.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in vars ? formatValue(name, vars[name], locale) : match,
    );
  };
}

function formatValue(name: string, value: string | number, locale: Locale): string {
  // Counts get thousands separators (Swedish: 10 000); years and numbers of goals do not.
  if (name === "count" && typeof value === "number") return numbers[locale].format(value);
  return String(value);
}

export function isMessageKey(key: string): key is MessageKey {
  return key in sv;
}
