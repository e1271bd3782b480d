import type { LexicalEditor } from "lexical";
import type { LexicalFlat } from "../../common/lexical-flat";

/**
 * Passages shown over the editor's text without touching its nodes: CSS Custom Highlights
 * (`::highlight(name)` in app.css) over DOM ranges, so marking a passage never splits the text
 * that co-editing shares.
 */
export const highlightRegistry = () =>
  typeof CSS !== "undefined" && "highlights" in CSS && typeof Highlight !== "undefined"
    ? CSS.highlights
    : null;

/** The flat range [start, end) as DOM ranges over the editor's text nodes. */
export function domRanges(
  editor: LexicalEditor,
  flat: LexicalFlat,
  start: number,
  end: number,
): Range[] {
  const ranges: Range[] = [];
  for (const text of flat.texts) {
    const from = Math.max(start, text.start);
    const to = Math.min(end, text.start + text.length);
    if (from >= to) continue;
    const element = editor.getElementByKey(text.key);
    const node = element?.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT).nextNode();
    if (!node) continue;
    const range = node.ownerDocument!.createRange();
    const size = node.textContent?.length ?? 0;
    range.setStart(node, Math.min(from - text.start, size));
    range.setEnd(node, Math.min(to - text.start, size));
    ranges.push(range);
  }
  return ranges;
}
