import * as Y from "yjs";
import type { DB } from "../../db";
import { storedDoc } from "./collab-wire";

/** A writer's copy of a document at Yjs level, making updates the way Lexical's binding does. */
export class DocumentWriter {
  private constructor(readonly doc: Y.Doc) {}

  /** Starts from what the database of `owner` (a test server or cluster) holds. */
  static async of(owner: { database: { db: DB } }, documentId: string) {
    return new DocumentWriter(await storedDoc(owner.database.db, documentId));
  }

  get root() {
    return this.doc.get("root", Y.XmlText);
  }

  /** Makes a change and returns it as one update (applied here too, like an editor's own edit). */
  edit(change: (root: Y.XmlText) => void): Uint8Array {
    const before = Y.encodeStateVector(this.doc);
    change(this.root);
    return Y.encodeStateAsUpdate(this.doc, before);
  }

  static paragraph(text: string, textProperties: Record<string, unknown> = {}) {
    const paragraph = new Y.XmlText();
    paragraph.setAttribute("__type", "paragraph");
    paragraph.insertEmbed(0, DocumentWriter.text(textProperties));
    paragraph.insert(1, text);
    return paragraph;
  }

  static text(properties: Record<string, unknown> = {}) {
    const map = new Y.Map<unknown>();
    const all = { __type: "text", __format: 0, __style: "", __mode: 0, __detail: 0, ...properties };
    for (const [key, value] of Object.entries(all)) map.set(key, value);
    return map;
  }
}
