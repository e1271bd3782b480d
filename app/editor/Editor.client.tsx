import { $createLinkNode, $isLinkNode, TOGGLE_LINK_COMMAND } from "@lexical/link";
import {
  $isListNode,
  INSERT_CHECK_LIST_COMMAND,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  ListNode,
  REMOVE_LIST_COMMAND,
} from "@lexical/list";
import { CheckListPlugin } from "@lexical/react/LexicalCheckListPlugin";
import { LexicalCollaboration } from "@lexical/react/LexicalCollaborationContext";
import { CollaborationPlugin } from "@lexical/react/LexicalCollaborationPlugin";
import { type InitialConfigType, LexicalComposer } from "@lexical/react/LexicalComposer";
import { useLexicalComposerContext } from "@lexical/react/LexicalComposerContext";
import { ContentEditable } from "@lexical/react/LexicalContentEditable";
import { LexicalErrorBoundary } from "@lexical/react/LexicalErrorBoundary";
import { LinkPlugin } from "@lexical/react/LexicalLinkPlugin";
import { ListPlugin } from "@lexical/react/LexicalListPlugin";
import { RichTextPlugin } from "@lexical/react/LexicalRichTextPlugin";
import { TablePlugin } from "@lexical/react/LexicalTablePlugin";
import {
  $createHeadingNode,
  $createQuoteNode,
  $isHeadingNode,
  $isQuoteNode,
} from "@lexical/rich-text";
import { $setBlocksType } from "@lexical/selection";
import { INSERT_TABLE_COMMAND } from "@lexical/table";
import { $findMatchingParent, $getNearestNodeOfType, mergeRegister } from "@lexical/utils";
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isRangeSelection,
  $isRootOrShadowRoot,
  CAN_REDO_COMMAND,
  CAN_UNDO_COMMAND,
  COMMAND_PRIORITY_LOW,
  FORMAT_TEXT_COMMAND,
  type LexicalEditor,
  REDO_COMMAND,
  type TextFormatType,
  UNDO_COMMAND,
} from "lexical";
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from "react";
import * as Y from "yjs";
import type { DocumentPerson, PeoplePayload, StatusPayload } from "../../common/collab-protocol";
import { cursorColor } from "../../common/cursor-color";
import {
  COLLAB_ROOT_ID,
  EDITOR_NAMESPACE,
  EDITOR_NODES,
  isAllowedLinkUrl,
} from "../../common/editor-nodes";
import { useT } from "../utils/i18n";
import { getSocket } from "../utils/realtime.client";
import {
  type AnchoredThread,
  type CommentDraft,
  CommentsPlugin,
  useCommentOnSelection,
} from "./CommentsPlugin";
import { ContentRulesPlugin } from "./ContentRulesPlugin";
import { LeaveGuard } from "./LeaveGuard";
import {
  asLexicalProvider,
  CONTENT_ERRORS,
  type SaveState,
  SocketIoProvider,
} from "./provider.client";
import { SuggestionsPlugin } from "./SuggestionsPlugin";

export interface EditorProps {
  documentId: string;
  /** The id of the page's h1: the editor's accessible name. */
  titleId: string;
  user: { id: string; name: string };
  /** Role allows writing and the document is not adopted; the server's join answer also counts. */
  writable: boolean;
  /** Shown until the server's state is in the editor (the server-rendered HTML). */
  fallback: ReactNode;
  onSaveState: (state: SaveState, error: string | undefined) => void;
  /** Everyone in the document now, or null while disconnected. */
  onPeople: (people: DocumentPerson[] | null) => void;
  /** Someone adopted the document while it was open here. */
  onFrozen: () => void;
  /** Where the list of suggested changes goes (in the rail). */
  suggestionsContainer: HTMLElement | null;
  /** The document's comment threads, shown in the text; "Kommentera" for those who may comment. */
  comments: {
    threads: AnchoredThread[];
    activeThreadId: string | null;
    selectRequest: { threadId: string } | null;
    canComment: boolean;
    onComment: (draft: CommentDraft | null) => void;
  };
}

/** "Kommentera" on the selection (Ctrl+Alt+M in the text does the same). */
function CommentButton({
  doc,
  onComment,
}: {
  doc: Y.Doc | null;
  onComment: (draft: CommentDraft | null) => void;
}) {
  const t = useT();
  const comment = useCommentOnSelection(doc, onComment);
  return (
    <button
      type="button"
      className="toolbar-button toolbar-text-button"
      title={t("comments.commentHint")}
      aria-keyshortcuts="Control+Alt+M"
      onClick={comment}
    >
      {t("comments.comment")}
    </button>
  );
}

