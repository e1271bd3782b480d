import {
  $createRangeSelection,
  $getNodeByKey,
  $getSelection,
  $getState,
  $isElementNode,
  $isRangeSelection,
  $isTextNode,
  $onUpdate,
  $setSelection,
  $setState,
  createState,
  type LexicalNode,
  type RangeSelection,
  type TextNode,
} from "lexical";
import * as Y from "yjs";
import { type FlatText, flatten } from "./comment-anchor";
import {
  $flattenLexical,
  $pointOffset,
  flattenJson,
  type JsonNode,
  type LexicalFlat,
  textPointAt,
} from "./lexical-flat";

/**
 * Suggested changes (track changes) in a co-edited document (docs/decisions/0033). A suggestion
 * is an entry in the Y.Doc's map "suggestions", beside the text Lexical binds: what is proposed
 * (insert or delete), by whom, when, and which characters — by their Yjs ids, so it follows them
 * through everyone's edits. Making or settling one never splits, merges or rewrites text: a
 * suggested insertion is typed as ordinary text and named in the map, a suggested deletion only
 * named; accepting an insertion or rejecting a deletion drops the entry, the other two delete
 * exactly those characters. So suggestions made, accepted and rejected by several people at once
 * converge without losing or doubling text, and what others type inside a suggestion is theirs.
 */
export type SuggestionKind = "insert" | "delete";

export interface Suggestion {
  kind: SuggestionKind;
  /** The entry's key in the map. */
  id: string;
  authorId: string;
  authorName: string;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** Characters by their Yjs ids: client, first clock, count. */
export type Span = [client: number, clock: number, length: number];

/** A map entry: the suggestion without its id (the key), and its characters. */
export interface StoredSuggestion extends Omit<Suggestion, "id"> {
  spans: Span[];
}

/** The Y.Doc's top-level map of suggestions, by id. */
export const SUGGESTIONS_MAP = "suggestions";
/** The most character runs one suggestion may name (a page of struck text is a few). */
export const MAX_SPANS = 2_000;

export const suggestionsIn = (doc: Y.Doc) => doc.getMap<StoredSuggestion>(SUGGESTIONS_MAP);

const STORED_FIELDS = ["kind", "authorId", "authorName", "createdAt", "spans"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
/** Yjs client ids and clocks are unsigned 32-bit numbers. */
const uint = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffffffff;

export const isSuggestionId = (id: string) => /^[\w-]{1,64}$/.test(id);

/** Exactly the shape above, each field within bounds: what the server lets into a document. */
export function isStoredSuggestion(value: unknown): value is StoredSuggestion {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const spans = record.spans;
  return (
    Object.keys(record).length === STORED_FIELDS.length &&
    (record.kind === "insert" || record.kind === "delete") &&
    typeof record.authorId === "string" &&
    UUID.test(record.authorId) &&
    typeof record.authorName === "string" &&
    /\S/.test(record.authorName) &&
    record.authorName.length <= 200 &&
    typeof record.createdAt === "string" &&
    ISO_TIME.test(record.createdAt) &&
    Array.isArray(spans) &&
    spans.length <= MAX_SPANS &&
    spans.every(
      (span) =>
        Array.isArray(span) && span.length === 3 && span.every(uint) && (span[2] as number) > 0,
    )
  );
}

/**
 * The render-only mark: rendered content (Lexical JSON, HTML, files) carries each suggestion on
 * the text nodes it covers, as a node state, so readers of that content need not know the Y.Doc.
 * Never part of a live document.
 */
export const SUGGESTION_STATE_KEY = "suggestion";

export const suggestionState = createState(SUGGESTION_STATE_KEY, {
  parse: (value): Suggestion | null => (isSuggestion(value) ? { ...value } : null),
  isEqual: (a, b) => JSON.stringify(a) === JSON.stringify(b),
});

/** A render-only mark's shape (also what documents from before the map held on text nodes). */
export function isSuggestion(value: unknown): value is Suggestion {
  if (typeof value !== "object" || value === null) return false;
  const { id, ...rest } = value as Record<string, unknown>;
  return typeof id === "string" && isSuggestionId(id) && isStoredSuggestion({ ...rest, spans: [] });
}

export const $suggestionOf = (node: LexicalNode): Suggestion | null =>
  $isTextNode(node) ? $getState(node, suggestionState) : null;

/** "2026-12-06 14:03", in Stockholm time on the server and in the browser alike. */
export function suggestionTime(createdAt: string): string {
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime())) return "";
  return date
    .toLocaleString("sv-SE", {
      timeZone: "Europe/Stockholm",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
    .replace(",", "");
}

/** "Förslag att infoga av Sara Lind, 2026-12-06 14:03": what colour and lines also say. */
export function suggestionLabel(suggestion: Suggestion): string {
  const what = suggestion.kind === "insert" ? "Förslag att infoga" : "Förslag att ta bort";
  return `${what} av ${suggestion.authorName}, ${suggestionTime(suggestion.createdAt)}`;
}

/** A suggestion with the text it inserts or deletes (parts apart joined with "…"). */
export interface ListedSuggestion extends Suggestion {
  text: string;
}

export interface OpenSuggestion extends ListedSuggestion {
  /** Where its characters are now, as flat ranges [start, end) in reading order. */
  ranges: [number, number][];
}

/** The runs of each client, in clock order, to find a character by its id. */
function runsByClient(flat: FlatText) {
  const byClient = new Map<number, FlatText["runs"]>();
  for (const run of flat.runs) {
    const runs = byClient.get(run.client) ?? [];
    runs.push(run);
    byClient.set(run.client, runs);
  }
  for (const runs of byClient.values()) runs.sort((a, b) => a.clock - b.clock);
  return byClient;
}

/** The flat offsets of the characters `spans` names that are still in the text, in order. */
function offsetsOf(byClient: ReturnType<typeof runsByClient>, spans: Span[]): number[] {
  const offsets: number[] = [];
  for (const [client, clock, length] of spans) {
    const runs = byClient.get(client) ?? [];
    // The first run that ends after `clock` (binary search), then every run the span reaches.
    let low = 0;
    let high = runs.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (runs[middle].clock + runs[middle].length <= clock) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < runs.length && runs[i].clock < clock + length; i++) {
      const run = runs[i];
      const from = Math.max(clock, run.clock);
      const to = Math.min(clock + length, run.clock + run.length);
      for (let at = from; at < to; at++) offsets.push(run.start + at - run.clock);
    }
  }
  return offsets.sort((a, b) => a - b);
}

function toRanges(offsets: number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const offset of offsets) {
    const last = ranges.at(-1);
    if (last && last[1] === offset) last[1] = offset + 1;
    else if (!last || last[1] < offset) ranges.push([offset, offset + 1]);
  }
  return ranges;
}

