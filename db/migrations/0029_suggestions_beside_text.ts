import type { Kysely } from "kysely";
import * as Y from "yjs";
import { suggestionsIn, suggestionsInJson } from "../../common/suggestions";
import { renderState, updateToContent } from "../../server/collab/headless";
import { appendUpdate, loadState } from "../../server/collab/store";
import type { Executor } from "..";

/**
 * Suggested changes once were marks on text nodes; they are now named in each document's map of
 * suggestions (docs/decisions/0033). A document still holding marks gets one server update that
 * takes them off and names the same characters in the map, with the same ids, authors and times,
 * so editors show them and anyone who may write can settle them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const executor = db as unknown as Executor;
  const documents = await db.selectFrom("documents").select("id").execute();
  for (const { id } of documents) {
    const stored = await loadState(executor, id);
    if (!stored) continue;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.state);
    const inMap = suggestionsIn(doc).size;
    doc.destroy();
    if (inMap > 0) continue;
    const rendered = renderState(stored.state);
    if (suggestionsInJson(rendered.json.root as never).length === 0) continue;
    await appendUpdate(executor, id, updateToContent(stored.state, rendered.json), null);
  }
}

export async function down(): Promise<void> {
  // The marks are gone from the documents; the map serves the same suggestions.
}
