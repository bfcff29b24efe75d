/**
 * The PCA models' tail (fitPcaTail: one closed-form M-step per component, hand-computed; a model with a tail
 * samples the data's variance in every kept component; fitCropTail: a crop of the drawn component), the Gram-set
 * blend (mixGramSets: each sample the weighted average of one set per model, hand-computed with fixed models; PSD;
 * moves monotonically from A to B; rebuilt from its snapshot it samples the same) and Cholesky coordinates (PSD
 * samples without a projection). Gram coordinates unless a test says otherwise: most synthetic rows are not Grams.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitCropTail, fitGramModel, fitPcaTail, gramModelFromSnapshot, gramModelSnapshot, mixGramSets, type GramModel, type PcaLayer, type SampledGrams,
} from '../../src/style/gram-model.ts';
import type { GramDataset } from '../../src/style/dataset.ts';
import { triLength } from '../../src/style/gram.ts';
import { relDist } from '../../src/style/metrics.ts';
import { symEigen } from '../../src/gmm/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { GMM } from '../../src/gmm/model/gmm.ts';

test('fitPcaTail: responsibility-weighted mean and scatter factor per component (hand-computed)', () => {
  // n = 3 rows, k = 2 components, T = 1 tail coordinate x = (1, 3, 5), r = [[1, 0], [0.5, 0.5], [0, 1]].
  // Component 0: N = 1.5, weights (2/3, 1/3, 0), mean 2/3 + 1 = 5/3; factor rows √w_j (x_j − 5/3) =
  // (√(2/3) · (−2/3), √(1/3) · (4/3), 0), so Σ = FᵀF = (2/3)(4/9) + (1/3)(16/9) = 8/9. Component 1 by symmetry:
  // mean 13/3, the same variance.
  const r = Float64Array.of(1, 0, 0.5, 0.5, 0, 1);
  const x = Float64Array.of(1, 3, 5);
  const t = fitPcaTail(r, x, 3, 2, 1);
  assert.equal(t.T, 1);
  assert.equal(t.n, 3);
  const close = (a: ArrayLike<number>, b: number[]) => Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-15);
  assert.ok(close(t.mean, [5 / 3, 13 / 3]), `means ${t.mean}`);
  assert.ok(close(t.factor, [Math.sqrt(2 / 3) * (-2 / 3), Math.sqrt(1 / 3) * (4 / 3), 0, 0, Math.sqrt(1 / 3) * (-4 / 3), Math.sqrt(2 / 3) * (2 / 3)]), `factor ${t.factor}`);
  // Two coordinates, all the weight on component 0: FᵀF is the plain (biased) covariance of the rows
  // (0, 2), (6, 2), (3, 8): means (3, 4), variances 6 and 8, covariance (−3·−2 + 3·−2 + 0·4) / 3 = 0. A component
  // with no weight falls back to the same.
  const t2 = fitPcaTail(Float64Array.of(1, 0, 1, 0, 1, 0), Float64Array.of(0, 2, 6, 2, 3, 8), 3, 2, 2);
  assert.deepEqual(Array.from(t2.mean), [3, 4, 3, 4]);
  for (let c = 0; c < 2; c++) {
    const F = t2.factor.subarray(c * 6, (c + 1) * 6);
    const cov = (a: number, b: number) => F[a] * F[b] + F[2 + a] * F[2 + b] + F[4 + a] * F[4 + b];
    assert.ok(Math.abs(cov(0, 0) - 6) < 1e-12 && Math.abs(cov(1, 1) - 8) < 1e-12 && Math.abs(cov(0, 1)) < 1e-12, `component ${c}`);
  }
  assert.throws(() => fitPcaTail(r, x, 3, 2, 2), /expected r of 3×2 and x of 3×2/);
});

test('a sampled tail keeps the correlations between layers (covariance of 20 000 draws against the data)', () => {
  // Both layers are linear images of one 3-d latent per row (plus a little noise), so their entries are strongly
  // correlated across layers. With fitDim 1 most of that lies in the tail; its full-covariance M-step keeps it
  // (a per-coordinate diagonal tail would sample those cross-layer covariances as 0). k = 1 (EM): the sampled
  // covariances must match the data's — the unbiased ones (× n / (n − 1)) by default, the biased ones with 'ml'.
  const n = 10;
  const rng = new Rng(12);
  const z = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const channels = [3, 4];
  const vectors = channels.map((c, l) => {
    const D = triLength(c);
    const A = Float64Array.from({ length: D * 3 }, (_, i) => Math.sin(1.7 * i + l));
    const v = new Float32Array(n * D);
    for (let j = 0; j < n; j++) for (let e = 0; e < D; e++) v[j * D + e] = z[j * 3] * A[e * 3] + z[j * 3 + 1] * A[e * 3 + 1] + z[j * 3 + 2] * A[e * 3 + 2] + 0.01 * rng.normal();
    return v;
  });
  const ds: GramDataset = { layers: ['a', 'b'], channels, n, vectors, source: new Int32Array(n) };
  const S = 20000;
  const D0 = triLength(3), D1 = triLength(4);
  const cov = (u: ArrayLike<number>, du: number, a: number, v: ArrayLike<number>, dv: number, b: number, rows: number) => {
    let ma = 0, mb = 0, s = 0;
    for (let j = 0; j < rows; j++) { ma += u[j * du + a] / rows; mb += v[j * dv + b] / rows; }
    for (let j = 0; j < rows; j++) s += (u[j * du + a] - ma) * (v[j * dv + b] - mb);
    return s / rows;
  };
  for (const [estimate, bessel] of [[undefined, n / (n - 1)], ['ml', 1]] as const) {
    const m = fitGramModel(ds, { method: 'pca-em', coordinates: 'gram', k: 1, pcaDim: n - 1, fitDim: 1, ...(estimate ? { covarianceEstimate: estimate } : {}) });
    const tri = m.sampleTri(S, 5);
    for (const [a, b] of [[0, 0], [2, 5], [4, 9], [5, 1]]) {
      const want = bessel * cov(ds.vectors[0], D0, a, ds.vectors[1], D1, b, n), got = cov(tri[0], D0, a, tri[1], D1, b, S);
      const scale = Math.sqrt(cov(ds.vectors[0], D0, a, ds.vectors[0], D0, a, n) * cov(ds.vectors[1], D1, b, ds.vectors[1], D1, b, n));
      assert.ok(Math.abs(want) > 0.2 * scale, `entries ${a}, ${b} are correlated in the data`);
      assert.ok(Math.abs(got - want) < 0.04 * scale, `${estimate ?? 'default'}, entries ${a}, ${b}: sampled covariance ${got.toFixed(3)}, data ${want.toFixed(3)} (scale ${scale.toFixed(3)})`);
    }
  }
});

/** n rows of two layers (3 and 4 channels) from `clusters` clusters plus noise of many directions. */
function dataset(n: number, seed: number, clusters = 2): GramDataset {
  const rng = new Rng(seed);
  const channels = [3, 4];
  const vectors = channels.map((c) => {
    const D = triLength(c);
    const v = new Float32Array(n * D);
    for (let i = 0; i < n; i++) for (let e = 0; e < D; e++) v[i * D + e] = 4 * (i % clusters) * Math.cos(e) + rng.normal() * (1 + 0.3 * e);
    return v;
  });
  return { layers: ['a', 'b'], channels, n, vectors, source: new Int32Array(n) };
}