/** The ids of the characters in the flat range [start, end), as spans. */
export function spansOf(flat: FlatText, start: number, end: number): Span[] {
  const spans: Span[] = [];
  for (const run of flat.runs) {
    const from = Math.max(start, run.start);
    const to = Math.min(end, run.start + run.length);
    if (from >= to) continue;
    const clock = run.clock + from - run.start;
    const last = spans.at(-1);
    if (last && last[0] === run.client && last[1] + last[2] === clock) last[2] += to - from;
    else spans.push([run.client, clock, to - from]);
  }
  return spans;
}

/** The document's open suggestions — those with characters still in the text — in reading order. */
export function openSuggestions(doc: Y.Doc, flat: FlatText = flatten(doc)): OpenSuggestion[] {
  const byClient = runsByClient(flat);
  const open: OpenSuggestion[] = [];
  for (const [id, stored] of suggestionsIn(doc).entries()) {
    if (!isStoredSuggestion(stored)) continue;
    const ranges = toRanges(offsetsOf(byClient, stored.spans));
    if (ranges.length === 0) continue;
    const { spans: _, ...suggestion } = stored;
    const text = ranges.map(([start, end]) => flat.text.slice(start, end)).join("…");
    open.push({ ...suggestion, id, text, ranges });
  }
  return open.sort((a, b) => a.ranges[0][0] - b.ranges[0][0]);
}

/** Which open suggestion holds each flat offset (the first made, where two hold one). */
function holders(open: OpenSuggestion[]): Map<number, OpenSuggestion> {
  const byOffset = new Map<number, OpenSuggestion>();
  for (const suggestion of [...open].sort((a, b) => a.createdAt.localeCompare(b.createdAt)))
    for (const [start, end] of suggestion.ranges)
      for (let at = start; at < end; at++) if (!byOffset.has(at)) byOffset.set(at, suggestion);
  return byOffset;
}

