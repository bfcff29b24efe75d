/**
 * The colour loss's 'mean' mode (synth.ts colourLoss / colourLossJs, StyleJobOptions.colourLoss): L = ||μ(x) − μ*||²,
 * the palette's covariance ignored. Hand-computed value and gradient (∂L/∂x_i = 2 (μ − μ*) / N for every pixel i),
 * central finite differences of the JS version (the one L-BFGS uses), the tfjs version against the JS one, the option
 * checks of synthesize and of a job with their exact messages, and a small job showing the mode reaches the synthesis.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { colourLoss, colourLossJs, imagePalette, synthesize } from '../../src/style/synth.ts';
import { checkStyleJobOptions, runStyleJob, STYLE_DEFAULTS } from '../../src/style/job.ts';
import { COLOUR_LOSS_MODES } from '../../src/style/defaults.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';
import { sharedPath } from '../../src/util/paths.ts';
import { Rng } from '../../src/util/rng.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

// Two pixels (0, 0, 0) and (1, 0.5, 0): mean (0.5, 0.25, 0). The palette's mean differs in blue by 0.1, its covariance
// is far from the pixels' (diag 0.25, 0.0625, 0; off (R, G) 0.125): 'moments' sees both, 'mean' only the 0.1.
const two = [0, 0, 0, 1, 0.5, 0];
const pal = { mean: [0.5, 0.25, 0.1], cov: [0.04, 0, 0, 0, 0.04, 0, 0, 0, 0.04] };

test("colour loss 'mean': hand value and gradient, the covariance ignored", () => {
  const g = new Float64Array(6);
  const f = colourLossJs(two, pal, g, 3, 'mean');
  close(f, 3 * 0.01, 1e-15, 'value: 3 · 0.1²');
  // ∂/∂x_i of 3 · ||μ − μ*||² = 3 · 2 (μ − μ*) / N = 3 · 2 · (0, 0, −0.1) / 2 per pixel.
  assert.deepEqual(Array.from(g, (v) => Math.round(v * 1e12) / 1e12), [0, 0, -0.3, 0, 0, -0.3]);
  // 'moments' on the same pixels adds the covariance term: (0.25 − 0.04)² + 2 · 0.125² + (0.0625 − 0.04)² + 0.04².
  const fm = colourLossJs(two, pal, new Float64Array(6), 3, 'moments');
  close(fm, 3 * (0.01 + 0.21 ** 2 + 2 * 0.125 ** 2 + 0.0225 ** 2 + 0.04 ** 2), 1e-12, 'moments value');
  close(colourLossJs(two, pal, new Float64Array(6), 3), fm, 0, 'the default is moments');
  // The tfjs version (Adam's path) gives the same values.
  const x = tf.tensor4d(two, [1, 1, 2, 3]);
  close(colourLoss(x, pal, 'mean').dataSync()[0], 0.01, 1e-8, 'tfjs mean');
  close(colourLoss(x, pal).dataSync()[0], fm / 3, 1e-7, 'tfjs moments');
  x.dispose();
});

test("colour loss 'mean': JS gradient against central finite differences and the tfjs gradient; unchanged by moves that keep the mean", () => {
  const rng = new Rng(3);
  const n = 5 * 7;
  const xs = Float64Array.from({ length: 3 * n }, () => rng.uniform() * 1.4 - 0.2);
  const p = { mean: [0.4, 0.3, 0.6], cov: [0.03, 0.01, 0, 0.01, 0.02, 0.004, 0, 0.004, 0.05] };
  const g = new Float64Array(xs.length);
  const f0 = colourLossJs(xs, p, g, 2.5, 'mean');
  const h = 1e-5;
  for (const i of [0, 1, 2, 17, 50, 3 * n - 1]) {
    const up = Float64Array.from(xs), dn = Float64Array.from(xs);
    up[i] += h;
    dn[i] -= h;
    const fd = (colourLossJs(up, p, new Float64Array(xs.length), 2.5, 'mean') - colourLossJs(dn, p, new Float64Array(xs.length), 2.5, 'mean')) / (2 * h);
    close(g[i], fd, 1e-8, `finite difference ${i}`);
  }
  const x = tf.tensor4d(Float32Array.from(xs), [1, 5, 7, 3]);
  close(f0, 2.5 * colourLoss(x, p, 'mean').dataSync()[0], 1e-6, 'value vs tfjs');
  const gt = tf.grad((z) => tf.mul(colourLoss(z as tf.Tensor4D, p, 'mean'), 2.5))(x).dataSync();
  g.forEach((v, i) => close(v, gt[i], 1e-6, `grad vs tfjs ${i}`));
  x.dispose();
  // Spreading two pixels apart symmetrically keeps the mean: 'mean' does not change, 'moments' does.
  const moved = Float64Array.from(xs);
  moved[0] += 0.3;
  moved[3] -= 0.3;
  close(colourLossJs(moved, p, new Float64Array(xs.length), 2.5, 'mean'), f0, 1e-12, 'same mean, same loss');
  assert.ok(Math.abs(colourLossJs(moved, p, new Float64Array(xs.length), 2.5) - colourLossJs(xs, p, new Float64Array(xs.length), 2.5)) > 1e-4, 'moments sees the spread');
});

test('colourLoss option: the modes, the default, and other values refused with the exact message (synthesize and job)', async () => {
  assert.deepEqual([...COLOUR_LOSS_MODES], ['moments', 'mean']);
  assert.ok(COLOUR_LOSS_MODES.includes(STYLE_DEFAULTS.colourLoss));
  for (const v of COLOUR_LOSS_MODES) assert.doesNotThrow(() => checkStyleJobOptions({ styles: ['a.jpg'], colourLoss: v }));
  for (const v of ['x', 'Mean', '', 0]) {
    assert.throws(() => checkStyleJobOptions({ styles: ['a.jpg'], colourLoss: v as never }), (e: Error) => e instanceof RangeError && e.message === `colourLoss must be one of moments, mean, got ${String(v)}`, String(v));
  }
  const ex = { name: 'mobilenet', dir: '', styleLayers: ['a'], styleChannels: [2], contentLayer: null, smoothing: null, features: () => { throw new Error('not reached'); }, dispose() {} } as unknown as FeatureExtractor;
  await assert.rejects(synthesize(ex, [new Float32Array(4)], { colourLoss: 'cov' as never }), (e: Error) => e instanceof RangeError && e.message === 'colourLoss must be one of moments, mean, got cov');
  // An accepted mode passes on to the next check (a wrong layerWeights length).
  for (const v of COLOUR_LOSS_MODES) await assert.rejects(synthesize(ex, [new Float32Array(4)], { colourLoss: v, layerWeights: [1, 1] }), /layerWeights has 2 entries for 1 style layers/);
});

test("colourLoss reaches the synthesis: 'moments' pulls a grey start's colour covariance to the painting's, 'mean' leaves it", async () => {
  // Grey-plus-noise start (covariance ≈ 0.01 I), a strong colour weight and a negligible style weight: both modes
  // bring the colour mean to the painting's; only 'moments' changes the covariance towards the painting's.
  const small = {
    styles: [sharedPath('assets', 'styles', 'starry_night.jpg')], size: 48, iterations: 10, crops: 4, styleSize: 96, styleLayers: ['conv_pw_1_relu'],
    contentLayer: 'conv_pw_3_relu', scales: [1], samples: 1, seed: 1, init: 'noise' as const, styleWeight: 1e-6, colourWeight: 1000, tvChromaWeight: 0,
  };
  const gaps = async (mode: 'moments' | 'mean') => {
    const r = await runStyleJob({ ...small, colourLoss: mode });
    const got = imagePalette(r.raw[0]), want = r.palettes[0]!;
    return {
      mean: Math.max(...got.mean.map((v, c) => Math.abs(v - want.mean[c]))),
      cov: Math.sqrt(got.cov.reduce((s, v, k) => s + (v - want.cov[k]) ** 2, 0)),
    };
  };
  const mo = await gaps('moments'), me = await gaps('mean');
  assert.ok(mo.mean < 0.02 && me.mean < 0.02, `colour mean gaps: moments ${mo.mean}, mean ${me.mean}`);
  assert.ok(mo.cov < 0.5 * me.cov, `covariance gaps (Frobenius): moments ${mo.cov}, mean ${me.cov}`);
});
