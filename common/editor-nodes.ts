import { AutoLinkNode, LinkNode } from "@lexical/link";
import { ListItemNode, ListNode } from "@lexical/list";
import { HeadingNode, QuoteNode } from "@lexical/rich-text";
import { TableCellNode, TableNode, TableRowNode } from "@lexical/table";
import type { Klass, LexicalNode } from "lexical";

/**
 * Every node a document may hold. The browser editor and the server's headless editor use
 * this one list: a node the server does not know would be dropped when it renders or restores.
 */
export const EDITOR_NODES: Klass<LexicalNode>[] = [
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  LinkNode,
  AutoLinkNode,
  TableNode,
  TableRowNode,
  TableCellNode,
];

/** Lexical's namespace for our documents; the same on both sides. */
export const EDITOR_NAMESPACE = "samverkan-document";

/** The Yjs key Lexical's CollaborationPlugin (V1) binds to: the `id` the browser's plugin gets. */
export const COLLAB_ROOT_ID = "main";
