/** Message wording helpers (src/util/wording.ts) at their documented caps: 40 characters per value, 8 list items. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCapped, mustBe, showValue } from '../../src/util/wording.ts';

test('showValue: strings quoted and cut after 40 characters, JSON cut likewise, numbers as they are', () => {
  const s40 = 'a'.repeat(40);
  assert.equal(showValue(s40), JSON.stringify(s40));
  assert.equal(showValue(`${s40}b`), JSON.stringify(`${s40}…`));
  assert.equal(showValue('abcdef', 3), '"abc…"');
  assert.equal(showValue('abc', 3), '"abc"');
  assert.equal(showValue(-1.5e300), '-1.5e+300');
  assert.equal(showValue(NaN), 'NaN');
  const arr = Array.from({ length: 30 }, (_, i) => i); // JSON longer than 40
  assert.equal(showValue(arr), `${JSON.stringify(arr).slice(0, 40)}…`);
  assert.equal(showValue([1, 2]), '[1,2]');
  assert.equal(showValue({ a: 1 }, 7), '{"a":1}');
  assert.equal(showValue({ a: 1 }, 6), '{"a":1…');
  assert.equal(showValue(undefined), 'undefined');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(showValue(cyclic), '[object Object]');
  assert.equal(mustBe('count', '≤ 256', 300), 'count must be ≤ 256, got 300');
  assert.equal(mustBe('count', '≤ 256'), 'count must be ≤ 256');
});

test('listCapped: up to 8 items in full, then "and N more"', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));
  assert.equal(listCapped(items(8)), 'a, b, c, d, e, f, g, h');
  assert.equal(listCapped(items(9)), 'a, b, c, d, e, f, g, h and 1 more');
  assert.equal(listCapped([]), '');
});
