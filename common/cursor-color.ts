/**
 * Cursor and avatar colours: dark enough for white text (contrast at least 4.5:1), and always
 * shown next to the person's name, never alone.
 */
const PALETTE = [
  "#0b4f8a",
  "#a4161a",
  "#1e6b34",
  "#6a1b9a",
  "#8a4b00",
  "#00606b",
  "#ad1457",
  "#37474f",
];

/** The same colour for a person in every tab and on every visit. */
export function cursorColor(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}
