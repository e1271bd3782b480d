import { copyToClipboard } from "@lexical/clipboard";
import { useLexicalComposerContext } from "@lexical/react/LexicalComposerContext";
import { mergeRegister } from "@lexical/utils";
import {
  $getSelection,
  $isRangeSelection,
  COMMAND_PRIORITY_CRITICAL,
  CONTROLLED_TEXT_INSERTION_COMMAND,
  CUT_COMMAND,
  DELETE_CHARACTER_COMMAND,
  DELETE_LINE_COMMAND,
  DELETE_WORD_COMMAND,
  DROP_COMMAND,
  FORMAT_TEXT_COMMAND,
  INDENT_CONTENT_COMMAND,
  INSERT_LINE_BREAK_COMMAND,
  INSERT_PARAGRAPH_COMMAND,
  INSERT_TAB_COMMAND,
  KEY_BACKSPACE_COMMAND,
  KEY_DELETE_COMMAND,
  type LexicalCommand,
  type LexicalEditor,
  OUTDENT_CONTENT_COMMAND,
  PASTE_COMMAND,
} from "lexical";
import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import type * as Y from "yjs";
import { flatten } from "../../common/comment-anchor";
import { $flattenLexical } from "../../common/lexical-flat";
import {
  $suggestDeletion,
  $suggestInsertion,
  type OpenSuggestion,
  openSuggestions,
  type Suggester,
  settleSuggestions,
  suggestionsIn,
  suggestionTime,
} from "../../common/suggestions";
import { useT } from "../utils/i18n";
import { domRanges, highlightRegistry } from "./text-highlights";

/** What typing inserts as text (IME composition is left to Lexical). */
const TYPED = new Set(["insertText", "insertReplacementText"]);

/** Commands that change structure or format: not suggestions, so refused while suggesting. */
const STRUCTURAL = [
  INSERT_PARAGRAPH_COMMAND,
  INSERT_LINE_BREAK_COMMAND,
  INSERT_TAB_COMMAND,
  FORMAT_TEXT_COMMAND,
  INDENT_CONTENT_COMMAND,
  OUTDENT_CONTENT_COMMAND,
  DROP_COMMAND,
] as unknown as LexicalCommand<unknown>[];

const DELETIONS = [
  [DELETE_CHARACTER_COMMAND, "character"],
  [DELETE_WORD_COMMAND, "word"],
  [DELETE_LINE_COMMAND, "lineboundary"],
] as const;

const newId = () => crypto.randomUUID();

/**
 * Typing and deleting while suggesting, handled here before Lexical: the text typed is named as
 * this person's suggested insertion, the text deleted as their suggested deletion.
 */
