/**
 * Every row-by-row sampler that takes a generator draws exactly its rows' numbers and no more: sampling n₁ rows and
 * then n₂ rows from one generator gives the same rows as n₁ + n₂ rows from a fresh generator of the same seed, and
 * the generator goes on as that one does. An extra or missing draw (a loop one row too long, a draw left out)
 * shifts everything a caller samples next. GMM.sample (every covariance type) and sampleComponent,
 * FixedBasisProduct.sample, randomDirections, and the studies' samplers (sampleTarget, unmixingSample).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM } from '../../../src/gmm/model/gmm.ts';
import { FixedBasisProduct } from '../../../src/gmm/fit/fixed-basis.ts';
import { mixture1D } from '../../../src/gmm/model/mixture1d.ts';
import { randomDirections } from '../../../src/gmm/distances/wasserstein.ts';
import { randomTarget, sampleTarget } from '../../../src/studies/fixed-basis-targets.ts';
import { unmixingSample } from '../../../src/studies/unmixing.ts';
import { Rng } from '../../../src/util/rng.ts';

/** Checks the split property for `draw(n, rng)` returning arrays to concatenate (all of the same arity). */
function checkSplit(what: string, draw: (n: number, rng: Rng) => Iterable<number>[], n1 = 3, n2 = 4, seed = 17): void {
  const split = new Rng(seed), whole = new Rng(seed);
  const a = draw(n1, split), b = draw(n2, split), c = draw(n1 + n2, whole);
  c.forEach((all, j) => assert.deepEqual([...a[j], ...b[j]], [...all], `${what}: output ${j} of ${n1} + ${n2} rows`));
  assert.equal(split.uniform(), whole.uniform(), `${what}: the generator after the rows`);
  // Zero rows draw nothing.
  const none = new Rng(seed);
  draw(0, none);
  assert.equal(none.uniform(), new Rng(seed).uniform(), `${what}: 0 rows`);
}

test('GMM.sample and sampleComponent, every covariance type: rows drawn in turn, nothing more', () => {
  const base = new GMM({
    k: 2, d: 2, covarianceType: 'full', weights: Float64Array.of(0.3, 0.7), means: Float64Array.of(0, 1, -2, 3),
    covariances: Float64Array.of(1, 0.3, 0.3, 0.5, 2, -0.4, -0.4, 1),
  });
  for (const type of ['full', 'diag', 'tied', 'spherical'] as const) {
    const g = type === 'full' ? base : base.withCovarianceType(type);
    checkSplit(`GMM.sample ${type}`, (n, rng) => { const s = g.sample(n, rng); return [s.points.data, s.components]; });
    checkSplit(`GMM.sampleComponent ${type}`, (n, rng) => [g.sampleComponent(1, n, rng).data]);
  }
});

test('FixedBasisProduct.sample (both frames), randomDirections: rows drawn in turn, nothing more', () => {
  const marg = [mixture1D([0, 1], [0.5, 0.5], [0.5, 0.5]), mixture1D([-1, 1, 3], [1, 1, 0.2], [0.25, 0.5, 0.25])];
  for (const axes of [null, Float64Array.of(0.6, 0.8, -0.8, 0.6)]) {
    const p = new FixedBasisProduct(2, Float64Array.of(1, -1), axes, marg, { method: 'fixed-basis' });
    checkSplit(`FixedBasisProduct.sample ${p.frame}`, (n, rng) => [p.sample(n, rng).data]);
  }
  checkSplit('randomDirections', (n, rng) => (n === 0 ? [[]] : [randomDirections(n, 3, rng)]));
});

test('the studies\' samplers: sampleTarget (every component kind), unmixingSample: rows drawn in turn, nothing more', () => {
  const T = randomTarget(new Rng(3), true);
  assert.deepEqual(new Set(T.comps.map((c) => c.kind)), new Set(['normal', 't', 'uniform']), 'the target mixes every kind');
  checkSplit('sampleTarget', (n, rng) => [sampleTarget(T, n, rng)], 20, 30);
  const A = Float64Array.of(1, 0, 0.5, 0.2, 1, 0.3); // d = 3, r = 2
  checkSplit('unmixingSample', (n, rng) => { const s = unmixingSample(A, 3, 2, n, 0.1, rng); return [s.X.data, s.B]; });
});
