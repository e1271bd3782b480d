import {
  $createTextNode,
  $getRoot,
  $getState,
  $isElementNode,
  $isTextNode,
  $setState,
  createState,
  type LexicalNode,
  type RangeSelection,
  type TextNode,
} from "lexical";

/**
 * Suggested changes (track changes) in a co-edited document (docs/decisions/0033): a suggestion
 * is a mark on text nodes, like bold — a node state holding what is proposed (insert or delete),
 * by whom and when. Text is never moved to make or settle one: marking splits text nodes and sets
 * a property, accepting or rejecting clears the property or deletes the text. So suggestions made,
 * accepted and rejected by several people at once converge without losing or doubling text.
 */
export type SuggestionKind = "insert" | "delete";

export interface Suggestion {
  kind: SuggestionKind;
  /** Shared by every text node of one suggestion (a word typed, a passage struck). */
  id: string;
  authorId: string;
  authorName: string;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** The node-state key a suggestion is kept under (in Lexical JSON and in the Y.Doc). */
export const SUGGESTION_STATE_KEY = "suggestion";

const SUGGESTION_FIELDS = ["kind", "id", "authorId", "authorName", "createdAt"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;

/** Exactly the shape above, each field within bounds: what the server lets into a document. */
export function isSuggestion(value: unknown): value is Suggestion {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  return (
    keys.length === SUGGESTION_FIELDS.length &&
    SUGGESTION_FIELDS.every((field) => typeof record[field] === "string") &&
    (record.kind === "insert" || record.kind === "delete") &&
    /^[\w-]{1,64}$/.test(record.id as string) &&
    UUID.test(record.authorId as string) &&
    /\S/.test(record.authorName as string) &&
    (record.authorName as string).length <= 200 &&
    ISO_TIME.test(record.createdAt as string)
  );
}

export const sameSuggestion = (a: Suggestion | null, b: Suggestion | null) =>
  a === b ||
  (a !== null && b !== null && SUGGESTION_FIELDS.every((field) => a[field] === b[field]));

export const suggestionState = createState(SUGGESTION_STATE_KEY, {
  parse: (value): Suggestion | null => (isSuggestion(value) ? { ...value } : null),
  isEqual: sameSuggestion,
});

export const $suggestionOf = (node: LexicalNode): Suggestion | null =>
  $isTextNode(node) ? $getState(node, suggestionState) : null;

export const $setSuggestion = (node: TextNode, suggestion: Suggestion | null) =>
  $setState(node, suggestionState, suggestion);

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

export interface OpenSuggestion extends Suggestion {
  /** The text it inserts or deletes (its parts joined with a space when split up). */
  text: string;
}

function $textNodes(): TextNode[] {
  const found: TextNode[] = [];
  const visit = (node: LexicalNode) => {
    if ($isTextNode(node)) found.push(node);
    else if ($isElementNode(node)) for (const child of node.getChildren()) visit(child);
  };
  visit($getRoot());
  return found;
}

/**
 * One entry per suggestion id, in reading order, from the text nodes in order (null: anything
 * else, which separates the parts of a suggestion split by other text with "…").
 */
function gather(parts: Iterable<{ suggestion: Suggestion; text: string } | null>) {
  const byId = new Map<string, OpenSuggestion>();
  let previous: string | null = null;
  for (const part of parts) {
    if (!part) {
      previous = null;
      continue;
    }
    const { suggestion, text } = part;
    const seen = byId.get(suggestion.id);
    if (!seen) byId.set(suggestion.id, { ...suggestion, text });
    else seen.text += (previous === suggestion.id ? "" : "…") + text;
    previous = suggestion.id;
  }
  return [...byId.values()];
}

/** The document's open suggestions in reading order, one per id. */
export function $openSuggestions(): OpenSuggestion[] {
  return gather(
    $textNodes().map((node) => {
      const suggestion = $suggestionOf(node);
      return suggestion && { suggestion, text: node.getTextContent() };
    }),
  );
}

/**
 * Accepts or rejects one suggestion (every one, without an id): accepting an insertion or
 * rejecting a deletion keeps the text as ordinary text, the other two delete it. Returns the
 * number of suggestions settled.
 */
export function $settleSuggestions(accept: boolean, id?: string): number {
  const settled = new Set<string>();
  for (const node of $textNodes()) {
    const suggestion = $suggestionOf(node);
    if (!suggestion || (id !== undefined && suggestion.id !== id)) continue;
    settled.add(suggestion.id);
    if (accept === (suggestion.kind === "insert")) $setSuggestion(node, null);
    else node.remove();
  }
  return settled.size;
}

interface JsonNode {
  type: string;
  children?: JsonNode[];
  $?: Record<string, unknown>;
}

/** A text node (Lexical JSON) suggested for insertion: left out of files until accepted. */
export function isPendingInsertion(node: JsonNode): boolean {
  const suggestion = node.$?.[SUGGESTION_STATE_KEY];
  return isSuggestion(suggestion) && suggestion.kind === "insert";
}

/** The open suggestions in Lexical JSON (stored content), one per id, in reading order. */
export function suggestionsInJson(root: JsonNode): OpenSuggestion[] {
  function* parts(node: JsonNode): Generator<{ suggestion: Suggestion; text: string } | null> {
    const suggestion = node.$?.[SUGGESTION_STATE_KEY];
    if (isSuggestion(suggestion))
      yield { suggestion, text: (node as { text?: string }).text ?? "" };
    else if (!node.children) yield null;
    for (const child of node.children ?? []) yield* parts(child);
  }
  return gather(parts(root));
}

/** Who is suggesting, and how a new suggestion gets its id (random in the browser). */
export interface Suggester {
  authorId: string;
  authorName: string;
  newId: () => string;
  now: () => Date;
}

const ownInsertion = (node: LexicalNode, by: Suggester) => {
  const suggestion = $suggestionOf(node);
  return suggestion?.kind === "insert" && suggestion.authorId === by.authorId ? suggestion : null;
};

const suggestionBy = (kind: SuggestionKind, by: Suggester): Suggestion => ({
  kind,
  id: by.newId(),
  authorId: by.authorId,
  authorName: by.authorName,
  createdAt: by.now().toISOString(),
});

/**
 * Inserts `text` at the caret: as ordinary text (`by` null), or as an insertion suggested by
 * `by`. Typing on in one's own suggestion extends it; next to any other text a node of its own
 * starts, so a suggestion never spreads into ordinary text or the other way round.
 */
export function $insertTextAt(selection: RangeSelection, text: string, by: Suggester | null) {
  const anchor = selection.anchor.getNode();
  const offset = selection.anchor.offset;
  if ($isTextNode(anchor)) {
    const extend = by ? ownInsertion(anchor, by) !== null : $suggestionOf(anchor) === null;
    if (extend) {
      anchor.spliceText(offset, 0, text, true);
      return;
    }
  }
  const node = $createTextNode(text);
  if (by) $setSuggestion(node, suggestionBy("insert", by));
  if ($isTextNode(anchor)) {
    node.setFormat(anchor.getFormat());
    if (offset === 0) anchor.insertBefore(node);
    else if (offset >= anchor.getTextContentSize()) anchor.insertAfter(node);
    else anchor.splitText(offset)[0].insertAfter(node);
  } else if ($isElementNode(anchor)) {
    const after = anchor.getChildAtIndex(offset);
    if (after) after.insertBefore(node);
    else anchor.append(node);
  }
  node.select(text.length, text.length);
}

/** A neighbour's deletion by the same person, so a run of deleted characters is one suggestion. */
function adjacentDeletion(node: TextNode, by: Suggester): Suggestion | null {
  for (const neighbour of [node.getPreviousSibling(), node.getNextSibling()]) {
    const suggestion = neighbour && $suggestionOf(neighbour);
    if (suggestion?.kind === "delete" && suggestion.authorId === by.authorId) return suggestion;
  }
  return null;
}

/**
 * Suggests deleting the selected text: it stays, struck through, as a deletion by `by`; one's
 * own suggested insertion is really deleted, others' suggestions are left as they are. The caret
 * ends before the passage (`backward`, as after Backspace) or after it.
 */
export function $suggestDeletion(selection: RangeSelection, by: Suggester, backward: boolean) {
  if (selection.isCollapsed()) return;
  const nodes = selection.extract().filter($isTextNode);
  let first: TextNode | null = null;
  let last: TextNode | null = null;
  // One suggestion for the whole passage, the same in every node (id, author and time).
  let deletion: Suggestion | null = null;
  for (const node of nodes) {
    if (ownInsertion(node, by)) {
      node.remove();
      continue;
    }
    if (!$suggestionOf(node)) {
      deletion ??= adjacentDeletion(node, by) ?? suggestionBy("delete", by);
      $setSuggestion(node, deletion);
    }
    first ??= node;
    last = node;
  }
  if (backward && first) first.select(0, 0);
  else if (last) last.select(last.getTextContentSize(), last.getTextContentSize());
}
