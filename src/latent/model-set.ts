/**
 * A set of latent GMMs, one per digit class, fitted with one method (`models/gmm/<method>/`), and seeded
 * sampling from it. The web server loads each set once (`LatentModelSet.load` / `loadAllLatentSets`) and keeps
 * it in memory; everything here is plain float arithmetic (no tfjs), so it is cheap to hold and fast to sample.
 *
 * On disk (written by `fitLatentSet`, src/latent/fit.ts):
 *   models/gmm/<method>/index.json      the manifest (LatentSetManifest: format, version, method, options,
 *                                       per-class file names, sizes and fit timings)
 *   models/gmm/<method>/class-<c>.json  one density model per class: a GMM (GMM JSON, src/gmm/model/gmm.ts, with meta)
 *                                       or, for the fixed-basis method, the paper's product of per-coordinate
 *                                       fixed-basis densities (FixedBasisProduct JSON, src/gmm/fit/fixed-basis.ts) —
 *                                       a density that no k-component GMM can hold. The class file's `format`
 *                                       field says which; the manifest's `modelType` records it too.
 *
 * Every class model samples and has a log-density (`model(c)`); GMM-only views (`gmm(c)`, the per-component
 * samples) throw a LatentSetError naming the model type for a fixed-basis set, and `displayGMM(c)` gives the
 * Gaussian summary the Explore tab draws (the GMM itself, or the moment-matched Gaussian of a product).
 *
 * Random streams. Every draw is a pure function of (seed, class): class c's samples come from the stream
 * `streamSeed(seed, 1 + c)` and class choices (mixing) from `streamSeed(seed, 0)`. So `sampleClass(c, n, s)`
 * is reproducible, samples of different classes with the same seed are independent, and the mixing modes
 * with all weight on one class give exactly `sampleClass` (tests check this).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED_BASIS_JSON_FORMAT, FixedBasisProduct, GMM, GMM_JSON_FORMAT, type FitMethod, type Points } from '../gmm/index.ts';
import { Rng } from '../util/rng.ts';
import { modelsPath } from '../util/paths.ts';

export const LATENT_SET_FORMAT = 'gmmgen-latent-gmm-set';
export const LATENT_SET_VERSION = 1;
export const MANIFEST_FILE = 'index.json';

/** A class's density model: a GMM, or the fixed-basis method's product of per-coordinate densities. */
export type LatentClassModel = GMM | FixedBasisProduct;
export type LatentModelType = 'gmm' | 'fixed-basis-product';

/** The model type of a class model. */
export function modelTypeOf(m: LatentClassModel): LatentModelType {
  return m instanceof GMM ? 'gmm' : 'fixed-basis-product';
}

/** Parses a class file's JSON by its `format` field (GMM or fixed-basis product); errors name the problem. */
export function classModelFromJSON(json: unknown): LatentClassModel {
  const format = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).format : undefined;
  if (format === FIXED_BASIS_JSON_FORMAT) return FixedBasisProduct.fromJSON(json);
  if (format === GMM_JSON_FORMAT || format === undefined) return GMM.fromJSON(json);
  throw new LatentSetError(`unknown class model format ${JSON.stringify(format)} (expected '${GMM_JSON_FORMAT}' or '${FIXED_BASIS_JSON_FORMAT}')`);
}

export class LatentSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LatentSetError';
  }
}

/** One class's entry in the manifest. */
export interface LatentClassEntry {
  label: number;
  /** File name inside the set folder. */
  file: string;
  /** Number of training codes the GMM was fitted on. */
  n: number;
  k: number;
  /** Fit summary. */
  lossName: string;
  finalLoss: number | null;
  finalNll: number | null;
  iterations: number;
  converged: boolean;
  wallTime: number;
  /** Seed passed to the fitter for this class. */
  seed: number;
}

