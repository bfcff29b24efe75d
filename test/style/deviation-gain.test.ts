/**
 * The synthesis's gain on each draw's deviation from the style's mean Gram (StyleJobOptions.deviationGain):
 * amplifyDeviation (gram.ts) and layerGain (defaults.ts) by hand, the style's mean Gram of one or two paintings
 * (mixedMeanGrams, job.ts) by hand, the option's check, and what reaches the synthesis in runStyleJob: gain 0 asks for
 * the mean Gram (the same image as mode 'mean'), the returned targets stay the draws whatever the gain, and the default
 * is the documented [1, 1.1].
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend/index.ts';
import { amplifyDeviation } from '../../src/style/gram.ts';
import { layerGain, STYLE_DEFAULTS, STYLE_LIMITS } from '../../src/style/defaults.ts';
import { checkStyleJobOptions, mixedMeanGrams, runStyleJob } from '../../src/style/job.ts';
import type { GramDataset } from '../../src/style/dataset.ts';
import { sharedPath } from '../../src/util/paths.ts';

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

test('amplifyDeviation: M + g (T − M) entry by entry; g = 1 gives T exactly, g = 0 gives M', () => {
  const T = [1, 2, 3, -1], M = [0, 1, 1, 1];
  assert.deepEqual(Array.from(amplifyDeviation(T, M, 2)), [2, 3, 5, -3]);
  assert.deepEqual(Array.from(amplifyDeviation(T, M, 0.5)), [0.5, 1.5, 2, 0]);
  assert.deepEqual(Array.from(amplifyDeviation(T, M, 0)), M);
  // 0.1 and 0.7 are not exact in binary: (T − M) + M would round, g = 1 must not.
  const t = Float32Array.of(0.1, 1e-8), m = Float64Array.of(0.7, 3);
  assert.deepEqual(amplifyDeviation(t, m, 1), t);
  assert.ok(amplifyDeviation(t, m, 1) !== t, 'a copy, not the target itself');
});

test('amplifyDeviation refuses different lengths and a gain that is not finite and >= 0', () => {
  assert.throws(() => amplifyDeviation([1, 2], [1], 1), /amplifyDeviation: target has 2 entries, mean 1/);
  for (const g of [-1e-9, Number.NaN, Infinity]) assert.throws(() => amplifyDeviation([1], [1], g), /gain must be a finite number >= 0/, String(g));
});

test('layerGain: entry l, the last entry for the layers after it', () => {
  assert.deepEqual([0, 1, 2, 4].map((l) => layerGain([2, 1.1], l)), [2, 1.1, 1.1, 1.1]);
  assert.deepEqual([0, 3].map((l) => layerGain([3], l)), [3, 3]);
  assert.deepEqual([0, 1, 2].map((l) => layerGain([1, 2, 3], l)), [1, 2, 3]);
  assert.throws(() => layerGain([], 0), /no gains/);
});

/** A one-layer dataset of 2 × 2 Grams given as isometric upper-triangle rows [g11, √2 g12, g22]. */
function dataset(rows: number[][], source: number): GramDataset {
  return { layers: ['x', 'y'], channels: [1, 2], n: rows.length, vectors: [Float32Array.from(rows.map((r) => r[0])), Float32Array.from(rows.flatMap((r) => r.slice(1)))], source: new Int32Array(rows.length).fill(source) };
}

