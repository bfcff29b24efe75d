/**
 * The data sets of the EM speed studies (issue 13), shared by speed-em.ts, em-fit-once.ts and profile-em.ts:
 *
 *  - synthetic: a random K-component GMM in d dimensions (seeded): weights ∝ 0.5 + U(0,1), means ~ N(0, sep² I),
 *    covariances A Aᵀ/d + 0.1 I with A_ij ~ N(0, 1); n points sampled from it. sep = 0.25 makes the components
 *    overlap enough for EM to need tens of iterations.
 *  - codes: the MNIST latent codes of the shipped autoencoder (artifacts/codes/train.*, 60 000 × 128, float32
 *    widened to float64), all classes together.
 *  - ring: the 850 two-dimensional points of the ring–line–square data (shared folder, data/ring-line-square.txt).
 *
 * A case directory holds points.f64 (float64 little-endian, row-major n × d) and init.json (sizes, EM settings and
 * the initial mixture as gmmgen JSON); both programs of a comparison read it, so they start from the same mixture.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng } from '../../src/util/rng.ts';
import { GMM } from '../../src/gmm/gmm.ts';
import { initGMM } from '../../src/gmm/init.ts';
import type { CovarianceType, Points } from '../../src/gmm/types.ts';
import { readCodes } from '../../src/latent/codes.ts';
import { readRingData } from '../../src/server/explore.ts';
import { repoRoot, sharedPath } from '../../src/util/paths.ts';

export const CASES = ['synthetic', 'codes', 'ring'] as const;
export type CaseName = (typeof CASES)[number];

export interface CaseSpec {
  name: CaseName;
  /** synthetic only (codes and ring take their own n and d). */
  n?: number;
  d?: number;
  k: number;
  seed: number;
  sep?: number;
  covarianceType: CovarianceType;
  /** EM settings written to init.json. */
  maxIter: number;
  tol: number;
  reg: number;
}

export interface CaseMeta {
  case: CaseName;
  n: number;
  d: number;
  k: number;
  seed: number;
  covarianceType: CovarianceType;
  maxIter: number;
  tol: number;
  reg: number;
  /** In-process repeats of the fit (each program prints one line per fit). */
  repeats: number;
  gmm: ReturnType<GMM['toJSON']>;
}

/** The random mixture of the synthetic case, drawn from `rng`. */
export function syntheticMixture(d: number, k: number, sep: number, rng: Rng): GMM {
  const weights = new Float64Array(k);
  let s = 0;
  for (let c = 0; c < k; c++) { weights[c] = 0.5 + rng.uniform(); s += weights[c]; }
  for (let c = 0; c < k; c++) weights[c] /= s;
  const means = rng.normals(new Float64Array(k * d)) as Float64Array;
  for (let i = 0; i < means.length; i++) means[i] *= sep;
  const covariances = new Float64Array(k * d * d);
  const A = new Float64Array(d * d);
  for (let c = 0; c < k; c++) {
    rng.normals(A);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        let v = 0;
        for (let p = 0; p < d; p++) v += A[a * d + p] * A[b * d + p];
        v = v / d + (a === b ? 0.1 : 0);
        covariances[c * d * d + a * d + b] = v;
        covariances[c * d * d + b * d + a] = v;
      }
    }
  }
  return new GMM({ k, d, covarianceType: 'full', weights, means, covariances });
}

/** The synthetic case: n points of syntheticMixture, drawn with the same generator after the mixture. */
export function syntheticPoints(n: number, d: number, k: number, sep: number, seed: number): Points {
  const rng = new Rng(seed);
  return syntheticMixture(d, k, sep, rng).sample(n, rng).points;
}

/** The points of a case. */
export function casePoints(spec: CaseSpec): Points {
  if (spec.name === 'synthetic') return syntheticPoints(spec.n ?? 6000, spec.d ?? 128, spec.k, spec.sep ?? 0.25, spec.seed);
  if (spec.name === 'codes') {
    const codes = readCodes(resolve(repoRoot, 'artifacts/codes/train'));
    return { n: codes.n, d: codes.d, data: Float64Array.from(codes.data) };
  }
  return readRingData(sharedPath('data', 'ring-line-square.txt'));
}

/** Initial mixture of a case: k-means++ + Lloyd (scikit-learn's default init), seeded. */
export function caseInit(points: Points, spec: CaseSpec): GMM {
  return initGMM(points, spec.k, { method: 'kmeans++', seed: spec.seed, covarianceType: spec.covarianceType, regCovar: spec.reg });
}

/** Writes points.f64 and init.json into `dir` (which must exist). */
export function writeCase(dir: string, points: Points, init: GMM, spec: CaseSpec, repeats: number): CaseMeta {
  const meta: CaseMeta = {
    case: spec.name, n: points.n, d: points.d, k: spec.k, seed: spec.seed, covarianceType: spec.covarianceType,
    maxIter: spec.maxIter, tol: spec.tol, reg: spec.reg, repeats, gmm: init.toJSON(),
  };
  writeFileSync(join(dir, 'points.f64'), Buffer.from(points.data.buffer, points.data.byteOffset, points.data.byteLength));
  writeFileSync(join(dir, 'init.json'), JSON.stringify(meta));
  return meta;
}

/** Reads a case directory written by writeCase. */
export function readCase(dir: string): { meta: CaseMeta; points: Points; init: GMM } {
  const meta = JSON.parse(readFileSync(join(dir, 'init.json'), 'utf8')) as CaseMeta;
  const buf = readFileSync(join(dir, 'points.f64'));
  if (buf.byteLength !== meta.n * meta.d * 8) throw new Error(`${dir}/points.f64 has ${buf.byteLength} bytes, expected n·d·8 = ${meta.n * meta.d * 8}`);
  const data = new Float64Array(meta.n * meta.d);
  new Uint8Array(data.buffer).set(buf);
  return { meta, points: { n: meta.n, d: meta.d, data }, init: GMM.fromJSON(meta.gmm) };
}
