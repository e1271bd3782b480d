/**
 * Runs `run(key)` at most once per key per `delayMs`, however often it is asked: when a meeting
 * opens a document, fifty joins make one "who is here" broadcast to fifty sockets instead of
 * fifty (which grows with the square of the people in the room).
 */
export function coalesced(run: (key: string) => Promise<void>, delayMs: number) {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    schedule(key: string) {
      if (pending.has(key)) return;
      pending.set(
        key,
        setTimeout(() => {
          pending.delete(key);
          run(key).catch((error) => console.error("Realtime broadcast failed:", error));
        }, delayMs),
      );
    },
    cancel() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