test("mixedMeanGrams: one painting's mean crop Gram, or the ratio's mix of two (an absent one at ratio 0 or 1)", () => {
  const s = Math.SQRT2;
  const close = (got: Float64Array, want: number[]) => assert.ok(got.length === want.length && want.every((v, e) => Math.abs(got[e] - v) < 1e-6), `${Array.from(got)} vs ${want}`);
  // Stored as float32 (√2 rounds), hence 1e-6. Layer x (1 channel): 5 and 7. Layer y of A: Grams [[1, 1], [1, 3]] and [[3, 1], [1, 5]], mean [[2, 1], [1, 4]];
  // of B: [[10, 0], [0, 10]].
  const a = dataset([[5, 1, s, 3], [7, 3, s, 5]], 0);
  const b = dataset([[1, 10, 0, 10]], 1);
  close(mixedMeanGrams([a], 0.7, [0])[0], [6]);
  close(mixedMeanGrams([a], 0.7, [1])[0], [2, 1, 1, 4]);
  close(mixedMeanGrams([a, b], 0.25, [1])[0], [0.75 * 2 + 0.25 * 10, 0.75, 0.75, 0.75 * 4 + 0.25 * 10]);
  close(mixedMeanGrams([a, b], 0.25, [0, 1])[0], [0.75 * 6 + 0.25 * 1]);
  close(mixedMeanGrams([null, b], 1, [1])[0], [10, 0, 0, 10]);
  close(mixedMeanGrams([a, null], 0, [1])[0], [2, 1, 1, 4]);
});

test('deviationGain: 1 or more numbers in [0, maxGain]; refused otherwise, naming the option', () => {
  for (const g of [[1], [0], [STYLE_LIMITS.maxGain, 1], [2, 1.1, 1.1]]) assert.doesNotThrow(() => checkStyleJobOptions({ styles: ['a.jpg'], deviationGain: g }));
  for (const g of [[], [-1e-9], [Number.NaN], [Infinity], [STYLE_LIMITS.maxGain * (1 + 1e-9)], [1, '2'], 'x', 2]) {
    assert.throws(() => checkStyleJobOptions({ styles: ['a.jpg'], deviationGain: g as never }), (e: Error) => e instanceof RangeError && e.message.startsWith('deviationGain must be 1 or more numbers in [0, 10] (per style layer, the last for the rest), got '), JSON.stringify(g));
  }
});

const A = sharedPath('assets', 'styles', 'starry_night.jpg');
const B = sharedPath('assets', 'styles', 'the_scream.jpg');
const small = { size: 48, iterations: 6, crops: 4, styleSize: 96, styleLayers: ['conv_pw_1_relu', 'conv_pw_3_relu'], contentLayer: 'conv_pw_3_relu', scales: [1], samples: 2, seed: 3 };
const bytes = (r: { images: Buffer[] }) => r.images.map((b) => b.toString('base64'));
const targetsOf = (r: { targets: Float32Array[][] }) => r.targets.map((set) => set.map((g) => Array.from(g)));

test("runStyleJob: gain 0 asks for the mean Gram (mode 'mean''s image), the targets stay the draws, the default is [1, 1.1]", async () => {
  assert.deepEqual(STYLE_DEFAULTS.deviationGain, [1, 1.1]);
  const zero = await runStyleJob({ ...small, styles: [A], deviationGain: [0] });
  const mean = await runStyleJob({ ...small, styles: [A], mode: 'mean' });
  assert.deepEqual(bytes(zero), bytes(mean));
  const one = await runStyleJob({ ...small, styles: [A], deviationGain: [1] });
  const dflt = await runStyleJob({ ...small, styles: [A] });
  const byHand = await runStyleJob({ ...small, styles: [A], deviationGain: [1, 1.1] });
  assert.deepEqual(targetsOf(one), targetsOf(zero));
  assert.deepEqual(targetsOf(dflt), targetsOf(one));
  assert.deepEqual(bytes(dflt), bytes(byHand));
  assert.notDeepEqual(bytes(one), bytes(zero));
  assert.notDeepEqual(bytes(dflt), bytes(one));
  // The two samples differ with the draws' deviations and not without them.
  assert.notEqual(bytes(one)[0], bytes(one)[1]);
  // Two paintings at ratio 1: A is not needed (no dataset), the centre is B's mean, as mode 'mean' asks for.
  const zeroB = await runStyleJob({ ...small, styles: [A, B], ratio: 1, deviationGain: [0] });
  const meanB = await runStyleJob({ ...small, styles: [A, B], ratio: 1, mode: 'mean' });
  assert.deepEqual(bytes(zeroB), bytes(meanB));
});
