import type { Locale } from "../db/schema";

const tag = (locale: Locale) => (locale === "sv" ? "sv-SE" : "en-GB");

// Building an Intl formatter costs far more than formatting with one (a page formats hundreds
// of dates), so each is built once per locale.
const STOCKHOLM = "Europe/Stockholm";
const shortDate = new Intl.DateTimeFormat("sv-SE", { dateStyle: "short", timeZone: STOCKHOLM });
const shortDateTime = new Intl.DateTimeFormat("sv-SE", {
  dateStyle: "short",
  timeStyle: "short",
  timeZone: STOCKHOLM,
});
const longDate: Record<Locale, Intl.DateTimeFormat> = {
  sv: longDateIn("sv"),
  en: longDateIn("en"),
};
const relativeTime: Record<Locale, Intl.RelativeTimeFormat> = {
  sv: new Intl.RelativeTimeFormat(tag("sv"), { numeric: "auto" }),
  en: new Intl.RelativeTimeFormat(tag("en"), { numeric: "auto" }),
};

function longDateIn(locale: Locale) {
  return new Intl.DateTimeFormat(tag(locale), {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: STOCKHOLM,
  });
}

/** Tables: 2017-10-12 in both languages; a timestamp is shown as its day in Swedish time. */
export function formatDate(iso: string | null): string {
  if (!iso) return "–";
  if (iso.length === 10) return iso;
  return shortDate.format(new Date(iso));
}

/** Running text: "12 oktober 2017". */
export function formatLongDate(iso: string, locale: Locale): string {
  return longDate[locale].format(new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso));
}

/** Running text with the time: "12 oktober 2017 kl. 14:05". */
export function formatLongDateTime(iso: string, locale: Locale): string {
  const time = formatDateTime(iso).slice(-5);
  return `${formatLongDate(iso, locale)} ${locale === "sv" ? `kl. ${time}` : `at ${time}`}`;
}

/** Date and 24-hour time in Swedish time: 2017-10-12 14:05. */
export function formatDateTime(iso: string): string {
  return shortDateTime.format(new Date(iso));
}

/** "för 5 minuter sedan"; pair it with formatDateTime in a title for the exact time. */
export function formatRelative(iso: string, locale: Locale, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = relativeTime[locale];
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 31_536_000],
    ["month", 2_592_000],
    ["week", 604_800],
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  return rtf.format(0, "minute");
}

/**
 * A follow-up period as staff write it, from its dates: "T3 2020" (tertial), "Kv2 2020"
 * (quarter), "2020" (year). A span that is none of these is written as its dates.
 */
export function formatPeriod(startDate: string, endDate: string): string {
  const year = startDate.slice(0, 4);
  const first = Number(startDate.slice(5, 7));
  const last = Number(endDate.slice(5, 7));
  const months = last - first + 1;
  const sameYear = endDate.startsWith(year);
  const wholeMonths = startDate.endsWith("-01") && endDate === lastDayOfMonth(endDate);
  if (sameYear && wholeMonths && months === 12) return year;
  if (sameYear && wholeMonths && (months === 4 || months === 3) && (first - 1) % months === 0)
    return `${months === 4 ? "T" : "Kv"}${(first - 1) / months + 1} ${year}`;
  return `${startDate} – ${endDate}`;
}

function lastDayOfMonth(iso: string): string {
  const [year, month] = iso.split("-").map(Number) as [number, number];
  return `${iso.slice(0, 8)}${new Date(Date.UTC(year, month, 0)).getUTCDate()}`;
}
