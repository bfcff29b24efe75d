/**
 * StyleMemoryCache's budget check (src/style/cache.ts) at its edge with the exact message: a negative, NaN or
 * infinite maxBytes is refused; 0 (keeps only empty entries) is accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StyleMemoryCache } from '../../src/style/cache.ts';
import type { StyleCacheEntry } from '../../src/style/job.ts';
import { throwsExactly } from '../_assert.ts';

const entry = (bytes: number) => ({ kind: 'dataset', value: { v: new Uint8Array(bytes) } }) as unknown as StyleCacheEntry;

test('StyleMemoryCache refuses a budget below 0 or not finite, naming it; 0 is accepted', () => {
  for (const b of [-1, -1e-9, NaN, Infinity, -Infinity]) throwsExactly(() => new StyleMemoryCache(b), `RangeError: StyleMemoryCache: maxBytes must be a number >= 0, got ${b}`);
  const zero = new StyleMemoryCache(0);
  assert.equal(zero.maxBytes, 0);
  zero.put('one', entry(1));
  assert.deepEqual(zero.stats, { entries: 0, bytes: 0 }, 'a 1-byte entry does not fit a zero budget');
  assert.equal(new StyleMemoryCache().maxBytes, 256 * 2 ** 20, 'the default budget is accepted');
});
