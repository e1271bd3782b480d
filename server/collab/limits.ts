/** Limits, checked when an update is written; the sender gets a clear error event. */
export const COLLAB_LIMITS = {
  maxUpdateBytes: 512 * 1024,
  maxDocumentBytes: 8 * 1024 * 1024,
  /** Updates per user per second, sustained; bursts up to `burst`. */
  updatesPerSecond: 60,
  burst: 300,
  /** A cursor state is a few hundred bytes; presence messages per user per second, and burst. */
  maxAwarenessBytes: 8 * 1024,
  awarenessPerSecond: 40,
  awarenessBurst: 80,
  /**
   * Tokens an update refused by `accept` costs besides its own: the copy of accepted edits is
   * rebuilt (tens of ms for a large document), so refusals are held to a couple per second.
   */
  refusalCost: 30,
  compactAfterUpdates: 500,
  /** Updates arriving within this window are saved in one INSERT (see CollabDocument.save). */
  saveBatchMs: 10,
  /** Rendered views follow a pause in typing by this long… */
  renderDelayMs: 2_000,
  /** …and never trail an edit by more than this, however long people keep typing. */
  renderMaxDelayMs: 10_000,
  unloadAfterMs: 30_000,
};

/**
 * How fast each user may send messages of one kind, across all their sockets in this process: a
 * token bucket holding `burst` tokens, refilled at `perSecond` (updates: `updatesPerSecond` and
 * `burst`; presence: `awarenessPerSecond` and `awarenessBurst`).
 */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  /** Names the limits rather than copying them: COLLAB_LIMITS is read at each message. */
  constructor(
    private readonly perSecondLimit: keyof typeof COLLAB_LIMITS = "updatesPerSecond",
    private readonly burstLimit: keyof typeof COLLAB_LIMITS = "burst",
  ) {}

  /** Takes extra tokens (it may go below zero: the user then waits until it refills). */
  charge(userId: string, tokens: number) {
    const bucket = this.buckets.get(userId);
    if (bucket) bucket.tokens -= tokens;
  }

  /** Takes a token for one message; false when the user has none left. */
  allow(userId: string): boolean {
    const now = Date.now();
    const burst = COLLAB_LIMITS[this.burstLimit];
    const bucket = this.buckets.get(userId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(
      burst,
      bucket.tokens + ((now - bucket.at) / 1000) * COLLAB_LIMITS[this.perSecondLimit],
    );
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