type ContentRefusal = "personal_data" | "invalid_content";

/** Why the last edit was refused for its content; the editor now shows the server's state. */
function ContentRefusedAlert({ refusal }: { refusal: ContentRefusal }) {
  const t = useT();
  return (
    <div className="editor-alert" role="alert" data-testid="editor-content-refused">
      <p>
        <strong>{t("editor.contentRefused")}</strong>
      </p>
      <p>
        {t(refusal === "personal_data" ? "editor.personalDataHelp" : "editor.invalidContentHelp")}
      </p>
    </div>
  );
}

// Classes only where tags alone cannot show it (underline, the check list's states); the same CSS
// styles the server-rendered HTML by tag.
const THEME: InitialConfigType["theme"] = {
  paragraph: "editor-paragraph",
  quote: "editor-quote",
  link: "editor-link",
  text: {
    bold: "editor-bold",
    italic: "editor-italic",
    underline: "editor-underline",
  },
  list: {
    ul: "editor-ul",
    ol: "editor-ol",
    checklist: "editor-checklist",
    listitem: "editor-listitem",
    listitemChecked: "editor-listitem-checked",
    listitemUnchecked: "editor-listitem-unchecked",
    nested: { listitem: "editor-nested-listitem" },
  },
  table: "editor-table",
  tableCell: "editor-table-cell",
  tableCellHeader: "editor-table-cell-header",
};

// A document's headings start at h2: the page's one h1 is the document's title.
type BlockType = "paragraph" | "h2" | "h3" | "h4" | "quote";
type ListType = "bullet" | "number" | "check" | null;

interface ToolbarState {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  block: BlockType;
  list: ListType;
  link: boolean;
}

const EMPTY_STATE: ToolbarState = {
  bold: false,
  italic: false,
  underline: false,
  block: "paragraph",
  list: null,
  link: false,
};

/** What the selection is in now, for aria-pressed and the block select. */
function readToolbarState(editor: LexicalEditor): ToolbarState {
  return editor.getEditorState().read(() => {
    const selection = $getSelection();
    if (!$isRangeSelection(selection)) return EMPTY_STATE;
    const anchor = selection.anchor.getNode();
    const element =
      anchor.getKey() === "root"
        ? anchor
        : ($findMatchingParent(anchor, (node) => {
            const parent = node.getParent();
            return parent !== null && $isRootOrShadowRoot(parent);
          }) ?? anchor.getTopLevelElementOrThrow());
    let block: BlockType = "paragraph";
    let list: ListType = null;
    if ($isListNode(element)) {
      list = ($getNearestNodeOfType(anchor, ListNode) ?? element).getListType();
    } else if ($isHeadingNode(element)) {
      const tag = element.getTag();
      // An h1 from before headings started at h2 shows as the top level.
      block =
        tag === "h1" ? "h2" : tag === "h2" || tag === "h3" || tag === "h4" ? tag : "paragraph";
    } else if ($isQuoteNode(element)) {
      block = "quote";
    }
    return {
      bold: selection.hasFormat("bold"),
      italic: selection.hasFormat("italic"),
      underline: selection.hasFormat("underline"),
      block,
      list,
      link: $isLinkNode(anchor) || $isLinkNode(anchor.getParent()),
    };
  });
}

/** Keyboard shortcuts Lexical handles itself, named in the button's title and aria-keyshortcuts. */
const SHORTCUTS = {
  bold: { keys: "Ctrl+B", mac: "⌘B", aria: "Control+B Meta+B" },
  italic: { keys: "Ctrl+I", mac: "⌘I", aria: "Control+I Meta+I" },
  underline: { keys: "Ctrl+U", mac: "⌘U", aria: "Control+U Meta+U" },
  undo: { keys: "Ctrl+Z", mac: "⌘Z", aria: "Control+Z Meta+Z" },
  redo: { keys: "Ctrl+Shift+Z", mac: "⌘⇧Z", aria: "Control+Shift+Z Meta+Shift+Z" },
};

// Where CollaborationPlugin publishes its Yjs UndoManager on the editor (a Symbol.for key, for tooling).
const COLLAB_UNDO_MANAGER = Symbol.for("@lexical/yjs/UndoManager");

/**
 * Yjs merges edits less than 500 ms apart into one undo step; a toolbar action (a heading, a
 * list, a table) gets a step of its own, so "Ångra" takes back just that.
 */
