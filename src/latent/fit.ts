/**
 * Fitting one GMM per digit class on the autoencoder's latent codes, classes in parallel on worker threads,
 * and saving the set as versioned JSON (format described in model-set.ts):
 *
 *   const manifest = await fitLatentSet({ codes, method: 'sw', k: 10, outDir: 'models/gmm/sw', workers: 2 });
 *
 * Each class c is fitted on its codes (optionally a seeded random subset of `limit` codes) with
 * fitGMM(method, points, { k, seed: seed + 1009·c, covarianceType, ...methodDefaults, ...fitOptions }).
 * Files are written atomically (temp + rename); the manifest is written last, so a folder with an index.json
 * always holds a complete set.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { availableFitMethods, FIT_METHODS, fitGMM, GMM, type FitHistory, type FitMethod, type FixedBasisProduct, type Points } from '../gmm/index.ts';
import { Rng } from '../util/rng.ts';
import { siblingModule, startWorker } from '../util/worker.ts';
import {
  LATENT_SET_FORMAT, LATENT_SET_VERSION, MANIFEST_FILE, LatentSetError, classModelFromJSON, modelTypeOf, type LatentClassEntry, type LatentClassModel,
  type LatentModelType, type LatentSetManifest,
} from './model-set.ts';
import { secondsSince } from '../util/clock.ts';

/** Latent codes with their digit labels (what src/latent/codes.ts readCodes returns, structurally). */
export interface LabeledCodes {
  n: number;
  d: number;
  data: Float32Array | Float64Array;
  labels: ArrayLike<number>;
}

/**
 * Method options used for the latent sets unless overridden (fitOptions / --opt). Every method runs to
 * convergence: EM until the mean log-likelihood changes by less than 1e-3 (scikit-learn's tol; at most 200
 * iterations); SW, SC2 and MMD until their stopping rule (src/gmm/fit/sw.ts PlateauMonitor: the smoothed loss falls
 * by less than 0.2 % per 50 steps) — SW on all codes of the class (quantile levels, no minibatch bias) with its
 * EM finish, SC2 with Zhang's NLL phase (SC2+NLL, 200 NLL steps), MMD on all codes of the class (its default:
 * a deterministic loss, so that the stopping rule sees a plateau and not minibatch noise) with room for the
 * 450–650 steps it took per class at 128-d (maxIter 3000); fixed-basis is one pass
 * and stores the paper's per-coordinate model.
 */
export const LATENT_FIT_DEFAULTS: Partial<Record<FitMethod, Record<string, unknown>>> = {
  em: { maxIter: 200, tol: 1e-3 },
  nll: { maxIter: 1000 },
  sw: {},
  sc2: { nllSteps: 200 },
  'fixed-basis': {},
  mmd: { maxIter: 3000 },
};

export interface ClassFitTask {
  label: number;
  method: FitMethod;
  n: number;
  d: number;
  data: Float64Array;
  options: Record<string, unknown>;
}

/**
 * Fits one class (runs inside a worker, or inline). The class model is the fitted GMM, or for the fixed-basis
 * method the paper's per-coordinate product density (`product` of fitFixedBasis), which is what gets saved.
 */
export function fitClassCodes(task: ClassFitTask, onStep?: (step: number, loss: number) => void): { model: LatentClassModel; history: FitHistory } {
  const points: Points = { n: task.n, d: task.d, data: task.data };
  const opts: Record<string, unknown> = { ...task.options };
  if (onStep) opts.onStep = ({ step, loss }: { step: number; loss: number }) => onStep(step, loss);
  const r = fitGMM(task.method, points, opts) as ReturnType<typeof fitGMM> & { product?: FixedBasisProduct };
  return { model: r.product ?? r.gmm, history: r.history };
}

/** Codes of each requested class as float64 Points, optionally a seeded random subset of `limit` per class. */
export function splitByClass(codes: LabeledCodes, classes: readonly number[], limit: number | null = null, seed = 0): Map<number, Points> {
  checkCodes(codes);
  const idx = new Map<number, number[]>();
  for (const c of classes) idx.set(c, []);
  for (let i = 0; i < codes.n; i++) idx.get(codes.labels[i])?.push(i);
  const out = new Map<number, Points>();
  for (const c of classes) {
    let rows = idx.get(c)!;
    if (rows.length === 0) throw new LatentSetError(`class ${c} has no codes (labels present: ${[...new Set(Array.from(codes.labels))].sort((a, b) => a - b).join(', ')})`);
    if (limit !== null && rows.length > limit) {
      const perm = new Rng(seed * 64 + 63 - (c % 32)).permutation(rows.length);
      rows = Array.from(perm.subarray(0, limit), (j) => rows[j]).sort((a, b) => a - b);
    }
    const d = codes.d;
    const data = new Float64Array(rows.length * d);
    rows.forEach((r, j) => {
      for (let t = 0; t < d; t++) data[j * d + t] = codes.data[r * d + t];
    });
    out.set(c, { n: rows.length, d, data });
  }
  return out;
}

