/**
 * The loss helpers of synthesis against small hand-computed cases and central finite differences:
 * β-total variation (β = 2 and 1), its YCbCr split, softmax activation smoothing, the range penalty,
 * the colour loss, the Cholesky colour transfer and palette noise; and the picture measures of
 * metrics.ts (Laplacian energy, colour statistics).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { rangePenalty, rgbToYCbCrTensor, softmaxSmoothing, totalVariation, ycbcrTotalVariation } from '../../src/style/regularize.ts';
import { colourLoss, colourLossJs, gaussianBlur, imagePalette, paletteNoise, pixelTermsJs, rangePenaltyJs, transferColours } from '../../src/style/synth.ts';
import { colourStats, colourStatsGap, hfEnergy, mixColourStats, rgbToYCbCr } from '../../src/style/metrics.ts';
import { Rng } from '../../src/util/rng.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);
const val = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

/** Central finite differences of a scalar function of a tensor against tf.grad, at `count` random entries. */
function checkGradient(fn: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, count = 12, h = 1e-2, rtol = 2e-2): void {
  const g = tf.grad(fn)(x);
  const ga = g.dataSync();
  const xa = x.dataSync();
  const rng = new Rng(3);
  for (let k = 0; k < count; k++) {
    const i = rng.int(xa.length);
    const plus = Float32Array.from(xa);
    const minus = Float32Array.from(xa);
    plus[i] += h;
    minus[i] -= h;
    const fp = val(fn(tf.tensor(plus, x.shape)));
    const fm = val(fn(tf.tensor(minus, x.shape)));
    const fd = (fp - fm) / (2 * h);
    assert.ok(Math.abs(fd - ga[i]) <= rtol * Math.max(Math.abs(fd), Math.abs(ga[i])) + 1e-5, `entry ${i}: finite difference ${fd} vs gradient ${ga[i]}`);
  }
  g.dispose();
}

test('TV: hand-computed 2×3 single-channel values for β = 2 and β = 1', () => {
  // u = [[0, 1, 3], [2, 2, 0]]: positions (0,0), (0,1) have right and lower neighbours.
  //   (0,0): dx = 1, dy = 2 → 5;  (0,1): dx = 2, dy = 1 → 5.  β = 2: (5 + 5)/2 = 5.  β = 1: √5.
  const u = tf.tensor4d([0, 1, 3, 2, 2, 0], [1, 2, 3, 1]);
  close(val(totalVariation(u)), 5, 1e-6, 'β = 2');
  close(val(totalVariation(u, { beta: 1, eps: 0 })), Math.sqrt(5), 1e-6, 'β = 1');
  // Channel weights: a second channel 2u weighs 4× in β = 2.
  const two = tf.tensor4d([0, 0, 1, 2, 3, 6, 2, 4, 2, 4, 0, 0], [1, 2, 3, 2]);
  close(val(totalVariation(two, { channelWeights: [1, 0.5] })), 5 + 0.5 * 20, 1e-5, 'weighted channels');
  // A constant image has TV 0; a 1-pixel-wide image is rejected.
  close(val(totalVariation(tf.fill([1, 4, 4, 3], 0.7) as tf.Tensor4D)), 0, 1e-9, 'constant');
  assert.throws(() => totalVariation(tf.zeros([1, 1, 4, 3]) as tf.Tensor4D), /at least 2×2/);
  u.dispose();
  two.dispose();
});