function separateUndoStep(editor: LexicalEditor) {
  (editor as unknown as Record<symbol, Y.UndoManager | undefined>)[
    COLLAB_UNDO_MANAGER
  ]?.stopCapturing();
}

function ToolbarButton({
  label,
  shortcut,
  pressed,
  disabled,
  onClick,
  children,
}: {
  label: string;
  shortcut?: keyof typeof SHORTCUTS;
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  const t = useT();
  const keys = shortcut && SHORTCUTS[shortcut];
  return (
    <button
      type="button"
      className="toolbar-button"
      title={keys ? t("editor.shortcut", { label, keys: keys.keys, macKeys: keys.mac }) : label}
      aria-keyshortcuts={keys?.aria}
      aria-pressed={pressed}
      disabled={disabled}
      // Keeps the caret (and its selection) in the text when the button is clicked.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      {/* The name is the word; the symbol is only for the eye. */}
      <span aria-hidden="true">{children}</span>
      <span className="visually-hidden">{label}</span>
    </button>
  );
}

/** The link form: inline, no prompt(); inserts the address as text when nothing is selected. */
function LinkForm({ editor, onClose }: { editor: LexicalEditor; onClose: () => void }) {
  const t = useT();
  const id = useId();
  const [url, setUrl] = useState("https://");
  const [invalid, setInvalid] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);

  const insert = () => {
    const address = url.trim();
    if (!isAllowedLinkUrl(address)) {
      setInvalid(true);
      inputRef.current?.focus();
      return;
    }
    separateUndoStep(editor);
    const collapsed = editor.getEditorState().read(() => {
      const selection = $getSelection();
      return !$isRangeSelection(selection) || selection.isCollapsed();
    });
    if (collapsed) {
      editor.update(() => {
        let selection = $getSelection();
        if (!$isRangeSelection(selection)) {
          $getRoot().selectEnd();
          selection = $getSelection();
        }
        if ($isRangeSelection(selection))
          selection.insertNodes([$createLinkNode(address).append($createTextNode(address))]);
      });
    } else {
      editor.dispatchCommand(TOGGLE_LINK_COMMAND, address);
    }
    onClose();
  };
  const cancel = () => onClose();

  return (
    // biome-ignore lint/a11y/useSemanticElements: a <fieldset> would need a <form>, and a form cannot sit in the toolbar
    <div className="link-form" role="group" aria-label={t("editor.link")}>
      <label htmlFor={`${id}-url`}>{t("editor.linkUrl")}</label>
      {invalid && (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {t("editor.linkInvalid")}
        </p>
      )}
      <input
        ref={inputRef}
        id={`${id}-url`}
        type="url"
        value={url}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onChange={(event) => {
          setUrl(event.target.value);
          setInvalid(false);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            insert();
          } else if (event.key === "Escape") {
            event.preventDefault();
            cancel();
          }
        }}
      />
      <button type="button" className="button" onClick={insert}>
        {t("editor.linkInsert")}
      </button>
      <button type="button" className="button button-secondary" onClick={cancel}>
        {t("editor.linkCancel")}
      </button>
    </div>
  );
}

/**
 * `children`: shown under the buttons, in the part that stays in view while scrolling; `extra`:
 * buttons at the end of the toolbar.
 */
