import * as Y from "yjs";
import { isStoredSuggestion } from "../../common/suggestions";

/** A value's text: of a suggestion (docs/decisions/0033) its author's name, not its numbers. */
const valueText = (value: unknown) =>
  isStoredSuggestion(value) ? value.authorName : JSON.stringify(value);

/**
 * Every piece of text stored Yjs updates hold, deleted text included (until compaction garbage-
 * collects it), for finding what must not be stored. Each client's strings are joined in the
 * order they were typed, so a number typed one digit per update reads as one number; other
 * values (node properties such as a link's URL) follow on lines of their own. A suggestion's
 * character ids are numbers the client made up, not anything a person wrote: left out.
 */
export function textEverWritten(updates: Uint8Array[]): string {
  if (updates.length === 0) return "";
  const merged = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
  const typed: string[] = [];
  const values: string[] = [];
  let client: number | undefined;
  for (const struct of Y.decodeUpdate(merged).structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (struct.id.client !== client) typed.push("\n");
    client = struct.id.client;
    const content = struct.content;
    if (content instanceof Y.ContentString) typed.push(content.str);
    else if (content instanceof Y.ContentAny) values.push(...content.arr.map(valueText));
    else if (content instanceof Y.ContentFormat) values.push(JSON.stringify(content.value));
    else if (content instanceof Y.ContentEmbed) values.push(JSON.stringify(content.embed));
  }
  return `${typed.join("")}\n${values.join("\n")}`;
}
