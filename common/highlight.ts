/** A piece of a search snippet; `start` is its offset (UTF-16 code units) in the unmarked text. */
export interface SnippetPart {
  text: string;
  match: boolean;
  start: number;
}

/**
 * Splits a snippet from the search domain, plain text with each match between \u0001 and \u0002,
 * into plain and matched parts. The parts are text, never HTML: the page renders them as text
 * inside <mark>, the API returns the text with offsets.
 */
export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let start = 0;
  // ts_headline always closes what it opens, so the pieces alternate plain, match, plain, …
  for (const [index, text] of marked.replaceAll("\u0002", "\u0001").split("\u0001").entries()) {
    if (text) parts.push({ text, match: index % 2 === 1, start });
    start += text.length;
  }
  return parts;
}
