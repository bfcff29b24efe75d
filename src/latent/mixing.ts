/**
 * Class mixing in the latent space, three modes, each with weights over classes (normalised to sum 1):
 *
 *  - 'mixture':     each sample comes from one class GMM, the class drawn with probability w_c
 *                   (a sample of the mixture Σ_c w_c p_c(z)).
 *  - 'blend':       each latent coordinate of each sample is taken from one class's sample, the class drawn
 *                   per coordinate with probability w_c — the fixed-basis paper's "random mixing of GMM data
 *                   through different classes" (Lu et al. 2023, §3.2.1, Figure 10).
 *  - 'interpolate': the convex combination z = Σ_c w_c z_c of one sample z_c from each class.
 *
 * All three use the per-class streams of LatentModelSet (class c's i-th sample is the i-th sample of
 * `sampleClass(c, n, seed)`), and class choices come from a separate stream, so every mode with weight 1 on one
 * class returns exactly `sampleClass(c, n, seed)`.
 *
 * Weights: an object {class: weight} (keys are class labels, as numbers or digit strings) or an array of
 * [class, weight] pairs. Rejected with a MixWeightsError naming the culprit: empty, unknown class, non-integer
 * class, non-finite or negative weight, all weights zero. Zero-weight classes are dropped.
 */
import { Rng } from '../util/rng.ts';
import { checkCount, streamSeed, type Codes, type LatentModelSet } from './model-set.ts';

export type MixMode = 'mixture' | 'blend' | 'interpolate';
export const MIX_MODES: readonly MixMode[] = ['mixture', 'blend', 'interpolate'];

export type ClassWeightsInput = Record<string | number, number> | ReadonlyArray<readonly [number, number]>;

export class MixWeightsError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'MixWeightsError';
  }
}

export interface ClassWeights {
  /** Classes with positive weight, ascending. */
  classes: number[];
  /** Their weights, summing to 1. */
  weights: Float64Array;
}

/** Validates and normalises class weights against the classes available. */
export function normalizeClassWeights(input: ClassWeightsInput, available: readonly number[]): ClassWeights {
  if (input === null || typeof input !== 'object') throw new MixWeightsError(`class weights must be an object {class: weight} or [class, weight] pairs, got ${JSON.stringify(input)}`);
  const pairs: [unknown, unknown][] = Array.isArray(input)
    ? (input as unknown[]).map((p, i) => {
        if (!Array.isArray(p) || p.length !== 2) throw new MixWeightsError(`class weights[${i}] must be a [class, weight] pair, got ${JSON.stringify(p)}`);
        return [p[0], p[1]];
      })
    : Object.entries(input);
  if (pairs.length === 0) throw new MixWeightsError('class weights are empty: give at least one class with a positive weight');
  const acc = new Map<number, number>();
  for (const [key, w] of pairs) {
    const label = typeof key === 'string' && /^\s*\d+\s*$/.test(key) ? Number(key) : key;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0) throw new MixWeightsError(`class ${JSON.stringify(key)} is not a class label (a non-negative integer)`);
    if (!available.includes(label)) throw new MixWeightsError(`unknown class ${label}: available classes are ${available.join(', ')}`);
    if (typeof w !== 'number' || !Number.isFinite(w)) throw new MixWeightsError(`weight of class ${label} must be a finite number, got ${JSON.stringify(w)}`);
    if (w < 0) throw new MixWeightsError(`weight of class ${label} is negative (${w}): weights must be ≥ 0`);
    if (acc.has(label)) throw new MixWeightsError(`class ${label} is given twice`);
    acc.set(label, w);
  }
  // Divide by the largest weight first: the sum of finite weights can overflow (1e308 + 1e308 = Infinity).
  let largest = 0;
  for (const w of acc.values()) largest = Math.max(largest, w);
  if (!(largest > 0)) throw new MixWeightsError('all class weights are zero: at least one must be positive');
  let total = 0;
  for (const w of acc.values()) total += w / largest;
  const classes = [...acc.entries()].filter(([, w]) => w > 0).map(([c]) => c).sort((a, b) => a - b);
  const weights = Float64Array.from(classes, (c) => acc.get(c)! / largest / total);
  return { classes, weights };
}

