import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * Presence (awareness) messages as the server passes them on: only the fields Lexical's cursors
 * use, and the person's name and colour from the server's own knowledge of the socket, never from
 * the client (a member could otherwise appear to the others as "Johan Ek (kommunchef)", or put
 * CSS in the colour Lexical writes into every viewer's cursor style).
 */
export interface CursorOwner {
  name: string;
  color: string;
}

/** A Yjs relative position as JSON (where a cursor stands), rebuilt field by field. */
function position(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object") throw new Error("position");
  const { type, tname, item, assoc } = value as Record<string, unknown>;
  const id = (candidate: unknown) => {
    if (candidate === null || candidate === undefined) return null;
    const { client, clock } = candidate as Record<string, unknown>;
    if (!Number.isSafeInteger(client) || !Number.isSafeInteger(clock)) throw new Error("id");
    return { client, clock };
  };
  if (tname !== null && tname !== undefined && (typeof tname !== "string" || tname.length > 100))
    throw new Error("tname");
  if (assoc !== undefined && !Number.isSafeInteger(assoc)) throw new Error("assoc");
  return { type: id(type), tname: tname ?? null, item: id(item), assoc: assoc ?? 0 };
}

function cursorState(json: string, owner: CursorOwner): string {
  const state: unknown = JSON.parse(json);
  if (state === null) return "null";
  if (typeof state !== "object" || Array.isArray(state)) throw new Error("state");
  const { focusing, anchorPos, focusPos } = state as Record<string, unknown>;
  return JSON.stringify({
    name: owner.name,
    color: owner.color,
    focusing: focusing === true,
    anchorPos: position(anchorPos),
    focusPos: position(focusPos),
    awarenessData: {},
  });
}

/**
 * Re-encodes a y-protocols awareness update for `owner`: each client's state keeps its cursor
 * and loses everything else. `mayUse` says whether the socket may set a client id (one another
 * socket uses is someone else's cursor). Throws when the update is malformed or uses such an id.
 */
export function ownAwarenessUpdate(
  data: Uint8Array,
  owner: CursorOwner,
  mayUse: (clientId: number) => boolean,
): Uint8Array {
  const decoder = decoding.createDecoder(data);
  const encoder = encoding.createEncoder();
  const count = decoding.readVarUint(decoder);
  encoding.writeVarUint(encoder, count);
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    if (!mayUse(clientId)) throw new Error("client id of another socket");
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, cursorState(state, owner));
  }
  if (decoding.hasContent(decoder)) throw new Error("trailing bytes");
  return encoding.toUint8Array(encoder);
}
