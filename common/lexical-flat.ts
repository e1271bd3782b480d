import {
  $getRoot,
  $isElementNode,
  $isLineBreakNode,
  $isTextNode,
  type ElementNode,
  type NodeKey,
  type PointType,
} from "lexical";

/**
 * The Lexical tree as one string, flattened the same way as the Y.Doc (common/comment-anchor.ts):
 * each element's text followed by "\n", a line break as "\n". While the two agree, a flat offset
 * names the same character in both.
 */
export interface LexicalFlat {
  text: string;
  texts: { key: NodeKey; start: number; length: number }[];
  starts: Map<NodeKey, number>;
  /** Where an element's own content ends (before the "\n" that follows it). */
  contentEnds: Map<NodeKey, number>;
}

export function $flattenLexical(): LexicalFlat {
  const flat: LexicalFlat = { text: "", texts: [], starts: new Map(), contentEnds: new Map() };
  const parts: string[] = [];
  let length = 0;
  const add = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  const walk = (element: ElementNode) => {
    for (const child of element.getChildren()) {
      flat.starts.set(child.getKey(), length);
      if ($isTextNode(child)) {
        const text = child.getTextContent();
        flat.texts.push({ key: child.getKey(), start: length, length: text.length });
        add(text);
      } else if ($isLineBreakNode(child)) {
        add("\n");
      } else if ($isElementNode(child)) {
        walk(child);
        add("\n");
      }
    }
    flat.contentEnds.set(element.getKey(), length);
  };
  walk($getRoot());
  flat.text = parts.join("");
  return flat;
}

/** A selection point's flat offset. */
export function $pointOffset(flat: LexicalFlat, point: PointType): number | undefined {
  if (point.type === "text") {
    const start = flat.starts.get(point.key);
    return start === undefined ? undefined : start + point.offset;
  }
  const node = point.getNode();
  if (!$isElementNode(node)) return undefined;
  const child = node.getChildAtIndex(point.offset);
  return child ? flat.starts.get(child.getKey()) : flat.contentEnds.get(node.getKey());
}

/**
 * The text point at a flat offset: in the text node the offset falls in, or (`end`) the one it
 * ends — the end of a passage belongs to its last character's node.
 */
export function textPointAt(
  flat: LexicalFlat,
  offset: number,
  end = false,
): { key: NodeKey; offset: number } | null {
  const text = flat.texts.find((t) =>
    end
      ? offset > t.start && offset <= t.start + t.length
      : offset >= t.start && offset < t.start + t.length,
  );
  return text ? { key: text.key, offset: offset - text.start } : null;
}

/** A node of Lexical JSON (serialized content), as far as flattening reads it. */
export interface JsonNode {
  type: string;
  text?: string;
  children?: JsonNode[];
  /** Node state. */
  $?: Record<string, unknown>;
}

/**
 * Lexical JSON flattened the same way: an element's text and "\n" after it (links too), a line
 * break "\n", anything else nothing. Answers the text and the offset where each node starts.
 */
export function flattenJson<T extends JsonNode>(root: T): { text: string; starts: Map<T, number> } {
  const starts = new Map<T, number>();
  const parts: string[] = [];
  let length = 0;
  const add = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  const walk = (element: T) => {
    for (const child of (element.children ?? []) as T[]) {
      starts.set(child, length);
      if (child.children) {
        walk(child);
        add("\n");
      } else if (child.type === "linebreak") add("\n");
      else add(child.text ?? "");
    }
  };
  walk(root);
  return { text: parts.join(""), starts };
}
