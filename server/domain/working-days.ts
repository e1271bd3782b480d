import { addDays } from "./dates";

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;

/** Easter Sunday of a Gregorian year (the anonymous Gregorian computus), as 'YYYY-MM-DD'. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** 0 Sunday … 6 Saturday. */
function weekday(isoDate: string): number {
  return new Date(`${isoDate}T00:00:00Z`).getUTCDay();
}

/** The first date on or after `from` that falls on `day` (0 Sunday … 6 Saturday). */
function firstWeekdayBetween(from: string, day: number): string {
  return addDays(from, (day - weekday(from) + 7) % 7);
}

/**
 * The days of a year no one works in Sweden besides weekends, by name: the public holidays
 * (lag 1989:253 om allmänna helgdagar) and the eves that are days off by agreement
 * (midsommarafton, julafton, nyårsafton).
 */
export function swedishHolidays(year: number): Map<string, string> {
  const easter = easterSunday(year);
  const midsummerEve = firstWeekdayBetween(iso(year, 6, 19), 5);
  const days: [string, string][] = [
    [iso(year, 1, 1), "Nyårsdagen"],
    [iso(year, 1, 6), "Trettondedag jul"],
    [addDays(easter, -2), "Långfredagen"],
    [easter, "Påskdagen"],
    [addDays(easter, 1), "Annandag påsk"],
    [iso(year, 5, 1), "Första maj"],
    [addDays(easter, 39), "Kristi himmelsfärdsdag"],
    [addDays(easter, 49), "Pingstdagen"],
    [iso(year, 6, 6), "Sveriges nationaldag"],
    [midsummerEve, "Midsommarafton"],
    [addDays(midsummerEve, 1), "Midsommardagen"],
    [firstWeekdayBetween(iso(year, 10, 31), 6), "Alla helgons dag"],
    [iso(year, 12, 24), "Julafton"],
    [iso(year, 12, 25), "Juldagen"],
    [iso(year, 12, 26), "Annandag jul"],
    [iso(year, 12, 31), "Nyårsafton"],
  ];
  return new Map(days);
}

const holidaysByYear = new Map<number, Map<string, string>>();

/** The holiday's name when `isoDate` is one (see swedishHolidays), else null. */
export function swedishHoliday(isoDate: string): string | null {
  const year = Number(isoDate.slice(0, 4));
  let holidays = holidaysByYear.get(year);
  if (!holidays) {
    holidays = swedishHolidays(year);
    holidaysByYear.set(year, holidays);
  }
  return holidays.get(isoDate) ?? null;
}

/** Monday to Friday and no holiday or day-off eve. */
export function isSwedishWorkingDay(isoDate: string): boolean {
  const day = weekday(isoDate);
  return day !== 0 && day !== 6 && swedishHoliday(isoDate) === null;
}

/** The first working day after `isoDate` (a deadline on a Friday is followed up on Monday). */
export function nextWorkingDay(isoDate: string): string {
  let day = addDays(isoDate, 1);
  while (!isSwedishWorkingDay(day)) day = addDays(day, 1);
  return day;
}