/** Who is suggesting, and how a new suggestion gets its id (random in the browser). */
export interface Suggester {
  authorId: string;
  authorName: string;
  newId: () => string;
  now: () => Date;
}

const isOwn = (suggestion: OpenSuggestion | undefined, kind: SuggestionKind, by: Suggester) =>
  suggestion?.kind === kind && suggestion.authorId === by.authorId ? suggestion : undefined;

/** Adds `spans` to the suggestion `id` (made anew by `by` when there is none). */
function record(doc: Y.Doc, id: string, kind: SuggestionKind, by: Suggester, spans: Span[]) {
  if (spans.length === 0) return;
  const map = suggestionsIn(doc);
  const earlier = map.get(id);
  const entry: StoredSuggestion = earlier
    ? { ...earlier, spans: [...earlier.spans, ...spans] }
    : {
        kind,
        authorId: by.authorId,
        authorName: by.authorName,
        createdAt: by.now().toISOString(),
        spans,
      };
  doc.transact(() => map.set(id, entry));
}

/** Both views of the text, when Lexical's tree and the Y.Doc agree (between a change and its echo they may not). */
function $views(doc: Y.Doc): { lexical: LexicalFlat; yjs: FlatText } | null {
  const lexical = $flattenLexical();
  const yjs = flatten(doc);
  return lexical.text === yjs.text ? { lexical, yjs } : null;
}

/**
 * Deletes the characters at these flat ranges straight in the Y.Doc, by position in their own
 * XmlText: exactly those characters, however alike their neighbours (Lexical would write the
 * change as the difference of two strings). A text node left without text goes with them, as
 * Lexical removes it. Editors receive it like anyone's edit.
 */
function deleteCharacters(flat: FlatText, ranges: [number, number][]) {
  const doomed = new Set(
    ranges.flatMap(([start, end]) => Array.from({ length: end - start }, (_, i) => start + i)),
  );
  const cuts: { type: Y.XmlText; index: number; length: number }[] = [];
  const whole = new Set<number>();
  for (const node of flat.textNodes) {
    const offsets = Array.from({ length: node.length }, (_, i) => node.start + i);
    if (node.length === 0 || !offsets.every((offset) => doomed.has(offset))) continue;
    cuts.push({ type: node.type, index: node.index, length: node.length + 1 });
    for (const offset of offsets) whole.add(offset);
  }
  for (const offset of [...doomed].sort((a, b) => a - b)) {
    if (whole.has(offset)) continue;
    const { type, index } = flat.positions[offset];
    const last = cuts.at(-1);
    if (last && last.type === type && last.index + last.length === index) last.length++;
    else cuts.push({ type, index, length: 1 });
  }
  // Last first, so the indexes of those before stay where they are.
  cuts.sort((a, b) => b.index - a.index);
  for (const { type, index, length } of cuts) type.delete(index, length);
}

/**
 * A caret between nodes (at an element's edge) moved into the text node beside it, so Lexical
 * types into that node instead of making a new one and merging the two — which it writes as the
 * old node's text deleted and inserted again.
 */
function $intoText(caret: RangeSelection) {
  const { anchor } = caret;
  if (anchor.type !== "element") return;
  const element = anchor.getNode();
  if (!$isElementNode(element)) return;
  const after = element.getChildAtIndex(anchor.offset);
  const before = anchor.offset > 0 ? element.getChildAtIndex(anchor.offset - 1) : null;
  if ($isTextNode(after)) after.select(0, 0);
  else if ($isTextNode(before))
    before.select(before.getTextContentSize(), before.getTextContentSize());
}

function $placeCaret(flat: LexicalFlat, offset: number) {
  const point = textPointAt(flat, offset) ?? textPointAt(flat, offset, true);
  if (!point) return;
  const selection = $createRangeSelection();
  selection.anchor.set(point.key, point.offset, "text");
  selection.focus.set(point.key, point.offset, "text");
  $setSelection(selection);
}

/** The selection as a flat range, in the order of the text. */
function $selectedRange(flat: LexicalFlat): [number, number] | null {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return null;
  const a = $pointOffset(flat, selection.anchor);
  const b = $pointOffset(flat, selection.focus);
  return a === undefined || b === undefined ? null : [Math.min(a, b), Math.max(a, b)];
}

