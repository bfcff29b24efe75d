/**
 * An in-memory StyleJobCache (job.ts) with a byte budget, least recently used entries dropped first. The web
 * server keeps one for all style jobs: a painting's Gram dataset at 256 px is ~30 MB (24 crops, the five
 * MobileNet layers' upper triangles in float32), a fitted PCA model ~10 MB, a fixed-basis one ~45 MB.
 */
import type { StyleCacheEntry, StyleJobCache } from './job.ts';

/** Bytes held by the typed arrays inside a value (recursively through arrays and plain objects). */
export function typedBytes(v: unknown, seen = new Set<unknown>()): number {
  if (v === null || typeof v !== 'object' || seen.has(v)) return 0;
  seen.add(v);
  if (ArrayBuffer.isView(v)) return v.byteLength;
  let s = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) s += typedBytes(x, seen);
  return s;
}

export class StyleMemoryCache implements StyleJobCache {
  private readonly entries = new Map<string, { entry: StyleCacheEntry; bytes: number }>();
  private total = 0;
  /** `maxBytes`: budget for the typed arrays of all entries (default 256 MiB); an entry larger than it is not kept. */
  constructor(readonly maxBytes = 256 * 2 ** 20) {
    if (!(Number.isFinite(maxBytes) && maxBytes >= 0)) throw new RangeError(`StyleMemoryCache: maxBytes must be a number >= 0, got ${maxBytes}`);
  }

  get(key: string): StyleCacheEntry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key); // most recently used last
    this.entries.set(key, e);
    return e.entry;
  }

  put(key: string, entry: StyleCacheEntry): void {
    const bytes = typedBytes(entry.value);
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { entry, bytes });
    this.total += bytes;
    for (const [k] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.delete(k);
    }
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.total -= e.bytes;
  }

  /** Number of entries and the bytes they hold. */
  get stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.total };
  }
}