export interface LatentSetManifest {
  format: typeof LATENT_SET_FORMAT;
  version: typeof LATENT_SET_VERSION;
  method: FitMethod;
  k: number;
  d: number;
  covarianceType: 'full' | 'diag';
  /** What the class files hold (absent in sets written before it existed: 'gmm'). */
  modelType?: LatentModelType;
  /** Options passed to fitGMM (minus k/seed/onStep), as given. */
  options: Record<string, unknown>;
  seed: number;
  /** Per-class cap on training codes (null: all). */
  limit: number | null;
  /** Where the codes came from (path and the codes file's header, if any). */
  codes: { path: string | null; header?: unknown };
  classes: LatentClassEntry[];
  created: string;
  workers: number;
  /** Wall time of the whole run, seconds. */
  totalWallTime: number;
  /** Total bytes of the class files. */
  bytes: number;
  /** Significant digits kept in the class files (0 = full float64). */
  precision?: number;
}

/** A stream seed derived from a user seed and a slot (0 = class choices, 1 + c = class c). */
export function streamSeed(seed: number, slot: number): number {
  checkSeed(seed);
  return seed * 64 + slot;
}

export function checkSeed(seed: unknown, what = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 40) {
    throw new LatentSetError(`${what} must be an integer in [0, 2^40], got ${JSON.stringify(seed)}`);
  }
}

export function checkCount(n: unknown, what = 'n', max = 1_000_000): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new LatentSetError(`${what} must be an integer in [1, ${max}], got ${JSON.stringify(n)}`);
  }
}

/** Sampled codes: n × d row-major float32 (ready for the decoder). */
export interface Codes {
  n: number;
  d: number;
  data: Float32Array;
}

export interface ComponentSamples extends Codes {
  /** Rows = components (in index order), `perComponent` samples each. */
  k: number;
  perComponent: number;
  /** Component weights, in row order. */
  weights: number[];
}

export class LatentModelSet {
  readonly method: string;
  readonly d: number;
  readonly manifest: LatentSetManifest | null;
  /** Folder it was loaded from (null when built in memory). */
  readonly dir: string | null;
  /** What the class models are (every class of a set has the same type). */
  readonly modelType: LatentModelType;
  private readonly models: Map<number, LatentClassModel>;

  constructor(method: string, models: Map<number, LatentClassModel>, manifest: LatentSetManifest | null = null, dir: string | null = null) {
    if (models.size === 0) throw new LatentSetError(`latent set '${method}': no class models`);
    let d = -1;
    let type: LatentModelType | null = null;
    for (const [label, g] of models) {
      if (!Number.isInteger(label) || label < 0) throw new LatentSetError(`latent set '${method}': class label must be a non-negative integer, got ${label}`);
      if (!(g instanceof GMM) && !(g instanceof FixedBasisProduct)) throw new LatentSetError(`latent set '${method}': class ${label} is neither a GMM nor a fixed-basis model`);
      if (d < 0) d = g.d;
      else if (g.d !== d) throw new LatentSetError(`latent set '${method}': class ${label} has dimension ${g.d}, other classes ${d}`);
      const t = modelTypeOf(g);
      if (type === null) type = t;
      else if (t !== type) throw new LatentSetError(`latent set '${method}': class ${label} is a ${t} model, other classes ${type}`);
    }
    this.method = method;
    this.d = d;
    this.modelType = type!;
    this.models = new Map([...models].sort((a, b) => a[0] - b[0]));
    this.manifest = manifest;
    this.dir = dir;
  }

  /** Loads `dir/index.json` and every class file it lists; errors name the file and the problem. */
  static load(dir: string): LatentModelSet {
    const mpath = join(dir, MANIFEST_FILE);
    if (!existsSync(mpath)) {
      throw new LatentSetError(`no latent GMM set in ${dir}: ${MANIFEST_FILE} is missing (create one with: npm run fit-latent -- --method <m> --out ${dir})`);
    }
    const manifest = parseManifest(readJson(mpath), mpath);
    const models = new Map<number, LatentClassModel>();
    for (const e of manifest.classes) {
      const p = join(dir, e.file);
      if (!existsSync(p)) throw new LatentSetError(`${mpath}: class ${e.label} file ${e.file} is missing`);
      let g: LatentClassModel;
      try {
        g = classModelFromJSON(readJson(p));
      } catch (err) {
        throw new LatentSetError(`${p}: ${(err as Error).message}`);
      }
      if (g.d !== manifest.d) throw new LatentSetError(`${p}: dimension ${g.d} differs from the manifest's d = ${manifest.d}`);
      const want = manifest.modelType ?? 'gmm';
      if (modelTypeOf(g) !== want) throw new LatentSetError(`${p}: holds a ${modelTypeOf(g)} model, the manifest says '${want}'`);
      models.set(e.label, g);
    }
    return new LatentModelSet(manifest.method, models, manifest, dir);
  }

