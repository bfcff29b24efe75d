/**
 * The style library's small numeric helpers by hand, with their checks' exact messages at each edge: Gram datasets
 * (rows, concatenation, blends, means, pixel moments, palettes), the image metrics (YCbCr, high-frequency energy,
 * colour statistics and their mixture, relative and pair distances), the upper-triangle vectors and sqDist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../_assert.ts';
import { blendDatasets, concatDatasets, datasetMean, paletteOfMoments, pixelMoments, selectDatasetRows, type GramDataset } from '../../src/style/dataset.ts';
import { colourStats, colourStatsGap, hfEnergy, meanPairwise, mixColourStats, pairDist, relDist, rgbToYCbCr } from '../../src/style/metrics.ts';
import { gramToTri, sqDist, triChannels, triLength, triToGram } from '../../src/style/gram.ts';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};
const img = (w: number, h: number, px: number[]) => ({ width: w, height: h, data: Float32Array.from(px) });

/** Two layers (c = 1: D = 1; c = 2: D = 3); row r of layer l holds 10 r + l + entry / 10. */
function ds(n: number, source = 0, base = 0): GramDataset {
  const vectors = [1, 3].map((D, l) => Float32Array.from({ length: n * D }, (_, i) => 10 * (base + Math.floor(i / D)) + l + (i % D) / 10));
  return { layers: ['a', 'b'], channels: [1, 2], n, vectors, source: new Int32Array(n).fill(source) };
}

test('Gram datasets: rows (the first and the last), concatenation, blends at 0, ½, 1, means; messages', () => {
  const a = ds(4, 0), b = ds(3, 1, 100);
  const s = selectDatasetRows(a, [3, 0]);
  assert.equal(s.n, 2);
  close(s.vectors[0], [30, 0], 1e-5, 'layer 0 rows 3, 0');
  close(s.vectors[1], [31, 31.1, 31.2, 1, 1.1, 1.2], 1e-5, 'layer 1 rows 3, 0');
  for (const r of [-1, 4, 1.5]) throwsExactly(() => selectDatasetRows(a, [0, r]), `RangeError: row ${r} outside the dataset (n = 4)`);
  const c = concatDatasets([a, b]);
  assert.equal(c.n, 7);
  close(c.vectors[0], [0, 10, 20, 30, 1000, 1010, 1020], 1e-3, 'stacked layer 0');
  assert.deepEqual(Array.from(c.source), [0, 0, 0, 0, 1, 1, 1]);
  throwsExactly(() => concatDatasets([]), 'RangeError: concatDatasets: no datasets');
  const other = { ...b, layers: ['a', 'c'] };
  throwsExactly(() => concatDatasets([a, other]), 'RangeError: Gram datasets have different layers: [a, b] vs [a, c]');
  throwsExactly(() => concatDatasets([a, { ...b, channels: [1, 3] }]), 'RangeError: Gram datasets have different layers: [a, b] vs [a, b]');
  throwsExactly(() => concatDatasets([a, { ...b, layers: ['a'], channels: [1] }]), 'RangeError: Gram datasets have different layers: [a, b] vs [a]');
  // Blends: total defaults to min(n) = 3; round(ratio · 3) rows of B first rows, the rest A's first rows.
  assert.deepEqual(Array.from(blendDatasets(a, b, 0).source), [0, 0, 0]);
  assert.deepEqual(Array.from(blendDatasets(a, b, 1).source), [1, 1, 1]);
  const half = blendDatasets(a, b, 0.5);
  assert.deepEqual(Array.from(half.source), [0, 1, 1], 'round(1.5) = 2 rows of B');
  close(half.vectors[0], [0, 1000, 1010], 1e-3, 'A row 0, then B rows 0, 1');
  assert.equal(blendDatasets(a, b, 0.5, 4).n, 4);
  throwsExactly(() => blendDatasets(a, b, 1, 4), 'RangeError: blend needs 0 rows of style A (has 4) and 4 of style B (has 3)');
  throwsExactly(() => blendDatasets(a, b, 0, 5), 'RangeError: blend needs 5 rows of style A (has 4) and 0 of style B (has 3)');
  for (const r of [-0.01, 1.01, NaN]) throwsExactly(() => blendDatasets(a, b, r), `RangeError: blend ratio must be in [0, 1], got ${r}`);
  throwsExactly(() => blendDatasets(a, other, 0.5), 'RangeError: Gram datasets have different layers: [a, b] vs [a, c]');
  const m = datasetMean(a);
  close(m[0], [15], 1e-5, 'mean of layer 0');
  close(m[1], [16, 16.1, 16.2], 1e-5, 'mean of layer 1');
});

