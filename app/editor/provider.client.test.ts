import type { Socket } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { SocketIoProvider } from "./provider.client";

/** Just enough of a connected socket.io client to see what the provider sends, and when. */
function recordingSocket() {
  const sent: string[] = [];
  const socket = {
    connected: true,
    on() {},
    off() {},
    connect() {},
    emit(event: string, _payload: unknown, ack?: (reply: unknown) => void) {
      sent.push(event);
      if (event === "collab:join") ack?.({ ok: true, writable: true });
    },
  };
  return { socket: socket as unknown as Socket, sent };
}

describe("SocketIoProvider's cursor updates", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends the caret that moved with an edit right after the edit", () => {
    const { socket, sent } = recordingSocket();
    const doc = new Y.Doc();
    const provider = new SocketIoProvider(socket, "3f1c9a52-7d2b-4e8a-9c1d-2b3a4c5d6e7f", doc);
    provider.connect();
    sent.length = 0;

    doc.getText("t").insert(0, "a");
    provider.awareness.setLocalStateField("cursor", { at: 1 });
    expect(sent).toEqual(["collab:sync", "collab:awareness"]);
  });

  it("throttles caret moves without an edit", async () => {
    const { socket, sent } = recordingSocket();
    const doc = new Y.Doc();
    const provider = new SocketIoProvider(socket, "3f1c9a52-7d2b-4e8a-9c1d-2b3a4c5d6e7f", doc);
    provider.connect();
    doc.getText("t").insert(0, "a");
    await Promise.resolve(); // the edit's task is over
    sent.length = 0;

    provider.awareness.setLocalStateField("cursor", { at: 0 });
    provider.awareness.setLocalStateField("cursor", { at: 1 });
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual(["collab:awareness"]);
  });
});
