import type { LexicalEditor } from "lexical";
import type { Suggester } from "../../common/suggestions";
import type { SessionUser } from "../../server/auth/sessions";
import { bindHeadlessEditor } from "../../server/collab/headless";
import { type CollabClient, collabClient } from "./collab-client";
import type { TestServer } from "./server";

/**
 * A co-editing client with a headless Lexical editor bound to its Y.Doc, as the browser's editor
 * is: `update` makes a Lexical edit that the provider sends like any other.
 */
export interface LexicalClient extends CollabClient {
  editor: LexicalEditor;
  update(change: () => void): void;
  read<T>(read: () => T): T;
}

export async function lexicalClient(
  server: Pick<TestServer, "url">,
  email: string,
  documentId: string,
): Promise<LexicalClient> {
  const client = await collabClient(server, email, documentId);
  // Bound before the server's state arrives, so the editor receives it as a change.
  const session = bindHeadlessEditor(client.doc, { asEditor: true });
  const { editor } = session;
  return {
    ...client,
    editor,
    update: (change) => editor.update(change, { discrete: true }),
    read: (read) => editor.getEditorState().read(read),
    close() {
      session.close();
      client.close();
    },
  };
}

/** `user` suggesting, with ids "<prefix>-1", "<prefix>-2" … */
export function suggesterOf(user: Pick<SessionUser, "userId" | "name">, prefix = "s"): Suggester {
  let next = 0;
  return {
    authorId: user.userId,
    authorName: user.name,
    newId: () => `${prefix}-${++next}`,
    now: () => new Date(),
  };
}