/** Total variance (sum over entries of the per-entry variance, divided by the count) of n rows of width D. */
function totalVariance(v: ArrayLike<number>, n: number, D: number): number {
  let s = 0;
  for (let e = 0; e < D; e++) {
    let m = 0;
    for (let j = 0; j < n; j++) m += v[j * D + e];
    m /= n;
    for (let j = 0; j < n; j++) s += (v[j * D + e] - m) ** 2;
  }
  return s / n;
}

test('a PCA model with a tail samples the variance of every kept component; without it the tail variance is lost', () => {
  const n = 12;
  const ds = dataset(n, 3);
  // EM with k = 1 fits the head's sample mean and covariance (+ 1e-3 regularisation); with pcaDim = n − 1 every
  // direction of variance is kept, so the sampled total variance must match the data's (to sampling error) — with
  // 'ml' the biased one (/ n), as here.
  const S = 4000;
  const withTail = fitGramModel(ds, { method: 'pca-em', coordinates: 'gram', k: 1, pcaDim: n - 1, fitDim: 2, covarianceEstimate: 'ml' });
  const headOnly = fitGramModel(ds, { method: 'pca-em', coordinates: 'gram', k: 1, pcaDim: 2, fitDim: 2, covarianceEstimate: 'ml' });
  const snap = gramModelSnapshot(withTail);
  assert.ok(snap.kind === 'pca' && snap.tails?.[0]?.T === 2 * (n - 1 - 2), 'tail of (11 − 2) coordinates per layer');
  assert.ok(gramModelSnapshot(headOnly).kind === 'pca' && (gramModelSnapshot(headOnly) as { tails: unknown[] }).tails[0] === null);
  const a = withTail.sampleTri(S, 7), b = headOnly.sampleTri(S, 7);
  ds.channels.forEach((c, l) => {
    const D = triLength(c);
    const data = totalVariance(ds.vectors[l], n, D);
    const full = totalVariance(a[l], S, D), head = totalVariance(b[l], S, D);
    assert.ok(Math.abs(full / data - 1) < 0.06, `layer ${l}: sampled total variance ${full.toFixed(3)} vs the data's ${data.toFixed(3)}`);
    assert.ok(head < 0.95 * full, `layer ${l}: two components alone keep ${head.toFixed(3)} of ${full.toFixed(3)}`);
  });
  // fitDim = pcaDim: no tail, and the same model as before the tail existed (head-only sampling unchanged).
  const noTail = fitGramModel(ds, { method: 'pca-em', coordinates: 'gram', k: 2, pcaDim: 3, fitDim: 3 });
  assert.equal((gramModelSnapshot(noTail) as { tails: unknown[] }).tails[0], null);
  assert.throws(() => fitGramModel(ds, { fitDim: 0 }), /fitDim must be a positive integer, got 0/);
});

