/**
 * whenReady (src/util/worker.ts): waits for `ready()` until `timeoutMs` has passed, polling every 5 ms. A condition
 * that turns true after 40 ms is seen (true) with a 5 s budget; one that never does gives false once the budget is
 * spent, not before; `failed()` ends the wait at once with false.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { whenReady } from '../../src/util/worker.ts';

test('whenReady: true once ready() holds within the budget, false after the budget or as soon as failed() holds', async () => {
  let t0 = performance.now();
  assert.equal(await whenReady(() => performance.now() - t0 >= 40, () => false, 5000), true);
  const waited = performance.now() - t0;
  assert.ok(waited >= 40 && waited < 4000, `ready after ${waited.toFixed(0)} ms`);

  t0 = performance.now();
  assert.equal(await whenReady(() => false, () => false, 60), false);
  const spent = performance.now() - t0;
  assert.ok(spent >= 60 && spent < 4000, `gave up after ${spent.toFixed(0)} ms`);

  t0 = performance.now();
  let polls = 0;
  assert.equal(await whenReady(() => false, () => ++polls >= 3, 5000), false);
  assert.equal(polls, 3, 'failed() is asked at each poll and ends the wait');
  assert.ok(performance.now() - t0 < 4000);

  assert.equal(await whenReady(() => true, () => true, 0), true, 'ready() is asked first');
});
