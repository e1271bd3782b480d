import { z } from "zod";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Built once: building a formatter costs far more than formatting a date with it. */
const swedishDay = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" });

/** Today's date in Sweden as 'YYYY-MM-DD' (due dates are Swedish calendar days). */
export function swedishToday(now = new Date()): string {
  return swedishDay.format(now);
}

export function isValidIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

/** A calendar date between 2000 and 2100, or none ('' or null). */
export const optionalDate = z
  .union([z.string().trim(), z.null()], "validation.date")
  .transform((v) => v || null)
  .refine((v) => v === null || isValidIsoDate(v), "validation.date")
  .refine((v) => v === null || (v >= "2000-01-01" && v <= "2100-12-31"), "validation.dateRange");

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
