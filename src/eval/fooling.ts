/**
 * Fooling rate of a GMM (Kolouri et al. 2018, §4.2 and Figure 6): a discriminator is trained to tell samples
 * of the GMM from real data points; its error rate on held-out data is the "fooling rate" (50% = the two
 * sets cannot be told apart, 0% = perfectly separable). Published on MNIST latent codes: EM-GMM
 * 24.87 ± 8.39%, SW-GMM 41.91 ± 2.35%.
 *
 * Discriminator: the paper's Figure 8 (MNIST) MLP, 128 → dense 256 → dense 512 → dense 256 → dense 2
 * (296,450 parameters for 128-d inputs). The figure gives no activations: we use ReLU on the hidden layers
 * and a softmax cross-entropy on the 2 logits; Adam (lr 1e-3), minibatches of 128.
 *
 * One run (seeded): n real points and n GMM samples (a fresh GMM sample per run, a random subset of the real
 * points when more are given), shuffled and split into train / held-out (default 80/20, balanced within each
 * split); inputs standardised with the training split's per-coordinate mean and sd; `epochs` passes over the
 * training split; error = share of held-out points misclassified (argmax). `foolingRate` repeats this `runs`
 * times with seeds seed, seed+1, ... and reports mean ± sample sd (the paper: "mean ± sd over runs").
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { Rng } from '../util/rng.ts';
import type { FeatureSet } from './frechet.ts';
import { secondsSince } from '../util/clock.ts';

export const FIGURE8_HIDDEN = [256, 512, 256] as const;

/** The Figure 8 MLP (logits output). */
export function buildFoolingDiscriminator(d: number, opts: { hidden?: readonly number[]; seed?: number } = {}): tfl.Sequential {
  const hidden = opts.hidden ?? FIGURE8_HIDDEN;
  let k = 0;
  const init = () => (opts.seed === undefined ? 'glorotUniform' : tfl.initializers.glorotUniform({ seed: opts.seed + k++ }));
  const m = tfl.sequential({ name: 'fooling_discriminator' });
  hidden.forEach((units, i) => {
    m.add(tfl.layers.dense({ name: `fd_dense${i + 1}`, units, activation: 'relu', kernelInitializer: init() as never, ...(i === 0 ? { inputShape: [d] } : {}) }));
  });
  m.add(tfl.layers.dense({ name: `fd_dense${hidden.length + 1}`, units: 2, kernelInitializer: init() as never }));
  return m;
}

export interface FoolingOptions {
  /** Hidden layer sizes (default the paper's [256, 512, 256]). */
  hidden?: readonly number[];
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Share of each set held out for the error rate (default 0.2). */
  holdout?: number;
  seed?: number;
}

export interface FoolingRun {
  seed: number;
  /** Held-out error rate (the fooling rate of this run). */
  error: number;
  /** Error on the fake (GMM) and real held-out points separately. */
  fakeError: number;
  realError: number;
  trainLoss: number;
  nTrain: number;
  nHeldOut: number;
  seconds: number;
}

function rowsOf(x: FeatureSet, idx: ArrayLike<number>, out: Float32Array, offset: number): void {
  const d = x.d;
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    for (let j = 0; j < d; j++) out[(offset + i) * d + j] = x.data[r * d + j];
  }
}

/**
 * One run: trains a fresh discriminator on `real` (label 0) vs `fake` (label 1), returns its held-out error.
 * Uses min(real.n, fake.n) points of each set.
 */
