/**
 * Shared option validation for the fitters. Each fitter declares its allowed option names; unknown
 * names are rejected (a typo such as `maxIters` must not silently fall back to a default).
 *
 *   const common = validateCommon(opts, { allowed: ['lr', 'nDirections'], where: 'fitSW', defaults: { maxIter: 500 } });
 *   const lr = optionalPositiveNumber('lr', opts.lr, 0.01);
 *
 * All helpers throw GMMOptionError with messages like "option k must be a positive integer, got -3".
 */
import { COVARIANCE_TYPES, GMM } from '../model/gmm.ts';
import type { CovarianceType } from '../model/types.ts';
import { describe } from '../model/points.ts';

export class GMMOptionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'GMMOptionError';
  }
}

/** Called back after each step; return false to stop early. `gmm()` builds the current model lazily. */
export type OnStep = (s: { step: number; loss: number; gmm: () => GMM }) => void | boolean;

/** Options every fitter accepts (see fit.ts CommonFitOptions). */
export const COMMON_OPTION_KEYS = ['k', 'seed', 'init', 'covarianceType', 'maxIter', 'tol', 'regCovar', 'onStep'] as const;

/** The covariance types a fitter supports unless it declares others: one full or diagonal factor per component. */
export const PER_COMPONENT_TYPES: readonly CovarianceType[] = ['full', 'diag'];

/** Common options after validation, with defaults filled in. */
export interface ResolvedCommonOptions {
  k: number;
  seed: number;
  init: 'kmeans++' | 'random' | 'small' | GMM;
  covarianceType: CovarianceType;
  maxIter: number;
  tol: number;
  regCovar: number;
  onStep?: OnStep;
}

export interface ValidateCommonSpec {
  /** Fitter-specific option names accepted besides COMMON_OPTION_KEYS. */
  allowed?: readonly string[];
  /** Fitter name used in the unknown-option message. */
  where?: string;
  /** Defaults for this fitter (fall back to: seed 0, init 'kmeans++', 'full', maxIter 100, tol 1e-3, regCovar 1e-6). */
  defaults?: Partial<Omit<ResolvedCommonOptions, 'k' | 'onStep'>>;
  /** Covariance types this fitter supports (default PER_COMPONENT_TYPES: 'full', 'diag'). */
  covarianceTypes?: readonly CovarianceType[];
}

export function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new GMMOptionError(`option ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

export function nonNegativeInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new GMMOptionError(`option ${name} must be a non-negative integer, got ${describe(v)}`);
  return v;
}

export function positiveNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw new GMMOptionError(`option ${name} must be a positive finite number, got ${describe(v)}`);
  return v;
}

export function nonNegativeNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new GMMOptionError(`option ${name} must be a non-negative finite number, got ${describe(v)}`);
  return v;
}

export function finiteNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new GMMOptionError(`option ${name} must be a finite number, got ${describe(v)}`);
  return v;
}

/** A number in [0, 1]. */
export function probability(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new GMMOptionError(`option ${name} must be a number in [0, 1], got ${describe(v)}`);
  return v;
}

/** A number in [0, 1) (e.g. a momentum / decay coefficient). */
export function unitInterval(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new GMMOptionError(`option ${name} must be a number in [0, 1), got ${describe(v)}`);
  return v;
}

export function booleanOption(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new GMMOptionError(`option ${name} must be true or false, got ${describe(v)}`);
  return v;
}

export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new GMMOptionError(`option ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

/** `check(name, v)` when v is defined, otherwise the fallback. */
export function optional<T>(name: string, v: unknown, fallback: T, check: (name: string, v: unknown) => T): T {
  return v === undefined ? fallback : check(name, v);
}

/** Throws on option names outside `allowed`, suggesting the closest allowed name. */
export function rejectUnknown(opts: Record<string, unknown>, allowed: readonly string[], where = 'fit'): void {
  for (const key of Object.keys(opts)) {
    if (allowed.includes(key)) continue;
    const near = closest(key, allowed);
    throw new GMMOptionError(
      `${where}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; allowed: ${[...allowed].sort().join(', ')}`,
    );
  }
}

/** Checks that `opts` is a plain options object. */
export function optionsObject(opts: unknown, where = 'fit'): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new GMMOptionError(`${where}: options must be an object, got ${describe(opts)}`);
  return opts as Record<string, unknown>;
}

/**
 * Validates the common options (k, seed, init, covarianceType, maxIter, tol, regCovar, onStep), rejects
 * option names that are neither common nor in spec.allowed, and fills in defaults.
 */
export function validateCommon(optsIn: unknown, spec: ValidateCommonSpec = {}): ResolvedCommonOptions {
  const where = spec.where ?? 'fit';
  const opts = optionsObject(optsIn, where);
  rejectUnknown(opts, [...COMMON_OPTION_KEYS, ...(spec.allowed ?? [])], where);
  const def = spec.defaults ?? {};
  if (opts.k === undefined) throw new GMMOptionError(`${where}: option k (number of components) is required`);
  const k = positiveInt('k', opts.k);
  const seed = optional('seed', opts.seed, def.seed ?? 0, finiteNumber);
  let init: ResolvedCommonOptions['init'];
  if (opts.init === undefined) init = def.init ?? 'kmeans++';
  else if (opts.init instanceof GMM) init = opts.init;
  else if (opts.init === 'kmeans++' || opts.init === 'random' || opts.init === 'small') init = opts.init;
  else throw new GMMOptionError(`option init must be 'kmeans++', 'random', 'small' or a GMM instance, got ${describe(opts.init)}`);
  if (init instanceof GMM && init.k !== k) throw new GMMOptionError(`option init is a GMM with k = ${init.k} components, but option k = ${k}`);
  const covarianceType = optional('covarianceType', opts.covarianceType, def.covarianceType ?? 'full', (n, v) => oneOf(n, v, COVARIANCE_TYPES));
  const supported = spec.covarianceTypes ?? PER_COMPONENT_TYPES;
  if (!supported.includes(covarianceType)) {
    throw new GMMOptionError(`${where}: covarianceType '${covarianceType}' is not supported; it fits ${supported.map((t) => `'${t}'`).join(', ')}`);
  }
  const maxIter = optional('maxIter', opts.maxIter, def.maxIter ?? 100, positiveInt);
  const tol = optional('tol', opts.tol, def.tol ?? 1e-3, nonNegativeNumber);
  const regCovar = optional('regCovar', opts.regCovar, def.regCovar ?? 1e-6, nonNegativeNumber);
  let onStep: OnStep | undefined;
  if (opts.onStep !== undefined) {
    if (typeof opts.onStep !== 'function') throw new GMMOptionError(`option onStep must be a function, got ${describe(opts.onStep)}`);
    onStep = opts.onStep as OnStep;
  }
  return { k, seed, init, covarianceType, maxIter, tol, regCovar, onStep };
}

function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const a of allowed) {
    const dist = editDistance(key.toLowerCase(), a.toLowerCase());
    if (dist < bestD) { bestD = dist; best = a; }
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance between two strings (insertions, deletions and substitutions each cost 1). */
export function editDistance(a: string, b: string): number {
  const prev = new Array(b.length + 1).fill(0).map((_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length];
}
