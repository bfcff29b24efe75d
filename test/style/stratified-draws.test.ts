/**
 * Stratified component draws (gram-model.ts stratifiedComponents, GramSampleOptions.draws, StyleJobOptions.draws):
 * systematic sampling over the mixture components in random order. Checked: each component's count is ⌊n w⌋ or ⌈n w⌉
 * (exactly n w when that is an integer, hand case), every position's component is Categorical(w) (frequencies over
 * many seeds against w with a binomial tolerance), n = 1 is one categorical draw; a fitted PCA model's stratified
 * samples cover its components in those counts (each sample assigned to the component whose crops it is nearest)
 * while independent draws do not; the default sampler is unchanged; bad options refused with the exact message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGramModel, gramModelSnapshot, mixGramSets, stratifiedComponents } from '../../src/style/gram-model.ts';
import { triLength } from '../../src/style/gram.ts';
import { checkStyleJobOptions, STYLE_DEFAULTS } from '../../src/style/job.ts';
import { GRAM_DRAWS } from '../../src/style/defaults.ts';
import { Rng } from '../../src/util/rng.ts';
import { clusteredGramDataset } from './_grams.ts';

const counts = (a: ArrayLike<number>, k: number) => {
  const c = new Array(k).fill(0);
  for (const v of Array.from(a)) c[v]++;
  return c;
};

test('stratifiedComponents: counts ⌊n w⌋ or ⌈n w⌉ (exact when n w is whole), each position Categorical(w)', () => {
  // n w = (2, 1, 1): every seed gives exactly those counts.
  for (let s = 0; s < 50; s++) assert.deepEqual(counts(stratifiedComponents([0.5, 0.25, 0.25], 4, new Rng(s)), 3), [2, 1, 1], `seed ${s}`);
  // Unnormalised weights are normalised: (1, 3) over 8 draws is (2, 6).
  assert.deepEqual(counts(stratifiedComponents([1, 3], 8, new Rng(1)), 2), [2, 6]);
  // A zero weight is never drawn.
  for (let s = 0; s < 20; s++) assert.equal(counts(stratifiedComponents([0.3, 0, 0.7], 5, new Rng(s)), 3)[1], 0);
  for (let s = 0; s < 20; s++) assert.deepEqual(counts(stratifiedComponents([0.1, 0.2, 0.7, 0], 10, new Rng(s)), 4), [1, 2, 7, 0]);
  // A trailing zero weight is not drawn even when the cumulative sum rounds below 1 (2/6 + 3/6 + 1/6 sums to
  // 1 − 2⁻⁵³ in doubles) and the uniform is its largest value, 1 − 2⁻⁵³: the last draw must stay on component 2.
  class LargestUniform extends Rng { override uniform(): number { return 1 - 2 ** -53; } }
  assert.ok(2 / 6 + 3 / 6 + 1 / 6 < 1, 'the case rounds below 1');
  for (const n of [1, 6]) assert.equal(counts(stratifiedComponents([2, 3, 1, 0], n, new LargestUniform(1)), 4)[3], 0, `n = ${n}`);
  const w = [0.17, 0.41, 0.42];
  const n = 16;
  const trials = 4000;
  const first = [0, 0, 0], last = [0, 0, 0];
  for (let s = 0; s < trials; s++) {
    const a = stratifiedComponents(w, n, new Rng(1000 + s));
    assert.equal(a.length, n);
    const c = counts(a, 3);
    c.forEach((v, i) => assert.ok(v === Math.floor(n * w[i]) || v === Math.ceil(n * w[i]), `seed ${s}: count ${v} of component ${i}, n w = ${n * w[i]}`));
    first[a[0]]++;
    last[a[n - 1]]++;
  }
  // Position marginals: frequencies within 4 binomial standard errors of w.
  for (const f of [first, last]) f.forEach((v, i) => assert.ok(Math.abs(v / trials - w[i]) < 4 * Math.sqrt((w[i] * (1 - w[i])) / trials), `position frequency ${v / trials} vs w ${w[i]}`));
  // n = 1: one draw with probabilities w.
  const one = [0, 0, 0];
  for (let s = 0; s < trials; s++) one[stratifiedComponents(w, 1, new Rng(s))[0]]++;
  one.forEach((v, i) => assert.ok(Math.abs(v / trials - w[i]) < 4 * Math.sqrt((w[i] * (1 - w[i])) / trials), `n = 1: ${v / trials} vs ${w[i]}`));
  assert.throws(() => stratifiedComponents([0, 0], 3, new Rng(0)), (e: Error) => e instanceof RangeError && e.message === 'stratifiedComponents: weights sum to 0');
  assert.throws(() => stratifiedComponents([1, -0.5], 3, new Rng(0)), (e: Error) => e instanceof RangeError && e.message === 'stratifiedComponents: weight 1 is -0.5, expected a finite number >= 0');
  assert.throws(() => stratifiedComponents([1, NaN], 3, new Rng(0)), (e: Error) => e instanceof RangeError && e.message === 'stratifiedComponents: weight 1 is NaN, expected a finite number >= 0');
});


test('a PCA model with stratified draws covers its components in proportion; independent draws do not; the default is unchanged', () => {
  const ds = clusteredGramDataset(30, 1);
  const model = fitGramModel(ds, { method: 'pca-em', k: 3, pcaDim: 4, fitDim: 4, coordinates: 'gram' });
  const snap = gramModelSnapshot(model);
  assert.equal(snap.kind, 'pca');
  if (snap.kind !== 'pca') return;
  const w = snap.gmms[0].weights;
  // The cluster of a raw sampled row (layer a, before any PSD projection; the synthetic rows are not Grams): the
  // nearest cluster centre, the centres q · 5 · sin(e + 1), q = 0, 1, 2.
  const D = triLength(3);
  const clustersOf = (tri: Float64Array[], n: number) => Array.from({ length: n }, (_, s) => {
    const t = tri[0].subarray(s * D, (s + 1) * D);
    const d = [0, 1, 2].map((q) => t.reduce((a, v, e) => a + (v - q * 5 * Math.sin(e + 1)) ** 2, 0));
    return d.indexOf(Math.min(...d));
  });
  // Each cluster has 10 crops; the fitted weights are near 1/3 each and the components one per cluster, so the
  // clusters' counts among 9 stratified draws are within ⌊9 w⌋ … ⌈9 w⌉ of the weights (in some order).
  const n = 9;
  let unevenIndependent = 0;
  for (let s = 0; s < 30; s++) {
    const strat = counts(clustersOf(model.sampleTri(n, s, { draws: 'stratified' }), n), 3);
    const want = Array.from(w, (v) => [Math.floor(n * v), Math.ceil(n * v)]);
    // Every cluster count is one of the allowed values of some component (with weights near 1/3: 2 … 4).
    strat.forEach((v) => assert.ok(want.some(([lo, hi]) => v >= lo && v <= hi), `seed ${s}: cluster counts ${strat}, weights ${Array.from(w)}`));
    const ind = counts(clustersOf(model.sampleTri(n, s), n), 3);
    if (Math.max(...ind) - Math.min(...ind) > 2) unevenIndependent++;
  }
  // Independent draws: 9 categorical draws leave a cluster with ≤ 1 against another with ≥ 4 for many seeds.
  assert.ok(unevenIndependent >= 5, `independent draws uneven in ${unevenIndependent} of 30 seeds`);
  // The default sampler is the independent one, bit for bit; stratified draws are other draws.
  const a = model.sampleTri(5, 7), b = model.sampleTri(5, 7, { draws: 'independent' }), c = model.sampleTri(5, 7, { draws: 'stratified' });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // A Gram-set blend hands the option to each painting's model: its stratified samples are the average of the two
  // models' stratified samples from the same streams (and differ from the independent ones).
  const mix = mixGramSets([model, model], [0.5, 0.5]);
  assert.notDeepEqual(mix.sampleTri(4, 3, { draws: 'stratified' }), mix.sampleTri(4, 3));
  assert.throws(() => model.sample(2, 0, { draws: 'x' as never }), (e: Error) => e instanceof RangeError && e.message === 'draws must be one of independent, stratified, got x');
  assert.throws(() => mix.sample(2, 0, { draws: 'x' as never }), (e: Error) => e instanceof RangeError && e.message === 'draws must be one of independent, stratified, got x');
});

test('draws: a job option with its default; other values refused with the exact message', () => {
  assert.deepEqual([...GRAM_DRAWS], ['independent', 'stratified']);
  assert.ok(GRAM_DRAWS.includes(STYLE_DEFAULTS.draws));
  for (const v of GRAM_DRAWS) assert.doesNotThrow(() => checkStyleJobOptions({ styles: ['a.jpg'], draws: v }));
  for (const v of ['x', 'Stratified', '', 1]) {
    assert.throws(() => checkStyleJobOptions({ styles: ['a.jpg'], draws: v as never }), (e: Error) => e instanceof RangeError && e.message === `draws must be one of independent, stratified, got ${String(v)}`, String(v));
  }
});