test('pixel moments E[p pᵀ], p = (r, g, b, 1), and the palette read back from them', () => {
  const im = img(2, 1, [0.2, 0.4, 0.6, 0.4, 0.0, 1.0]);
  const M = pixelMoments(im);
  const want = [
    (0.04 + 0.16) / 2, (0.08 + 0) / 2, (0.12 + 0.4) / 2, 0.3,
    (0.08 + 0) / 2, (0.16 + 0) / 2, (0.24 + 0) / 2, 0.2,
    (0.12 + 0.4) / 2, (0.24 + 0) / 2, (0.36 + 1) / 2, 0.8,
    0.3, 0.2, 0.8, 1,
  ];
  close(M, want, 1e-7, 'E[p pᵀ]');
  throwsExactly(() => pixelMoments(img(0, 3, [])), 'RangeError: pixelMoments: empty image');
  const p = paletteOfMoments(M);
  close(p.mean, [0.3, 0.2, 0.8], 1e-7, 'palette mean');
  // Covariance (population) of the two pixels: half the outer product of their difference (0.2, −0.4, 0.4).
  close(p.cov, [0.01, -0.02, 0.02, -0.02, 0.04, -0.04, 0.02, -0.04, 0.04], 1e-7, 'palette covariance');
  // A scaled matrix (M₃₃ = 2) reads the same; means are clipped to [0, 1]; negative eigenvalues clipped.
  close(paletteOfMoments(M.map((v) => 2 * v)).mean, [0.3, 0.2, 0.8], 1e-7, 'scaled');
  const out = M.slice();
  out[3] = out[12] = 1.5;
  out[7] = out[13] = -0.5;
  assert.deepEqual(paletteOfMoments(out).mean.slice(0, 2), [1, 0]);
  // A sampled matrix whose constant entry M₃₃ is not above 1e-12 (0, negative, exactly 1e-12) is read as if it
  // were 1; just above the edge it divides.
  for (const m33 of [0, -0.5, 1e-12]) {
    const z = M.slice();
    z[15] = m33;
    const q = paletteOfMoments(z);
    close(q.mean, p.mean, 1e-12, `M33 = ${m33}: mean`);
    close(q.cov, p.cov, 1e-12, `M33 = ${m33}: covariance`);
  }
  const tiny = M.map((v) => v * 2e-12);
  tiny[15] = 2e-12;
  close(paletteOfMoments(tiny).mean, [0.3, 0.2, 0.8], 1e-7, 'M33 = 2e-12 divides');
  throwsExactly(() => paletteOfMoments(new Float64Array(15)), 'RangeError: paletteOfMoments: expected a 4×4 matrix (16 entries), got 15');
});

test('image metrics by hand: YCbCr, Laplacian energy of the interior, colour statistics and their mixture', () => {
  close(rgbToYCbCr(1, 1, 1), [1, 0.5, 0.5], 1e-6, 'white');
  close(rgbToYCbCr(0, 0, 0), [0, 0.5, 0.5], 1e-12, 'black');
  close(rgbToYCbCr(1, 0, 0), [0.299, 0.5 - 0.168736, 1], 1e-12, 'red');
  close(rgbToYCbCr(0, 0, 1), [0.114, 1, 0.5 - 0.081312], 1e-12, 'blue');
  close(rgbToYCbCr(0, 1, 0), [0.587, 0.5 - 0.331264, 0.5 - 0.418688], 1e-12, 'green');
  // 3×3 grey image with one bright centre pixel: |Laplacian| at the one interior pixel = 4 · (v − 0) in Y.
  const px = new Array(27).fill(0);
  px[12] = px[13] = px[14] = 0.5;
  const e = hfEnergy(img(3, 3, px));
  close([e.y, e.cb, e.cr, e.chroma], [2, 0, 0, 0], 1e-6, '3×3');
  // 4×3: two interior pixels, only the first bright; the second sees it as a neighbour: (4v + v) / 2.
  const px2 = new Array(36).fill(0);
  px2[15] = px2[16] = px2[17] = 1;
  const e2 = hfEnergy(img(4, 3, px2));
  close([e2.y], [(4 + 1) / 2], 1e-6, '4×3');
  throwsExactly(() => hfEnergy(img(2, 3, new Array(18).fill(0))), 'RangeError: hfEnergy: image must be at least 3×3, got 2×3');
  throwsExactly(() => hfEnergy(img(3, 2, new Array(18).fill(0))), 'RangeError: hfEnergy: image must be at least 3×3, got 3×2');
  const s = colourStats(img(2, 1, [0, 0.5, 1, 1, 0.5, 0]));
  close(s.mean, [0.5, 0.5, 0.5], 1e-7, 'means');
  close(s.std, [0.5, 0, 0.5], 1e-7, 'stds');
  throwsExactly(() => colourStats(img(0, 0, [])), 'RangeError: colourStats: empty image');
  const a = { mean: [0, 0, 1] as [number, number, number], std: [0, 1, 0] as [number, number, number] };
  const b = { mean: [1, 0, 1] as [number, number, number], std: [0, 1, 2] as [number, number, number] };
  const mix = mixColourStats([a, b], [1, 3]);
  // Means ¼·a + ¾·b; second moments ¼ (std² + mean²) + ¾ (…), minus the mean².
  close(mix.mean, [0.75, 0, 1], 1e-12, 'mixed means');
  close(mix.std, [Math.sqrt(0.75 - 0.5625), 1, Math.sqrt(0.25 * 1 + 0.75 * 5 - 1)], 1e-12, 'mixed stds');
  throwsExactly(() => mixColourStats([a], [1, 2]), 'RangeError: mixColourStats: need one weight per statistic');
  throwsExactly(() => mixColourStats([], []), 'RangeError: mixColourStats: need one weight per statistic');
  throwsExactly(() => mixColourStats([a, b], [0, 0]), 'RangeError: mixColourStats: weights must have a positive sum');
  assert.deepEqual(colourStatsGap(a, b), { mean: 1, std: 2 });
  assert.deepEqual(colourStatsGap(b, a), { mean: 1, std: 2 });
});

