/** Constructed latent data for the latent/eval tests: labelled Gaussian blobs and hand-built class GMMs. */
import { GMM } from '../../src/gmm/index.ts';
import { LatentModelSet } from '../../src/latent/model-set.ts';
import { Rng } from '../../src/util/rng.ts';

/** n codes per class, class c ~ N(mean_c, I) with mean_c = 4·(c+1) in coordinate c % d, 0 elsewhere. */
export function blobCodes(classes: number[], nPerClass: number, d: number, seed = 1): { n: number; d: number; data: Float32Array; labels: Uint8Array; means: Map<number, Float64Array> } {
  const rng = new Rng(seed);
  const n = classes.length * nPerClass;
  const data = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  const means = new Map<number, Float64Array>();
  for (const c of classes) {
    const m = new Float64Array(d);
    m[c % d] = 4 * (c + 1);
    means.set(c, m);
  }
  // Interleave classes (like real data).
  for (let i = 0; i < n; i++) {
    const c = classes[i % classes.length];
    labels[i] = c;
    const m = means.get(c)!;
    for (let j = 0; j < d; j++) data[i * d + j] = m[j] + rng.normal();
  }
  return { n, d, data, labels, means };
}

/** A set of 2-component diagonal GMMs, class c centred at 10·c along every axis, well separated. */
export function handSet(classes: number[], d: number): LatentModelSet {
  const gmms = new Map<number, GMM>();
  for (const c of classes) {
    const means = new Float64Array(2 * d);
    for (let j = 0; j < d; j++) {
      means[j] = 10 * c - 1;
      means[d + j] = 10 * c + 1;
    }
    const cov = new Float64Array(2 * d).fill(0.25);
    gmms.set(c, new GMM({ k: 2, d, covarianceType: 'diag', weights: Float64Array.of(0.3, 0.7), means, covariances: cov }));
  }
  return new LatentModelSet('hand', gmms);
}
