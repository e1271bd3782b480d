import { AutoLinkNode, LinkNode } from "@lexical/link";
import { ListItemNode, ListNode } from "@lexical/list";
import { HeadingNode, QuoteNode } from "@lexical/rich-text";
import { TableCellNode, TableNode, TableRowNode } from "@lexical/table";
import { IS_BOLD, IS_ITALIC, IS_UNDERLINE, type Klass, type LexicalNode } from "lexical";

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

const LINK_PATTERN = /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i;

/** The only link addresses a document may hold: web and e-mail (never `javascript:` or `data:`). */
export const isAllowedLinkUrl = (url: string) => LINK_PATTERN.test(url);

/** The text formats the toolbar offers: a text node (or a paragraph's remembered format) has no other. */
export const ALLOWED_TEXT_FORMATS = IS_BOLD | IS_ITALIC | IS_UNDERLINE;