function Toolbar({
  children,
  extra,
  locked,
}: {
  children?: ReactNode;
  extra?: ReactNode;
  /** Suggesting changes: formats, blocks, lists, links and tables are not suggestions. */
  locked: boolean;
}) {
  const t = useT();
  const [editor] = useLexicalComposerContext();
  const [state, setState] = useState<ToolbarState>(EMPTY_STATE);
  const [canUndo, setCanUndo] = useState(false);
  const [canRedo, setCanRedo] = useState(false);
  const [linkOpen, setLinkOpen] = useState(false);

  useEffect(
    () =>
      mergeRegister(
        editor.registerUpdateListener(() => setState(readToolbarState(editor))),
        editor.registerCommand(
          CAN_UNDO_COMMAND,
          (payload) => {
            setCanUndo(payload);
            return false;
          },
          COMMAND_PRIORITY_LOW,
        ),
        editor.registerCommand(
          CAN_REDO_COMMAND,
          (payload) => {
            setCanRedo(payload);
            return false;
          },
          COMMAND_PRIORITY_LOW,
        ),
      ),
    [editor],
  );

  const format = (type: TextFormatType) => editor.dispatchCommand(FORMAT_TEXT_COMMAND, type);
  const setBlock = (block: BlockType) => {
    separateUndoStep(editor);
    editor.update(() => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return;
      $setBlocksType(selection, () =>
        block === "paragraph"
          ? $createParagraphNode()
          : block === "quote"
            ? $createQuoteNode()
            : $createHeadingNode(block),
      );
    });
  };
  const toggleList = (type: Exclude<ListType, null>) => {
    separateUndoStep(editor);
    if (state.list === type) editor.dispatchCommand(REMOVE_LIST_COMMAND, undefined);
    else if (type === "bullet") editor.dispatchCommand(INSERT_UNORDERED_LIST_COMMAND, undefined);
    else if (type === "number") editor.dispatchCommand(INSERT_ORDERED_LIST_COMMAND, undefined);
    else editor.dispatchCommand(INSERT_CHECK_LIST_COMMAND, undefined);
  };
  const closeLink = useCallback(() => {
    setLinkOpen(false);
    editor.focus();
  }, [editor]);

  return (
    <div className="editor-toolbar-wrap">
      <div className="editor-toolbar" role="toolbar" aria-label={t("editor.toolbar")}>
        <ToolbarButton
          label={t("editor.bold")}
          disabled={locked}
          shortcut="bold"
          pressed={state.bold}
          onClick={() => format("bold")}
        >
          <b>B</b>
        </ToolbarButton>
        <ToolbarButton
          label={t("editor.italic")}
          disabled={locked}
          shortcut="italic"
          pressed={state.italic}
          onClick={() => format("italic")}
        >
          <i>I</i>
        </ToolbarButton>
        <ToolbarButton
          label={t("editor.underline")}
          disabled={locked}
          shortcut="underline"
          pressed={state.underline}
          onClick={() => format("underline")}
        >
          <u>U</u>
        </ToolbarButton>
        <label className="visually-hidden" htmlFor="editor-block-type">
          {t("editor.blockType")}
        </label>
        <select
          id="editor-block-type"
          className="toolbar-select"
          value={state.block}
          title={t("editor.blockType")}
          disabled={locked}
          onChange={(event) => setBlock(event.target.value as BlockType)}
        >
          <option value="paragraph">{t("editor.paragraph")}</option>
          <option value="h2">{t("editor.heading1")}</option>
          <option value="h3">{t("editor.heading2")}</option>
          <option value="h4">{t("editor.heading3")}</option>
          <option value="quote">{t("editor.quote")}</option>
        </select>
        <ToolbarButton
          label={t("editor.bullet")}
          disabled={locked}
          pressed={state.list === "bullet"}
          onClick={() => toggleList("bullet")}
        >
          •≡
        </ToolbarButton>
        <ToolbarButton
          label={t("editor.number")}
          disabled={locked}
          pressed={state.list === "number"}
          onClick={() => toggleList("number")}
        >
          1.≡
        </ToolbarButton>
        <ToolbarButton
          label={t("editor.check")}
          disabled={locked}
          pressed={state.list === "check"}
          onClick={() => toggleList("check")}
        >
          ☑
        </ToolbarButton>
        {state.link ? (
          <ToolbarButton
            label={t("editor.linkRemove")}
            disabled={locked}
            onClick={() => editor.dispatchCommand(TOGGLE_LINK_COMMAND, null)}
          >
            {t("editor.link")} ✕
          </ToolbarButton>
        ) : (
          <ToolbarButton
            label={t("editor.link")}
            disabled={locked}
            pressed={linkOpen}
            onClick={() => setLinkOpen((open) => !open)}
          >
            {t("editor.link")}
          </ToolbarButton>
        )}
        <ToolbarButton
          label={t("editor.table")}
          disabled={locked}
          onClick={() => {
            separateUndoStep(editor);
            editor.dispatchCommand(INSERT_TABLE_COMMAND, {
              columns: "3",
              rows: "3",
              includeHeaders: { rows: true, columns: false },
            });
          }}
        >
          ⊞
        </ToolbarButton>
        <ToolbarButton
          label={t("editor.undo")}
          shortcut="undo"
          disabled={!canUndo}
          onClick={() => editor.dispatchCommand(UNDO_COMMAND, undefined)}
        >
          ↶
        </ToolbarButton>
        <ToolbarButton
          label={t("editor.redo")}
          shortcut="redo"
          disabled={!canRedo}
          onClick={() => editor.dispatchCommand(REDO_COMMAND, undefined)}
        >
          ↷
        </ToolbarButton>
        {extra}
      </div>
      {linkOpen && <LinkForm editor={editor} onClose={closeLink} />}
      {children}
    </div>
  );
}

