import * as Y from "yjs";
import { ALLOWED_TEXT_FORMATS, isAllowedLinkUrl } from "../../common/editor-nodes";
import { findIdentityNumbers } from "../../common/personnummer";
import {
  isStoredSuggestion,
  isSuggestion,
  isSuggestionId,
  SUGGESTION_STATE_KEY,
  SUGGESTIONS_MAP,
} from "../../common/suggestions";

/**
 * What the server checks in every incoming co-editing update, and again before rendering a
 * stored document (docs/decisions/0013-content-guard.md): the document must stay within the
 * editor's own schema (the nodes in EDITOR_NODES with the properties the editor writes, the
 * toolbar's text formats, web and e-mail links, no inline style) and hold no identity number.
 *
 * The check reads the Yjs structure Lexical's binding (V1) writes under the top-level type
 * "root": an element is a Y.XmlText whose attributes are the node's properties, a text node is a
 * Y.Map of properties followed by its text as strings in the parent, a line break is a Y.Map.
 * It looks only at what a transaction changed: the attributes that changed, the items inserted,
 * and the text of the top-level blocks around them, so its cost follows the edit, not the document.
 */
export type ContentRefusal = "invalid_content" | "personal_data";

/** The top-level type Lexical's V1 binding keeps a document's tree in. */
export const LEXICAL_ROOT = "root";

type Rule = (value: unknown) => boolean;

const oneOf =
  (...allowed: unknown[]): Rule =>
  (value) =>
    allowed.includes(value);
const integer =
  (min: number, max: number): Rule =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const optional =
  (rule: Rule): Rule =>
  (value) =>
    value === undefined || value === null || rule(value);
const isBoolean: Rule = (value) => typeof value === "boolean";
const textFormat: Rule = (value) =>
  integer(0, ALLOWED_TEXT_FORMATS)(value) && ((value as number) & ~ALLOWED_TEXT_FORMATS) === 0;
/** The editor writes no inline style at all: the allow-list is the empty style. */
const noStyle = oneOf("");
const linkUrl: Rule = (value) => typeof value === "string" && isAllowedLinkUrl(value);
const widths: Rule = (value) =>
  Array.isArray(value) && value.length <= 100 && value.every(integer(0, 5_000));

const ELEMENT_PROPERTIES: Record<string, Rule> = {
  // Alignment (left … justify): harmless, and documents from before this check may hold it.
  __format: integer(0, 6),
  __style: noStyle,
  __indent: integer(0, 20),
  __dir: oneOf(null, "ltr", "rtl"),
  __textFormat: textFormat,
  __textStyle: noStyle,
};
/**
 * A text node's node state: none, except in documents from before suggestions moved to their
 * map (docs/decisions/0033), which held them there; nobody sets one now (`setsMark`).
 */
const validState = (state: Y.Map<unknown>) =>
  [...state.entries()].every(
    ([key, value]) => key === SUGGESTION_STATE_KEY && (value === null || isSuggestion(value)),
  );
const TEXT_PROPERTIES: Record<string, Rule> = {
  __state: (value) => value instanceof Y.Map && validState(value),
  __format: textFormat,
  __style: noStyle,
  __mode: integer(0, 2),
  __detail: integer(0, 3),
};
const LINK_PROPERTIES: Record<string, Rule> = {
  ...ELEMENT_PROPERTIES,
  __url: linkUrl,
  __target: oneOf(null),
  __rel: oneOf(null, "noreferrer"),
  __title: oneOf(null),
};

const INLINE = ["text", "tab", "linebreak", "link", "autolink"];
const BLOCKS = ["paragraph", "heading", "quote", "list", "table"];

interface NodeSpec {
  /** A Y.XmlText with children, or a Y.Map (text, tab, line break). */
  element: boolean;
  properties: Record<string, Rule>;
  children: string[];
  /** Inline elements (links) run on in the text; blocks are separated by a blank line. */
  inline?: boolean;
}

const element = (
  properties: Record<string, Rule>,
  children: string[],
  inline = false,
): NodeSpec => ({
  element: true,
  properties: { ...ELEMENT_PROPERTIES, ...properties },
  children,
  inline,
});

