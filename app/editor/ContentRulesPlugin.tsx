import { AutoLinkNode, LinkNode } from "@lexical/link";
import { ListItemNode, ListNode } from "@lexical/list";
import { useLexicalComposerContext } from "@lexical/react/LexicalComposerContext";
import { HeadingNode, QuoteNode } from "@lexical/rich-text";
import { TableCellNode, TableNode, TableRowNode } from "@lexical/table";
import { mergeRegister } from "@lexical/utils";
import {
  $getSelection,
  $isElementNode,
  $isRangeSelection,
  COMMAND_PRIORITY_CRITICAL,
  type ElementNode,
  type Klass,
  type LexicalEditor,
  PASTE_COMMAND,
  ParagraphNode,
  TextNode,
} from "lexical";
import { useEffect, useRef, useState } from "react";
import { ALLOWED_TEXT_FORMATS, isAllowedLinkUrl } from "../../common/editor-nodes";
import { findIdentityNumbers } from "../../common/personnummer";
import { useT } from "../utils/i18n";

/**
 * The editor's side of the server's content rules (docs/decisions/0013-content-guard.md), so a
 * person learns at once instead of from a refused save:
 * - an identity number typed or pasted is not applied (also when its last digit completes it),
 *   and a message at the caret says why;
 * - pasted text keeps only the formats the toolbar offers, and no inline style or alignment,
 *   which the server would refuse.
 */

/** The text of the block the selection is in, and that text after `inserted` replaces the selection. */
function textsAroundSelection(inserted: string): { before: string; after: string } | null {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return null;
  const anchorNode = selection.anchor.getNode();
  const block = anchorNode.getTopLevelElement() ?? ($isElementNode(anchorNode) ? anchorNode : null);
  if (!block) return null;
  const nodes = block.getAllTextNodes();
  const offsetOf = (point: typeof selection.anchor) => {
    const node = point.getNode();
    let offset = 0;
    for (const text of nodes) {
      if (text.is(node)) return offset + point.offset;
      offset += text.getTextContentSize();
    }
    return offset;
  };
  const before = nodes.map((node) => node.getTextContent()).join("");
  const [start, end] = [offsetOf(selection.anchor), offsetOf(selection.focus)].sort(
    (a, b) => a - b,
  );
  return { before, after: before.slice(0, start) + inserted + before.slice(end) };
}

/** Would inserting `text` at the selection make a new identity number? (Read inside an update.) */
function $bringsIdentityNumber(text: string): boolean {
  if (!/\d/.test(text)) return false;
  const texts = textsAroundSelection(text);
  if (!texts) return findIdentityNumbers(text).length > 0;
  return findIdentityNumbers(texts.after).length > findIdentityNumbers(texts.before).length;
}

const INSERTING = new Set([
  "insertText",
  "insertReplacementText",
  "insertFromDrop",
  "insertFromYank",
  "insertCompositionText",
]);

/** Where the caret is, relative to `container`, for the message. */
function caretPosition(container: HTMLElement): { top: number; left: number } {
  const selection = window.getSelection();
  const box = container.getBoundingClientRect();
  const range = selection && selection.rangeCount > 0 ? selection.getRangeAt(0) : null;
  const rect = range?.getClientRects()[0] ?? range?.getBoundingClientRect();
  if (!rect || (rect.top === 0 && rect.left === 0)) return { top: 0, left: 0 };
  return { top: rect.bottom - box.top + 4, left: Math.max(0, rect.left - box.left) };
}

const ELEMENTS: Klass<ElementNode>[] = [
  ParagraphNode,
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  TableNode,
  TableRowNode,
  TableCellNode,
];

/** What a paste brings from elsewhere (Word, a web page) brought within the server's schema. */
function normalisePasted(editor: LexicalEditor) {
  const element = (node: ElementNode) => {
    if (node.getStyle() !== "") node.setStyle("");
    if ((node.getTextFormat() & ~ALLOWED_TEXT_FORMATS) !== 0)
      node.setTextFormat(node.getTextFormat() & ALLOWED_TEXT_FORMATS);
    if (node.getTextStyle() !== "") node.setTextStyle("");
  };
  const link = (node: LinkNode) => {
    element(node);
    if (!isAllowedLinkUrl(node.getURL())) {
      // Lexical turns a javascript: address into about:blank; the text stays, the link goes.
      for (const child of node.getChildren()) node.insertBefore(child);
      node.remove();
      return;
    }
    if (node.getTarget() !== null) node.setTarget(null);
    if (node.getTitle() !== null) node.setTitle(null);
    const rel = node.getRel();
    if (rel !== null && rel !== "noreferrer") node.setRel("noreferrer");
  };
  return mergeRegister(
    editor.registerNodeTransform(TextNode, (node) => {
      if ((node.getFormat() & ~ALLOWED_TEXT_FORMATS) !== 0)
        node.setFormat(node.getFormat() & ALLOWED_TEXT_FORMATS);
      if (node.getStyle() !== "") node.setStyle("");
    }),
    ...ELEMENTS.map((klass) => editor.registerNodeTransform(klass, element)),
    editor.registerNodeTransform(LinkNode, link),
    editor.registerNodeTransform(AutoLinkNode, link),
    editor.registerNodeTransform(TableCellNode, (node) => {
      if (node.getBackgroundColor() !== null) node.setBackgroundColor(null);
    }),
  );
}

export function ContentRulesPlugin() {
  const t = useT();
  const [editor] = useLexicalComposerContext();
  const [notice, setNotice] = useState<{ top: number; left: number } | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    let hideTimer: ReturnType<typeof setTimeout> | undefined;
    const refuse = () => {
      const container = noticeRef.current?.parentElement;
      setNotice(container ? caretPosition(container) : { top: 0, left: 0 });
      clearTimeout(hideTimer);
      hideTimer = setTimeout(() => setNotice(null), 8_000);
    };
    const wouldBring = (text: string) =>
      editor.getEditorState().read(() => $bringsIdentityNumber(text));
    // Before Lexical (capturing on the window): a refused input never reaches the document.
    const onBeforeInput = (event: InputEvent) => {
      const root = editor.getRootElement();
      if (!root || !(event.target instanceof Node) || !root.contains(event.target)) return;
      if (!INSERTING.has(event.inputType)) return;
      const text = event.data ?? event.dataTransfer?.getData("text/plain") ?? "";
      if (!wouldBring(text)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      refuse();
    };
    window.addEventListener("beforeinput", onBeforeInput, true);
    const unregister = mergeRegister(
      editor.registerCommand(
        PASTE_COMMAND,
        (event) => {
          const text =
            event instanceof ClipboardEvent
              ? (event.clipboardData?.getData("text/plain") ?? "")
              : "";
          if (!$bringsIdentityNumber(text)) return false;
          event.preventDefault();
          refuse();
          return true;
        },
        COMMAND_PRIORITY_CRITICAL,
      ),
      normalisePasted(editor),
    );
    return () => {
      clearTimeout(hideTimer);
      window.removeEventListener("beforeinput", onBeforeInput, true);
      unregister();
    };
  }, [editor]);

  // Always in the page, so screen readers announce the message when it appears.
  return (
    <p
      ref={noticeRef}
      className="editor-caret-notice"
      role="status"
      aria-live="polite"
      data-testid="personal-data-notice"
      style={notice ? { top: notice.top, left: notice.left } : undefined}
    >
      {notice && t("editor.personalData")}
    </p>
  );
}
