/**
 * runAutoencoder's documented epochEvalLimit (src/train/run.ts: "Test digits evaluated after each epoch (default
 * 2000)"): with 2001 test digits the per-epoch testMAE is the mean absolute error of the first 2000 only — recomputed
 * here from the saved final models (the same weights: one epoch, evaluated at its end) — while the final testMAE
 * covers all 2001. runClassifier's Adam learning rate defaults to 1e-3: recorded in the run's config, and one Adam step
 * from the seeded start moves the weights by ≈ 1e-3 each.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.ts';
import { limitSet, loadMnistSplit } from '../../src/data/mnist.ts';
import { loadModel } from '../../src/train/model-io.ts';
import { meanAbsError, reconstruct } from '../../src/train/autoencoder.ts';
import { runAutoencoder, runClassifier } from '../../src/train/run.ts';
import { buildClassifier } from '../../src/models/classifier.ts';

before(async () => {
  await initBackend({ quiet: true });
});

test('runAutoencoder evaluates the first 2000 test digits after each epoch by default', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-train-defaults-'));
  try {
    const res = await runAutoencoder({ out: dir, epochs: 1, batch: 20, seed: 3, limit: 20, testLimit: 2001, classifierDir: null, checkpointEvery: 0, log: () => {} });
    const perEpoch = res.state.epochs[0].testMAE;
    const test2001 = limitSet(loadMnistSplit('t10k'), 2001).images;
    const models = { encoder: await loadModel(join(dir, 'final', 'encoder')), decoder: await loadModel(join(dir, 'final', 'decoder')) };
    const first2000 = test2001.subarray(0, 2000 * 784);
    const want = meanAbsError(first2000, reconstruct(models, first2000));
    assert.ok(Math.abs(perEpoch - want) < 1e-7, `per-epoch testMAE ${perEpoch} vs the first 2000 digits' ${want}`);
    assert.ok(Math.abs(perEpoch - (res.summary.testMAE as number)) > 1e-9, `the final testMAE over 2001 digits (${res.summary.testMAE}) differs`);
    models.encoder.dispose();
    models.decoder.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runClassifier: Adam lr 1e-3 by default — recorded, and one Adam step moves each weight by ≈ lr', async () => {
  // Adam's first step is −lr·ĝ/(|ĝ| + ε) per weight: ±lr wherever the gradient is well above ε, whatever the
  // (unseeded) dropout mask. The starting weights are buildClassifier({ seed }).
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-train-defaults-'));
  try {
    const r = await runClassifier({ out: dir, epochs: 1, batch: 20, seed: 2, limit: 20, testLimit: 20, checkpointEvery: 0, log: () => {} });
    assert.equal(r.state.step, 1);
    assert.equal(r.state.config.lr, 1e-3);
    const start = buildClassifier({ seed: 2 });
    const trained = await loadModel(join(dir, 'final', 'classifier'));
    const steps: number[] = [];
    start.getWeights().forEach((w0, t) => {
      const a = w0.dataSync(), b = trained.getWeights()[t].dataSync();
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) steps.push(Math.abs(b[i] - a[i]));
    });
    steps.sort((x, y) => x - y);
    const median = steps[steps.length >> 1];
    assert.ok(steps.length > 1000, `${steps.length} weights moved`);
    assert.ok(Math.abs(median - 1e-3) < 5e-5, `median step ${median}, want ≈ 1e-3`);
    start.dispose();
    trained.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