/** Every node type EDITOR_NODES (and Lexical's own nodes) allow, with their properties. */
const NODES: Record<string, NodeSpec> = {
  paragraph: element({}, INLINE),
  heading: element({ __tag: oneOf("h1", "h2", "h3", "h4", "h5", "h6") }, INLINE),
  quote: element({}, INLINE),
  list: element(
    {
      __tag: oneOf("ul", "ol"),
      __start: integer(0, 1_000_000),
      __listType: oneOf("bullet", "number", "check"),
    },
    ["listitem"],
  ),
  listitem: element({ __value: integer(0, 1_000_000), __checked: optional(isBoolean) }, [
    ...INLINE,
    "list",
  ]),
  link: { ...element({}, ["text", "tab", "linebreak"], true), properties: LINK_PROPERTIES },
  autolink: {
    ...element({}, ["text", "tab", "linebreak"], true),
    properties: { ...LINK_PROPERTIES, __isUnlinked: isBoolean },
  },
  table: element(
    {
      __rowStriping: isBoolean,
      __frozenColumnCount: integer(0, 100),
      __frozenRowCount: integer(0, 100),
      __colWidths: optional(widths),
    },
    ["tablerow"],
  ),
  tablerow: element({ __height: optional(integer(0, 5_000)) }, ["tablecell"]),
  tablecell: element(
    {
      __colSpan: integer(1, 100),
      __rowSpan: integer(1, 100),
      __headerState: integer(0, 3),
      __backgroundColor: oneOf(null, undefined),
      __width: optional(integer(0, 5_000)),
      __verticalAlign: oneOf(null, undefined),
    },
    ["paragraph", "heading", "quote", "list"],
  ),
  text: { element: false, properties: TEXT_PROPERTIES, children: [] },
  tab: { element: false, properties: TEXT_PROPERTIES, children: [] },
  linebreak: { element: false, properties: {}, children: [] },
};
/** The root has no `__type` attribute; Lexical keeps no text format or style on it. */
const ROOT: NodeSpec = {
  element: true,
  properties: {
    __format: ELEMENT_PROPERTIES.__format,
    __style: noStyle,
    __indent: ELEMENT_PROPERTIES.__indent,
    __dir: ELEMENT_PROPERTIES.__dir,
  },
  children: BLOCKS,
};

/** Text nodes own the strings that follow them in their parent. */
const HOLDS_TEXT = new Set(["text", "tab"]);

type Shared = Y.AbstractType<unknown>;

const typeName = (type: Shared): unknown =>
  type instanceof Y.XmlText ? type.getAttribute("__type") : (type as Y.Map<unknown>).get("__type");

function specOf(type: Shared, root: Y.XmlText): NodeSpec | undefined {
  if (type === root) return ROOT;
  const name = typeName(type);
  return typeof name === "string" && Object.hasOwn(NODES, name) ? NODES[name] : undefined;
}

function validProperty(spec: NodeSpec, key: string, value: unknown): boolean {
  if (key === "__type") return true; // checked with the parent's allowed children
  return Object.hasOwn(spec.properties, key) && spec.properties[key](value);
}

function propertiesOf(type: Shared): [string, unknown][] {
  if (type instanceof Y.XmlText) return Object.entries(type.getAttributes());
  return [...(type as Y.Map<unknown>).entries()];
}

/** Which items to check: those a transaction inserted, or every one. */
type Inserted = (item: Y.Item) => boolean;

const insertedBy =
  (transaction: Y.Transaction): Inserted =>
  (item) =>
    item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);

/** One node and everything under it, as inserted: its kind, every property, every child. */
function validNode(type: Shared, spec: NodeSpec): boolean {
  if (spec.element !== type instanceof Y.XmlText) return false;
  if (!spec.element && !(type instanceof Y.Map)) return false;
  for (const [key, value] of propertiesOf(type)) if (!validProperty(spec, key, value)) return false;
  return !spec.element || validChildren(type as Y.XmlText, spec, () => true);
}

/**
 * An element's children: every inserted one (or all of them, for an inserted element) must be
 * a node its type allows and valid itself; a string only continues a text node.
 */
