/**
 * A map that forgets its least recently used entries once their sizes add up to more than
 * `maxBytes` (sizes are the caller's rough measure, e.g. a string's length).
 */
export interface SizedLru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, bytes: number): void;
  delete(key: string): void;
  readonly size: number;
  readonly bytes: number;
}

export function createSizedLru<V>(maxBytes: number): SizedLru<V> {
  // A Map keeps insertion order: re-inserting on every use makes its first entry the least used.
  const entries = new Map<string, { value: V; bytes: number }>();
  let bytes = 0;
  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, size) {
      forget(key);
      entries.set(key, { value, bytes: size });
      bytes += size;
      for (const [oldest] of entries) {
        if (bytes <= maxBytes || oldest === key) break;
        forget(oldest);
      }
    },
    delete: forget,
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}

/**
 * Keeps `entry`, whose value is being computed, under `key` at once (at no size), so that readers
 * who come meanwhile share the one computation; then at the computed value's size. A failure is
 * forgotten, not kept. Resolves with the computed value.
 */
export async function keepComputed<T, E extends { value: Promise<T> }>(
  lru: SizedLru<E>,
  key: string,
  entry: E,
  size: (value: T) => number,
): Promise<T> {
  lru.set(key, entry, 0);
  try {
    const value = await entry.value;
    if (lru.get(key) === entry) lru.set(key, entry, size(value));
    return value;
  } catch (error) {
    if (lru.get(key) === entry) lru.delete(key);
    throw error;
  }
}
