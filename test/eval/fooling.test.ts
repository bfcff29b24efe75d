import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend/index.ts';
import { countParams } from '../../src/models/autoencoder.ts';
import { buildFoolingDiscriminator, discriminatorRun, foolingRate, meanOf, sdOf } from '../../src/eval/index.ts';
import { Rng } from '../../src/util/rng.ts';

function normalSet(n: number, d: number, shift: number, seed: number) {
  const rng = new Rng(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = rng.normal() + (i % d === 0 ? shift : 0);
  return { n, d, data };
}

test('the Figure 8 discriminator has the paper’s 296,450 parameters for 128-d codes', () => {
  const m = buildFoolingDiscriminator(128, { seed: 1 });
  assert.equal(countParams(m), 296_450);
  assert.deepEqual(m.layers.map((l) => (l.outputShape as number[])[1]), [256, 512, 256, 2]);
  m.dispose();
});

test('fooling rate ≈ 50% on identical distributions, ≈ 0 on separable ones, mean ± sd over runs', async () => {
  await initBackend({ quiet: true });
  const opts = { hidden: [64, 64], epochs: 4, batchSize: 64 };
  const real = normalSet(1500, 8, 0, 1);
  const same = await foolingRate(real, (r) => normalSet(1500, 8, 0, 100 + r), 3, { ...opts, seed: 5 });
  assert.equal(same.runs.length, 3);
  for (const r of same.runs) {
    assert.equal(r.nHeldOut, 600);
    assert.ok(Math.abs(r.error - 0.5) < 0.08, `identical distributions: held-out error ${r.error}`);
  }
  assert.ok(Math.abs(same.sd - sdOf(same.runs.map((r) => r.error))) < 1e-15);
  const sep = await discriminatorRun(real, normalSet(1500, 8, 6, 2), { ...opts, seed: 1 });
  assert.ok(sep.error < 0.02, `separable: error ${sep.error}`);
  // Shift 1 along one axis: Bayes error Φ(−1/2) ≈ 0.309.
  const mid = await discriminatorRun(real, normalSet(1500, 8, 1, 3), { ...opts, seed: 2 });
  assert.ok(mid.error > 0.24 && mid.error < 0.42, `shift 1: error ${mid.error}`);
  await assert.rejects(discriminatorRun(real, normalSet(10, 4, 0, 1)), /real points are 8-d, fake points 4-d/);
});

test('mean and sample standard deviation (n − 1) of the runs, by hand', () => {
  assert.equal(sdOf([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
  assert.equal(sdOf([1, 2]), Math.SQRT1_2);
  assert.equal(sdOf([-1, 1, 3]), 2);
  assert.equal(sdOf([5]), 0);
  assert.equal(meanOf([2, 4, 4, 4, 5, 5, 7, 9]), 5);
  assert.equal(meanOf([-3, 1]), -1);
});

test('documented defaults: discriminatorRun seed 0; foolingRate 5 runs with seeds seed, seed + 1, … (0 by default) handed to fakeFor', async () => {
  await initBackend({ quiet: true });
  const opts = { hidden: [4], epochs: 1, batchSize: 16 };
  const real = normalSet(40, 2, 0, 1), fake = normalSet(40, 2, 1, 2);
  const strip = <T extends { seconds: number }>(r: T): T => ({ ...r, seconds: 0 });
  const d = await discriminatorRun(real, fake, opts);
  assert.equal(d.seed, 0);
  assert.deepEqual(strip(d), strip(await discriminatorRun(real, fake, { ...opts, seed: 0 })), 'the same run as seed 0 written out');
  assert.notDeepEqual(strip(d), strip({ ...(await discriminatorRun(real, fake, { ...opts, seed: 1 })), seed: 0 }), 'seed 1 is another run');
  assert.equal(d.nHeldOut, 16, 'holdout 0.2 of 40 points of each set');
  assert.equal(d.nTrain, 64);
  // 100 points of each set: 160 training rows, so batches of 128 + 32 tell the default batch size from 127 or 129.
  const real100 = normalSet(100, 2, 0, 3), fake100 = normalSet(100, 2, 1, 4);
  const all = await discriminatorRun(real100, fake100, { hidden: [4] });
  assert.deepEqual(strip(all), strip(await discriminatorRun(real100, fake100, { hidden: [4], seed: 0, epochs: 10, batchSize: 128, holdout: 0.2, lr: 1e-3 })), 'every default written out');
  for (const other of [{ epochs: 9 }, { batchSize: 127 }, { batchSize: 129 }, { lr: 2e-3 }]) {
    assert.notDeepEqual(strip(all), strip(await discriminatorRun(real100, fake100, { hidden: [4], ...other })), `${JSON.stringify(other)} is another run`);
  }
  const asked: [number, number][] = [];
  const rate = await foolingRate(real, (r, s) => (asked.push([r, s]), fake), undefined, opts);
  assert.deepEqual(asked, [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
  assert.deepEqual(rate.runs.map((r) => r.seed), [0, 1, 2, 3, 4]);
  asked.length = 0;
  await foolingRate(real, (r, s) => (asked.push([r, s]), fake), 2, { ...opts, seed: 7 });
  assert.deepEqual(asked, [[0, 7], [1, 8]]);
});
