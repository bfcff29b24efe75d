/**
 * The style cache's byte budget at its exact edges (src/style/cache.ts): an entry of exactly maxBytes is kept, one
 * byte more is not; entries filling the budget exactly are all kept, one byte over drops the least recently used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StyleMemoryCache, typedBytes } from '../../src/style/cache.ts';
import type { StyleCacheEntry } from '../../src/style/job.ts';

const entry = (bytes: number) => ({ kind: 'dataset', value: { v: new Uint8Array(bytes) } }) as unknown as StyleCacheEntry;

test('StyleMemoryCache: an entry of exactly the budget is kept, one byte more is not', () => {
  assert.equal(typedBytes(entry(100).value), 100);
  const c = new StyleMemoryCache(100);
  c.put('exact', entry(100));
  assert.ok(c.get('exact'));
  assert.deepEqual([c.stats.entries, c.stats.bytes], [1, 100]);
  c.put('over', entry(101));
  assert.equal(c.get('over'), undefined);
  assert.ok(c.get('exact'), 'a refused entry drops nothing');
  const zero = new StyleMemoryCache(0);
  zero.put('empty', entry(0));
  assert.ok(zero.get('empty'), 'a zero-byte entry fits a zero budget');
});

test('StyleMemoryCache: entries filling the budget exactly are all kept; one byte over drops the least recently used', () => {
  const c = new StyleMemoryCache(100);
  c.put('a', entry(40));
  c.put('b', entry(60));
  assert.deepEqual([c.stats.entries, c.stats.bytes], [2, 100]);
  c.put('c', entry(1));
  assert.equal(c.get('a'), undefined);
  assert.ok(c.get('b') && c.get('c'));
  assert.deepEqual([c.stats.entries, c.stats.bytes], [2, 61]);
});