test('TV and YCbCr TV: gradients match central finite differences', () => {
  const x = tf.randomUniform([1, 5, 6, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  checkGradient((z) => totalVariation(z as tf.Tensor4D), x);
  checkGradient((z) => totalVariation(z as tf.Tensor4D, { beta: 1 }), x);
  checkGradient((z) => ycbcrTotalVariation(z as tf.Tensor4D, 0.3, 2), x);
  x.dispose();
});

test('YCbCr TV: a grey ramp has no chroma variation; the YCbCr transform matches metrics.ts', () => {
  // Grey ramp: R = G = B = v, so Cb = Cr = 0 (offsets dropped) and Y = v.
  const ramp: number[] = [];
  for (let i = 0; i < 12; i++) ramp.push(i / 12, i / 12, i / 12);
  const x = tf.tensor4d(ramp, [1, 3, 4, 3]);
  close(val(ycbcrTotalVariation(x, 0, 1)), 0, 1e-9, 'chroma TV of grey');
  const yOnly = tf.tensor4d(ramp.filter((_, k) => k % 3 === 0), [1, 3, 4, 1]);
  close(val(ycbcrTotalVariation(x, 1, 0)), val(totalVariation(yOnly)), 1e-6, 'luma TV of grey = TV of the ramp');
  const px = tf.tensor4d([0.2, 0.5, 0.9], [1, 1, 1, 3]);
  const t = rgbToYCbCrTensor(px).dataSync();
  const [y, cb, cr] = rgbToYCbCr(0.2, 0.5, 0.9);
  close(t[0], y, 1e-6, 'Y');
  close(t[1], cb - 0.5, 1e-6, 'Cb');
  close(t[2], cr - 0.5, 1e-6, 'Cr');
  [x, yOnly, px].forEach((a) => a.dispose());
});

test('softmax smoothing: hand values, mean 1, size invariance, finite-difference gradient', () => {
  // F = [0, ln 3]: exp = [1, 3], mean 2 → [0.5, 1.5]; at T = 2: exp(F/2) = [1, √3], mean (1 + √3)/2.
  const f = tf.tensor4d([0, Math.log(3)], [1, 1, 2, 1]);
  const s1 = softmaxSmoothing(f).dataSync();
  close(s1[0], 0.5, 1e-6, 's[0]');
  close(s1[1], 1.5, 1e-6, 's[1]');
  const s2 = softmaxSmoothing(f, 2).dataSync();
  close(s2[0], 2 / (1 + Math.sqrt(3)), 1e-6, 'T=2 s[0]');
  // Per image in a batch; each image's smoothed activations have mean 1; a tiled copy gives the same values.
  const x = tf.randomUniform([2, 3, 4, 5], 0, 6, 'float32', 2) as tf.Tensor4D;
  const sx = softmaxSmoothing(x, 3);
  const means = tf.mean(sx, [1, 2, 3]).dataSync();
  close(means[0], 1, 1e-5, 'mean image 0');
  close(means[1], 1, 1e-5, 'mean image 1');
  const one = tf.slice(x, [0, 0, 0, 0], [1, 3, 4, 5]) as tf.Tensor4D;
  const tiled = tf.tile(one, [1, 2, 2, 1]) as tf.Tensor4D;
  const a = softmaxSmoothing(one, 3).dataSync();
  const b = tf.slice(softmaxSmoothing(tiled, 3), [0, 0, 0, 0], [1, 3, 4, 5]).dataSync();
  for (let i = 0; i < a.length; i++) close(a[i], b[i], 1e-5, 'tiled');
  const w = tf.randomNormal([1, 3, 4, 5], 0, 1, 'float32', 5);
  checkGradient((z) => tf.sum(tf.mul(softmaxSmoothing(z as tf.Tensor4D, 2), w)) as tf.Scalar, one);
  assert.throws(() => softmaxSmoothing(one, 0), /positive number/);
  [f, x, sx, one, tiled, w].forEach((t) => t.dispose());
});

test('range penalty and colour loss: hand values and gradients', () => {
  close(val(rangePenalty(tf.tensor1d([-0.5, 0.5, 1.2]))), (0.25 + 0 + 0.04) / 3, 1e-7, 'range penalty');
  // Two pixels (0,0,0) and (1,0.5,0): mean (0.5, 0.25, 0); covariance diag (0.25, 0.0625, 0), off (R,G) 0.125.
  const x = tf.tensor4d([0, 0, 0, 1, 0.5, 0], [1, 1, 2, 3]);
  const pal = { mean: [0.5, 0.25, 0.1], cov: [0.25, 0.125, 0, 0.125, 0.0625, 0, 0, 0, 0.01] };
  close(val(colourLoss(x, pal)), 0.01 + 0.0001, 1e-7, 'colour loss');
  const y = tf.randomUniform([1, 4, 4, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  checkGradient((z) => colourLoss(z as tf.Tensor4D, pal), y);
  checkGradient((z) => rangePenalty(tf.mul(z, 1.6)), y);
  [x, y].forEach((t) => t.dispose());
});

test('the JS colour loss and range penalty (used with L-BFGS) equal the tfjs ones, value and gradient', () => {
  const x = tf.randomUniform([1, 5, 7, 3], -0.3, 1.3, 'float32', 4) as tf.Tensor4D;
  const pal = { mean: [0.4, 0.3, 0.6], cov: [0.03, 0.01, 0, 0.01, 0.02, 0.004, 0, 0.004, 0.05] };
  const xs = Float64Array.from(x.dataSync());
  const g = new Float64Array(xs.length);
  const f = colourLossJs(xs, pal, g, 2.5);
  close(f, 2.5 * val(colourLoss(x, pal)), 1e-6, 'colour value');
  const gt = tf.grad((z) => tf.mul(colourLoss(z as tf.Tensor4D, pal), 2.5))(x).dataSync();
  g.forEach((v, i) => close(v, gt[i], 1e-6, `colour grad ${i}`));
  const g2 = new Float64Array(xs.length);
  const r = rangePenaltyJs(xs, g2, 100);
  close(r, val(rangePenalty(x)), 1e-7, 'range value');
  const rt = tf.grad((z) => tf.mul(rangePenalty(z), 100))(x).dataSync();
  g2.forEach((v, i) => close(v, rt[i], 1e-5, `range grad ${i}`));
  // The L-BFGS objective's pixel terms: 100 · range penalty + the weighted colour loss (value and gradient), or the
  // range penalty alone at colour weight 0; a colour weight without a palette is refused.
  for (const weight of [2.5, 0]) {
    const g3 = new Float64Array(xs.length);
    const sum = pixelTermsJs(xs, g3, { palette: pal, weight, mode: 'moments' });
    const terms = (z: tf.Tensor) => tf.add(tf.mul(rangePenalty(z as tf.Tensor4D), 100), tf.mul(colourLoss(z as tf.Tensor4D, pal), weight)) as tf.Scalar;
    close(sum, val(tf.tidy(() => terms(x))), 1e-6, `pixel terms value (colour weight ${weight})`);
    assert.ok(sum > 0.1, `the range penalty is not negligible here (${sum})`);
    const gt3 = tf.grad(terms)(x).dataSync();
    g3.forEach((v, i) => close(v, gt3[i], 1e-5, `pixel terms grad ${i} (colour weight ${weight})`));
  }
  assert.throws(() => pixelTermsJs(xs, new Float64Array(xs.length), { palette: null, weight: 1, mode: 'mean' }), /^RangeError: pixelTermsJs: a colour weight needs a palette$/);
  x.dispose();
});

test('colour transfer and palette noise take on the palette’s mean and covariance', () => {
  const rng = new Rng(4);
  const w = 40, h = 30;
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const t = rng.uniform();
    data[3 * i] = 0.3 + 0.2 * t;
    data[3 * i + 1] = 0.5 + 0.1 * rng.uniform();
    data[3 * i + 2] = 0.4 + 0.1 * t + 0.05 * rng.uniform();
  }
  const img = { width: w, height: h, data };
  const pal = { mean: [0.45, 0.4, 0.5], cov: [0.004, 0.001, 0, 0.001, 0.003, 0.0005, 0, 0.0005, 0.002] };
  const out = imagePalette(transferColours(img, pal));
  out.mean.forEach((m, c) => close(m, pal.mean[c], 1e-5, `mean ${c}`));
  out.cov.forEach((v, k) => close(v, pal.cov[k], 2e-5, `cov ${k}`));
  const noise = imagePalette(paletteNoise(64, 64, pal, new Rng(1)));
  noise.mean.forEach((m, c) => close(m, pal.mean[c], 1e-3, `noise mean ${c}`));
  noise.cov.forEach((v, k) => close(v, pal.cov[k], 2e-4, `noise cov ${k}`));
});

test('gaussianBlur: hand-computed kernel, mirrored borders, constants kept, bad sigma named', () => {
  // σ = 0.5 → radius ceil(1.5) = 2, weights ∝ exp(−d²/(2σ²)) = exp(−2d²): e⁻⁸, e⁻², 1, e⁻², e⁻⁸.
  const k = [Math.exp(-8), Math.exp(-2), 1, Math.exp(-2), Math.exp(-8)];
  const ks = k.reduce((a, b) => a + b, 0);
  // One row (h = 1: the vertical pass mirrors onto the row itself and leaves it unchanged), an impulse at x = 0:
  // mirrored borders (…, x₂, x₁ | x₀, x₁, …) put the impulse once at the centre tap of out[0].
  const z = new Float64Array(7);
  z[0] = 1;
  const out = gaussianBlur(z, 7, 1, 0.5);
  close(out[0], 1 / ks, 1e-12, 'out[0]');
  close(out[1], Math.exp(-2) / ks, 1e-12, 'out[1]');
  close(out[2], Math.exp(-8) / ks, 1e-12, 'out[2]');
  close(out[3], 0, 1e-15, 'out[3]');
  // An impulse in the middle of a 9×9 image spreads as the separable product kernel.
  const img = new Float64Array(81);
  img[4 * 9 + 4] = 1;
  const b = gaussianBlur(img, 9, 9, 0.5);
  close(b[4 * 9 + 4], 1 / (ks * ks), 1e-12, 'centre');
  close(b[3 * 9 + 5], Math.exp(-4) / (ks * ks), 1e-12, 'diagonal');
  close(b.reduce((a, v) => a + v, 0), 1, 1e-12, 'mass kept away from the borders');
  // A constant stays constant at every pixel, borders included, for a kernel wider than the image.
  const c = gaussianBlur(new Float64Array(12).fill(0.7), 4, 3, 3);
  c.forEach((v, i) => close(v, 0.7, 1e-12, `constant ${i}`));
  assert.throws(() => gaussianBlur(z, 7, 1, 0), /sigma must be > 0/);
  assert.throws(() => gaussianBlur(z, 7, 1, Number.NaN), /sigma must be > 0/);
});

test('metrics: Laplacian energy and colour statistics on hand cases', () => {
  // A grey 3×3 image with one bright centre pixel: the only interior Laplacian is −4·(1 − 0) of Y.
  const d = new Float32Array(27);
  d.set([1, 1, 1], 12);
  const e = hfEnergy({ width: 3, height: 3, data: d });
  close(e.y, 4, 1e-9, 'Y');
  close(e.chroma, 0, 1e-9, 'chroma');
  // Pure red centre: Y = 0.299, Cb = −0.168736, Cr = 0.5 (offsets cancel in the Laplacian).
  const r = new Float32Array(27);
  r[12] = 1;
  const er = hfEnergy({ width: 3, height: 3, data: r });
  close(er.y, 4 * 0.299, 1e-9, 'Y red');
  close(er.cb, 4 * 0.168736, 1e-9, 'Cb red');
  close(er.cr, 4 * 0.5, 1e-9, 'Cr red');
  assert.throws(() => hfEnergy({ width: 2, height: 5, data: new Float32Array(30) }), /at least 3×3/);
  const st = colourStats({ width: 2, height: 1, data: Float32Array.from([0, 0.2, 1, 1, 0.4, 1]) });
  assert.deepEqual(st.mean.map((v) => +v.toFixed(6)), [0.5, 0.3, 1]);
  assert.deepEqual(st.std.map((v) => +v.toFixed(6)), [0.5, 0.1, 0]);
  const mix = mixColourStats([{ mean: [0, 0, 0], std: [0, 0, 0] }, { mean: [1, 1, 1], std: [0, 0, 0] }], [1, 3]);
  close(mix.mean[0], 0.75, 1e-12, 'mixed mean');
  close(mix.std[0], Math.sqrt(0.75 * 0.25), 1e-12, 'mixed std');
  assert.deepEqual(colourStatsGap(st, { mean: [0.5, 0.35, 0.9], std: [0.45, 0.1, 0] }), { mean: 0.09999999999999998, std: 0.04999999999999999 });
});