test("tail means follow the component: samples of a three-cluster dataset sit at a cluster, not between", () => {
  // Cluster centres 0, 8u and 4u + 5v (u, v orthonormal per layer), noise sd 0.05: the centres' spread is 32/3
  // along u and 50/9 along v, so the first principal component (the head, fitDim 1) runs along u and separates
  // the clusters (−4, 4, 0); v, which tells cluster 2 from the others, is in the tail. Drawn with its component's
  // tail mean, every sample lies near one centre; a pooled tail mean would put cluster 2's samples 10/3 from theirs
  // in v and the others 5/3 (the centres are ≥ 6.4 apart).
  const n = 18;
  const { ds, centres, channels } = threeClusters(n);
  const m = fitGramModel(ds, { method: 'pca-em', coordinates: 'gram', k: 3, pcaDim: 6, fitDim: 1, seed: 1 });
  const S = 300;
  const tri = m.sampleTri(S, 2);
  channels.forEach((c, l) => {
    const D = triLength(c);
    let near = 0;
    for (let s = 0; s < S; s++) {
      const row = tri[l].subarray(s * D, (s + 1) * D);
      const d = Math.min(...centres[l].map((ct) => Math.hypot(...ct.map((x, e) => row[e] - x))));
      if (d < 1) near++;
    }
    assert.ok(near > 0.95 * S, `layer ${l}: ${near} of ${S} samples within 1 of a centre`);
  });
});

/**
 * PCA coordinates of sample s of `tri` (per layer, n × D upper triangles): (row − mean) · b_k / |b_k|² along each
 * layer's basis rows k ≥ from (0 for a degenerate row), concatenated over the layers.
 */
function pcaCoordinates(layers: PcaLayer[], tri: Float64Array[], s: number, from: number): number[] {
  const z: number[] = [];
  layers.forEach((L, l) => {
    const row = tri[l].subarray(s * L.D, (s + 1) * L.D);
    for (let k = from; k < L.p; k++) {
      const b = L.basis.subarray(k * L.D, (k + 1) * L.D);
      let dot = 0, nn = 0;
      for (let e = 0; e < L.D; e++) { dot += (row[e] - L.mean[e]) * b[e]; nn += b[e] * b[e]; }
      z.push(nn > 0 ? dot / nn : 0);
    }
  });
  return z;
}