/**
 * The unsupervised protocol's codes: a seeded random subset of `limit` codes of all classes (all of them when
 * limit ≥ n), in the order of a permutation drawn with Rng(seed·64 + 17), as float64 Points with their labels
 * (the labels are for scoring and for classGaussians only). latent-eval and the unsupervised studies share it, so
 * that they fit the same codes.
 * @throws LatentSetError on malformed codes.
 */
export function unsupervisedSubset(codes: LabeledCodes, limit: number, seed = 0): { points: Points; labels: number[] } {
  checkCodes(codes);
  const idx = new Rng(seed * 64 + 17).permutation(codes.n).subarray(0, Math.min(limit, codes.n));
  const d = codes.d;
  const data = new Float64Array(idx.length * d);
  idx.forEach((r, i) => {
    for (let j = 0; j < d; j++) data[i * d + j] = codes.data[r * d + j];
  });
  return { points: { n: idx.length, d, data }, labels: Array.from(idx, (r) => codes.labels[r]) };
}

/**
 * The mixture of the class Gaussians: one full-covariance component per class present in `codes` (classes in
 * ascending order), with the class's mean, its maximum-likelihood covariance (divided by the class count) plus
 * `regCovar`·I (default 1e-6), and its share of the codes as weight. Labels choose the components: it is the "oracle" start
 * and reference of the unsupervised protocol (docs/RESULTS.md).
 * @throws LatentSetError on malformed codes.
 */
export function classGaussians(codes: LabeledCodes, regCovar = 1e-6): GMM {
  checkCodes(codes);
  const classes = [...new Set(Array.from(codes.labels))].sort((a, b) => a - b);
  const byClass = splitByClass(codes, classes);
  const { d } = codes, k = classes.length;
  const weights = new Float64Array(k), means = new Float64Array(k * d), covariances = new Float64Array(k * d * d);
  classes.forEach((c, ci) => {
    const { n, data } = byClass.get(c)!;
    weights[ci] = n / codes.n;
    const mu = means.subarray(ci * d, (ci + 1) * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += data[i * d + j] / n;
    const S = covariances.subarray(ci * d * d, (ci + 1) * d * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const xa = (data[i * d + a] - mu[a]) / n;
        for (let b = 0; b <= a; b++) S[a * d + b] += xa * (data[i * d + b] - mu[b]);
      }
    }
    for (let a = 0; a < d; a++) {
      S[a * d + a] += regCovar;
      for (let b = 0; b < a; b++) S[b * d + a] = S[a * d + b];
    }
  });
  return new GMM({ k, d, covarianceType: 'full', weights, means, covariances }, { method: 'class Gaussians', classes });
}

export function checkCodes(codes: LabeledCodes): void {
  if (codes === null || typeof codes !== 'object') throw new LatentSetError('codes must be an object {n, d, data, labels}');
  const { n, d, data, labels } = codes;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1) throw new LatentSetError(`codes: n and d must be positive integers, got n=${n}, d=${d}`);
  if (!(data instanceof Float32Array || data instanceof Float64Array) || data.length !== n * d) throw new LatentSetError(`codes: data must be a float array of n·d = ${n * d} values, got ${data?.length}`);
  if (!labels || labels.length !== n) throw new LatentSetError(`codes: ${n} codes but ${labels?.length} labels`);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new LatentSetError(`codes: value ${i} (code ${Math.floor(i / d)}) is not finite: ${data[i]}`);
}

export interface FitProgress {
  label: number;
  /** 'start' | 'step' | 'done' */
  phase: 'start' | 'step' | 'done';
  step?: number;
  loss?: number;
  wallTime?: number;
  /** Classes finished so far / total. */
  finished: number;
  total: number;
}

export interface FitLatentOptions {
  codes: LabeledCodes;
  method: FitMethod;
  k: number;
  outDir: string;
  /** Classes to fit (default: every label in the codes, ascending). */
  classes?: number[];
  /** Per-class cap on codes (seeded random subset). */
  limit?: number | null;
  seed?: number;
  covarianceType?: 'full' | 'diag';
  /** Extra fitGMM options (override LATENT_FIT_DEFAULTS[method]). */
  fitOptions?: Record<string, unknown>;
  /**
   * Significant digits of the numbers in the class files (default 7, float32 precision, which keeps a diagonal
   * 10-component 128-d class file near 30 KB; 0 = full float64).
   */
  precision?: number;
  /** Worker threads (default 2; 0 = fit inline on this thread). */
  workers?: number;
  codesPath?: string | null;
  codesHeader?: unknown;
  /**
   * Called on each class's start and end and on its steps: every step when fitting inline (workers 0), from a worker
   * its first step and then at most one step every FIT_PROGRESS_INTERVAL_MS.
   */
  onProgress?: (p: FitProgress) => void;
}