export async function discriminatorRun(real: FeatureSet, fake: FeatureSet, opts: FoolingOptions = {}): Promise<FoolingRun> {
  const t0 = performance.now();
  if (real.d !== fake.d) throw new Error(`discriminatorRun: real points are ${real.d}-d, fake points ${fake.d}-d`);
  const d = real.d;
  const seed = opts.seed ?? 0;
  const epochs = opts.epochs ?? 10;
  const batchSize = opts.batchSize ?? 128;
  const holdout = opts.holdout ?? 0.2;
  if (!(holdout > 0 && holdout < 1)) throw new Error(`discriminatorRun: holdout must be in (0, 1), got ${holdout}`);
  const rng = new Rng(seed);
  const n = Math.min(real.n, fake.n);
  if (n < 10) throw new Error(`discriminatorRun: need at least 10 points of each set, got ${n}`);
  const nHold = Math.max(1, Math.round(n * holdout));
  const nTr = n - nHold;
  const pr = rng.permutation(real.n).subarray(0, n);
  const pf = rng.permutation(fake.n).subarray(0, n);
  // Train: real[0..nTr) then fake[0..nTr); held-out: the rest of each.
  const xTr = new Float32Array(2 * nTr * d);
  const xHo = new Float32Array(2 * nHold * d);
  rowsOf(real, pr.subarray(0, nTr), xTr, 0);
  rowsOf(fake, pf.subarray(0, nTr), xTr, nTr);
  rowsOf(real, pr.subarray(nTr), xHo, 0);
  rowsOf(fake, pf.subarray(nTr), xHo, nHold);
  // Standardise with the training split's statistics.
  const mean = new Float64Array(d), sd = new Float64Array(d);
  const N = 2 * nTr;
  for (let i = 0; i < N; i++) for (let j = 0; j < d; j++) mean[j] += xTr[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= N;
  for (let i = 0; i < N; i++) for (let j = 0; j < d; j++) sd[j] += (xTr[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] / N) || 1;
  for (const x of [xTr, xHo]) for (let t = 0; t < x.length; t++) x[t] = (x[t] - mean[t % d]) / sd[t % d];
  const yTr = new Int32Array(N);
  yTr.fill(1, nTr);

  const model = buildFoolingDiscriminator(d, { hidden: opts.hidden, seed: seed * 16 + 7 });
  const optimizer = tf.train.adam(opts.lr ?? 1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xTrT = tf.tensor2d(xTr, [N, d]);
  const yTrT = tf.oneHot(tf.tensor1d(yTr, 'int32'), 2);
  let lastLoss = NaN;
  try {
    for (let e = 0; e < epochs; e++) {
      const perm = rng.permutation(N);
      for (let s = 0; s < N; s += batchSize) {
        const b = Math.min(batchSize, N - s);
        const idx = tf.tensor1d(perm.subarray(s, s + b), 'int32');
        const last = s + b >= N;
        const cost = optimizer.minimize(() => {
          const xb = tf.gather(xTrT, idx);
          const yb = tf.gather(yTrT, idx);
          const logits = model.apply(xb, { training: true }) as tf.Tensor2D;
          return tf.losses.softmaxCrossEntropy(yb, logits) as tf.Scalar;
        }, last, vars);
        idx.dispose();
        if (cost) {
          lastLoss = (await cost.data())[0];
          cost.dispose();
        }
      }
    }
    // Held-out error.
    const pred = tf.tidy(() => tf.argMax(model.apply(tf.tensor2d(xHo, [2 * nHold, d]), { training: false }) as tf.Tensor2D, 1));
    const p = (await pred.data()) as Int32Array;
    pred.dispose();
    let errReal = 0, errFake = 0;
    for (let i = 0; i < nHold; i++) if (p[i] !== 0) errReal++;
    for (let i = nHold; i < 2 * nHold; i++) if (p[i] !== 1) errFake++;
    return {
      seed, error: (errReal + errFake) / (2 * nHold), fakeError: errFake / nHold, realError: errReal / nHold,
      trainLoss: lastLoss, nTrain: N, nHeldOut: 2 * nHold, seconds: secondsSince(t0),
    };
  } finally {
    xTrT.dispose();
    yTrT.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

export interface FoolingRate {
  mean: number;
  sd: number;
  runs: FoolingRun[];
}

/**
 * The fooling rate over `runs` runs: `fakeFor(run, seed)` supplies the GMM samples of each run (a fresh sample
 * per run), `real` the real points (each run draws its own random subset when larger).
 */
export async function foolingRate(real: FeatureSet, fakeFor: (run: number, seed: number) => FeatureSet, runs = 5, opts: FoolingOptions = {}, onRun?: (r: FoolingRun, i: number) => void): Promise<FoolingRate> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`foolingRate: runs must be a positive integer, got ${runs}`);
  const base = opts.seed ?? 0;
  const out: FoolingRun[] = [];
  for (let r = 0; r < runs; r++) {
    const seed = base + r;
    const run = await discriminatorRun(real, fakeFor(r, seed), { ...opts, seed });
    out.push(run);
    onRun?.(run, r);
  }
  const errs = out.map((r) => r.error);
  return { mean: meanOf(errs), sd: sdOf(errs), runs: out };
}

export function meanOf(x: number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sdOf(x: number[]): number {
  if (x.length < 2) return 0;
  const m = meanOf(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
}