test('Gram-set distances by hand: relDist, pairDist, meanPairwise', () => {
  // Layer 0: ‖(3, 4) − (0, 0)‖ / ‖(3, 4)‖ … with m = (3, 4), a = (0, 0): 1; layer 1: a = m: 0 → mean ½.
  assert.equal(relDist([[0, 0], [1, 2]], [[3, 4], [1, 2]]), 0.5);
  assert.equal(relDist([[6, 8]], [[3, 4]]), 1);
  // pairDist: ‖a − b‖ / ((‖a‖ + ‖b‖) / 2): (3, 4) vs (6, 8): 5 / 7.5.
  assert.ok(Math.abs(pairDist([[3, 4]], [[6, 8]]) - 5 / 7.5) < 1e-15);
  assert.ok(Math.abs(pairDist([[3, 4], [1, 0]], [[6, 8], [1, 0]]) - 5 / 15) < 1e-15);
  const sets = [[[3, 4]], [[6, 8]], [[3, 4]]];
  assert.ok(Math.abs(meanPairwise(sets) - (2 * (5 / 7.5)) / 3) < 1e-15);
  assert.equal(meanPairwise([[[1, 2]]]), 0);
  assert.equal(meanPairwise([]), 0);
});

test('upper-triangle vectors: lengths, channel counts, isometric packing both ways; sqDist', () => {
  assert.deepEqual([1, 2, 3, 64].map(triLength), [1, 3, 6, 2080]);
  assert.deepEqual([1, 3, 6, 2080].map(triChannels), [1, 2, 3, 64]);
  for (const D of [2, 4, 5, 2081]) throwsExactly(() => triChannels(D), `RangeError: ${D} is not the length of an upper-triangle vector c(c+1)/2`);
  const g = [1, 2, 3, 2, 4, 5, 3, 5, 6];
  const v = gramToTri(g, 3, new Float64Array(6));
  close(v, [1, 2 * Math.SQRT2, 3 * Math.SQRT2, 4, 5 * Math.SQRT2, 6], 1e-15, 'tri');
  close(triToGram(v, 3), g, 1e-14, 'back');
  // Isometric: ‖v‖² = ‖G‖_F².
  assert.ok(Math.abs(Array.from(v).reduce((s, x) => s + x * x, 0) - g.reduce((s, x) => s + x * x, 0)) < 1e-12);
  // Asymmetric input: the off-diagonals are averaged. Offsets on both sides.
  const off = gramToTri([1, 2, 4, 3], 2, new Float64Array(5), 2);
  close(off, [0, 0, 1, 3 * Math.SQRT2, 3], 1e-15, 'at offset 2');
  close(triToGram([9, 9, 1, Math.SQRT2, 5], 2, 2), [1, 1, 1, 5], 1e-15, 'from offset 2');
  assert.equal(sqDist([1, 2, 3], [1, 0, 0]), 13);
  assert.equal(sqDist([3, 2], [0, 2]), 9, 'the first entry counts');
  assert.equal(sqDist([2, 1, -1], [1, 3, 1]), 9, 'every entry: 1 + 4 + 4');
  assert.equal(sqDist([], []), 0);
  throwsExactly(() => sqDist([1, 2], [1]), 'RangeError: sqDist: lengths differ (2 vs 1)');
});
