import { copyToClipboard } from "@lexical/clipboard";
import { useLexicalComposerContext } from "@lexical/react/LexicalComposerContext";
import { mergeRegister } from "@lexical/utils";
import {
  $getNodeByKey,
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
  TextNode,
} from "lexical";
import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import {
  $insertTextAt,
  $openSuggestions,
  $settleSuggestions,
  $suggestDeletion,
  $suggestionOf,
  type OpenSuggestion,
  type Suggester,
  suggestionLabel,
  suggestionTime,
} from "../../common/suggestions";
import { useT } from "../utils/i18n";

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

/** The caret's text node carries a suggestion: typing there must not join it by accident. */
const $caretInSuggestion = () => {
  const selection = $getSelection();
  return $isRangeSelection(selection) && $suggestionOf(selection.anchor.getNode()) !== null;
};

/**
 * Typing and deleting while suggesting (and typing next to a suggestion in the ordinary mode):
 * handled here before Lexical, so the text lands in a node of its own with the right mark.
 */
function registerSuggesting(
  editor: LexicalEditor,
  suggester: Suggester | null,
  onRefused: () => void,
) {
  const insert = (text: string) => {
    const selection = $getSelection();
    if (!$isRangeSelection(selection)) return false;
    if (!suggester) {
      if (!selection.isCollapsed() || !$caretInSuggestion()) return false;
      $insertTextAt(selection, text, null);
      return true;
    }
    $suggestDeletion(selection, suggester, false);
    const caret = $getSelection();
    if ($isRangeSelection(caret)) $insertTextAt(caret, text, suggester);
    return true;
  };
  // Lexical lets the browser type some characters itself; that path knows nothing of marks.
  const onBeforeInput = (event: InputEvent) => {
    if (!TYPED.has(event.inputType) || !event.data || event.isComposing) return;
    const controlled = suggester !== null || editor.getEditorState().read($caretInSuggestion);
    if (!controlled) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    editor.dispatchCommand(CONTROLLED_TEXT_INSERTION_COMMAND, event.data);
  };
  const removeRoot = editor.registerRootListener((root, previous) => {
    previous?.removeEventListener("beforeinput", onBeforeInput, true);
    root?.addEventListener("beforeinput", onBeforeInput, true);
  });
  const always = mergeRegister(
    removeRoot,
    () => editor.getRootElement()?.removeEventListener("beforeinput", onBeforeInput, true),
    editor.registerCommand(
      CONTROLLED_TEXT_INSERTION_COMMAND,
      (payload) => {
        const text = typeof payload === "string" ? payload : payload.data;
        return text ? insert(text) : false;
      },
      COMMAND_PRIORITY_CRITICAL,
    ),
  );
  if (!suggester) return always;
  const block = () => {
    onRefused();
    return true;
  };
  return mergeRegister(
    always,
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
          $suggestDeletion(selection, suggester, backward);
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
            const selection = $getSelection();
            if ($isRangeSelection(selection)) $suggestDeletion(selection, suggester, false);
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
        if (text) insert(text);
        return true;
      },
      // Registered after the content rules at the same priority: they stop an identity number first.
      COMMAND_PRIORITY_CRITICAL,
    ),
  );
}

/** Underline or strike-through (from CSS) and who and when as the text's description. */
function registerMarks(editor: LexicalEditor) {
  return editor.registerMutationListener(TextNode, (mutations) => {
    editor.getEditorState().read(() => {
      for (const [key, mutation] of mutations) {
        if (mutation === "destroyed") continue;
        const element = editor.getElementByKey(key);
        const node = $getNodeByKey(key);
        if (!element || !node) continue;
        const suggestion = $suggestionOf(node);
        if (suggestion) {
          element.dataset.suggestion = suggestion.kind;
          element.title = suggestionLabel(suggestion);
        } else if (element.dataset.suggestion) {
          delete element.dataset.suggestion;
          element.removeAttribute("title");
        }
      }
    });
  });
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

/** The open suggestions, live from the editor, with Godkänn/Avvisa for those who may write. */
function SuggestionsPanel({ editor, canSettle }: { editor: LexicalEditor; canSettle: boolean }) {
  const t = useT();
  const [open, setOpen] = useState<OpenSuggestion[]>([]);
  useEffect(() => {
    const read = () => setOpen(editor.getEditorState().read($openSuggestions));
    read();
    return editor.registerUpdateListener(read);
  }, [editor]);
  const settle = (accept: boolean, id?: string) =>
    editor.update(() => {
      $settleSuggestions(accept, id);
    });
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
 * while `suggesting`, their marks in the text, and the list in `panelContainer` (the rail).
 */
export function SuggestionsPlugin({
  user,
  suggesting,
  editable,
  panelContainer,
}: {
  user: { id: string; name: string };
  suggesting: boolean;
  editable: boolean;
  panelContainer: HTMLElement | null;
}) {
  const t = useT();
  const [editor] = useLexicalComposerContext();
  const [refused, setRefused] = useState(0);
  const noticeTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => registerMarks(editor), [editor]);
  useEffect(() => {
    if (!editable) return;
    const suggester: Suggester | null = suggesting
      ? { authorId: user.id, authorName: user.name, newId, now: () => new Date() }
      : null;
    return registerSuggesting(editor, suggester, () => {
      setRefused((n) => n + 1);
      clearTimeout(noticeTimer.current);
      noticeTimer.current = setTimeout(() => setRefused(0), 8_000);
    });
  }, [editor, editable, suggesting, user.id, user.name]);
  useEffect(() => () => clearTimeout(noticeTimer.current), []);

  return (
    <>
      <p className="suggestions-notice" role="status" data-testid="suggestions-notice">
        {suggesting && refused > 0 ? t("suggestions.onlyText") : ""}
      </p>
      {panelContainer &&
        createPortal(<SuggestionsPanel editor={editor} canSettle={editable} />, panelContainer)}
    </>
  );
}