function registerSuggesting(
  editor: LexicalEditor,
  doc: Y.Doc,
  suggester: Suggester,
  onRefused: () => void,
) {
  // Lexical lets the browser type some characters itself; that path would bypass the suggestion.
  const onBeforeInput = (event: InputEvent) => {
    if (!TYPED.has(event.inputType) || !event.data || event.isComposing) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    editor.dispatchCommand(CONTROLLED_TEXT_INSERTION_COMMAND, event.data);
  };
  const block = () => {
    onRefused();
    return true;
  };
  return mergeRegister(
    editor.registerRootListener((root, previous) => {
      previous?.removeEventListener("beforeinput", onBeforeInput, true);
      root?.addEventListener("beforeinput", onBeforeInput, true);
    }),
    () => editor.getRootElement()?.removeEventListener("beforeinput", onBeforeInput, true),
    editor.registerCommand(
      CONTROLLED_TEXT_INSERTION_COMMAND,
      (payload) => {
        const text = typeof payload === "string" ? payload : payload.data;
        return text ? $suggestInsertion(doc, suggester, text) : false;
      },
      COMMAND_PRIORITY_CRITICAL,
    ),
    ...STRUCTURAL.map((command) =>
      editor.registerCommand(command, block, COMMAND_PRIORITY_CRITICAL),
    ),
    ...DELETIONS.map(([command, granularity]) =>
      editor.registerCommand(
        command,
        (backward: boolean) => {
          const selection = $getSelection();
          if (!$isRangeSelection(selection)) return true;
          // The character (word, line) a deletion would take, by the browser's own rules.
          if (selection.isCollapsed()) selection.modify("extend", backward, granularity);
          $suggestDeletion(doc, suggester, backward);
          return true;
        },
        COMMAND_PRIORITY_CRITICAL,
      ),
    ),
    // Before the rich-text plugin's own Backspace rules (outdent, leaving a list): only text.
    ...([KEY_BACKSPACE_COMMAND, KEY_DELETE_COMMAND] as const).map((command) =>
      editor.registerCommand(
        command,
        (event: KeyboardEvent) => {
          event.preventDefault();
          return editor.dispatchCommand(
            DELETE_CHARACTER_COMMAND,
            command === KEY_BACKSPACE_COMMAND,
          );
        },
        COMMAND_PRIORITY_CRITICAL,
      ),
    ),
    editor.registerCommand(
      CUT_COMMAND,
      (event) => {
        void copyToClipboard(editor, event instanceof ClipboardEvent ? event : null).then(() =>
          editor.update(() => {
            $suggestDeletion(doc, suggester, false);
          }),
        );
        return true;
      },
      COMMAND_PRIORITY_CRITICAL,
    ),
    editor.registerCommand(
      PASTE_COMMAND,
      (event) => {
        if (!(event instanceof ClipboardEvent)) return true;
        event.preventDefault();
        // Pasted as plain text on one line: a suggestion is text within a paragraph.
        const text = (event.clipboardData?.getData("text/plain") ?? "").replace(/\s*\n\s*/g, " ");
        if (text) $suggestInsertion(doc, suggester, text);
        return true;
      },
      // Registered after the content rules at the same priority: they stop an identity number first.
      COMMAND_PRIORITY_CRITICAL,
    ),
  );
}

const INSERT_HIGHLIGHT = "samverkan-suggested-insertion";
const DELETE_HIGHLIGHT = "samverkan-suggested-deletion";

/**
 * The open suggestions, live: from the editor's updates and from the map of suggestions (a
 * suggestion made or settled elsewhere changes no text here), shown in the text as highlights —
 * underlined or struck through as well as coloured (app.css).
 */
function useOpenSuggestions(editor: LexicalEditor, doc: Y.Doc | null): OpenSuggestion[] {
  const [open, setOpen] = useState<OpenSuggestion[]>([]);
  useEffect(() => {
    if (!doc) return;
    let frame = 0;
    const draw = () => {
      const yjs = flatten(doc);
      const found = openSuggestions(doc, yjs);
      setOpen(found);
      const registry = highlightRegistry();
      const lexical = editor.getEditorState().read($flattenLexical);
      if (!registry || lexical.text !== yjs.text) return;
      const rangesOf = (kind: OpenSuggestion["kind"]) =>
        found
          .filter((suggestion) => suggestion.kind === kind)
          .flatMap((suggestion) => suggestion.ranges)
          .flatMap(([start, end]) => domRanges(editor, lexical, start, end));
      registry.set(INSERT_HIGHLIGHT, new Highlight(...rangesOf("insert")));
      registry.set(DELETE_HIGHLIGHT, new Highlight(...rangesOf("delete")));
    };
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(draw);
    };
    schedule();
    const map = suggestionsIn(doc);
    map.observe(schedule);
    const unregister = editor.registerUpdateListener(schedule);
    return () => {
      cancelAnimationFrame(frame);
      map.unobserve(schedule);
      unregister();
      highlightRegistry()?.delete(INSERT_HIGHLIGHT);
      highlightRegistry()?.delete(DELETE_HIGHLIGHT);
    };
  }, [editor, doc]);
  return open;
}

