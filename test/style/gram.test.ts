/**
 * Gram matrices (normalised by positions), the isometric upper-triangle encoding, the PSD projection,
 * and the hand-written gradient of the style loss against autodiff.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { gramMatrix, gramMatrices, gramToTri, triToGram, triLength, triChannels, symmetricPSD, factorTriOfGram, gramTriOfFactor } from '../../src/style/gram.ts';
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

test('Cholesky coordinates: hand-computed factors, zero pivots, any factor decodes to RᵀR', () => {
  const S = Math.SQRT2;
  const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
    const ok = a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) < tol);
    return [ok, `got ${Array.from(a).join(', ')}, want ${b.join(', ')}`] as const;
  };
  // G = [[4, 2], [2, 5]] = RᵀR with R = [[2, 1], [0, 2]]; isometric tri (4, 2√2, 5), R's plain tri (2, 1, 2).
  assert.ok(...close(factorTriOfGram([4, 2 * S, 5], 2), [2, 1, 2]));
  // Rank 1 with a zero pivot in the middle: G = [[1, 0, 1], [0, 0, 0], [1, 0, 1]] → R rows (1, 0, 1), 0, 0.
  assert.ok(...close(factorTriOfGram(gramToTri([1, 0, 1, 0, 0, 0, 1, 0, 1], 3, new Float64Array(6)), 3), [1, 0, 1, 0, 0, 0]));
  // A zero first pivot, then G' = [[4, 2], [2, 2]]: R rows 0, (2, 1), (1): RᵀR = [[0, 0, 0], [0, 4, 2], [0, 2, 2]].
  assert.ok(...close(factorTriOfGram(gramToTri([0, 0, 0, 0, 4, 2, 0, 2, 2], 3, new Float64Array(6)), 3), [0, 0, 0, 2, 1, 1]));
  // Rounding that breaks |S_kj| ≤ √(S_kk S_jj): G = [[1, 1, 0], [1, 1 + 1e-10, 1e-4], [0, 1e-4, 1]] (slightly
  // indefinite). With tol 0 the second pivot is 1e-10, R_23 = 1e-4 / 1e-5 = 10 is clamped to √S_33 = 1 and the
  // third pivot is 0: RᵀR = [[1, 1, 0], [1, 1 + 1e-10, 1e-5], [0, 1e-5, 1]], within 1e-4 of G (unclamped, the third
  // pivot 1 − 100 is dropped and RᵀR_33 = 100).
  const bent = gramToTri([1, 1, 0, 1, 1 + 1e-10, 1e-4, 0, 1e-4, 1], 3, new Float64Array(6));
  const back = gramTriOfFactor(factorTriOfGram(bent, 3, 0, 0), 3);
  assert.ok(Array.from(back).every((v, i) => Math.abs(v - bent[i]) < 2e-4), `clamped round trip ${Array.from(back).join(', ')}`);
  // The same at scale 1e-4 (every pivot below 1): R_23 = 0.1 is clamped to √S_33 = 0.01, the round trip is within
  // 2e-8 (unclamped, RᵀR_33 = 0.01 against 1e-4).
  const small = bent.map((v) => v * 1e-4);
  const backSmall = gramTriOfFactor(factorTriOfGram(small, 3, 0, 0), 3);
  assert.ok(Array.from(backSmall).every((v, i) => Math.abs(v - small[i]) < 2e-8), `clamped round trip at scale 1e-4 ${Array.from(backSmall).join(', ')}`);
  // From an offset; too short a vector is named.
  assert.ok(...close(factorTriOfGram([9, 9, 4, 2 * S, 5], 2, 2), [2, 1, 2]));
  assert.throws(() => factorTriOfGram([1, 2], 2), /a 2 × 2 Gram needs 3 values from offset 0, got 2/);
  // Any R (negative entries too) gives RᵀR: R = [[1, −2], [0, −3]] → [[1, −2], [−2, 13]], tri (1, −2√2, 13).
  assert.ok(...close(gramTriOfFactor([1, -2, -3], 2), [1, -2 * S, 13]));
  const out = new Float64Array(5);
  gramTriOfFactor([7, 1, -2, -3], 2, 1, out, 2);
  assert.ok(...close(out, [0, 0, 1, -2 * S, 13]));
  assert.throws(() => gramTriOfFactor([1, 2], 2), /a 2 × 2 factor needs 3 values/);
});

test('Cholesky coordinates: round trip of rank-deficient Grams (fewer positions than channels)', () => {
  const rng = new Rng(4);
  for (const [c, positions] of [[6, 3], [12, 5], [9, 20]]) {
    // G = FᵀF / positions with F positions × c, some channels dead (all zero), as after a ReLU.
    const F = Float64Array.from({ length: positions * c }, (_, i) => (i % c) % 4 === 1 ? 0 : Math.max(0, rng.normal()));
    const G = new Float64Array(c * c);
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) for (let k = 0; k < positions; k++) G[i * c + j] += (F[k * c + i] * F[k * c + j]) / positions;
    const tri = gramToTri(G, c, new Float64Array(triLength(c)));
    const back = triToGram(gramTriOfFactor(factorTriOfGram(tri, c), c), c);
    const scale = Math.max(...Array.from({ length: c }, (_, i) => G[i * c + i]));
    const err = Math.max(...Array.from(G, (g, i) => Math.abs(g - back[i])));
    assert.ok(err < 1e-8 * scale, `c = ${c}, ${positions} positions: largest error ${err} (scale ${scale})`);
  }
});