function validChildren(type: Y.XmlText, spec: NodeSpec, inserted: Inserted): boolean {
  let inText = false;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) {
      // Text typed into a text node that someone else deleted meanwhile follows the deleted
      // node: an honest edit, which Lexical drops as dangling text when it arrives.
      const content = item.content;
      inText =
        !(content instanceof Y.ContentType) ||
        (content.type instanceof Y.Map &&
          HOLDS_TEXT.has(String(valueBefore(content.type as Y.Map<unknown>, "__type"))));
      continue;
    }
    const check = inserted(item);
    const content = item.content;
    if (content instanceof Y.ContentString) {
      if (check && !inText) return false;
      continue;
    }
    if (content instanceof Y.ContentType) {
      const child = content.type as Shared;
      const name = typeName(child);
      inText = typeof name === "string" && HOLDS_TEXT.has(name);
      if (!check) continue;
      if (typeof name !== "string" || !spec.children.includes(name)) return false;
      if (!validNode(child, NODES[name])) return false;
      continue;
    }
    // Yjs formatting, embeds, JSON, binary, sub-documents: nothing the editor writes.
    if (check) return false;
    inText = false;
  }
  return true;
}

/** A type changed by the transaction: the properties that changed, and the children inserted. */
function validChange(
  type: Shared,
  keys: Set<string | null>,
  root: Y.XmlText,
  inserted: Inserted,
): boolean {
  if (isStateMap(type)) return validState(type as Y.Map<unknown>);
  const spec = specOf(type, root);
  if (!spec || spec.element !== type instanceof Y.XmlText) return false;
  if (keys.has("__type")) {
    // A node that changes its type must still be one its parent allows.
    const parent = type._item?.parent as Shared | undefined;
    const parentSpec = parent && specOf(parent, root);
    const name = typeName(type) as string;
    if (!parentSpec?.children.includes(name)) return false;
    return validNode(type, spec);
  }
  const properties = type instanceof Y.XmlText ? type.getAttributes() : undefined;
  for (const key of keys) {
    if (key === null) continue;
    const value = properties ? properties[key] : (type as Y.Map<unknown>).get(key);
    // A removed property falls back to Lexical's default.
    const present = properties ? Object.hasOwn(properties, key) : (type as Y.Map<unknown>).has(key);
    if (present && !validProperty(spec, key, value)) return false;
  }
  return !keys.has(null) || !(type instanceof Y.XmlText) || validChildren(type, spec, inserted);
}

/** The text a reader sees in an element (as Lexical's getTextContent), link addresses included. */
function textOf(type: Y.XmlText): string {
  let text = "";
  const url = type.getAttribute("__url");
  if (typeof url === "string") text += `${url}\n\n`;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    if (content instanceof Y.ContentString) text += content.str;
    else if (content instanceof Y.ContentType) {
      const child = content.type as Shared;
      if (child instanceof Y.XmlText) {
        const name = typeName(child as Shared);
        const inline = typeof name === "string" && NODES[name]?.inline;
        text += inline ? textOf(child) : `${textOf(child)}\n\n`;
      } else if (typeName(child) === "linebreak") text += "\n";
    }
  }
  return text;
}

/** Every string anywhere under a type outside the editor's tree (never rendered, but stored). */
function anyTextOf(type: Shared): string {
  const parts: string[] = [];
  const visit = (item: Y.Item | null) => {
    for (; item !== null; item = item.right) {
      if (item.deleted) continue;
      const content = item.content;
      if (content instanceof Y.ContentString) parts.push(content.str);
      else if (content instanceof Y.ContentType) parts.push(anyTextOf(content.type as Shared));
      else if (!(content instanceof Y.ContentDeleted))
        parts.push(JSON.stringify(content.getContent()));
    }
  };
  visit(type._start);
  for (const item of type._map.values()) visit(item);
  return parts.join("\n");
}

function liveSibling(item: Y.Item | null, direction: "left" | "right"): Y.Item | null {
  let next = item?.[direction] ?? null;
  while (next?.deleted) next = next[direction];
  return next;
}

const blockText = (item: Y.Item | null) =>
  item?.content instanceof Y.ContentType && item.content.type instanceof Y.XmlText
    ? textOf(item.content.type)
    : "";

/** Each block with its neighbours, so a number split over two paragraphs is found as well. */
function holdsIdentityNumber(blocks: Set<Y.Item>): boolean {
  for (const block of blocks) {
    const around = [liveSibling(block, "left"), block, liveSibling(block, "right")];
    if (findIdentityNumbers(around.map(blockText).join("\n\n")).length > 0) return true;
  }
  return false;
}

