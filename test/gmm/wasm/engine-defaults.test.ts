/**
 * The documented "no pool" values of the worker counters (src/gmm/wasm/engine.ts, src/gmm/distances/slice-pool.ts):
 * before any pool exists (a fresh test process, nothing fitted) the kernel pool reports 0 workers and 0 worker
 * tasks, and the slice pool 0 worker tasks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelWorkerCount, kernelWorkerTasks } from '../../../src/gmm/wasm/engine.ts';
import { slicePoolWorkerTasks } from '../../../src/gmm/distances/slice-pool.ts';

test('worker counters are 0 without a pool', () => {
  assert.equal(kernelWorkerCount(), 0);
  assert.equal(kernelWorkerTasks(), 0);
  assert.equal(slicePoolWorkerTasks(), 0);
});
