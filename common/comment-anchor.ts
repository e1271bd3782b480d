import * as Y from "yjs";

/**
 * Where a comment sits in a document's text: two Yjs relative positions on the shared XmlText
 * that Lexical (CollaborationPlugin V1) binds, so the passage follows the text through everyone's
 * edits. The browser makes them from the selection; the server reads the passage back from the
 * stored state. Both see the document as one string ("flat text"): each element's text followed
 * by "\n", a line break as "\n", a text node's property map as nothing, which is also how the
 * editor's Lexical tree is flattened (app/editor/CommentsPlugin.tsx).
 */

/** The name Lexical's binding gives the root XmlText in the Y.Doc. */
export const YJS_ROOT_NAME = "root";

/** A position in one shared type: the type and the index in it. */
interface TypeIndex {
  type: Y.XmlText;
  index: number;
}

/** A run of characters of one Yjs item: its id's client and first clock, where it starts. */
export interface CharRun {
  client: number;
  clock: number;
  length: number;
  /** Its first character's flat offset. */
  start: number;
}

export interface FlatText {
  text: string;
  /** For each XmlText in the tree: the flat offset of each of its indexes, 0 up to its length. */
  offsets: Map<object, number[]>;
  /** For each flat offset (0 up to text.length): the type and index it is in. */
  positions: TypeIndex[];
  /** The characters' Yjs ids, in reading order (the "\n" between elements have none). */
  runs: CharRun[];
  /** Each text node: its property map's index in its XmlText, and its text's flat range. */
  textNodes: { type: Y.XmlText; index: number; start: number; length: number }[];
}

const isLineBreak = (content: unknown) =>
  content instanceof Y.Map && (content as Y.Map<unknown>).get("__type") === "linebreak";

/** The document's text as one string, with where each of its Yjs positions falls. */
export function flatten(doc: Y.Doc): FlatText {
  const root = doc.get(YJS_ROOT_NAME, Y.XmlText) as Y.XmlText;
  const flat: FlatText = {
    text: "",
    offsets: new Map(),
    positions: [],
    runs: [],
    textNodes: [],
  };
  const parts: string[] = [];
  let length = 0;
  const push = (text: string, at: TypeIndex) => {
    parts.push(text);
    for (let i = 0; i < text.length; i++)
      flat.positions.push({ type: at.type, index: at.index + i });
    length += text.length;
  };
  const walk = (type: Y.XmlText) => {
    const indexes: number[] = [];
    let index = 0;
    // The text node whose text the strings that follow are (Lexical writes its map first).
    let textNode: FlatText["textNodes"][number] | null = null;
    for (let item = type._start; item; item = item.right) {
      if (item.deleted || !item.countable) continue;
      if (item.content instanceof Y.ContentString) {
        const text = item.content.str;
        const { client, clock } = item.id;
        flat.runs.push({ client, clock, length: text.length, start: length });
        if (textNode) textNode.length += text.length;
        for (let i = 0; i < text.length; i++) indexes.push(length + i);
        push(text, { type, index });
        index += text.length;
        continue;
      }
      // An element (a nested XmlText), a line break, or a text node's property map: one index.
      const embedded = item.content instanceof Y.ContentType ? item.content.type : null;
      textNode =
        embedded instanceof Y.Map && !isLineBreak(embedded)
          ? { type, index, start: length, length: 0 }
          : null;
      if (textNode) flat.textNodes.push(textNode);
      for (let i = 0; i < item.length; i++) indexes.push(length);
      if (embedded instanceof Y.XmlText) {
        walk(embedded);
        push("\n", { type, index });
      } else if (isLineBreak(embedded)) {
        push("\n", { type, index });
      }
      index += item.length;
    }
    indexes.push(length);
    flat.offsets.set(type, indexes);
  };
  walk(root);
  flat.text = parts.join("");
  flat.positions.push({ type: root, index: root.length });
  return flat;
}

export interface EncodedAnchor {
  start: Uint8Array;
  end: Uint8Array;
}