type SizeError = "too_large" | "document_too_large";
const isSizeError = (code: string): code is SizeError =>
  code === "too_large" || code === "document_too_large";

/**
 * Why nothing is being saved after a size refusal, and what to do. The provider holds every edit
 * until the paste is undone; it stays until everything is saved again.
 */
function TooLargeAlert({ error }: { error: SizeError }) {
  const t = useT();
  const [title, help] =
    error === "too_large"
      ? (["editor.tooLarge", "editor.tooLargeHelp"] as const)
      : (["editor.documentFull", "editor.documentFullHelp"] as const);
  return (
    <div className="editor-alert" role="alert" data-testid="editor-too-large">
      <p>
        <strong>{t(title)}</strong>
      </p>
      <p>{t(help)}</p>
    </div>
  );
}

function CollaborativeEditor(
  props: EditorProps & {
    refusal: ContentRefusal | null;
    /** The server refused the content: the editor starts again from the server's state. */
    onContentRefused: (code: ContentRefusal) => void;
  },
) {
  const { documentId, titleId, user, writable, fallback } = props;
  const t = useT();
  const [editor] = useLexicalComposerContext();
  const [provider, setProvider] = useState<SocketIoProvider | null>(null);
  const [synced, setSynced] = useState(false);
  // Until the server answers the join, the page's own answer (role, status) decides.
  const [serverWritable, setServerWritable] = useState(true);
  const [sizeError, setSizeError] = useState<SizeError | null>(null);
  const editable = writable && serverWritable;
  // "Föreslå ändringar": what this person types and deletes becomes suggestions.
  const [suggesting, setSuggesting] = useState(false);
  const cursorsRef = useRef<HTMLDivElement>(null);
  const markersRef = useRef<HTMLDivElement>(null);
  const { comments } = props;
  const commentButton = comments.canComment && synced && (
    <CommentButton doc={provider?.doc ?? null} onComment={comments.onComment} />
  );
  // The page's callbacks change identity on every render; the subscriptions below must not.
  const callbacks = useRef(props);
  callbacks.current = props;

  useEffect(() => editor.setEditable(editable), [editor, editable]);

  // CollaborationPlugin calls this once per mount (later identities are ignored), so it reads
  // nothing that can change. Every mount gets a fresh Y.Doc: a binding must start from an empty
  // document and take the server's state through the sync.
  const providerFactory = useCallback(
    (id: string, yjsDocMap: Map<string, Y.Doc>) => {
      const doc = new Y.Doc();
      yjsDocMap.set(id, doc);
      const created = new SocketIoProvider(getSocket(user.id), documentId, doc);
      setProvider(created);
      return asLexicalProvider(created);
    },
    [documentId, user.id],
  );

  useEffect(() => {
    if (!provider) return;
    let lastError: string | undefined;
    const report = () => {
      const state = provider.saveState;
      if (state === "saved") {
        lastError = undefined;
        setSizeError(null);
      }
      callbacks.current.onSaveState(state, lastError);
    };
    const onError = (code: string) => {
      lastError = code;
      if (CONTENT_ERRORS.has(code)) {
        callbacks.current.onContentRefused(code as ContentRefusal);
        return;
      }
      if (isSizeError(code)) setSizeError(code);
      report();
    };
    const onSync = () => {
      setSynced(true);
      report();
    };
    const onWritable = (value: boolean) => setServerWritable(value);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!provider.writable || provider.saveState === "saved") return;
      event.preventDefault();
      // Older browsers show the dialog only when returnValue is set.
      event.returnValue = "";
    };
    provider.on("save-state", report);
    provider.on("error", onError);
    provider.on("sync", onSync);
    provider.on("writable", onWritable);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      provider.off("save-state", report);
      provider.off("error", onError);
      provider.off("sync", onSync);
      provider.off("writable", onWritable);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [provider]);

  useEffect(() => {
    const socket = getSocket(user.id);
    const onPeople = (payload: PeoplePayload) => {
      if (payload.documentId === documentId) callbacks.current.onPeople(payload.people);
    };
    const onStatus = (payload: StatusPayload) => {
      if (payload.documentId === documentId && payload.frozen) callbacks.current.onFrozen();
    };
    const onDisconnect = () => callbacks.current.onPeople(null);
    socket.on("collab:people", onPeople);
    socket.on("collab:status", onStatus);
    socket.on("disconnect", onDisconnect);
    return () => {
      socket.off("collab:people", onPeople);
      socket.off("collab:status", onStatus);
      socket.off("disconnect", onDisconnect);
    };
  }, [documentId, user.id]);

  return (
    <>
      {provider && <LeaveGuard provider={provider} />}
      {synced && editable && (
        // In the toolbar, which stays in view: after a long paste the caret is far below.
        <Toolbar
          locked={suggesting}
          extra={
            <>
              <button
                type="button"
                className="toolbar-button toolbar-text-button"
                aria-pressed={suggesting}
                title={t("suggestions.modeHint")}
                data-testid="suggest-toggle"
                // Keeps the caret in the text, so typing goes on in the new mode.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => setSuggesting((on) => !on)}
              >
                {t("suggestions.mode")}
              </button>
              {suggesting && (
                <span className="suggesting-mode" data-testid="suggesting-mode">
                  {t("suggestions.modeOn")}
                </span>
              )}
              {commentButton}
            </>
          }
        >
          {sizeError && <TooLargeAlert error={sizeError} />}
          {props.refusal && <ContentRefusedAlert refusal={props.refusal} />}
        </Toolbar>
      )}
      {synced && !editable && commentButton && (
        <div className="editor-toolbar-wrap">
          <div className="editor-toolbar" role="toolbar" aria-label={t("editor.toolbar")}>
            {commentButton}
          </div>
        </div>
      )}
      {!synced && fallback}
      <div className="editor-surface" hidden={!synced}>
        <div ref={cursorsRef} className="editor-cursors" data-testid="editor-cursors" />
        <div ref={markersRef} className="comment-markers" aria-hidden="true" />
        <CommentsPlugin
          doc={provider?.doc ?? null}
          threads={comments.threads}
          activeThreadId={comments.activeThreadId}
          selectRequest={comments.selectRequest}
          markersRef={markersRef}
          onComment={comments.onComment}
        />
        {editable && <ContentRulesPlugin />}
        <SuggestionsPlugin
          doc={provider?.doc ?? null}
          user={user}
          suggesting={suggesting && editable}
          editable={editable}
          panelContainer={synced ? props.suggestionsContainer : null}
        />
        <RichTextPlugin
          contentEditable={
            <ContentEditable
              className="document-content editor-input"
              ariaLabelledBy={titleId}
              ariaMultiline
              data-testid="document-editor"
            />
          }
          ErrorBoundary={LexicalErrorBoundary}
        />
      </div>
      <ListPlugin />
      <CheckListPlugin />
      <LinkPlugin validateUrl={isAllowedLinkUrl} />
      {/* Tab leaves the editor (no TabIndentation, no Tab between cells): no keyboard trap. */}
      <TablePlugin hasTabHandler={false} />
      <CollaborationPlugin
        id={COLLAB_ROOT_ID}
        providerFactory={providerFactory}
        shouldBootstrap={false}
        username={user.name}
        cursorColor={cursorColor(user.id)}
        cursorsContainerRef={cursorsRef}
      />
    </>
  );
}

/**
 * The co-editing editor (browser only: Lexical's collaboration code needs `window`). Content
 * comes only from the server's Yjs state; undo and redo come from the plugin's Yjs UndoManager,
 * which undoes only this person's own edits.
 */
export default function Editor(props: EditorProps) {
  // A new editor (a new Y.Doc) after a content refusal: the refused edit is never sent again.
  const [generation, setGeneration] = useState(0);
  const [refusal, setRefusal] = useState<ContentRefusal | null>(null);
  const onContentRefused = useCallback((code: ContentRefusal) => {
    setRefusal(code);
    setGeneration((n) => n + 1);
  }, []);
  const [initialConfig] = useState<InitialConfigType>(() => ({
    namespace: EDITOR_NAMESPACE,
    nodes: EDITOR_NODES,
    // The Yjs binding fills the editor; any initial state here would be a second, local copy.
    editorState: null,
    editable: props.writable,
    theme: THEME,
    onError: (error) => console.error(error),
  }));
  return (
    <LexicalCollaboration>
      <LexicalComposer key={generation} initialConfig={initialConfig}>
        <CollaborativeEditor {...props} refusal={refusal} onContentRefused={onContentRefused} />
      </LexicalComposer>
    </LexicalCollaboration>
  );
}