/** Parses "3:0.5,8:0.5" (or "3,8" for equal weights) into class weights pairs. */
export function parseClassWeights(text: string): [number, number][] {
  if (typeof text !== 'string' || text.trim() === '') throw new MixWeightsError('class weights string is empty (expected e.g. "3:0.5,8:0.5")');
  return text.split(',').map((part) => {
    const [c, w, extra] = part.split(':').map((s) => s.trim());
    if (extra !== undefined || c === '' || !/^\d+$/.test(c)) throw new MixWeightsError(`cannot read "${part}" as class[:weight] (expected e.g. "3:0.5")`);
    const weight = w === undefined ? 1 : Number(w);
    if (w !== undefined && (w === '' || !Number.isFinite(weight))) throw new MixWeightsError(`weight "${w}" of class ${c} must be a finite number`);
    return [Number(c), weight];
  });
}

export interface MixResult extends Codes {
  mode: MixMode;
  weights: ClassWeights;
  /**
   * Where each value came from: 'mixture' n entries (class of each sample); 'blend' n·d entries (class of each
   * coordinate); 'interpolate' empty (every class contributes to every value).
   */
  source: Int32Array;
}

/** n mixed codes (see the file comment for the modes), reproducible per seed. */
export function mixClasses(set: LatentModelSet, mode: MixMode, weightsIn: ClassWeightsInput | ClassWeights, n: number, seed = 0): MixResult {
  if (!MIX_MODES.includes(mode)) throw new MixWeightsError(`unknown mixing mode ${JSON.stringify(mode)}: expected one of ${MIX_MODES.join(', ')}`);
  checkCount(n);
  const cw = isNormalized(weightsIn) ? weightsIn : normalizeClassWeights(weightsIn, set.classes);
  for (const c of cw.classes) set.model(c); // unknown classes in pre-normalised weights
  const d = set.d;
  const { classes, weights } = cw;
  const pick = new Rng(streamSeed(seed, 0));
  const data = new Float32Array(n * d);
  if (mode === 'mixture') {
    const source = new Int32Array(n);
    const counts = new Array<number>(classes.length).fill(0);
    for (let i = 0; i < n; i++) {
      const j = classes.length === 1 ? 0 : pick.categorical(weights);
      source[i] = classes[j];
      counts[j]++;
    }
    const drawn = classes.map((c, j) => (counts[j] > 0 ? set.sampleClass(c, counts[j], seed).data : new Float32Array(0)));
    const next = new Array<number>(classes.length).fill(0);
    for (let i = 0; i < n; i++) {
      const j = classes.indexOf(source[i]);
      data.set(drawn[j].subarray(next[j] * d, (next[j] + 1) * d), i * d);
      next[j]++;
    }
    return { mode, weights: cw, n, d, data, source };
  }
  const drawn = classes.map((c) => set.sampleClass(c, n, seed).data);
  if (mode === 'blend') {
    const source = new Int32Array(n * d);
    for (let t = 0; t < n * d; t++) {
      const j = classes.length === 1 ? 0 : pick.categorical(weights);
      source[t] = classes[j];
      data[t] = drawn[j][t];
    }
    return { mode, weights: cw, n, d, data, source };
  }
  // interpolate
  if (classes.length === 1) data.set(drawn[0]);
  else {
    for (let t = 0; t < n * d; t++) {
      let s = 0;
      for (let j = 0; j < classes.length; j++) s += weights[j] * drawn[j][t];
      data[t] = s;
    }
  }
  return { mode, weights: cw, n, d, data, source: new Int32Array(0) };
}

function isNormalized(w: unknown): w is ClassWeights {
  return w !== null && typeof w === 'object' && !Array.isArray(w) && (w as ClassWeights).weights instanceof Float64Array && Array.isArray((w as ClassWeights).classes);
}