/**
 * n rows (row i in cluster i % 3) of two layers (3 and 4 channels) around the centres 0, 8u and 4u + 5v (u, v
 * orthonormal per layer), noise sd 0.05: the first principal component runs along u and separates the clusters
 * (−4, 4, 0); v, which tells cluster 2 from the others, comes second.
 */
function threeClusters(n: number): { ds: GramDataset; centres: Float64Array[][]; channels: number[] } {
  const rng = new Rng(8);
  const channels = [3, 4];
  const centres: Float64Array[][] = [];
  const vectors = channels.map((c, l) => {
    const D = triLength(c);
    const u = Float64Array.from({ length: D }, (_, e) => Math.cos(e + l));
    const v = Float64Array.from({ length: D }, (_, e) => Math.sin(2 * e + 1 + l));
    const unit = (x: Float64Array) => { const s = Math.hypot(...x); return x.map((y) => y / s); };
    const uu = unit(u);
    const dot = v.reduce((s, y, e) => s + y * uu[e], 0);
    const vv = unit(v.map((y, e) => y - dot * uu[e]));
    const cs = [0, 1, 2].map((k) => uu.map((x, e) => (k === 1 ? 8 * x : k === 2 ? 4 * x + 5 * vv[e] : 0)));
    centres.push(cs);
    const out = new Float32Array(n * D);
    for (let i = 0; i < n; i++) for (let e = 0; e < D; e++) out[i * D + e] = cs[i % 3][e] + 0.05 * rng.normal();
    return out;
  });
  return { ds: { layers: ['a', 'b'], channels, n, vectors, source: new Int32Array(n) }, centres, channels };
}

/** A model that always samples the given Gram set (for hand-computed mixing). */
function fixedModel(grams: number[][], clipped: number[]): GramModel {
  return {
    method: 'pca-sw', fitter: 'sw', layers: ['x', 'y'], channels: grams.map((g) => Math.sqrt(g.length)),
    sampleTri: () => { throw new Error('not used'); },
    sample: (n: number): SampledGrams[] => Array.from({ length: n }, () => ({ grams: grams.map((g) => Float32Array.from(g)), psdClipped: [...clipped] })),
  };
}

test('mixGramSets: each sample is (1 − w) G_A + w G_B of one set per model (hand-computed), weights normalised', () => {
  const A = fixedModel([[4], [2, 1, 1, 2]], [0, 0.5]);
  const B = fixedModel([[8], [0, 0, 0, 4]], [0.25, 0]);
  const [s] = mixGramSets([A, B], [1, 3]).sample(1, 0); // weights 0.25, 0.75
  assert.deepEqual(Array.from(s.grams[0]), [0.25 * 4 + 0.75 * 8]);
  assert.deepEqual(Array.from(s.grams[1]), [0.5, 0.25, 0.25, 0.5 + 3]);
  assert.deepEqual(s.psdClipped, [0.75 * 0.25, 0.25 * 0.5]);
  assert.throws(() => mixGramSets([A, B], [0, 0]), /weights sum to 0/);
  assert.throws(() => mixGramSets([A, B], [1]), /as many weights as models/);
  assert.throws(() => mixGramSets([A, fixedModel([[1]], [0])], [1, 1]), /different layers/);
});

