import { createHeadlessEditor } from "@lexical/headless";
import { withDOM } from "@lexical/headless/dom";
import { $generateHtmlFromNodes } from "@lexical/html";
import {
  type Binding,
  createBinding,
  type Provider,
  syncLexicalUpdateToYjs,
  syncYjsChangesToLexical,
} from "@lexical/yjs";
import {
  $createParagraphNode,
  $getRoot,
  COLLABORATION_TAG,
  type DOMExportOutputMap,
  type LexicalEditor,
  type LexicalNode,
  type SerializedEditorState,
  SKIP_COLLAB_TAG,
  TextNode,
} from "lexical";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { COLLAB_ROOT_ID, EDITOR_NAMESPACE, EDITOR_NODES } from "../../common/editor-nodes";
import {
  $markSuggestions,
  $suggestionOf,
  restoreSuggestions,
  suggestionLabel,
  withoutMarks,
} from "../../common/suggestions";
import { repairToSchema, withinSchema } from "./content-guard";
import { safeHtml } from "./safe-html";

export { COLLAB_ROOT_ID };

/** Headless editors never connect anywhere; the binding only needs the provider's shape. */
function offlineProvider(doc: Y.Doc): Provider {
  const awareness = new Awareness(doc);
  return {
    awareness: awareness as unknown as Provider["awareness"],
    connect() {},
    disconnect() {},
    on() {},
    off() {},
  };
}

interface HeadlessSession {
  editor: LexicalEditor;
  doc: Y.Doc;
  binding: Binding;
}

/** Text marked as a suggestion is exported inside <ins> or <del>, with who and when. */
const SUGGESTION_HTML: DOMExportOutputMap = new Map([
  [
    TextNode,
    (editor: LexicalEditor, node: LexicalNode) => {
      const output = node.exportDOM(editor);
      const suggestion = $suggestionOf(node);
      if (!suggestion || !output.element) return output;
      const wrapper = document.createElement(suggestion.kind === "insert" ? "ins" : "del");
      wrapper.setAttribute("title", suggestionLabel(suggestion));
      wrapper.append(output.element);
      return { ...output, element: wrapper };
    },
  ],
]);

/**
 * A headless Lexical editor bound to `doc` both ways, like the browser's: Yjs changes flow into
 * Lexical, Lexical updates flow into Yjs. `close` unbinds it (the doc is left as it is).
 * `asEditor`: also send back what Lexical normalises after a change from Yjs (adjacent text
 * nodes merged), as the browser's editor does; a rendering sends nothing anywhere and skips it.
 */
export function bindHeadlessEditor(
  doc: Y.Doc,
  { asEditor = false } = {},
): HeadlessSession & { close: () => void } {
  const editor = createHeadlessEditor({
    namespace: EDITOR_NAMESPACE,
    nodes: EDITOR_NODES,
    html: { export: SUGGESTION_HTML },
    onError: (error) => {
      throw error;
    },
  });
  const docMap = new Map([[COLLAB_ROOT_ID, doc]]);
  const provider = offlineProvider(doc);
  const binding = createBinding(editor, provider, COLLAB_ROOT_ID, doc, docMap);
  const root = binding.root.getSharedType();
  const onYjsChange = (events: Y.YEvent<Y.XmlText>[], transaction: Y.Transaction) => {
    if (transaction.origin !== binding) syncYjsChangesToLexical(binding, provider, events, false);
  };
  root.observeDeep(onYjsChange as never);
  const removeListener = editor.registerUpdateListener(
    ({ prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags }) => {
      if (asEditor ? !tags.has(SKIP_COLLAB_TAG) : !tags.has(COLLABORATION_TAG)) {
        syncLexicalUpdateToYjs(
          binding,
          provider,
          prevEditorState,
          editorState,
          dirtyElements,
          dirtyLeaves,
          normalizedNodes,
          tags,
        );
      }
    },
  );
  const close = () => {
    removeListener();
    root.unobserveDeep(onYjsChange as never);
  };
  return { editor, doc, binding, close };
}