  /** Class labels, ascending. */
  get classes(): number[] {
    return [...this.models.keys()];
  }

  has(label: number): boolean {
    return this.models.has(label);
  }

  /** The density model of one class; unknown classes are a clear error. */
  model(label: number): LatentClassModel {
    const g = this.models.get(label);
    if (!g) throw new LatentSetError(`latent set '${this.method}' has no class ${JSON.stringify(label)} (classes: ${this.classes.join(', ')})`);
    return g;
  }

  /** The GMM of one class (GMM sets only; a fixed-basis set holds per-coordinate densities: use model()). */
  gmm(label: number): GMM {
    const g = this.model(label);
    if (!(g instanceof GMM)) {
      throw new LatentSetError(`latent set '${this.method}' holds ${this.modelType} models (per-coordinate fixed-basis densities), not GMMs; use model(${label})`);
    }
    return g;
  }

  /**
   * A Gaussian mixture that summarises one class for pictures (Explore tab ellipses): the GMM itself, or for a
   * fixed-basis product its moment-matched single Gaussian (same mean and covariance, full).
   */
  displayGMM(label: number): GMM {
    const g = this.model(label);
    if (g instanceof GMM) return g;
    const { mean, cov } = g.moments();
    for (let j = 0; j < g.d; j++) cov[j * g.d + j] = Math.max(cov[j * g.d + j], 1e-12);
    return new GMM({ k: 1, d: g.d, covarianceType: 'full', weights: new Float64Array([1]), means: mean, covariances: cov }, { summaryOf: this.modelType });
  }

  /** n samples of class `label` in float64 and the mixture component of each (−1 for a fixed-basis product). */
  private draw(label: number, n: number, seed: number): { points: Points; components: Int32Array } {
    checkCount(n);
    const g = this.model(label);
    const rng = new Rng(streamSeed(seed, 1 + label));
    if (g instanceof GMM) return g.sample(n, rng);
    return { points: g.sample(n, rng), components: new Int32Array(n).fill(-1) };
  }

  /** n codes of one class, reproducible per (seed, class); `components` is −1 for a fixed-basis product. */
  sampleClass(label: number, n: number, seed = 0): Codes & { components: Int32Array } {
    const { points, components } = this.draw(label, n, seed);
    return { n, d: this.d, data: Float32Array.from(points.data), components };
  }

  /** The same as sampleClass, in float64 (for evaluation code that wants full precision). */
  sampleClass64(label: number, n: number, seed = 0): { n: number; d: number; data: Float64Array; components: Int32Array } {
    const { points, components } = this.draw(label, n, seed);
    return { n, d: this.d, data: points.data, components };
  }

  /** n codes for each of several classes, concatenated in the order given, with their labels. */
  sampleCodes(labels: number[], nPerClass: number, seed = 0): Codes & { labels: Int32Array } {
    if (!Array.isArray(labels) || labels.length === 0) throw new LatentSetError('sampleCodes: labels must be a non-empty array of classes');
    checkCount(nPerClass, 'nPerClass');
    const out = new Float32Array(labels.length * nPerClass * this.d);
    const lab = new Int32Array(labels.length * nPerClass);
    labels.forEach((c, i) => {
      const s = this.sampleClass(c, nPerClass, seed);
      out.set(s.data, i * nPerClass * this.d);
      lab.fill(c, i * nPerClass, (i + 1) * nPerClass);
    });
    return { n: lab.length, d: this.d, data: out, labels: lab };
  }