test('mixGramSets of fitted models: samples PSD, between A and B, moving monotonically with the weight; snapshot', () => {
  const dA = dataset(10, 5), dB = dataset(10, 6);
  // B far from A: shift every row.
  dB.vectors.forEach((v) => { for (let i = 0; i < v.length; i++) v[i] += 10; });
  const mA = fitGramModel(dA, { method: 'pca-em', coordinates: 'gram', k: 2, pcaDim: 6, seed: 1 });
  const mB = fitGramModel(dB, { method: 'pca-em', coordinates: 'gram', k: 2, pcaDim: 6, seed: 2 });
  const meanOf = (sets: SampledGrams[], l: number) => {
    const m = new Float64Array(sets[0].grams[l].length);
    for (const s of sets) s.grams[l].forEach((x, e) => (m[e] += x / sets.length));
    return m;
  };
  const S = 40;
  const a = mA.sample(S, 3), b = mB.sample(S, 3);
  let prevA = -1, prevB = Infinity;
  for (const w of [0, 0.2, 0.5, 0.8, 1]) {
    const sets = mixGramSets([mA, mB], [1 - w, w]).sample(S, 11);
    const toA = relDist([meanOf(sets, 1)], [meanOf(a, 1)]), toB = relDist([meanOf(sets, 1)], [meanOf(b, 1)]);
    assert.ok(toA > prevA && toB < prevB, `w = ${w}: ${toA.toFixed(3)} from A, ${toB.toFixed(3)} from B`);
    prevA = toA;
    prevB = toB;
    for (const s of sets.slice(0, 3)) {
      const c = 4;
      const ev = symEigen(Float64Array.from(s.grams[1]), c).values;
      const tr = s.grams[1][0] + s.grams[1][5] + s.grams[1][10] + s.grams[1][15];
      assert.ok(Math.min(...ev) > -1e-6 * tr, `w = ${w}: min eigenvalue ${Math.min(...ev)}`);
    }
  }
  const mix = mixGramSets([mA, mB], [0.3, 0.7]);
  const copy = gramModelFromSnapshot(structuredClone(gramModelSnapshot(mix)));
  assert.deepEqual(copy.sample(3, 9), mix.sample(3, 9));
  assert.equal(copy.method, 'pca-em');
});

test('fitCropTail: choice probabilities r_jc / N_c per component (hand-computed), uniform for an empty component', () => {
  // r = [[1, 0, 0], [0.5, 0.5, 0], [0, 1, 0]] (n = 3, k = 3): N = (1.5, 1.5, 0); component 0 chooses crops with
  // (1/1.5, 0.5/1.5, 0) = (2/3, 1/3, 0), component 1 (0, 1/3, 2/3), component 2 (no weight) uniformly.
  const r = Float64Array.of(1, 0, 0, 0.5, 0.5, 0, 0, 1, 0);
  const x = Float64Array.of(1, 2, 3, 4, 5, 6);
  const t = fitCropTail(r, x, 3, 3, 2);
  assert.equal(t.kind, 'crops');
  assert.equal(t.T, 2);
  assert.equal(t.n, 3);
  const want = [2 / 3, 1 / 3, 0, 0, 1 / 3, 2 / 3, 1 / 3, 1 / 3, 1 / 3];
  assert.ok(Array.from(t.weights).every((v, i) => Math.abs(v - want[i]) < 1e-15), `weights ${t.weights}`);
  assert.equal(t.coords, x, 'the crops\' own tail coordinates');
  assert.throws(() => fitCropTail(r, x, 3, 3, 3), /fitCropTail: expected r of 3×3 and x of 3×3, got 9 and 6 values/);
});

test("a crops tail: each sample's tail coordinates are one crop's, a crop of the drawn component", () => {
  // The three-cluster case of the test above (centres 0, 8u, 4u + 5v; the head, fitDim 1, runs along u and the
  // tail holds v). Each sample's coordinates along the tail's basis rows must equal some crop's tail coordinates
  // (a Gaussian tail gives other values), and the sample must lie at that crop's cluster centre: a crop chosen
  // without regard to the drawn component (uniformly) would pair cluster 0's or 1's head with cluster 2's v in
  // about 2 of 3 samples.
  const n = 18;
  const { ds, centres, channels } = threeClusters(n);
  const p = 5, h = 1;
  const m = fitGramModel(ds, { method: 'pca-em', coordinates: 'gram', k: 3, pcaDim: p, fitDim: h, seed: 1, tail: 'crops' });
  const snap = gramModelSnapshot(m);
  assert.ok(snap.kind === 'pca', 'a PCA model');
  const tail = snap.tails?.[0];
  assert.ok(tail && tail.kind === 'crops' && tail.T === 2 * (p - h) && tail.n === n, 'a crops tail of 2 × (p − h) coordinates over n crops');
  const S = 200;
  const tri = m.sampleTri(S, 2);
  let atCentre = 0;
  for (let s = 0; s < S; s++) {
    // Tail coordinates of sample s: those along the basis rows k ≥ h of each layer.
    const z = pcaCoordinates(snap.parts[0].layers, tri, s, h);
    const j = Array.from({ length: n }, (_, jj) => jj).find((jj) => z.every((v, t) => Math.abs(v - tail.coords[jj * tail.T + t]) < 1e-9 * (1 + Math.abs(v))));
    assert.ok(j !== undefined, `sample ${s}: tail coordinates ${z.map((v) => v.toFixed(4))} are no crop's`);
    const near = channels.every((c, l) => {
      const D = triLength(c);
      const row = tri[l].subarray(s * D, (s + 1) * D);
      return Math.hypot(...centres[l][j % 3].map((x, e) => row[e] - x)) < 1;
    });
    if (near) atCentre++;
  }
  assert.ok(atCentre > 0.95 * S, `${atCentre} of ${S} samples at their crop's cluster centre`);
  // Rebuilt from its snapshot it samples the same; a bad tail kind is named.
  assert.deepEqual(gramModelFromSnapshot(structuredClone(snap)).sampleTri(3, 4), m.sampleTri(3, 4));
  assert.throws(() => fitGramModel(ds, { tail: 'median' as never, pcaDim: 3, fitDim: 1 }), /tail must be 'gaussian' or 'crops', got median/);
});

