/** Limits, checked when an update is written; the sender gets a clear error event. */
export const COLLAB_LIMITS = {
  maxUpdateBytes: 512 * 1024,
  maxDocumentBytes: 8 * 1024 * 1024,
  /** Updates per user per second, sustained; bursts up to `burst`. */
  updatesPerSecond: 60,
  burst: 300,
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
 * How fast each user may send updates, across all their sockets in this process: a token bucket
 * holding `burst` tokens, refilled at `updatesPerSecond`.
 */
export class UpdateRateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes a token for one update; false when the user has none left. */
  allow(userId: string): boolean {
    const now = Date.now();
    const bucket = this.buckets.get(userId) ?? { tokens: COLLAB_LIMITS.burst, at: now };
    bucket.tokens = Math.min(
      COLLAB_LIMITS.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * COLLAB_LIMITS.updatesPerSecond,
    );
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
