import { describe, expect, it } from "vitest";
import {
  easterSunday,
  isSwedishWorkingDay,
  nextWorkingDay,
  swedishHoliday,
  swedishHolidays,
} from "./working-days";

// Published Swedish calendars, 2017–2027.
const EASTER = {
  2017: "2017-04-16",
  2018: "2018-04-01",
  2019: "2019-04-21",
  2020: "2020-04-12",
  2021: "2021-04-04",
  2022: "2022-04-17",
  2023: "2023-04-09",
  2024: "2024-03-31",
  2025: "2025-04-20",
  2026: "2026-04-05",
  2027: "2027-03-28",
};
const ASCENSION = {
  2017: "2017-05-25",
  2018: "2018-05-10",
  2019: "2019-05-30",
  2020: "2020-05-21",
  2021: "2021-05-13",
  2022: "2022-05-26",
  2023: "2023-05-18",
  2024: "2024-05-09",
  2025: "2025-05-29",
  2026: "2026-05-14",
  2027: "2027-05-06",
};
const MIDSUMMER_EVE = {
  2017: "2017-06-23",
  2018: "2018-06-22",
  2019: "2019-06-21",
  2020: "2020-06-19",
  2021: "2021-06-25",
  2022: "2022-06-24",
  2023: "2023-06-23",
  2024: "2024-06-21",
  2025: "2025-06-20",
  2026: "2026-06-19",
  2027: "2027-06-25",
};
const ALL_SAINTS = {
  2017: "2017-11-04",
  2018: "2018-11-03",
  2019: "2019-11-02",
  2020: "2020-10-31",
  2021: "2021-11-06",
  2022: "2022-11-05",
  2023: "2023-11-04",
  2024: "2024-11-02",
  2025: "2025-11-01",
  2026: "2026-10-31",
  2027: "2027-11-06",
};

describe("the Swedish holiday calendar", () => {
  it.each(Object.entries(EASTER))("Easter %s falls on %s", (year, date) => {
    expect(easterSunday(Number(year))).toBe(date);
    expect(swedishHoliday(date)).toBe("Påskdagen");
  });

  it.each(Object.keys(EASTER).map(Number))(
    "%i: Långfredagen, Annandag påsk, Kristi himmelsfärd, Pingst, midsommar and Alla helgons dag move with the year",
    (year) => {
      const key = year as keyof typeof EASTER;
      const holidays = swedishHolidays(year);
      const on = (name: string) => [...holidays].find(([, n]) => n === name)?.[0];
      const easter = new Date(`${EASTER[key]}T00:00:00Z`).getTime();
      const daysFromEaster = (date: string | undefined) =>
        (new Date(`${date}T00:00:00Z`).getTime() - easter) / 86_400_000;
      expect(daysFromEaster(on("Långfredagen"))).toBe(-2);
      expect(daysFromEaster(on("Annandag påsk"))).toBe(1);
      expect(on("Kristi himmelsfärdsdag")).toBe(ASCENSION[key]);
      expect(daysFromEaster(on("Pingstdagen"))).toBe(49);
      expect(on("Midsommarafton")).toBe(MIDSUMMER_EVE[key]);
      expect(new Date(`${on("Midsommardagen")}T00:00:00Z`).getUTCDay()).toBe(6);
      expect(on("Alla helgons dag")).toBe(ALL_SAINTS[key]);
      expect(holidays.size).toBe(16);
    },
  );

  it("knows the fixed days and the eves that are days off", () => {
    for (const [date, name] of [
      ["2019-01-01", "Nyårsdagen"],
      ["2020-01-06", "Trettondedag jul"],
      ["2021-05-01", "Första maj"],
      ["2022-06-06", "Sveriges nationaldag"],
      ["2023-12-24", "Julafton"],
      ["2024-12-25", "Juldagen"],
      ["2025-12-26", "Annandag jul"],
      ["2026-12-31", "Nyårsafton"],
    ]) {
      expect(swedishHoliday(date)).toBe(name);
      expect(isSwedishWorkingDay(date)).toBe(false);
    }
  });

  it("counts ordinary weekdays as working days, and neither Saturday nor Sunday", () => {
    expect(isSwedishWorkingDay("2017-10-12")).toBe(true); // Thursday
    expect(isSwedishWorkingDay("2017-05-26")).toBe(true); // the Friday after Ascension
    expect(isSwedishWorkingDay("2017-10-14")).toBe(false); // Saturday
    expect(isSwedishWorkingDay("2017-10-15")).toBe(false); // Sunday
    expect(swedishHoliday("2017-10-12")).toBeNull();
  });
});

describe("the next working day", () => {
  it.each([
    ["2017-10-12", "2017-10-13", "a Thursday: Friday"],
    ["2017-05-12", "2017-05-15", "a Friday: Monday"],
    ["2017-05-14", "2017-05-15", "a Sunday: Monday"],
    ["2017-05-24", "2017-05-26", "the eve of Kristi himmelsfärd: the Friday after"],
    ["2017-06-22", "2017-06-26", "the day before midsommarafton: Monday"],
    ["2017-04-13", "2017-04-18", "before Easter: the Tuesday after Annandag påsk"],
    ["2017-04-14", "2017-04-18", "Långfredagen itself: the Tuesday after"],
    ["2017-12-22", "2017-12-27", "before Christmas: after Annandag jul"],
    ["2017-12-29", "2018-01-02", "before New Year: after Nyårsdagen"],
    ["2019-01-04", "2019-01-07", "a Friday before Trettondedag jul on a Sunday: Monday"],
    ["2022-01-05", "2022-01-07", "the day before Trettondedag jul: Friday"],
    ["2024-04-30", "2024-05-02", "before Första maj: the day after"],
    ["2026-06-05", "2026-06-08", "a Friday before nationaldagen on a Saturday: Monday"],
  ])("after %s is %s (%s)", (date, next) => {
    expect(nextWorkingDay(date)).toBe(next);
  });
});