/** n crops' Grams FᵀF / positions of two layers (c = 6 and 8) from `positions` < c ReLU'd feature rows: rank-deficient. */
function rankDeficient(n: number, positions: number, seed: number): GramDataset {
  const rng = new Rng(seed);
  const channels = [6, 8];
  const vectors = channels.map((c) => {
    const D = triLength(c);
    const v = new Float32Array(n * D);
    for (let j = 0; j < n; j++) {
      const F = Float64Array.from({ length: positions * c }, (_, i) => Math.max(0, rng.normal() + 0.3 * ((i % c) - c / 2) / c + (j % 2)));
      let o = j * D;
      for (let a = 0; a < c; a++) {
        for (let b = a; b < c; b++) {
          let g = 0;
          for (let k = 0; k < positions; k++) g += F[k * c + a] * F[k * c + b];
          v[o++] = (a === b ? 1 : Math.SQRT2) * g / positions;
        }
      }
    }
    return v;
  });
  return { layers: ['a', 'b'], channels, n, vectors, source: new Int32Array(n) };
}

test("Cholesky coordinates: samples are PSD without a projection (Gram coordinates clip), and the crops tail keeps the crops' mean Gram", () => {
  const n = 12;
  const ds = rankDeficient(n, 3, 21);
  const opts = { method: 'pca-em' as const, k: 1, pcaDim: n - 1, fitDim: 2, seed: 1, tail: 'crops' as const, coordinates: 'gram' as const };
  const inGram = fitGramModel(ds, opts).sample(40, 3);
  const clippedGram = inGram.filter((x) => x.psdClipped.some((v) => v > 1e-6)).length;
  assert.ok(clippedGram > 10, `Gram coordinates: ${clippedGram} of 40 samples lose trace to the projection (the case must be one that clips)`);
  const m = fitGramModel(ds, { ...opts, coordinates: 'cholesky' });
  const S = 4000;
  const sets = m.sample(S, 3);
  const tri = m.sampleTri(3, 3);
  ds.channels.forEach((c, l) => {
    const D = triLength(c);
    let worst = Infinity;
    for (const x of sets.slice(0, 40)) {
      assert.equal(x.psdClipped[l], 0, 'nothing projected');
      const ev = symEigen(Float64Array.from(x.grams[l]), c).values;
      let tr = 0;
      for (let i = 0; i < c; i++) tr += x.grams[l][i * c + i];
      worst = Math.min(worst, Math.min(...ev) / tr);
    }
    assert.ok(worst > -1e-7, `layer ${l}: smallest eigenvalue / trace ${worst}`);
    // sample() is sampleTri's Grams as they are (same seed, same draws).
    for (let s = 0; s < 3; s++) {
      const g = sets[s].grams[l];
      let e = 0, err = 0;
      for (let i = 0; i < c; i++) for (let j = i; j < c; j++) err = Math.max(err, Math.abs((i === j ? 1 : Math.SQRT2) * g[i * c + j] - tri[l][s * D + e++]));
      assert.ok(err < 1e-4 * (1 + Math.abs(g[0])), `layer ${l}, sample ${s}: sample() and sampleTri differ by ${err}`);
    }
    // With every principal direction kept and the tail of a crop, the head's Gaussian has the crops' mean and
    // covariance (k = 1, EM), so E[RᵀR] is the crops' mean Gram: the mean of the samples must be near it.
    const mean = new Float64Array(D), crops = new Float64Array(D);
    for (const x of sets) {
      let e = 0;
      for (let i = 0; i < c; i++) for (let j = i; j < c; j++) mean[e++] += ((i === j ? 1 : Math.SQRT2) * x.grams[l][i * c + j]) / S;
    }
    for (let j = 0; j < n; j++) for (let e = 0; e < D; e++) crops[e] += ds.vectors[l][j * D + e] / n;
    const d = relDist([mean], [crops]);
    assert.ok(d < 0.03, `layer ${l}: the samples' mean Gram is ${d.toFixed(4)} (relative) from the crops'`);
  });
  // Rebuilt from its snapshot it samples the same; a bad coordinates name is named.
  assert.deepEqual(gramModelFromSnapshot(structuredClone(gramModelSnapshot(m))).sample(2, 5), m.sample(2, 5));
  assert.throws(() => fitGramModel(ds, { coordinates: 'log' as never }), /coordinates must be 'gram' or 'cholesky', got log/);
});

