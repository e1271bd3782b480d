import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { CURSOR_BROADCAST_MS, DocumentCursors } from "./cursors";

const clients = new Map<number, Awareness>();

/** A client's awareness update setting its cursor state (each a newer clock than its last). */
function cursorOf(clientId: number, state: Record<string, unknown>): Uint8Array {
  let awareness = clients.get(clientId);
  if (!awareness) {
    const doc = new Y.Doc();
    doc.clientID = clientId;
    awareness = new Awareness(doc);
    clients.set(clientId, awareness);
  }
  awareness.setLocalState(state);
  return encodeAwarenessUpdate(awareness, [clientId]);
}

/** What an editor sees after applying what was sent. */
function seenBy(sent: { update: Uint8Array }[]) {
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalState(null);
  for (const { update } of sent) applyAwarenessUpdate(awareness, update, "server");
  return awareness.getStates();
}

function cursorsSending() {
  for (const awareness of clients.values()) awareness.destroy();
  clients.clear();
  const sent: { update: Uint8Array; except?: string }[] = [];
  const cursors = new DocumentCursors(new Y.Doc(), (update, except) =>
    sent.push({ update, except }),
  );
  return { cursors, sent };
}

describe("DocumentCursors", () => {
  it("sends a change after a quiet spell at once, to everyone but its sender", () => {
    const { cursors, sent } = cursorsSending();
    cursors.set("socket-a", cursorOf(1, { name: "Anna" }));
    expect(sent).toHaveLength(1);
    expect(sent[0].except).toBe("socket-a");
    expect(seenBy(sent).get(1)).toEqual({ name: "Anna" });
    cursors.destroy();
  });

  it("gathers the changes of a burst of joins into one update with the latest states", async () => {
    const { cursors, sent } = cursorsSending();
    cursors.set("socket-a", cursorOf(1, { name: "Anna" }));
    for (let i = 2; i <= 50; i++) cursors.set(`socket-${i}`, cursorOf(i, { name: `Person ${i}` }));
    cursors.set("socket-a", cursorOf(1, { name: "Anna", anchorPos: 3 }));
    expect(sent).toHaveLength(1);

    await sleep(CURSOR_BROADCAST_MS * 2);
    expect(sent).toHaveLength(2);
    // From many sockets: everyone gets it (each sender's own state back is ignored by y-protocols).
    expect(sent[1].except).toBeUndefined();
    const seen = seenBy(sent);
    expect(seen.size).toBe(50);
    expect(seen.get(1)).toEqual({ name: "Anna", anchorPos: 3 });
    cursors.destroy();
  });

  it("removes a socket's cursors for the others when it leaves, and knows whose ids are whose", async () => {
    const { cursors, sent } = cursorsSending();
    cursors.set("socket-a", cursorOf(1, { name: "Anna" }));
    expect(cursors.mayUseClientId("socket-b", 1)).toBe(false);
    expect(cursors.mayUseClientId("socket-a", 1)).toBe(true);
    expect(cursors.all()).toBeDefined();

    cursors.remove("socket-a");
    await sleep(CURSOR_BROADCAST_MS * 2);
    expect(sent).toHaveLength(2);
    expect(seenBy(sent).has(1)).toBe(false);
    expect(cursors.all()).toBeUndefined();
    expect(cursors.mayUseClientId("socket-b", 1)).toBe(true);
    cursors.destroy();
  });

  it("passes on a renewed cursor (same state, newer clock) and one its client cleared", async () => {
    const { cursors, sent } = cursorsSending();
    cursors.set("socket-a", cursorOf(1, { name: "Anna" }));
    await sleep(CURSOR_BROADCAST_MS * 2);
    // Renewed, so that the others do not time it out.
    cursors.set("socket-a", cursorOf(1, { name: "Anna" }));
    expect(sent).toHaveLength(2);
    await sleep(CURSOR_BROADCAST_MS * 2);
    const cleared = clients.get(1);
    cleared?.setLocalState(null);
    cursors.set("socket-a", encodeAwarenessUpdate(cleared as Awareness, [1]));
    expect(sent).toHaveLength(3);
    expect(seenBy(sent).has(1)).toBe(false);
    cursors.destroy();
  });

  it("drops a waiting broadcast when stopped", async () => {
    const { cursors, sent } = cursorsSending();
    cursors.set("socket-a", cursorOf(1, { name: "Anna" }));
    cursors.set("socket-b", cursorOf(2, { name: "Sara" }));
    cursors.stop();
    await sleep(CURSOR_BROADCAST_MS * 2);
    expect(sent).toHaveLength(1);
    cursors.destroy();
  });
});