/** A headless editor on a fresh Y.Doc holding `state` (a Yjs update), for the length of `work`. */
function withHeadlessSession<T>(
  state: Uint8Array | null,
  work: (session: HeadlessSession) => T,
): T {
  const doc = new Y.Doc();
  const session = bindHeadlessEditor(doc);
  try {
    if (state) {
      // Content stored before the server checked it may be outside the schema: it is left out
      // (Lexical would throw on an unknown node, and nothing else belongs in the HTML).
      Y.applyUpdate(doc, withinSchema(state));
      // Yjs → Lexical queues an editor update; a discrete no-op update commits it now.
      discreteUpdate(session.editor, () => {});
    }
    return work(session);
  } finally {
    session.close();
    doc.destroy();
  }
}

/** Runs `build` as a discrete Lexical update so Yjs receives its result synchronously. */
function discreteUpdate(editor: LexicalEditor, build: () => void) {
  editor.update(build, { discrete: true });
}

/**
 * Replaces the bound editor's content with rendered content: the text as it is, and the
 * suggestions marked in it back in the doc's map of suggestions.
 */
function setContent(editor: LexicalEditor, doc: Y.Doc, content: SerializedEditorState) {
  const { root, marks } = withoutMarks(content.root as never);
  editor.setEditorState(editor.parseEditorState({ ...content, root }), { tag: "restore" });
  restoreSuggestions(doc, marks);
}

/**
 * The first state of a new document, made on the server so no client ever bootstraps content
 * (two clients seeding an empty document both insert). `build` fills the root; by default one
 * empty paragraph. Returns the Yjs state as an update.
 */
export function createInitialState(build?: () => void): Uint8Array {
  return withHeadlessSession(null, ({ editor, doc }) => {
    discreteUpdate(editor, () => {
      const root = $getRoot();
      if (build) build();
      if (root.getChildrenSize() === 0) root.append($createParagraphNode());
    });
    return Y.encodeStateAsUpdate(doc);
  });
}

export interface RenderedDocument {
  json: SerializedEditorState;
  text: string;
  html: string;
}

/** Lexical JSON, plain text and HTML of a stored document, for read-only views, exports and search. */
export function renderState(state: Uint8Array): RenderedDocument {
  return withHeadlessSession(state, ({ editor, doc }) => {
    // The suggestions, as marks on the text they cover (this session's doc is thrown away).
    discreteUpdate(editor, () => $markSuggestions(doc));
    const editorState = editor.getEditorState();
    const text = editorState.read(() => $getRoot().getTextContent());
    const html = withDOM(() => editorState.read(() => $generateHtmlFromNodes(editor, null)));
    return { json: editorState.toJSON(), text, html: safeHtml(html) };
  });
}

/**
 * The Yjs update that turns the current document into the content of `target` (Lexical JSON):
 * an ordinary edit on top of the current history, so open editors receive it as a change and
 * nothing is rebuilt (rebuilding a Y.Doc makes reconnecting clients duplicate everything).
 */
export function updateToContent(current: Uint8Array, target: SerializedEditorState): Uint8Array {
  return withHeadlessSession(current, ({ editor, doc }) => {
    const before = Y.encodeStateVector(doc);
    setContent(editor, doc, target);
    // A version named before content was checked may hold what the schema does not allow.
    repairToSchema(doc);
    return Y.encodeStateAsUpdate(doc, before);
  });
}

/**
 * A fresh Yjs state holding `content` (Lexical JSON). Only for a frozen version, whose state no
 * editor shares: a live document is changed with `updateToContent` instead.
 */
export function stateFromContent(content: SerializedEditorState): Uint8Array {
  return withHeadlessSession(null, ({ editor, doc }) => {
    setContent(editor, doc, content);
    return Y.encodeStateAsUpdate(doc);
  });
}