/** Milliseconds between two step reports of a class fitted in a worker thread (src/latent/fit-worker.ts). */
export const FIT_PROGRESS_INTERVAL_MS = 500;

const RESERVED = ['k', 'seed', 'covarianceType', 'onStep'];

/** Fits and saves the set; resolves to its manifest. */
export async function fitLatentSet(o: FitLatentOptions): Promise<LatentSetManifest> {
  const t0 = performance.now();
  if (!FIT_METHODS.includes(o.method)) throw new LatentSetError(`unknown method ${JSON.stringify(o.method)}: expected one of ${FIT_METHODS.join(', ')}`);
  if (!availableFitMethods().includes(o.method)) throw new LatentSetError(`method '${o.method}' has no registered fitter yet (available: ${availableFitMethods().join(', ')})`);
  if (!Number.isInteger(o.k) || o.k < 1) throw new LatentSetError(`k must be a positive integer, got ${o.k}`);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new LatentSetError(`seed must be a non-negative integer, got ${seed}`);
  const limit = o.limit ?? null;
  if (limit !== null && (!Number.isInteger(limit) || limit < 1)) throw new LatentSetError(`limit must be a positive integer, got ${limit}`);
  const workers = o.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 0) throw new LatentSetError(`workers must be a non-negative integer, got ${workers}`);
  const covarianceType = o.covarianceType ?? 'diag';
  const precision = o.precision ?? 7;
  if (!Number.isInteger(precision) || precision < 0 || precision > 17) throw new LatentSetError(`precision must be an integer in [0, 17], got ${precision}`);
  const fitOptions = { ...(o.fitOptions ?? {}) };
  for (const key of RESERVED) if (key in fitOptions) throw new LatentSetError(`fit option '${key}' is set by fit-latent itself (use its own flag)`);
  checkCodes(o.codes);
  const present = [...new Set(Array.from(o.codes.labels))].sort((a, b) => a - b);
  const classes = o.classes ?? present;
  for (const c of classes) {
    if (!present.includes(c)) throw new LatentSetError(`class ${c} has no codes (labels present: ${present.join(', ')})`);
  }
  const byClass = splitByClass(o.codes, classes, limit, seed);
  for (const [c, p] of byClass) {
    if (p.n < o.k) throw new LatentSetError(`class ${c} has ${p.n} codes, fewer than k = ${o.k} components`);
  }
  const baseOptions = { ...(LATENT_FIT_DEFAULTS[o.method] ?? {}), ...fitOptions };
  const tasks: ClassFitTask[] = classes.map((label) => {
    const p = byClass.get(label)!;
    const options: Record<string, unknown> = { ...baseOptions, k: o.k, seed: classSeed(seed, label), covarianceType };
    // The default minibatch is capped at the class size (a batch given with --opt is passed as is).
    if (!('batchSize' in fitOptions) && typeof options.batchSize === 'number' && options.batchSize > p.n) options.batchSize = p.n;
    return { label, method: o.method, n: p.n, d: p.d, data: p.data, options };
  });
  mkdirSync(o.outDir, { recursive: true });
  type ModelJson = ReturnType<LatentClassModel['toJSON']>;
  const results = new Map<number, { json: ModelJson; history: FitHistory }>();
  let modelType: LatentModelType | null = null;
  let finished = 0;
  const total = tasks.length;
  const progress = (p: Omit<FitProgress, 'finished' | 'total'>) => o.onProgress?.({ ...p, finished, total });

  const finish = (task: ClassFitTask, json: ModelJson, history: FitHistory) => {
    const g = classModelFromJSON(json); // validates what the worker sent
    modelType = modelTypeOf(g);
    const meta = {
      method: o.method, class: task.label, n: task.n, seed: task.options.seed, options: baseOptions,
      lossName: history.lossName, finalLoss: history.loss.at(-1) ?? null, finalNll: history.finalNll ?? null,
      iterations: history.iterations, converged: history.converged, wallTime: history.wallTime, created: new Date().toISOString(),
    };
    const text = compactJson(g.withMeta(meta).toJSON(), precision);
    const out = classModelFromJSON(JSON.parse(text)).toJSON(); // what a loader will see (rounded values still valid)
    writeAtomic(join(o.outDir, classFile(task.label)), text);
    results.set(task.label, { json: out, history });
    finished++;
    progress({ label: task.label, phase: 'done', wallTime: history.wallTime });
  };

  if (workers === 0) {
    for (const task of tasks) {
      progress({ label: task.label, phase: 'start' });
      let r: { model: LatentClassModel; history: FitHistory };
      try {
        r = fitClassCodes(task, (step, loss) => progress({ label: task.label, phase: 'step', step, loss }));
      } catch (e) {
        throw new LatentSetError(`class ${task.label} (${o.method}, k=${o.k}): ${(e as Error).message}`);
      }
      finish(task, r.model.toJSON(), r.history);
    }
  } else {
    await runPool(tasks, Math.min(workers, tasks.length), {
      start: (t) => progress({ label: t.label, phase: 'start' }),
      step: (t, step, loss) => progress({ label: t.label, phase: 'step', step, loss }),
      done: (t, json, history) => finish(t, json, history),
      error: (t, message) => new LatentSetError(`class ${t.label} (${o.method}, k=${o.k}): ${message}`),
    });
  }

  const classEntries: LatentClassEntry[] = tasks.map((t) => {
    const { history } = results.get(t.label)!;
    return {
      label: t.label, file: classFile(t.label), n: t.n, k: o.k, lossName: history.lossName,
      finalLoss: history.loss.at(-1) ?? null, finalNll: history.finalNll ?? null, iterations: history.iterations,
      converged: history.converged, wallTime: history.wallTime, seed: t.options.seed as number,
    };
  });
  let bytes = 0;
  for (const e of classEntries) bytes += statSync(join(o.outDir, e.file)).size;
  const manifest: LatentSetManifest = {
    format: LATENT_SET_FORMAT, version: LATENT_SET_VERSION, method: o.method, k: o.k, d: o.codes.d, covarianceType, modelType: modelType ?? 'gmm',
    options: baseOptions, seed, limit, codes: { path: o.codesPath ?? null, ...(o.codesHeader !== undefined ? { header: o.codesHeader } : {}) },
    classes: classEntries, created: new Date().toISOString(), workers, totalWallTime: secondsSince(t0), bytes, precision,
  };
  writeAtomic(join(o.outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
  return manifest;
}

/** JSON with numbers rounded to `digits` significant digits (0: unchanged). */
export function compactJson(value: unknown, digits: number): string {
  if (digits === 0) return JSON.stringify(value);
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(digits)) : v));
}