/**
 * The passage from flat offset `start` up to `end` (exclusive) as two relative positions: the
 * start sticks to its first character, the end to its last, so text typed just outside the
 * passage stays outside it.
 */
export function encodeAnchor(flat: FlatText, start: number, end: number): EncodedAnchor | null {
  if (start < 0 || end > flat.text.length || start >= end) return null;
  const first = flat.positions[start];
  const last = flat.positions[end - 1];
  return {
    start: Y.encodeRelativePosition(
      Y.createRelativePositionFromTypeIndex(first.type, first.index, 0),
    ),
    end: Y.encodeRelativePosition(
      Y.createRelativePositionFromTypeIndex(last.type, last.index + 1, -1),
    ),
  };
}

/** Whether bytes are exactly one encoded relative position (anything a client sends is checked). */
export function isRelativePosition(bytes: Uint8Array): boolean {
  try {
    const position = Y.decodeRelativePosition(bytes);
    if (position.item === null && position.type === null && position.tname === null) return false;
    const again = Y.encodeRelativePosition(position);
    return again.length === bytes.length && again.every((byte, i) => byte === bytes[i]);
  } catch {
    return false;
  }
}

/**
 * Where an anchored passage is now: `found` with its flat range; `deleted` when its text was
 * deleted (or it shrank to nothing); `unknown` when the anchor refers to edits this state does not
 * have yet (a passage typed moments ago, still on its way to the server).
 */
export type ResolvedAnchor =
  | { kind: "found"; start: number; end: number; text: string }
  | { kind: "deleted" }
  | { kind: "unknown" };

function resolvePosition(
  doc: Y.Doc,
  flat: FlatText,
  bytes: Uint8Array,
): number | "deleted" | "unknown" {
  let relative: Y.RelativePosition;
  try {
    relative = Y.decodeRelativePosition(bytes);
  } catch {
    return "deleted";
  }
  const id = relative.item ?? relative.type;
  if (id && Y.getState(doc.store, id.client) <= id.clock) return "unknown";
  const absolute = Y.createAbsolutePositionFromRelativePosition(relative, doc);
  if (!absolute) return "deleted";
  const offset = flat.offsets.get(absolute.type)?.[absolute.index];
  return offset === undefined ? "deleted" : offset;
}

/**
 * Where the passage is now. Lexical's binding writes the text after a split of a text node (a
 * word before the passage made bold, a link, a suggestion) as new Yjs items, so the characters an
 * anchor stuck to can be gone while the words are still there: then the passage is the `quote`
 * it had, where it occurs in the same paragraph nearest to where the anchor fell.
 */
export function resolveAnchor(
  doc: Y.Doc,
  flat: FlatText,
  anchor: EncodedAnchor,
  quote?: string,
): ResolvedAnchor {
  const start = resolvePosition(doc, flat, anchor.start);
  const end = resolvePosition(doc, flat, anchor.end);
  if (start === "unknown" || end === "unknown") return { kind: "unknown" };
  if (start !== "deleted" && end !== "deleted" && start < end) {
    const text = flat.text.slice(start, end);
    if (text.trim() !== "") return { kind: "found", start, end, text };
  }
  const fell = start !== "deleted" ? start : end !== "deleted" ? end : undefined;
  return (
    (fell !== undefined && quote && findInParagraph(flat.text, quote, fell)) || { kind: "deleted" }
  );
}

/** The occurrence of `quote` nearest to `near` within the paragraph `near` is in, if any. */
function findInParagraph(text: string, quote: string, near: number): ResolvedAnchor | undefined {
  if (quote.trim() === "" || quote.includes("\n")) return undefined;
  const from = text.lastIndexOf("\n", near - 1) + 1;
  const to = text.indexOf("\n", near);
  const paragraph = text.slice(from, to < 0 ? text.length : to);
  let best: number | undefined;
  for (let at = paragraph.indexOf(quote); at >= 0; at = paragraph.indexOf(quote, at + 1))
    if (best === undefined || Math.abs(from + at - near) < Math.abs(from + best - near)) best = at;
  if (best === undefined) return undefined;
  return { kind: "found", start: from + best, end: from + best + quote.length, text: quote };
}
