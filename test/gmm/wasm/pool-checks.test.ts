/** GMMGEN_THREADS (src/gmm/wasm/pool.ts threadCount) with its exact message: an integer in [1, 256], both ends accepted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { throwsExactly } from '../../_assert.ts';
import { withEnv } from '../../_env.ts';
import { threadCount } from '../../../src/gmm/wasm/pool.ts';

test('threadCount: GMMGEN_THREADS an integer in [1, 256]', () => {
  for (const v of ['1', '256', '7']) assert.equal(withEnv({ GMMGEN_THREADS: v }, threadCount), Number(v));
  for (const v of ['0', '257', '1.5', 'two', '-1']) {
    throwsExactly(() => withEnv({ GMMGEN_THREADS: v }, threadCount), `RangeError: GMMGEN_THREADS must be an integer in [1, 256], got '${v}'`);
  }
  // Empty: the available parallelism of the main thread.
  assert.equal(withEnv({ GMMGEN_THREADS: '' }, threadCount), Math.max(1, availableParallelism()));
});