export function classFile(label: number): string {
  return `class-${label}.json`;
}

export function classSeed(seed: number, label: number): number {
  return seed + 1009 * label;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

interface PoolHandlers {
  start: (t: ClassFitTask) => void;
  step: (t: ClassFitTask, step: number, loss: number) => void;
  done: (t: ClassFitTask, json: ReturnType<LatentClassModel['toJSON']>, history: FitHistory) => void;
  error: (t: ClassFitTask, message: string) => Error;
}

const ENTRY = siblingModule('./fit-worker', import.meta.url);

/** Runs the tasks on at most `size` worker threads; rejects on the first failure (terminating the others). */
function runPool(tasks: ClassFitTask[], size: number, h: PoolHandlers): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue = tasks.slice();
    const live = new Set<Worker>();
    let failed = false;
    let remaining = tasks.length;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of live) void w.terminate();
      reject(err);
    };
    const launch = () => {
      const task = queue.shift();
      if (!task || failed) return;
      h.start(task);
      const w = startWorker(ENTRY, { workerData: { task } });
      live.add(w);
      let settled = false;
      w.on('message', (m: { type: string; step?: number; loss?: number; json?: ReturnType<LatentClassModel['toJSON']>; history?: FitHistory; message?: string }) => {
        if (m.type === 'progress') h.step(task, m.step!, m.loss!);
        else if (m.type === 'done') {
          settled = true;
          try {
            h.done(task, m.json!, m.history!);
          } catch (e) {
            fail(h.error(task, (e as Error).message));
            return;
          }
          remaining--;
          if (remaining === 0) resolve();
        } else if (m.type === 'error') {
          settled = true;
          fail(h.error(task, m.message ?? 'unknown error'));
        }
      });
      w.on('error', (e) => {
        settled = true;
        fail(h.error(task, `worker crashed: ${e.message}`));
      });
      w.on('exit', (code) => {
        live.delete(w);
        if (!settled && !failed) fail(h.error(task, `worker exited with code ${code} before finishing`));
        else launch();
      });
    };
    for (let i = 0; i < size; i++) launch();
  });
}