  /**
   * The per-component view of the papers' figures: `perComponent` samples of each component of one class GMM,
   * rows = components (index order). Reproducible per (seed, class). GMM sets only.
   */
  sampleComponents(label: number, perComponent: number, seed = 0): ComponentSamples {
    checkCount(perComponent, 'perComponent', 10_000);
    const g = this.model(label);
    if (!(g instanceof GMM)) throw new LatentSetError(`latent set '${this.method}' has no mixture components to show (its class models are per-coordinate fixed-basis densities)`);
    const rng = new Rng(streamSeed(seed, 1 + label));
    const data = new Float32Array(g.k * perComponent * g.d);
    for (let c = 0; c < g.k; c++) {
      const p = g.sampleComponent(c, perComponent, rng);
      data.set(Float32Array.from(p.data), c * perComponent * g.d);
    }
    return { n: g.k * perComponent, d: g.d, data, k: g.k, perComponent, weights: Array.from(g.weights) };
  }

  /** A short description for APIs (method, model type, classes with k per class (null for a product), covariance type, fit info). */
  describe(): { method: string; d: number; modelType: LatentModelType; classes: { label: number; k: number | null; n: number | null }[]; covarianceType: string | null; created: string | null } {
    const first = this.model(this.classes[0]);
    return {
      method: this.method,
      d: this.d,
      modelType: this.modelType,
      classes: this.classes.map((label) => {
        const m = this.model(label);
        return { label, k: m instanceof GMM ? m.k : null, n: this.manifest?.classes.find((e) => e.label === label)?.n ?? null };
      }),
      covarianceType: first instanceof GMM ? first.covarianceType : null,
      created: this.manifest?.created ?? null,
    };
  }
}

/** Loads every set under `root` (default models/gmm): one per sub-folder holding an index.json. */
export function loadAllLatentSets(root = modelsPath('gmm')): Map<string, LatentModelSet> {
  const out = new Map<string, LatentModelSet>();
  if (!existsSync(root)) return out;
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (existsSync(join(dir, MANIFEST_FILE))) out.set(name, LatentModelSet.load(dir));
  }
  return out;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LatentSetError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LatentSetError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Checks the manifest fields the loader relies on; errors name the file and the field. */
export function parseManifest(json: unknown, where: string): LatentSetManifest {
  const fail = (msg: string): never => {
    throw new LatentSetError(`${where}: ${msg}`);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('expected a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== LATENT_SET_FORMAT) fail(`field 'format' must be '${LATENT_SET_FORMAT}', got ${JSON.stringify(o.format)}`);
  if (o.version !== LATENT_SET_VERSION) fail(`unsupported version ${JSON.stringify(o.version)} (this build reads version ${LATENT_SET_VERSION})`);
  if (typeof o.method !== 'string') fail(`field 'method' must be a string`);
  if (typeof o.d !== 'number' || !Number.isInteger(o.d) || o.d < 1) fail(`field 'd' must be a positive integer, got ${JSON.stringify(o.d)}`);
  if (!Array.isArray(o.classes) || o.classes.length === 0) fail(`field 'classes' must be a non-empty array`);
  const seen = new Set<number>();
  (o.classes as unknown[]).forEach((e, i) => {
    if (e === null || typeof e !== 'object') fail(`classes[${i}] must be an object`);
    const c = e as Record<string, unknown>;
    if (typeof c.label !== 'number' || !Number.isInteger(c.label) || c.label < 0) fail(`classes[${i}].label must be a non-negative integer, got ${JSON.stringify(c.label)}`);
    if (seen.has(c.label as number)) fail(`class ${c.label} is listed twice`);
    seen.add(c.label as number);
    if (typeof c.file !== 'string' || c.file.includes('/') || c.file.includes('\\') || c.file.startsWith('.')) fail(`classes[${i}].file must be a plain file name, got ${JSON.stringify(c.file)}`);
  });
  return o as unknown as LatentSetManifest;
}