/** The top-level type a shared type lives in, the root's child holding it, and whether it is deleted. */
const isStateMap = (type: Shared) => type instanceof Y.Map && type._item?.parentSub === "__state";

/** A map entry's value, also when the transaction being checked deleted it. */
function valueBefore(map: Y.Map<unknown>, key: string): unknown {
  return map._map.get(key)?.content.getContent().at(-1);
}

function placeOf(type: Shared, root: Y.XmlText) {
  let block: Y.Item | null = null;
  let current = type;
  let deleted = false;
  while (current._item !== null) {
    const item: Y.Item = current._item;
    if (item.deleted) deleted = true;
    if (item.parent === root) block = item;
    current = item.parent as Shared;
  }
  return { top: current, block, deleted };
}

/** The person whose connection sent an update: a suggestion they write is theirs. */
export interface SuggestionAuthor {
  userId: string;
  name: string;
}

/**
 * The entries of the map of suggestions (docs/decisions/0033) this transaction set: each
 * well-formed, and, from a person's connection, theirs — nobody suggests in another's name.
 * Removing an entry (accepting or rejecting it) is open to anyone who may write.
 */
function validSuggestions(
  map: Y.Map<unknown>,
  keys: Set<string | null>,
  author: SuggestionAuthor | null,
): boolean {
  for (const key of keys) {
    if (key === null || !map.has(key)) continue;
    const entry = map.get(key);
    if (!isSuggestionId(key) || !isStoredSuggestion(entry)) return false;
    if (author && (entry.authorId !== author.userId || entry.authorName !== author.name))
      return false;
  }
  return true;
}

/** Whether a node inserted (or a state set) carries a suggestion mark on a text node. */
function setsMark(type: Shared): boolean {
  if (type instanceof Y.Map) {
    const state = isStateMap(type as Shared) ? type : type.get("__state");
    return state instanceof Y.Map && state.get(SUGGESTION_STATE_KEY) != null;
  }
  for (let item = type._start; item !== null; item = item.right)
    if (
      !item.deleted &&
      item.content instanceof Y.ContentType &&
      setsMark(item.content.type as Shared)
    )
      return true;
  return false;
}

/** A person's edit that inserts a text node (or a block) with a suggestion mark in it. */
function insertsMark(type: Shared, keys: Set<string | null>, inserted: Inserted): boolean {
  if (keys.has("__state") && type instanceof Y.Map) return setsMark(type as Shared);
  if (!keys.has(null) || !(type instanceof Y.XmlText)) return false;
  for (let item = type._start; item !== null; item = item.right)
    if (!item.deleted && inserted(item) && item.content instanceof Y.ContentType)
      if (setsMark(item.content.type as Shared)) return true;
  return false;
}

/** What a transaction did to the document, refused or not (null: accepted). */
function checkTransaction(
  doc: Y.Doc,
  transaction: Y.Transaction,
  author: SuggestionAuthor | null,
): ContentRefusal | null {
  const root = doc.get(LEXICAL_ROOT, Y.XmlText);
  const blocks = new Set<Y.Item>();
  const elsewhere = new Set<Shared>();
  const suggestions = doc.getMap(SUGGESTIONS_MAP);
  const inserted = insertedBy(transaction);
  for (const [changed, keys] of transaction.changed) {
    const type = changed as Shared;
    const { top, block, deleted } = placeOf(type, root);
    if (deleted) continue;
    if (type === suggestions && !validSuggestions(suggestions, keys, author))
      return "invalid_content";
    if (top !== root) {
      // The map of suggestions holds no text of its own (checked above), only character ids,
      // whose numbers are not identity numbers.
      if (top !== suggestions) elsewhere.add(top);
      continue;
    }
    if (!validChange(type, keys, root, inserted)) return "invalid_content";
    if (author && (isStateMap(type) ? setsMark(type) : insertsMark(type, keys, inserted)))
      return "invalid_content";
    if (block) blocks.add(block);
    else if (keys.has(null)) {
      // Blocks inserted into or removed from the root: the new ones, and the ones that became
      // neighbours (removing a paragraph joins the text before and after it).
      for (let item = root._start; item !== null; item = item.right) {
        if (!item.deleted) {
          if (inserted(item)) blocks.add(item);
        } else if (Y.isDeleted(transaction.deleteSet, item.id)) {
          const left = liveSibling(item, "left");
          const right = liveSibling(item, "right");
          if (left) blocks.add(left);
          if (right) blocks.add(right);
        }
      }
    }
  }
  if (holdsIdentityNumber(blocks)) return "personal_data";
  for (const type of elsewhere)
    if (findIdentityNumbers(anyTextOf(type)).length > 0) return "personal_data";
  return null;
}

