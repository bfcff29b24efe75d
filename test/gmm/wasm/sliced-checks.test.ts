/**
 * The sliced kernels' memory limit (src/gmm/wasm/sliced.ts) with its exact message: arrays that would end past the
 * 2 GiB memory are refused before anything is copied (the first double past the limit, with a one-value buffer);
 * a small projection on the same path gives the hand-computed dot products.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { withEnv } from '../../_env.ts';
import { projectRowsWasm } from '../../../src/gmm/wasm/sliced.ts';

test('projectRowsWasm: arrays beyond the 2 GiB memory are refused', () => {
  withEnv({ GMMGEN_KERNELS: 'wasm' }, () => {
    // Rows (1, 2) and (3, 4) on directions e1 and e2: out[l·n + i] = x_i · θ_l.
    const out = new Float64Array(4);
    assert.equal(projectRowsWasm(Float64Array.of(1, 2, 3, 4), 2, 2, Float64Array.of(1, 0, 0, 1), 2, out), true);
    assert.deepEqual([...out], [1, 3, 2, 4]);
    // The arena starts at 64 KiB: n·d doubles with 65536 + 8·n·d > 2³¹ bytes cannot be held.
    const n = (2 ** 31 - 65536) / 8 + 2;
    throwsExactly(() => projectRowsWasm(new Float64Array(1), n, 1, Float64Array.of(1), 1, new Float64Array(1)), 'RangeError: sliced kernels: arrays exceed the 2 GiB WebAssembly memory');
    // The arena is still usable afterwards.
    assert.equal(projectRowsWasm(Float64Array.of(1, 2, 3, 4), 2, 2, Float64Array.of(0, 1, 1, 0), 2, out), true);
    assert.deepEqual([...out], [2, 4, 1, 3]);
  });
});
