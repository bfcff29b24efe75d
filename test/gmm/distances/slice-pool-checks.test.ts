/**
 * SlicePool.run's job check (src/gmm/distances/slice-pool.ts) with its exact message, on a pool without worker
 * threads (the calling thread runs every direction): run before job() is refused, after it every direction runs once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { SlicePool } from '../../../src/gmm/distances/slice-pool.ts';

test('SlicePool.run: no job before job()', () => {
  const seen: number[] = [];
  const pool = new SlicePool(0, (job, l) => { seen.push(l); job.value[l] = 10 * l; });
  throwsExactly(() => pool.run(3), 'Error: SlicePool.run: no job');
  assert.deepEqual(seen, []);
  const job = pool.job(2, 1, 3);
  pool.run(3);
  assert.deepEqual(seen.sort(), [0, 1, 2]);
  assert.deepEqual([...job.value], [0, 10, 20]);
});
