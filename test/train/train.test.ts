import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { initBackend, tf } from '../../src/backend/index.ts';
import { limitSet, loadMnistSplit } from '../../src/data/mnist.ts';
import { accuracy, buildClassifier, classProbabilities } from '../../src/models/classifier.ts';
import { loadModel } from '../../src/train/model-io.ts';
import { AeTrainer, buildAeModels, meanAbsError, reconstruct } from '../../src/train/autoencoder.ts';
import { readCheckpoint } from '../../src/train/checkpoint.ts';
import { ClassifierTrainer } from '../../src/train/classifier.ts';
import { runAutoencoder, runClassifier } from '../../src/train/run.ts';

const quiet = () => {};
let train: ReturnType<typeof loadMnistSplit>;

before(async () => {
  await initBackend({ quiet: true });
  train = limitSet(loadMnistSplit('train'), 200);
});

test('a short adversarial AE training run on a small subset lowers the reconstruction error', () => {
  const models = buildAeModels(11);
  const trainer = new AeTrainer(models, { loss: 'mae', alpha: 1, lr: 2e-3, discLr: 2e-3 });
  const imgs = train.images.subarray(0, 50 * 784);
  const before = meanAbsError(imgs, reconstruct(models, imgs));
  const x = tf.tensor4d(imgs, [50, 28, 28, 1]);
  const losses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const l = trainer.step(x);
    losses.push(l.rec);
    assert.ok(Number.isFinite(l.adv) && Number.isFinite(l.disc), 'adversarial and discriminator losses are finite');
  }
  x.dispose();
  const after = meanAbsError(imgs, reconstruct(models, imgs));
  assert.ok(after < 0.75 * before, `MAE should drop: before ${before.toFixed(4)}, after ${after.toFixed(4)}`);
  assert.ok(losses.at(-1)! < losses[0], `training loss ${losses[0]} → ${losses.at(-1)}`);
  // MSE variant with alpha = 0: no discriminator step.
  const t2 = new AeTrainer(buildAeModels(12), { loss: 'mse', alpha: 0, lr: 1e-3, discLr: 1e-3 });
  const x2 = tf.tensor4d(imgs.subarray(0, 20 * 784), [20, 28, 28, 1]);
  const l2 = t2.step(x2);
  x2.dispose();
  assert.ok(Number.isNaN(l2.disc) && Number.isNaN(l2.adv) && l2.rec > 0);
  assert.throws(() => new AeTrainer(buildAeModels(1), { loss: 'l1' as 'mae', alpha: 1, lr: 1e-3, discLr: 1e-3 }), /loss must be "mae" or "mse", got "l1"/);
  assert.throws(() => new AeTrainer(buildAeModels(1), { loss: 'mae', alpha: -1, lr: 1e-3, discLr: 1e-3 }), /alpha .* ≥ 0, got -1/);
});

test('classifier steps lower the loss', () => {
  // Dropout makes each training-step loss random, so compare the inference-mode cross-entropy on the batch
  // before and after the steps.
  const model = buildClassifier({ seed: 3 });
  const trainer = new ClassifierTrainer(model, 1e-3);
  const x = tf.tensor4d(train.images.subarray(0, 50 * 784), [50, 28, 28, 1]);
  const y = Int32Array.from(train.labels.subarray(0, 50));
  const xent = (): number => {
    const p = classProbabilities(model, x).arraySync() as number[][];
    return -p.reduce((s, row, i) => s + Math.log(Math.max(row[y[i]], 1e-12)), 0) / p.length;
  };
  const before = xent();
  for (let i = 0; i < 15; i++) trainer.step(x, y);
  const after = xent();
  x.dispose();
  assert.ok(after < 0.6 * before, `inference-mode cross-entropy ${before} → ${after}`);
});

