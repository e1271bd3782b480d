import { useLexicalComposerContext } from "@lexical/react/LexicalComposerContext";
import { mergeRegister } from "@lexical/utils";
import {
  $createRangeSelection,
  $getSelection,
  $isRangeSelection,
  $setSelection,
  COMMAND_PRIORITY_HIGH,
  KEY_DOWN_COMMAND,
  type LexicalEditor,
} from "lexical";
import { type RefObject, useCallback, useEffect, useRef } from "react";
import type * as Y from "yjs";
import { encodeAnchor, type FlatText, flatten, resolveAnchor } from "../../common/comment-anchor";
import {
  $flattenLexical,
  $pointOffset,
  type LexicalFlat,
  textPointAt,
} from "../../common/lexical-flat";
import { domRanges, highlightRegistry } from "./text-highlights";

/** A thread as the editor shows it: its passage highlighted and numbered. */
export interface AnchoredThread {
  id: string;
  number: number;
  anchorStart: string;
  anchorEnd: string;
  /** Its words, to find it by when the anchor's own characters were rewritten (a split). */
  quote: string;
  resolved: boolean;
}

/** What "Kommentera" hands the page: the passage's anchor and its text (null: nothing selected). */
export interface CommentDraft {
  anchorStart: string;
  anchorEnd: string;
  quote: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Both views of the text, when they agree (between a Yjs change and Lexical's, they may not). */
function snapshot(
  editor: LexicalEditor,
  doc: Y.Doc,
): { lexical: LexicalFlat; yjs: FlatText } | null {
  const lexical = editor.getEditorState().read($flattenLexical);
  const yjs = flatten(doc);
  return lexical.text === yjs.text ? { lexical, yjs } : null;
}

/** The selected passage as an anchor, or null when nothing (or only space) is selected. */
function draftFromSelection(editor: LexicalEditor, doc: Y.Doc): CommentDraft | null {
  const views = snapshot(editor, doc);
  if (!views) return null;
  const range = editor.getEditorState().read(() => {
    const selection = $getSelection();
    if (!$isRangeSelection(selection) || selection.isCollapsed()) return null;
    const a = $pointOffset(views.lexical, selection.anchor);
    const b = $pointOffset(views.lexical, selection.focus);
    if (a === undefined || b === undefined) return null;
    return [Math.min(a, b), Math.max(a, b)] as const;
  });
  if (!range) return null;
  let [start, end] = range;
  // Not the space or line breaks around the words.
  while (start < end && /\s/.test(views.yjs.text[start])) start++;
  while (end > start && /\s/.test(views.yjs.text[end - 1])) end--;
  const anchor = encodeAnchor(views.yjs, start, end);
  if (!anchor) return null;
  return {
    anchorStart: toBase64(anchor.start),
    anchorEnd: toBase64(anchor.end),
    quote: views.yjs.text.slice(start, end).replace(/\s+/g, " ").slice(0, 2000),
  };
}

const HIGHLIGHT = "samverkan-comment";
const HIGHLIGHT_ACTIVE = "samverkan-comment-active";

/**
 * Shows each open thread's passage in the text (a highlight with an underline, the active one
 * stronger, and a numbered marker beside its first line, so colour is never the only sign), turns
 * Ctrl+Alt+M into "Kommentera", and selects a thread's passage when the page asks.
 */
export function CommentsPlugin({
  doc,
  threads,
  activeThreadId,
  selectRequest,
  markersRef,
  onComment,
}: {
  doc: Y.Doc | null;
  threads: AnchoredThread[];
  activeThreadId: string | null;
  /** Changes (a new object) when the page wants the thread's passage selected in the editor. */
  selectRequest: { threadId: string } | null;
  markersRef: RefObject<HTMLDivElement | null>;
  onComment: (draft: CommentDraft | null) => void;
}) {
  const [editor] = useLexicalComposerContext();
  const onCommentRef = useRef(onComment);
  onCommentRef.current = onComment;
  const ranges = useRef(new Map<string, { start: number; end: number }>());

  const draw = useCallback(() => {
    if (!doc) return;
    const views = snapshot(editor, doc);
    if (!views) return;
    const registry = highlightRegistry();
    const all: Range[] = [];
    const active: Range[] = [];
    const markers = markersRef.current;
    const surface = markers?.parentElement;
    const origin = surface?.getBoundingClientRect();
    markers?.replaceChildren();
    ranges.current.clear();
    for (const thread of threads) {
      const where = resolveAnchor(
        doc,
        views.yjs,
        { start: fromBase64(thread.anchorStart), end: fromBase64(thread.anchorEnd) },
        thread.quote,
      );
      if (where.kind !== "found") continue;
      ranges.current.set(thread.id, { start: where.start, end: where.end });
      if (thread.resolved) continue;
      const found = domRanges(editor, views.lexical, where.start, where.end);
      all.push(...found);
      if (thread.id === activeThreadId) active.push(...found);
      const rect = found[0]?.getClientRects()[0];
      if (markers && origin && rect) {
        const marker = markers.ownerDocument.createElement("span");
        marker.className = `comment-marker${thread.id === activeThreadId ? " comment-marker-active" : ""}`;
        marker.textContent = String(thread.number);
        marker.dataset.threadId = thread.id;
        marker.style.top = `${rect.top - origin.top}px`;
        markers.append(marker);
      }
    }
    if (registry) {
      registry.set(HIGHLIGHT, new Highlight(...all));
      registry.set(HIGHLIGHT_ACTIVE, new Highlight(...active));
    }
  }, [doc, editor, threads, activeThreadId, markersRef]);

  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(draw);
    };
    schedule();
    window.addEventListener("resize", schedule);
    const unregister = editor.registerUpdateListener(schedule);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("resize", schedule);
      unregister();
    };
  }, [editor, draw]);

  useEffect(
    () => () => {
      highlightRegistry()?.delete(HIGHLIGHT);
      highlightRegistry()?.delete(HIGHLIGHT_ACTIVE);
    },
    [],
  );

  // Ctrl+Alt+M: comment on the selection.
  useEffect(
    () =>
      mergeRegister(
        editor.registerCommand(
          KEY_DOWN_COMMAND,
          (event: KeyboardEvent) => {
            if (!(event.ctrlKey && event.altKey && event.code === "KeyM")) return false;
            event.preventDefault();
            onCommentRef.current(doc ? draftFromSelection(editor, doc) : null);
            return true;
          },
          COMMAND_PRIORITY_HIGH,
        ),
      ),
    [editor, doc],
  );

  // The page asked to show a thread's passage: select it in the text, which scrolls it into view.
  useEffect(() => {
    if (!selectRequest || !doc) return;
    const range = ranges.current.get(selectRequest.threadId);
    if (!range) return;
    editor.update(() => {
      const flat = $flattenLexical();
      const a = textPointAt(flat, range.start);
      const b = textPointAt(flat, range.end, true);
      if (!a || !b) return;
      const selection = $createRangeSelection();
      selection.anchor.set(a.key, a.offset, "text");
      selection.focus.set(b.key, b.offset, "text");
      $setSelection(selection);
    });
    editor.focus();
  }, [selectRequest, doc, editor]);

  return null;
}

/** "Kommentera": asks for a comment on what is selected in the editor. */
export function useCommentOnSelection(
  doc: Y.Doc | null,
  onComment: (draft: CommentDraft | null) => void,
) {
  const [editor] = useLexicalComposerContext();
  return useCallback(
    () => onComment(doc ? draftFromSelection(editor, doc) : null),
    [editor, doc, onComment],
  );
}
