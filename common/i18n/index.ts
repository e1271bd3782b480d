import type { Locale } from "../../db/schema";
import { en } from "./en";
import { type Catalogue, type MessageKey, sv } from "./sv";

export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const catalogues: Record<Locale, Catalogue> = { sv, en };

/** Returns a translator for one locale; `{name}` placeholders and `count`-driven plural forms. */
export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  const plural = new Intl.PluralRules(locale === "sv" ? "sv-SE" : "en-GB");
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
  if (name === "count" && typeof value === "number")
    return value.toLocaleString(locale === "sv" ? "sv-SE" : "en-GB");
  return String(value);
}

export function isMessageKey(key: string): key is MessageKey {
  return key in sv;
}
