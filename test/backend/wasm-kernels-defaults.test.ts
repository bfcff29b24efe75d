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

test('Conv2D with one output channel and no dilations attribute is undilated (as tfjs defaults it): the same as dilations [1, 1], and by hand', () => {
  // 1×4×4×2 input, 2×2×2×1 filter, stride 1, valid: out[i, j] = Σ_{a,b,c} x[i+a, j+b, c] f[a, b, c].
  const X = Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) - 5);
  const F = [1, -1, 0.5, 2, -2, 1, 0.25, -0.5];
  const run = (attrs: Record<string, unknown>): number[] => {
    const x = tf.tensor4d(X, [1, 4, 4, 2]), filter = tf.tensor4d(F, [2, 2, 2, 1]);
    const out = tf.engine().runKernel('Conv2D', { x, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', ...attrs } as tf.NamedAttrMap) as tf.Tensor;
    assert.deepEqual(out.shape, [1, 3, 3, 1]);
    const v = Array.from(out.dataSync());
    tf.dispose([x, filter, out]);
    return v;
  };
  const want: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 2; c++) s += X[((i + a) * 4 + (j + b)) * 2 + c] * F[(a * 2 + b) * 2 + c];
    want.push(s);
  }
  assert.deepEqual(run({}), want);
  assert.deepEqual(run({ dilations: [1, 1] }), want);
});
