/**
 * The epoch/step loop shared by the autoencoder and classifier runs: seeded per-epoch shuffling, batches,
 * progress bar, loss history, checkpoints (every epoch and every `checkpointEvery` steps, atomic), resume, and
 * a clean stop on SIGINT/SIGTERM (checkpoint, then return with `interrupted: true`).
 *
 * Determinism: the order of epoch e is `new Rng(seed * 1000003 + e).permutation(n)`, so a resumed run continues
 * the same epoch at the same position.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import type { MnistSet } from '../data/mnist.ts';
import { ProgressBar } from '../util/progress.ts';
import { Rng } from '../util/rng.ts';
import { readCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { secondsSince } from '../util/clock.ts';

export interface LoopState {
  kind: string;
  seed: number;
  batch: number;
  /** Steps done in total. */
  step: number;
  /** Current epoch (0-based) and steps done inside it. */
  epoch: number;
  stepInEpoch: number;
  /** Per-step losses: history[key][i] belongs to step i+1 (NaN/null where the key was not measured). */
  history: Record<string, number[]>;
  /** Per finished epoch: evaluation values. */
  epochs: Record<string, number>[];
  /** Training wall time so far (seconds, summed over resumed sessions). */
  wallSeconds: number;
  config: Record<string, unknown>;
}

export interface LoopOptions {
  kind: string;
  checkpointDir: string;
  train: MnistSet;
  epochs: number;
  batch: number;
  seed: number;
  resume: boolean;
  /** Save a checkpoint every this many steps as well as at each epoch end (default 200; 0 = only per epoch). */
  checkpointEvery?: number;
  models: Record<string, tfl.LayersModel>;
  optimizers: Record<string, tf.Optimizer>;
  config: Record<string, unknown>;
  /** One training step on a batch. */
  step: (x: tf.Tensor4D, labels: Int32Array) => Record<string, number>;
  /** Evaluation after each epoch (its values are shown and stored in state.epochs). */
  evaluate?: (epoch: number, state: LoopState) => Promise<Record<string, number>> | Record<string, number>;
  /** Called after every checkpoint (e.g. to redraw the loss curve). */
  onCheckpoint?: (state: LoopState) => Promise<void> | void;
  /** Label of the progress bar. */
  label?: string;
  log?: (msg: string) => void;
}

export interface LoopResult {
  state: LoopState;
  interrupted: boolean;
  resumedFrom: number;
}

export function stepsPerEpoch(n: number, batch: number): number {
  return Math.max(1, Math.floor(n / batch));
}

export function epochOrder(seed: number, epoch: number, n: number): Int32Array {
  return new Rng(seed * 1000003 + epoch).permutation(n);
}

