/**
 * Gram matrices (normalised by positions), the isometric upper-triangle encoding, the PSD projection,
 * and the hand-written gradient of the style loss against autodiff.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { gramMatrix, gramMatrices, gramToTri, triToGram, triLength, triChannels, symmetricPSD } from '../../src/style/gram.ts';
import { styleLoss } from '../../src/style/synth.ts';
import { symEigen } from '../../src/gmm/index.ts';
import { Rng } from '../../src/util/rng.ts';

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

test('Gram of a known 2×2×2 feature map, divided by the 4 positions', () => {
  // positions (y, x): channel values [a, b]
  const f = tf.tensor4d([1, 2, 3, 0, 0, -1, 2, 2], [1, 2, 2, 2]);
  // a = [1, 3, 0, 2], b = [2, 0, -1, 2]
  // aa = 1 + 9 + 0 + 4 = 14, ab = 2 + 0 + 0 + 4 = 6, bb = 4 + 0 + 1 + 4 = 9; / 4
  const g = gramMatrix(f);
  assert.deepEqual(g.shape, [2, 2]);
  assert.deepEqual(Array.from(g.dataSync()), [14 / 4, 6 / 4, 6 / 4, 9 / 4]);
  const batch = gramMatrices(tf.concat([f, tf.mul(f, 2)]) as tf.Tensor4D);
  assert.deepEqual(batch.shape, [2, 2, 2]);
  assert.deepEqual(Array.from(batch.dataSync()).slice(4), [14, 6, 6, 9]);
  assert.throws(() => gramMatrix(tf.concat([f, f]) as tf.Tensor4D), /batch of 1/);
});

test('Gram of a non-square 2×3×2 feature map is divided by h·w = 6 positions', () => {
  // positions (y, x) row-major, channels [a, b]: a = [1, 0, 2, -1, 3, 1], b = [0, 1, 1, 2, -1, 0]
  const f = tf.tensor4d([1, 0, 0, 1, 2, 1, -1, 2, 3, -1, 1, 0], [1, 2, 3, 2]);
  // aa = 1 + 0 + 4 + 1 + 9 + 1 = 16, ab = 0 + 0 + 2 − 2 − 3 + 0 = −3, bb = 0 + 1 + 1 + 4 + 1 + 0 = 7
  const want = Array.from(Float32Array.of(16 / 6, -3 / 6, -3 / 6, 7 / 6));
  assert.deepEqual(Array.from(gramMatrix(f).dataSync()), want);
  // And 3×2: the same positions transposed, the same Gram.
  const t = tf.transpose(f, [0, 2, 1, 3]) as tf.Tensor4D;
  assert.deepEqual(Array.from(gramMatrix(t).dataSync()), want);
});

test('upper-triangle vectors: round trip and Frobenius isometry', () => {
  const rng = new Rng(1);
  const c = 7;
  const g = new Float64Array(c * c);
  for (let i = 0; i < c; i++) for (let j = 0; j <= i; j++) g[i * c + j] = g[j * c + i] = rng.normal();
  const v = gramToTri(g, c, new Float64Array(triLength(c)));
  assert.equal(v.length, 28);
  assert.equal(triChannels(28), 7);
  assert.throws(() => triChannels(27), /not the length/);
  const back = triToGram(v, c);
  for (let i = 0; i < c * c; i++) assert.ok(Math.abs(back[i] - g[i]) < 1e-12);
  let nv = 0, ng = 0;
  for (const x of v) nv += x * x;
  for (const x of g) ng += x * x;
  assert.ok(Math.abs(nv - ng) < 1e-9 * ng);
});

test('PSD projection: symmetric, no negative eigenvalues, PSD input unchanged', () => {
  const rng = new Rng(2);
  const c = 12;
  const a = new Float64Array(c * c);
  for (let i = 0; i < c; i++) for (let j = 0; j <= i; j++) a[i * c + j] = a[j * c + i] = rng.normal();
  const { gram, clipped } = symmetricPSD(a, c);
  assert.ok(clipped < 0, 'an indefinite matrix gains trace when its negative eigenvalues are removed');
  for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) assert.equal(gram[i * c + j], gram[j * c + i]);
  const ev = symEigen(gram, c).values;
  assert.ok(Math.min(...ev) > -1e-9);
  // A Gram matrix FᵀF is PSD: the projection leaves it alone.
  const F = new Float64Array(20 * c);
  rng.normals(F);
  const G = new Float64Array(c * c);
  for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) for (let k = 0; k < 20; k++) G[i * c + j] += F[k * c + i] * F[k * c + j];
  const p = symmetricPSD(G, c);
  for (let i = 0; i < c * c; i++) assert.ok(Math.abs(p.gram[i] - G[i]) < 1e-9 * 20);
});

test('style loss: value and hand-written gradient match autodiff', () => {
  const rng = new Rng(3);
  const v = new Float32Array(1 * 5 * 6 * 4);
  rng.normals(v);
  const feat = tf.tensor4d(v, [1, 5, 6, 4]);
  const t = new Float32Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j <= i; j++) t[i * 4 + j] = t[j * 4 + i] = rng.normal() + (i === j ? 2 : 0);
  const target = tf.tensor2d(t, [4, 4]);
  const ref = (f: tf.Tensor4D) => {
    const g = gramMatrix(f);
    return tf.div(tf.sum(tf.square(tf.sub(g, target))), tf.sum(tf.square(target))) as tf.Scalar;
  };
  const a = styleLoss(feat, target).dataSync()[0];
  const b = ref(feat).dataSync()[0];
  assert.ok(Math.abs(a - b) < 1e-5 * Math.abs(b), `${a} vs ${b}`);
  const ga = tf.grad((f: tf.Tensor) => styleLoss(f as tf.Tensor4D, target))(feat).dataSync();
  const gb = tf.grad((f: tf.Tensor) => ref(f as tf.Tensor4D))(feat).dataSync();
  let num = 0, den = 0;
  for (let i = 0; i < ga.length; i++) {
    num = Math.max(num, Math.abs(ga[i] - gb[i]));
    den = Math.max(den, Math.abs(gb[i]));
  }
  assert.ok(den > 0 && num / den < 1e-4, `relative gradient error ${num / den}`);
});
