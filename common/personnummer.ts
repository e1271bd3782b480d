/**
 * Finds Swedish personal identity numbers (personnummer and samordningsnummer) in free text.
 * No personal data about individuals belongs in the portal (OSL 26 kap.), so a match is refused.
 * A match needs a real date (day + 60 for samordningsnummer) and a valid Luhn check digit, so
 * look-alikes such as order numbers or phone numbers pass.
 */
const CANDIDATE = /(?<![\d-])(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})(?![\d-])/g;

export interface IdentityNumberMatch {
  index: number;
  text: string;
}

export function findIdentityNumbers(text: string): IdentityNumberMatch[] {
  const matches: IdentityNumberMatch[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const [whole, century, yy, mm, dd, , last4] = m;
    if (isIdentityNumber(century, yy, mm, dd, last4))
      matches.push({ index: m.index ?? 0, text: whole });
  }
  return matches;
}

function isIdentityNumber(
  century: string | undefined,
  yy: string,
  mm: string,
  dd: string,
  last4: string,
): boolean {
  const month = Number(mm);
  let day = Number(dd);
  if (day > 60) day -= 60; // samordningsnummer
  if (month < 1 || month > 12 || day < 1) return false;
  const year = century ? Number(century + yy) : 2000 + Number(yy); // any leap-year-consistent guess
  if (century && (Number(century) < 18 || Number(century) > 20)) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!century && month === 2 && day === 29) {
    // Without a century, 29 February is valid when either candidate century is a leap year.
    const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (!leap(1900 + Number(yy)) && !leap(2000 + Number(yy))) return false;
  } else if (day > daysInMonth) return false;
  return luhnValid(`${yy}${mm}${dd}${last4}`);
}

function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let digit = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (digit > 9) digit -= 9;
    sum += digit;
  }
  return sum % 10 === 0;
}
