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

/**
 * Runs `read(key)` one at a time per key, and answers each caller with a run that began after it
 * asked, so that it sees everything committed before: callers arriving during a run share the
 * next one. Fifty people joining a document at once make two reads of it, not fifty.
 */
export function sharedReads(read: (key: string) => Promise<void>): (key: string) => Promise<void> {
  const running = new Map<string, Promise<void>>();
  const queued = new Map<string, Promise<void>>();
  const start = (key: string) => {
    const run = read(key).finally(() => {
      if (running.get(key) === run) running.delete(key);
    });
    running.set(key, run);
    return run;
  };
  return (key) => {
    const current = running.get(key);
    if (!current) return start(key);
    let next = queued.get(key);
    if (!next) {
      next = current
        .catch(() => {})
        .then(() => {
          queued.delete(key);
          return start(key);
        });
      queued.set(key, next);
    }
    return next;
  };
}