test('checkpoint → resume continues the step count and reproduces the uninterrupted loss history', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-train-'));
  try {
    const common = { batch: 20, seed: 4, limit: 60, testLimit: 40, classifierDir: null, checkpointEvery: 2, log: quiet };
    const straight = await runAutoencoder({ ...common, out: join(dir, 'a'), epochs: 2 });
    assert.equal(straight.state.step, 6);
    await runAutoencoder({ ...common, out: join(dir, 'b'), epochs: 1 });
    const ck = readCheckpoint<{ step: number; epoch: number }>(join(dir, 'b', 'checkpoint'));
    assert.equal(ck.state.step, 3);
    assert.equal(ck.state.epoch, 1);
    const resumed = await runAutoencoder({ ...common, out: join(dir, 'b'), epochs: 2, resume: true });
    assert.equal(resumed.state.step, 6, 'step count continues');
    assert.equal(resumed.summary.resumedFromStep, 3);
    for (const k of ['mae', 'adv', 'disc']) {
      const a = straight.state.history[k];
      const b = resumed.state.history[k];
      assert.equal(b.length, 6);
      for (let i = 0; i < 6; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(a[i])), `${k}[${i}]: straight ${a[i]} vs resumed ${b[i]}`);
    }
    // the run folder holds the outputs
    for (const f of ['loss-curves.png', 'reconstructions.png', 'summary.json', 'final/encoder/model.json', 'final/decoder/weights.bin']) {
      assert.ok(existsSync(join(dir, 'b', f)), `${f} written`);
    }
    const meta = await sharp(join(dir, 'b', 'reconstructions.png')).metadata();
    assert.ok(meta.width! > 100 && meta.height! > 50);
    const summary = JSON.parse(readFileSync(join(dir, 'b', 'summary.json'), 'utf8'));
    assert.equal(summary.steps, 6);
    assert.ok(summary.testMAE > 0 && summary.testMAE < 1);
    assert.equal(summary.epochsCompleted, 2);
    // switching the loss on resume (MSE pre-training → MAE fine-tuning and back) keeps the per-step alignment
    const switched = await runAutoencoder({ ...common, out: join(dir, 'b'), epochs: 3, resume: true, ae: { loss: 'mse', alpha: 1 } });
    assert.equal(switched.state.step, 9);
    assert.equal(switched.state.config.loss, 'mse');
    const mse = switched.state.history.mse;
    assert.equal(mse.length, 9);
    assert.ok(mse.slice(0, 6).every((v) => Number.isNaN(v)) && mse.slice(6).every((v) => v > 0), `mse history ${mse}`);
    assert.equal(switched.state.history.mae.length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupted or truncated checkpoint is rejected with an error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-train-'));
  try {
    const common = { batch: 20, seed: 5, limit: 40, testLimit: 20, classifierDir: null, log: quiet };
    await runAutoencoder({ ...common, out: dir, epochs: 1 });
    const w = join(dir, 'checkpoint', 'encoder', 'weights.bin');
    const good = readFileSync(w);
    const bad = Buffer.from(good);
    bad[123] ^= 0x01;
    writeFileSync(w, bad);
    await assert.rejects(runAutoencoder({ ...common, out: dir, epochs: 2, resume: true }), (e: Error) => e.message.includes(w) && /checksum mismatch.*corrupted/.test(e.message));
    writeFileSync(w, good.subarray(0, 100));
    await assert.rejects(runAutoencoder({ ...common, out: dir, epochs: 2, resume: true }), /weights\.bin: is 100 bytes, state\.json records \d+ \(truncated/);
    writeFileSync(w, good);
    const st = join(dir, 'checkpoint', 'state.json');
    writeFileSync(st, readFileSync(st, 'utf8').slice(0, 50));
    await assert.rejects(runAutoencoder({ ...common, out: dir, epochs: 2, resume: true }), (e: Error) => e.message.includes(st) && /not valid JSON/.test(e.message));
    await assert.rejects(runAutoencoder({ ...common, out: join(dir, 'none'), epochs: 2, resume: true }), /state\.json: not found \(nothing to resume from\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('classifier run: resume with a different kind or seed is refused; summary and model written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-train-'));
  try {
    const res = await runClassifier({ out: dir, epochs: 1, batch: 20, seed: 1, limit: 40, testLimit: 50, log: quiet });
    assert.equal(res.state.step, 2);
    assert.ok(existsSync(join(dir, 'final', 'classifier', 'model.json')));
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    // The reported accuracy is the saved classifier's accuracy on the 50 test digits, recomputed here.
    const saved = await loadModel(join(dir, 'final', 'classifier'), 'classifier');
    const t = limitSet(loadMnistSplit('t10k'), 50);
    const xt = tf.tensor4d(t.images, [t.n, 28, 28, 1]);
    assert.equal(s.testAccuracy, accuracy(saved, xt, t.labels));
    assert.ok(Math.abs(s.testAccuracy * 50 - Math.round(s.testAccuracy * 50)) < 1e-9, `${s.testAccuracy} is a count of 50`);
    xt.dispose();
    saved.dispose();
    await assert.rejects(runClassifier({ out: dir, epochs: 2, batch: 20, seed: 2, limit: 40, testLimit: 50, resume: true, log: quiet }), /used seed 1, this run asks for 2/);
    await assert.rejects(runAutoencoder({ out: dir, epochs: 2, batch: 20, seed: 1, limit: 40, testLimit: 50, resume: true, classifierDir: null, log: quiet }), /is of a classifier run, not autoencoder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