test('PCA layers are scaled to unit total variance: every kept basis row has norm √(Σ_j ‖x_j − x̄‖² / n), at any scale of the Grams', () => {
  // pcaLayer divides the coordinates by √(total / n) and multiplies the unit basis rows by it, so the fitted GMM sees
  // coordinates of total variance 1 whatever the layer's scale (Gram entries are often ~1e-3).
  for (const scale of [1, 1e-3]) {
    const { ds } = threeClusters(12);
    const scaled = { ...ds, vectors: ds.vectors.map((v) => v.map((x) => x * scale)) };
    const m = fitGramModel(scaled, { method: 'pca-em', coordinates: 'gram', k: 2, pcaDim: 4, fitDim: 2, seed: 1 });
    const snap = gramModelSnapshot(m);
    assert.ok(snap.kind === 'pca');
    snap.parts[0].layers.forEach((L, l) => {
      const v = scaled.vectors[l];
      let total = 0;
      for (let e = 0; e < L.D; e++) {
        let mean = 0;
        for (let j = 0; j < ds.n; j++) mean += v[j * L.D + e] / ds.n;
        for (let j = 0; j < ds.n; j++) total += (v[j * L.D + e] - mean) ** 2;
      }
      const want = Math.sqrt(total / ds.n);
      for (let k = 0; k < L.p; k++) {
        const norm = Math.hypot(...L.basis.subarray(k * L.D, (k + 1) * L.D));
        assert.ok(Math.abs(norm - want) <= 1e-6 * want, `scale ${scale}, layer ${l}, row ${k}: |b| = ${norm}, √(total/n) = ${want}`);
      }
    });
  }
});

test("a one-part PCA model's draws are its GMM's, sample after sample from successive forks of the seed's generator (no part index is drawn)", () => {
  // pcaDim = fitDim: no tail, so each sample's PCA coordinates (row − mean) · b_k / |b_k|² are exactly one draw of
  // the part's GMM, from the s-th fork of new Rng(seed). A part index drawn for a single part would consume the
  // generator and shift every later draw.
  const { ds } = threeClusters(12);
  const m = fitGramModel(ds, { method: 'pca-em', coordinates: 'gram', k: 2, pcaDim: 2, fitDim: 2, seed: 1 });
  const snap = gramModelSnapshot(m);
  assert.ok(snap.kind === 'pca' && snap.parts.length === 1 && !snap.tails?.[0]);
  const gmm = new GMM(snap.gmms[0]);
  const S = 5, seed = 9;
  const tri = m.sampleTri(S, seed);
  const rng = new Rng(seed);
  for (let s = 0; s < S; s++) {
    const want = Array.from(gmm.sample(1, rng.fork()).points.data);
    const z = pcaCoordinates(snap.parts[0].layers, tri, s, 0);
    assert.equal(z.length, want.length);
    for (let i = 0; i < z.length; i++) assert.ok(Math.abs(z[i] - want[i]) < 1e-9 * (1 + Math.abs(want[i])), `sample ${s}, coordinate ${i}: ${z[i]} vs ${want[i]}`);
  }
});
