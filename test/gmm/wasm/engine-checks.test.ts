/**
 * WasmEM's state checks (src/gmm/wasm/engine.ts) with their exact messages: scatterAboutMeans needs full
 * covariances (the hand-computed scatter of a full fit), and every phase refuses to run after close().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { withEnv } from '../../_env.ts';
import { WasmEM } from '../../../src/gmm/wasm/engine.ts';
import type { Points } from '../../../src/gmm/model/types.ts';

const pts: Points = { n: 3, d: 1, data: Float64Array.of(0, 1, 3) };
const open = (type: 'full' | 'diag') => withEnv({ GMMGEN_KERNELS: 'wasm', GMMGEN_THREADS: '1' }, () => WasmEM.open(pts, 1, type))!;

test('WasmEM.scatterAboutMeans: full covariances only', () => {
  const diag = open('diag');
  try {
    diag.setComponents(Float64Array.of(1), Float64Array.of(1));
    diag.setWeights(Float64Array.of(1));
    diag.eStep(true);
    throwsExactly(() => diag.scatterAboutMeans(new Float64Array(1)), 'Error: WasmEM.scatterAboutMeans: full covariances only');
  } finally {
    diag.close();
  }
  const full = open('full');
  try {
    full.setComponents(Float64Array.of(1), Float64Array.of(1));
    full.setWeights(Float64Array.of(1));
    full.eStep(true);
    // One component: γ = 1 for every point; Σ (x − 1)² = 1 + 0 + 4.
    const out = new Float64Array(1);
    full.scatterAboutMeans(out);
    assert.equal(out[0], 5);
  } finally {
    full.close();
  }
});

test('WasmEM: used after close()', () => {
  const em = open('full');
  em.setComponents(Float64Array.of(1), Float64Array.of(1));
  em.setWeights(Float64Array.of(1));
  assert.ok(Number.isFinite(em.eStep(true)));
  em.close();
  throwsExactly(() => em.eStep(true), 'Error: WasmEM: used after close()');
  throwsExactly(() => em.mStep(1e-6, new Float64Array(1)), 'Error: WasmEM: used after close()');
  em.close(); // a second close is harmless
  // The kernels are free again: a new fit opens.
  const again = open('full');
  assert.ok(again);
  again.close();
});