export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const log = o.log ?? ((m: string) => console.error(m));
  const n = o.train.n;
  if (n < 1) throw new Error('trainLoop: the training set is empty');
  const B = Math.min(o.batch, n);
  const spe = stepsPerEpoch(n, B);
  let state: LoopState = {
    kind: o.kind,
    seed: o.seed,
    batch: B,
    step: 0,
    epoch: 0,
    stepInEpoch: 0,
    history: {},
    epochs: [],
    wallSeconds: 0,
    config: o.config,
  };
  if (o.resume) {
    const ck = readCheckpoint<LoopState>(o.checkpointDir);
    const s = ck.state;
    if (s.kind !== o.kind) throw new Error(`--resume: the checkpoint in ${ck.dir} is of a ${s.kind} run, not ${o.kind}`);
    if (s.batch !== B) throw new Error(`--resume: the checkpoint in ${ck.dir} used batch ${s.batch}, this run asks for ${B}`);
    if (s.seed !== o.seed) throw new Error(`--resume: the checkpoint in ${ck.dir} used seed ${s.seed}, this run asks for ${o.seed}`);
    await ck.restoreModels(o.models);
    await ck.restoreOptimizers(o.optimizers);
    state = { ...s, config: { ...s.config, ...o.config } };
    log(`resumed from ${ck.dir} (saved ${ck.savedAt}): step ${s.step}, epoch ${s.epoch + 1}, step ${s.stepInEpoch} of ${spe} in it`);
  }
  const resumedFrom = state.step;
  const totalSteps = o.epochs * spe;
  let stop = false;
  let firstSignal = 0;
  const onSignal = (sig: string) => {
    // `npm run` forwards the terminal's Ctrl-C as a second SIGINT: only a signal more than a second after the
    // first one counts as "again".
    if (firstSignal && Date.now() - firstSignal > 1000) {
      log(`${sig} again: exiting without saving`);
      process.exit(130);
    }
    if (firstSignal) return;
    firstSignal = Date.now();
    stop = true;
    log(`\n${sig}: finishing the current step, saving a checkpoint and stopping (press again to quit at once)`);
  };
  const hInt = () => onSignal('SIGINT');
  const hTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', hInt);
  process.on('SIGTERM', hTerm);
  const bar = new ProgressBar({ total: totalSteps, start: state.step, label: o.label ?? o.kind });
  let sessionStart = performance.now();
  const save = async () => {
    const now = performance.now();
    state.wallSeconds += secondsSince(sessionStart, now);
    sessionStart = now;
    await saveCheckpoint(o.checkpointDir, { models: o.models, optimizers: o.optimizers, state });
    if (o.onCheckpoint) await o.onCheckpoint(state);
  };
  const every = o.checkpointEvery ?? 200;
  const xbuf = new Float32Array(B * 784);
  const ybuf = new Int32Array(B);
  const running: Record<string, number> = {};
  try {
    while (state.epoch < o.epochs && !stop) {
      const order = epochOrder(o.seed, state.epoch, n);
      while (state.stepInEpoch < spe && !stop) {
        const off = state.stepInEpoch * B;
        for (let k = 0; k < B; k++) {
          const i = order[off + k];
          xbuf.set(o.train.images.subarray(i * 784, (i + 1) * 784), k * 784);
          ybuf[k] = o.train.labels[i];
        }
        const x = tf.tensor4d(xbuf, [B, 28, 28, 1]);
        let losses: Record<string, number>;
        try {
          losses = o.step(x, ybuf);
        } finally {
          x.dispose();
        }
        state.step++;
        state.stepInEpoch++;
        for (const [k, v] of Object.entries(losses)) {
          // A key that first appears after step 1 (e.g. --loss changed on --resume) is padded so that
          // history[k][i] stays the loss of step i + 1 (NaN, stored as null in JSON, where it was not measured).
          (state.history[k] ??= new Array<number>(state.step - 1).fill(NaN)).push(v);
          running[k] = Number.isFinite(running[k]) ? 0.95 * running[k] + 0.05 * v : v;
        }
        bar.label = `${o.label ?? o.kind} ep ${state.epoch + 1}/${o.epochs}`;
        bar.update(state.step, running);
        // Let pending signal handlers run (a train step is synchronous).
        await new Promise((r) => setImmediate(r));
        if (every > 0 && state.step % every === 0 && state.stepInEpoch < spe && !stop) await save();
      }
      if (stop) break;
      const ev = o.evaluate ? await o.evaluate(state.epoch, state) : {};
      state.epochs.push({ epoch: state.epoch + 1, step: state.step, ...ev });
      if (Object.keys(ev).length) bar.log(`epoch ${state.epoch + 1}/${o.epochs}: ${Object.entries(ev).map(([k, v]) => `${k} ${v.toFixed(5)}`).join(', ')}`);
      state.epoch++;
      state.stepInEpoch = 0;
      await save();
    }
    if (stop) await save();
  } finally {
    process.off('SIGINT', hInt);
    process.off('SIGTERM', hTerm);
  }
  bar.done();
  return { state, interrupted: stop, resumedFrom };
}