/**
 * Suggests deleting the selected text: it stays, and is named as a deletion by `by` (joined to
 * `by`'s deletion right beside it); one's own suggested insertion is really deleted, text in
 * others' suggestions is left as it is. The caret ends before the passage (`backward`, as after
 * Backspace) or after it. Returns false when there was nothing to do.
 */
export function $suggestDeletion(doc: Y.Doc, by: Suggester, backward: boolean): boolean {
  const views = $views(doc);
  const range = views && $selectedRange(views.lexical);
  if (!views || !range || range[0] === range[1]) return false;
  const [start, end] = range;
  const held = holders(openSuggestions(doc, views.yjs));
  const own: number[] = [];
  const strike: number[] = [];
  for (let at = start; at < end; at++) {
    if (views.yjs.text[at] === "\n") continue;
    const holder = held.get(at);
    if (isOwn(holder, "insert", by)) own.push(at);
    else if (!holder) strike.push(at);
  }
  const struck = toRanges(strike);
  const beside =
    struck.length > 0
      ? (isOwn(held.get(struck[0][0] - 1), "delete", by) ??
        isOwn(held.get(struck.at(-1)![1]), "delete", by))
      : undefined;
  doc.transact(() => {
    record(
      doc,
      beside?.id ?? by.newId(),
      "delete",
      by,
      struck.flatMap(([from, to]) => spansOf(views.yjs, from, to)),
    );
    deleteCharacters(views.yjs, toRanges(own));
  });
  // Before the passage (Backspace) or after it, in the text as it is until the deletion arrives.
  $placeCaret(views.lexical, backward ? start : end);
  return own.length + strike.length > 0;
}

/**
 * Types `text` at the selection as an insertion suggested by `by` (a selected passage is first
 * suggested for deletion). Lexical inserts it as ordinary text; once the binding has written it
 * to the Y.Doc, its new characters are named in the map — joined to `by`'s insertion right
 * before or after it, so typing on extends one suggestion.
 */
export function $suggestInsertion(doc: Y.Doc, by: Suggester, text: string): boolean {
  const selection = $getSelection();
  if (!$isRangeSelection(selection) || text === "") return false;
  if (!selection.isCollapsed()) $suggestDeletion(doc, by, false);
  const selected = $getSelection();
  if (!$isRangeSelection(selected)) return false;
  $intoText(selected);
  const caret = $getSelection();
  if (!$isRangeSelection(caret)) return false;
  const at = $pointOffset($flattenLexical(), caret.anchor);
  if (at === undefined) return false;
  // What the binding writes for this update is this client's from here on. The insertion is the
  // run of those characters as long as the text, nearest the caret: Lexical writes a change as
  // the difference of two strings, which starts later than the caret when the text typed begins
  // like the text after it.
  const from = Y.getState(doc.store, doc.clientID);
  caret.insertText(text);
  $onUpdate(() => {
    const flat = flatten(doc);
    // The runs of characters this update wrote, as flat ranges, joined where they touch.
    const written: [number, number][] = [];
    for (const run of flat.runs) {
      if (run.client !== doc.clientID || run.clock + run.length <= from) continue;
      const start = run.start + Math.max(0, from - run.clock);
      const last = written.at(-1);
      if (last && last[1] === start) last[1] = run.start + run.length;
      else written.push([start, run.start + run.length]);
    }
    // The place for the text nearest the caret within one of them.
    const places = written
      .filter(([start, end]) => end - start >= text.length)
      .map(([start, end]) => Math.min(Math.max(at, start), end - text.length));
    if (places.length === 0) return;
    const start = places.reduce((best, place) =>
      Math.abs(place - at) < Math.abs(best - at) ? place : best,
    );
    const end = start + text.length;
    const held = holders(openSuggestions(doc, flat));
    const extended = isOwn(held.get(start - 1), "insert", by) ?? isOwn(held.get(end), "insert", by);
    record(doc, extended?.id ?? by.newId(), "insert", by, spansOf(flat, start, end));
  });
  return true;
}

/**
 * Accepts or rejects one suggestion (every one, without an id): accepting an insertion or
 * rejecting a deletion keeps the text as ordinary text, the other two delete its characters.
 * The entry leaves the map either way, in the same change. Returns the number settled.
 */