/**
 * The strings an update itself carries. Content whose position the document does not know yet
 * (it builds on an edit not received) is kept aside by Yjs without being integrated, so the
 * document check cannot see it; it is still stored and sent on, so it is read here.
 */
function updateCarriesIdentityNumber(update: Uint8Array): boolean {
  const strings: string[] = [];
  for (const struct of Y.decodeUpdate(update).structs)
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentString)
      strings.push(struct.content.str);
  return strings.length > 0 && findIdentityNumbers(strings.join("")).length > 0;
}

/**
 * Applies an update to `doc` and checks the result. Returns null when accepted. When refused,
 * `doc` holds the refused content and must be rebuilt by the caller (Yjs cannot take an update
 * back). Throws, like Y.applyUpdate, when the update cannot be applied at all. With an `author`
 * (a person's edit, not a stored one replayed) a new suggestion must be theirs.
 */
export function applyCheckedUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  origin: unknown,
  author: SuggestionAuthor | null = null,
): ContentRefusal | null {
  // Typed before the update arrives: typing it later would replace the object the transaction
  // reports as changed.
  doc.get(LEXICAL_ROOT, Y.XmlText);
  let refusal: ContentRefusal | null = null;
  const check = (transaction: Y.Transaction) => {
    refusal ??= checkTransaction(doc, transaction, author);
  };
  doc.on("afterTransaction", check);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    doc.off("afterTransaction", check);
  }
  return refusal ?? (updateCarriesIdentityNumber(update) ? "personal_data" : null);
}

/**
 * The top-level blocks of a stored document outside the editor's schema (and whether the root's
 * own properties are), for rendering a document stored before this check without them.
 */
export function invalidBlocks(doc: Y.Doc): { blocks: Y.Item[]; root: boolean } {
  const root = doc.get(LEXICAL_ROOT, Y.XmlText);
  const blocks: Y.Item[] = [];
  for (let item = root._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    const name = content instanceof Y.ContentType ? typeName(content.type as Shared) : undefined;
    const valid =
      content instanceof Y.ContentType &&
      typeof name === "string" &&
      ROOT.children.includes(name) &&
      validNode(content.type as Shared, NODES[name]);
    if (!valid) blocks.push(item);
  }
  const rootValid = Object.entries(root.getAttributes()).every(([key, value]) =>
    validProperty(ROOT, key, value),
  );
  return { blocks, root: !rootValid };
}

/**
 * Removes from `doc` whatever is outside the schema (the top-level blocks holding it, and the
 * root's own invalid properties) as an ordinary deletion. Returns that deletion as an update, or
 * null when the document was within the schema.
 */
export function repairToSchema(doc: Y.Doc): Uint8Array | null {
  const { blocks, root } = invalidBlocks(doc);
  if (blocks.length === 0 && !root) return null;
  const rootType = doc.get(LEXICAL_ROOT, Y.XmlText);
  const before = Y.encodeStateVector(doc);
  doc.transact(() => {
    for (const block of blocks) {
      let index = 0;
      for (let item = rootType._start; item !== null && item !== block; item = item.right)
        if (!item.deleted && item.countable) index += item.length;
      rootType.delete(index, block.length);
    }
    if (root)
      for (const [key, value] of Object.entries(rootType.getAttributes()))
        if (!validProperty(ROOT, key, value)) rootType.removeAttribute(key);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

/** A stored state as it renders: within the schema (the state itself when nothing is wrong). */
export function withinSchema(state: Uint8Array): Uint8Array {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return repairToSchema(doc) ? Y.encodeStateAsUpdate(doc) : state;
  } finally {
    doc.destroy();
  }
}
