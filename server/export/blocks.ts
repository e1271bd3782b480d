import type { SerializedEditorState, SerializedLexicalNode } from "lexical";
import { IS_BOLD, IS_ITALIC, IS_UNDERLINE } from "lexical";
import { flattenJson } from "../../common/lexical-flat";
import { isPendingInsertion, markOf } from "../../common/suggestions";

/**
 * A document's content as the Word and PDF writers read it: blocks of styled runs, taken from
 * the Lexical JSON the server renders from the Yjs state. One model for both files, so they
 * hold the same text; a run is where later marks (a comment's range) can attach.
 */
export interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  /** A link's address (web or e-mail: the editor allows no other). */
  href?: string;
  /**
   * Where the run starts in the content's flat text (common/comment-anchor.ts), so a comment's
   * passage finds its runs; none for text outside the content (front matter).
   */
  at?: number;
  /** A suggested change the run is, when suggestions go with the file (ADR 33). */
  change?: { kind: "insert" | "delete"; author: string; date: string };
}

export interface ListItem {
  /** 0 for the outer list, 1 for a list inside one of its items, … */
  depth: number;
  ordered: boolean;
  /** 1, 2, 3 … within its own list (numbered lists count, bulleted ones do not show it). */
  number: number;
  runs: Run[];
}

export type Block =
  | { type: "heading"; level: number; runs: Run[] }
  | { type: "paragraph"; runs: Run[] }
  | { type: "quote"; runs: Run[] }
  | { type: "list"; items: ListItem[] }
  | { type: "table"; rows: { header: boolean; cells: string[]; starts: number[] }[] };

/** A table cell's lines as runs, each where it starts in the flat text. */
export function cellLines(text: string, at: number, bold: boolean): Run[] {
  let offset = at;
  return text.split("\n").map((line) => {
    const run = { text: line, bold, italic: false, underline: false, at: offset };
    offset += line.length + 1;
    return run;
  });
}

/** Every run of the content, in reading order. */
export function runsIn(blocks: Block[]): Run[] {
  return blocks.flatMap((block) => {
    if (block.type === "list") return block.items.flatMap((item) => item.runs);
    if (block.type === "table")
      return block.rows.flatMap((row) =>
        row.cells.flatMap((cell, i) => cellLines(cell, row.starts[i], row.header)),
      );
    return block.runs;
  });
}

interface Node extends SerializedLexicalNode {
  children?: Node[];
  $?: Record<string, unknown>;
  text?: string;
  format?: number | string;
  tag?: string;
  url?: string;
  listType?: string;
  start?: number;
  headerState?: number;
}

/** The content's flat text (common/lexical-flat.ts) and where each node starts in it. */
export const flatContent = (content: SerializedEditorState) =>
  flattenJson(content.root as unknown as Node);

/** The editor's first heading level is h2 (h1 is the title); older documents may start at h1. */
const headingLevel = (tag: string | undefined) => Math.max(Number(tag?.slice(1)) || 2, 2);

/**
 * How the content is read: where each node starts in the flat text, and whether suggested changes
 * go with the file as changes (`tracked`) or the file reads as if each were rejected.
 */
interface Reading {
  starts: Map<Node, number>;
  tracked: boolean;
}

/** The suggested change a text node is, as a file marks it. */
function changeOf(node: Node): Run["change"] {
  const suggestion = markOf(node);
  return suggestion
    ? { kind: suggestion.kind, author: suggestion.authorName, date: suggestion.createdAt }
    : undefined;
}

function runsOf(reading: Reading, nodes: Node[] = [], href?: string): Run[] {
  return nodes.flatMap((node): Run[] => {
    if (!reading.tracked && isPendingInsertion(node)) return [];
    const at = reading.starts.get(node) ?? 0;
    if (node.type === "text") {
      const format = typeof node.format === "number" ? node.format : 0;
      const change = reading.tracked ? changeOf(node) : undefined;
      return [
        {
          text: node.text ?? "",
          bold: (format & IS_BOLD) !== 0,
          italic: (format & IS_ITALIC) !== 0,
          underline: (format & IS_UNDERLINE) !== 0,
          ...(href && { href }),
          at,
          ...(change && { change }),
        },
      ];
    }
    const plain = (text: string) => ({ text, bold: false, italic: false, underline: false, at });
    if (node.type === "linebreak") return [plain("\n")];
    if (node.type === "tab") return [plain("\t")];
    if (node.type === "link" || node.type === "autolink")
      return runsOf(reading, node.children, node.url);
    return runsOf(reading, node.children, href);
  });
}

const textOf = (node: Node): string =>
  isPendingInsertion(node)
    ? ""
    : node.children
      ? node.children.map(textOf).join(node.type === "tablecell" ? "\n" : "")
      : (node.text ?? (node.type === "linebreak" ? "\n" : ""));

/** A list and the lists nested in its items, flattened in reading order with their depth. */
function listItems(reading: Reading, list: Node, depth: number): ListItem[] {
  const ordered = list.listType === "number";
  let number = (list.start ?? 1) - 1;
  return (list.children ?? []).flatMap((item) => {
    const nested = item.children?.filter((child) => child.type === "list") ?? [];
    // Lexical keeps a nested list in an item of its own; that item has no number.
    if (nested.length > 0 && nested.length === item.children?.length)
      return nested.flatMap((child) => listItems(reading, child, depth + 1));
    number += 1;
    const own = item.children?.filter((child) => child.type !== "list");
    return [
      { depth, ordered, number, runs: runsOf(reading, own) },
      ...nested.flatMap((child) => listItems(reading, child, depth + 1)),
    ];
  });
}

function blockOf(reading: Reading, node: Node): Block[] {
  switch (node.type) {
    case "heading":
      return [
        { type: "heading", level: headingLevel(node.tag), runs: runsOf(reading, node.children) },
      ];
    case "quote":
      return [{ type: "quote", runs: runsOf(reading, node.children) }];
    case "list":
      return [{ type: "list", items: listItems(reading, node, 0) }];
    case "table":
      return [
        {
          type: "table",
          rows: (node.children ?? []).map((row) => ({
            // Lexical's header state: 1 a row header cell, 2 a column header, 3 both.
            header: (row.children ?? []).every((cell) => ((cell.headerState ?? 0) & 1) !== 0),
            // A cell is plain text: it reads as if its suggestions were rejected.
            cells: (row.children ?? []).map(textOf),
            starts: (row.children ?? []).map((cell) => reading.starts.get(cell) ?? 0),
          })),
        },
      ];
    default:
      return [{ type: "paragraph", runs: runsOf(reading, node.children) }];
  }
}

/** The content as blocks of runs; `tracked`: with its suggested changes marked as changes. */
export function contentBlocks(content: SerializedEditorState, tracked = false): Block[] {
  const { starts } = flatContent(content);
  return ((content.root as unknown as Node).children ?? []).flatMap((node) =>
    blockOf({ starts, tracked }, node),
  );
}