function SuggestionItem({
  suggestion,
  canSettle,
  onSettle,
}: {
  suggestion: OpenSuggestion;
  canSettle: boolean;
  onSettle: (accept: boolean, id: string) => void;
}) {
  const t = useT();
  const insert = suggestion.kind === "insert";
  const Text = insert ? "ins" : "del";
  return (
    <li className="suggestion-item" data-testid="suggestion-item">
      <p className="suggestion-summary">
        <strong>{t(insert ? "suggestions.insert" : "suggestions.delete")}:</strong>{" "}
        <Text className="suggestion-text">{suggestion.text}</Text>
      </p>
      <p className="suggestion-byline">
        {t("suggestions.byline", {
          name: suggestion.authorName,
          time: suggestionTime(suggestion.createdAt),
        })}
      </p>
      {canSettle && (
        <p className="suggestion-buttons">
          <button
            type="button"
            className="button button-small"
            aria-label={t("suggestions.acceptOne", { text: suggestion.text })}
            onClick={() => onSettle(true, suggestion.id)}
          >
            {t("suggestions.accept")}
          </button>
          <button
            type="button"
            className="button button-small button-secondary"
            aria-label={t("suggestions.rejectOne", { text: suggestion.text })}
            onClick={() => onSettle(false, suggestion.id)}
          >
            {t("suggestions.reject")}
          </button>
        </p>
      )}
    </li>
  );
}

/** The open suggestions, with Godkänn/Avvisa for those who may write. */
function SuggestionsPanel({
  open,
  canSettle,
  onSettle: settle,
}: {
  open: OpenSuggestion[];
  canSettle: boolean;
  onSettle: (accept: boolean, id?: string) => void;
}) {
  const t = useT();
  return (
    <section className="rail-section suggestions" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">{t("suggestions.title")}</h2>
      {open.length === 0 ? (
        <p>{t("suggestions.none")}</p>
      ) : (
        <>
          {canSettle ? (
            <p className="suggestion-buttons">
              <button type="button" className="button button-small" onClick={() => settle(true)}>
                {t("suggestions.acceptAll")}
              </button>
              <button
                type="button"
                className="button button-small button-secondary"
                onClick={() => settle(false)}
              >
                {t("suggestions.rejectAll")}
              </button>
            </p>
          ) : (
            <p>{t("suggestions.readOnly")}</p>
          )}
          <ul className="suggestion-list">
            {open.map((suggestion) => (
              <SuggestionItem
                key={suggestion.id}
                suggestion={suggestion}
                canSettle={canSettle}
                onSettle={settle}
              />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * Suggested changes in the editor (docs/decisions/0033): typing and deleting as suggestions
 * while `suggesting`, their highlights in the text, and the list in `panelContainer` (the rail).
 */
export function SuggestionsPlugin({
  doc,
  user,
  suggesting,
  editable,
  panelContainer,
}: {
  doc: Y.Doc | null;
  user: { id: string; name: string };
  suggesting: boolean;
  editable: boolean;
  panelContainer: HTMLElement | null;
}) {
  const t = useT();
  const [editor] = useLexicalComposerContext();
  const [refused, setRefused] = useState(0);
  const noticeTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const open = useOpenSuggestions(editor, doc);
  useEffect(() => {
    if (!editable || !suggesting || !doc) return;
    const suggester: Suggester = {
      authorId: user.id,
      authorName: user.name,
      newId,
      now: () => new Date(),
    };
    return registerSuggesting(editor, doc, suggester, () => {
      setRefused((n) => n + 1);
      clearTimeout(noticeTimer.current);
      noticeTimer.current = setTimeout(() => setRefused(0), 8_000);
    });
  }, [editor, doc, editable, suggesting, user.id, user.name]);
  const settle = (accept: boolean, id?: string) => {
    if (doc) settleSuggestions(doc, accept, id);
  };
  useEffect(() => () => clearTimeout(noticeTimer.current), []);

  return (
    <>
      <p className="suggestions-notice" role="status" data-testid="suggestions-notice">
        {suggesting && refused > 0 ? t("suggestions.onlyText") : ""}
      </p>
      {panelContainer &&
        createPortal(
          <SuggestionsPanel open={open} canSettle={editable} onSettle={settle} />,
          panelContainer,
        )}
    </>
  );
}