export function settleSuggestions(doc: Y.Doc, accept: boolean, id?: string): number {
  const flat = flatten(doc);
  const chosen = openSuggestions(doc, flat).filter((s) => id === undefined || s.id === id);
  const map = suggestionsIn(doc);
  const ids = id === undefined ? chosen.map((s) => s.id) : map.has(id) ? [id] : [];
  const doomed = chosen
    .filter((suggestion) => accept !== (suggestion.kind === "insert"))
    .flatMap((suggestion) => suggestion.ranges)
    .sort((a, b) => a[0] - b[0]);
  doc.transact(() => {
    for (const key of ids) map.delete(key);
    deleteCharacters(flat, doomed);
  });
  return chosen.length;
}

/**
 * Marks each open suggestion on the text nodes it covers (render-only, see suggestionState):
 * for content rendered from a Y.Doc that no editor shares.
 */
export function $markSuggestions(doc: Y.Doc) {
  const views = $views(doc);
  if (!views) return;
  for (const suggestion of openSuggestions(doc, views.yjs)) {
    const { text: _, ranges, ...mark } = suggestion;
    for (const [start, end] of ranges) {
      // Split at the passage's ends, then mark every text node inside it.
      for (const offset of [start, end]) {
        const flat = $flattenLexical();
        const point = textPointAt(flat, offset);
        const node = point && point.offset > 0 ? $getNodeByKey<TextNode>(point.key) : null;
        node?.splitText(point!.offset);
      }
      for (const text of $flattenLexical().texts)
        if (text.start >= start && text.start + text.length <= end)
          $setState($getNodeByKey<TextNode>(text.key)!, suggestionState, mark);
    }
  }
}

/** The suggestion a node of rendered content (Lexical JSON) is marked with, if any. */
export function markOf(node: JsonNode): Suggestion | null {
  const suggestion = node.$?.[SUGGESTION_STATE_KEY];
  return isSuggestion(suggestion) ? suggestion : null;
}

/** A text node (rendered Lexical JSON) suggested for insertion: left out of files until accepted. */
export const isPendingInsertion = (node: JsonNode) => markOf(node)?.kind === "insert";

/** The open suggestions marked in rendered content, one per id, in reading order. */
export function suggestionsInJson(root: JsonNode): ListedSuggestion[] {
  const byId = new Map<string, ListedSuggestion>();
  let previous: string | null = null;
  const visit = (node: JsonNode) => {
    const suggestion = markOf(node);
    if (suggestion) {
      const seen = byId.get(suggestion.id);
      const text = node.text ?? "";
      if (!seen) byId.set(suggestion.id, { ...suggestion, text });
      else seen.text += (previous === suggestion.id ? "" : "…") + text;
      previous = suggestion.id;
    } else if (!node.children) previous = null;
    for (const child of node.children ?? []) visit(child);
  };
  visit(root);
  return [...byId.values()];
}

/**
 * Rendered content with its marks taken off, and where they were (flat ranges): to write content
 * back into a live document (a version restored, a document cleaned), whose suggestions then go
 * back into the map with `restoreSuggestions`.
 */
export function withoutMarks<T extends JsonNode>(
  root: T,
): { root: T; marks: { suggestion: Suggestion; start: number; end: number }[] } {
  const marks: { suggestion: Suggestion; start: number; end: number }[] = [];
  const { starts } = flattenJson<JsonNode>(root);
  const strip = (node: JsonNode): JsonNode => {
    const suggestion = markOf(node);
    const start = starts.get(node) ?? 0;
    if (suggestion && node.text) marks.push({ suggestion, start, end: start + node.text.length });
    let copy: JsonNode = node;
    if (node.$ && SUGGESTION_STATE_KEY in node.$) {
      const { [SUGGESTION_STATE_KEY]: _, ...state } = node.$;
      copy = { ...node, $: state };
      if (Object.keys(state).length === 0) delete copy.$;
    }
    return node.children ? { ...copy, children: node.children.map(strip) } : copy;
  };
  return { root: strip(root) as T, marks };
}

/** Puts marks taken off with `withoutMarks` back into the map, on the characters now there. */
export function restoreSuggestions(
  doc: Y.Doc,
  marks: { suggestion: Suggestion; start: number; end: number }[],
) {
  if (marks.length === 0) return;
  const flat = flatten(doc);
  const map = suggestionsIn(doc);
  doc.transact(() => {
    for (const { suggestion, start, end } of marks) {
      const { id, ...rest } = suggestion;
      const spans = spansOf(flat, start, end);
      const earlier = map.get(id);
      map.set(id, { ...rest, spans: [...(earlier?.spans ?? []), ...spans] });
    }
  });
}
