/**
 * The wasm fused-activation default (src/backend/wasm-kernels.ts): a _FusedMatMul with a bias and batch > 1 (the
 * split path of our kernel) and activation 'leakyrelu' but no leakyreluAlpha attribute uses α = 0.2, tfjs's own
 * default for the fused ops. Checked against a product computed by hand in JS.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';

before(async () => {
  const info = await initBackend({ prefer: 'wasm', quiet: true });
  assert.equal(info.tfName, 'wasm');
});

// batch 2 of 2×3 times 3×2, bias [0.5, −4]: products of both signs.
const A = [1, -2, 3, 0.5, 1, -1, -3, 2, 0, 1, 1, 1];
const B = [1, 0, -1, 2, 2, 1, 0.5, -1, 1, 1, -2, 0];
const BIAS = [0.5, -4];

function byHand(alpha: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 2; b++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    let s = BIAS[j];
    for (let k = 0; k < 3; k++) s += A[b * 6 + i * 3 + k] * B[b * 6 + k * 2 + j];
    out.push(s >= 0 ? s : alpha * s);
  }
  return out;
}

function run(attrs: Record<string, unknown>): number[] {
  const a = tf.tensor3d(A, [2, 2, 3]), b = tf.tensor3d(B, [2, 3, 2]), bias = tf.tensor1d(BIAS);
  const out = tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation: 'leakyrelu', ...attrs } as tf.NamedAttrMap) as tf.Tensor;
  const v = Array.from(out.dataSync());
  tf.dispose([a, b, bias, out]);
  return v;
}

test('_FusedMatMul leakyrelu without leakyreluAlpha uses α = 0.2 (batch 2 with a bias, by hand)', () => {
  const want = byHand(0.2);
  assert.ok(want.some((v) => v < 0) && want.some((v) => v > 0), 'the case has outputs of both signs');
  const got = run({});
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-5, `entry ${i}: ${got[i]} vs ${want[i]}`);
  assert.deepEqual(got, run({ leakyreluAlpha: 0.2 }), 'the default written out');
  const other = run({ leakyreluAlpha: 0.3 });
  assert.ok(other.some((v, i) => Math.abs(v - got[i]) > 1e-3), 'α 0.3 gives another result');
});
