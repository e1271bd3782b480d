/**
 * Finds Swedish personal identity numbers (personnummer and samordningsnummer) in free text.
 * No personal data about individuals belongs in the portal (OSL 26 kap.), so a match is refused.
 *
 * The text is first normalised so that every written form looks alike: Unicode NFKC (fullwidth
 * and other compatibility digits), any decimal digit script, every dash or minus as "-", every
 * space as " ", and invisible characters (zero-width space/joiner, soft hyphen, BOM, combining
 * marks) dropped. A match then needs a real date (day + 60 for samordningsnummer) and a valid
 * Luhn check digit, so look-alikes such as diarienummer, phone numbers and dates pass.
 */
const CANDIDATE = /(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})(?: ?[-+] ?| {1,2})?(\d{4})(?!\d)/g;
/**
 * A random (version 4) UUID, as every id here is: one in some tens of thousands has digit runs
 * that pass as a number ("…ab811218-9876-4…"), so links and ids are not searched.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/gi;

export interface IdentityNumberMatch {
  /** Where the number starts in the original text. */
  index: number;
  /** The number exactly as written in the original text, invisible characters included. */
  text: string;
}

export function findIdentityNumbers(text: string): IdentityNumberMatch[] {
  return scan(text).map(({ index, text }) => ({ index, text }));
}

export function containsIdentityNumber(text: string): boolean {
  return findIdentityNumbers(text).length > 0;
}

/** The text with each number's last four digits hidden ("811218-****"), safe to show or log. */
export function maskIdentityNumbers(text: string): string {
  return replaceEach(text, (match) => `${match.date}-****`);
}

/** The text with each number replaced, e.g. to purge it from stored data. */
export function replaceIdentityNumbers(text: string, replacement: string): string {
  return replaceEach(text, () => replacement);
}

function replaceEach(text: string, by: (match: ScannedNumber) => string): string {
  let result = "";
  let from = 0;
  for (const match of scan(text)) {
    result += text.slice(from, match.index) + by(match);
    from = match.index + match.text.length;
  }
  return result + text.slice(from);
}

interface ScannedNumber extends IdentityNumberMatch {
  /** The birth date part in plain digits (with century when written), never the last four. */
  date: string;
}

/**
 * The characters that can become digits when normalised: ASCII digits, and any other character
 * that is not a letter (no letter's NFKC form holds a digit; no character's more than three).
 */
const MAY_BECOME_DIGITS = /[0-9]|[^\p{L}\p{ASCII}]/gu;

/** Whether the text could hold the ten digits a number needs, without normalising it. */
function mayHoldNumber(text: string): boolean {
  let digits = 0;
  for (const [char] of text.matchAll(MAY_BECOME_DIGITS)) {
    digits += char <= "9" ? 1 : 3;
    if (digits >= 10) return true;
  }
  return false;
}

function scan(text: string): ScannedNumber[] {
  // Most text (a typed word, a paragraph of prose) cannot hold one: normalising it costs more.
  if (!mayHoldNumber(text)) return [];
  const { normalised, start, end } = normalise(text);
  const searched = normalised.replace(UUID, (id) => "_".repeat(id.length));
  const matches: ScannedNumber[] = [];
  for (const m of searched.matchAll(CANDIDATE)) {
    const [whole, century = "", yy, mm, dd, last4] = m;
    if (!isIdentityNumber(century, yy, mm, dd, last4)) continue;
    const from = start[m.index];
    const to = end[m.index + whole.length - 1];
    matches.push({ index: from, text: text.slice(from, to), date: century + yy + mm + dd });
  }
  return matches;
}

const DASHES = /[\p{Pd}\u2212\u2796\uFE63\uFF0D]/u;
const SPACES = /[\s\p{Zs}]/u;
const INVISIBLE = /[\p{Cf}\p{Mn}\p{Me}]/u;
const DIGIT = /\p{Nd}/u;

/**
 * The normalised text plus, for each of its characters, the start and end of the original
 * character it came from, so that matches can be reported in the original text.
 */
function normalise(text: string): { normalised: string; start: number[]; end: number[] } {
  let normalised = "";
  const start: number[] = [];
  const end: number[] = [];
  let offset = 0;
  for (const char of text) {
    const next = offset + char.length;
    const mapped = char < "\u0080" ? asciiForm(char) : unicodeForm(char);
    for (let i = 0; i < mapped.length; i++) {
      start.push(offset);
      end.push(next);
    }
    normalised += mapped;
    offset = next;
  }
  return { normalised, start, end };
}

function asciiForm(char: string): string {
  return SPACES.test(char) ? " " : char;
}

function unicodeForm(char: string): string {
  if (INVISIBLE.test(char)) return "";
  if (DASHES.test(char)) return "-";
  if (SPACES.test(char)) return " ";
  let result = "";
  for (const c of char.normalize("NFKC")) {
    if (INVISIBLE.test(c)) continue;
    if (DASHES.test(c)) result += "-";
    else if (SPACES.test(c)) result += " ";
    else if (c >= "\u0080" && DIGIT.test(c)) result += String(digitValue(c));
    else result += c;
  }
  return result;
}

/** Decimal digits come in runs of ten, zero first, in every script Unicode knows. */
function digitValue(digit: string): number {
  const code = digit.codePointAt(0) ?? 0;
  let zero = code;
  while (DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return (code - zero) % 10;
}

function isIdentityNumber(
  century: string,
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
