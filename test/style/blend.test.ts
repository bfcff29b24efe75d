/**
 * Gram datasets from random crops, blending by dataset proportion and by mixture weights, and the
 * Gram GMMs (fixed-basis per entry, PCA + multivariate GMM): ratio 0 and 1 reproduce single-style Gram
 * statistics, samples are symmetric PSD.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { loadMobileNet, type FeatureExtractor } from '../../src/style/extractor.ts';
import { loadImage, cropImage, randomCropBoxes, imageTensor, type RgbImage } from '../../src/style/images.ts';
import { gramDataset, blendDatasets, datasetMean, paletteOfMoments, pixelMoments, PIXEL_LAYER, type GramDataset } from '../../src/style/dataset.ts';
import { imagePalette } from '../../src/style/synth.ts';
import { fitGramModel, mixGramModels, type GramMethod } from '../../src/style/gram-model.ts';
import { gramMatrix, gramToTri, triLength, triToGram } from '../../src/style/gram.ts';
import { symEigen, availableFitMethods, fitGMM } from '../../src/gmm/index.ts';
import { sharedPath } from '../../src/util/paths.ts';

let ex: FeatureExtractor;
let imgA: RgbImage, imgB: RgbImage;
let dA: GramDataset, dB: GramDataset;
const N = 12, SIZE = 48;

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  ex = await loadMobileNet({ dir: sharedPath('models', 'mobilenet_v1_1.0_224'), styleLayers: ['conv_pw_1_relu', 'conv_pw_3_relu'], contentLayer: null });
  imgA = await loadImage(sharedPath('assets', 'styles', 'starry_night.jpg'), { maxSide: 128 });
  imgB = await loadImage(sharedPath('assets', 'styles', 'the_scream.jpg'), { maxSide: 128 });
  dA = await gramDataset(ex, imgA, { crops: N, cropSize: SIZE, seed: 1, pixelMoments: false });
  dB = await gramDataset(ex, imgB, { crops: N, cropSize: SIZE, seed: 2, sourceIndex: 1, pixelMoments: false });
});
after(() => ex?.dispose());

/** Relative Frobenius distance between per-layer mean vectors. */
function relDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function sampleMean(rows: Float64Array, n: number, D: number): Float64Array {
  const m = new Float64Array(D);
  for (let s = 0; s < n; s++) for (let e = 0; e < D; e++) m[e] += rows[s * D + e] / n;
  return m;
}

test('dataset rows are the Gram matrices of the seeded crops (normalised by positions)', () => {
  assert.equal(dA.n, N);
  assert.deepEqual(dA.channels, [64, 128]);
  assert.equal(dA.vectors[1].length, N * triLength(128));
  const box = randomCropBoxes(imgA.width, imgA.height, N, SIZE, 1)[3];
  const g = tf.tidy(() => gramMatrix(ex.features(imageTensor(cropImage(imgA, box.x, box.y, SIZE))).style[0]).dataSync());
  const want = gramToTri(g, 64);
  const got = dA.vectors[0].subarray(3 * want.length, 4 * want.length);
  assert.ok(relDist(got, want) < 1e-4);
  // The two paintings have clearly different Gram statistics.
  const [mA, mB] = [datasetMean(dA), datasetMean(dB)];
  assert.ok(relDist(mA[0], mB[0]) > 0.1);
});

test('the pixel-moment layer: E[p pᵀ] of (r, g, b, 1) per crop, its palette, and palettes of sampled sets', async () => {
  // Hand case: two pixels (0, 0.5, 1) and (1, 0.5, 0).
  const m = pixelMoments({ width: 2, height: 1, data: Float32Array.from([0, 0.5, 1, 1, 0.5, 0]) });
  assert.deepEqual(Array.from(m), [0.5, 0.25, 0, 0.5, 0.25, 0.25, 0.25, 0.5, 0, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5, 1]);
  const pal = paletteOfMoments(m);
  assert.deepEqual(pal.mean, [0.5, 0.5, 0.5]);
  assert.deepEqual(pal.cov.map((v) => +v.toFixed(12)), [0.25, 0, -0.25, 0, 0, 0, -0.25, 0, 0.25]);
  assert.throws(() => paletteOfMoments([1, 2, 3]), /4×4/);
  const d = await gramDataset(ex, imgA, { crops: 4, cropSize: SIZE, seed: 1 });
  assert.deepEqual(d.layers, [PIXEL_LAYER, 'conv_pw_1_relu', 'conv_pw_3_relu']);
  assert.deepEqual(d.channels, [4, 64, 128]);
  // Row 2 is the moments of crop 2, and the CNN layers are the same as without the pixel layer.
  const box = randomCropBoxes(imgA.width, imgA.height, 4, SIZE, 1)[2];
  const crop = cropImage(imgA, box.x, box.y, SIZE);
  const row = d.vectors[0].subarray(2 * 10, 3 * 10);
  assert.ok(relDist(row, gramToTri(pixelMoments(crop), 4)) < 1e-6);
  assert.deepEqual(d.vectors[1], dA.vectors[0].subarray(0, 4 * triLength(64)));
  const want = imagePalette(crop);
  const got = paletteOfMoments(Array.from(triToGram(row, 4)));
  got.mean.forEach((v, c) => assert.ok(Math.abs(v - want.mean[c]) < 1e-5));
  got.cov.forEach((v, k) => assert.ok(Math.abs(v - want.cov[k]) < 1e-5));
  // Palettes of sampled sets are valid: means in [0, 1], covariance PSD.
  for (const s of fitGramModel(d, { method: 'pca-em', k: 1, pcaDim: 2, seed: 2 }).sample(5, 3)) {
    const p = paletteOfMoments(s.grams[0]);
    assert.ok(p.mean.every((v) => v >= 0 && v <= 1));
    assert.ok(Math.min(...symEigen(Float64Array.from(p.cov), 3).values) > -1e-12);
  }
});

test('blending by dataset proportion: ratio 0 is A, 1 is B, 0.25 takes a quarter of the rows from B', () => {
  const b0 = blendDatasets(dA, dB, 0);
  assert.deepEqual(b0.vectors[1], dA.vectors[1]);
  assert.ok(b0.source.every((s) => s === 0));
  const b1 = blendDatasets(dA, dB, 1);
  assert.deepEqual(b1.vectors[0], dB.vectors[0]);
  const bq = blendDatasets(dA, dB, 0.25);
  assert.equal(bq.n, N);
  assert.equal(bq.source.filter((s) => s === 1).length, 3);
  // The mean Gram moves from A to B monotonically with the ratio.
  const mA = datasetMean(dA)[1], mB = datasetMean(dB)[1];
  let prevA = -1, prevB = Infinity;
  for (const r of [0, 0.25, 0.5, 0.75, 1]) {
    const m = datasetMean(blendDatasets(dA, dB, r))[1];
    const toA = relDist(m, mA), toB = relDist(m, mB);
    assert.ok(toA > prevA && toB < prevB, `ratio ${r}`);
    prevA = toA;
    prevB = toB;
  }
  assert.throws(() => blendDatasets(dA, dB, 1.5), /\[0, 1\]/);
});

const methods = (['fixed-basis', 'pca-em', 'pca-sw', 'pca-sc2'] as GramMethod[]).filter((m) => !m.startsWith('pca-') || availableFitMethods().includes(m.slice(4) as 'em'));
for (const method of methods) {
  test(`${method}: models of ratio 0 and 1 reproduce the single-style mean Gram, samples are symmetric PSD`, () => {
    const S = 200;
    for (const [ratio, own, other] of [[0, dA, dB], [1, dB, dA]] as const) {
      const m = fitGramModel(blendDatasets(dA, dB, ratio), { method, seed: 3, k: 2, pcaDim: 3, maxIter: 60 });
      const tri = m.sampleTri(S, 4);
      for (let l = 0; l < 2; l++) {
        const D = triLength(own.channels[l]);
        const mean = sampleMean(tri[l], S, D);
        const toOwn = relDist(mean, datasetMean(own)[l]);
        const toOther = relDist(mean, datasetMean(other)[l]);
        assert.ok(toOwn < 0.08, `ratio ${ratio}, layer ${l}: sample mean is ${toOwn.toFixed(3)} from its own style`);
        assert.ok(toOther > 3 * toOwn, `ratio ${ratio}, layer ${l}: ${toOther.toFixed(3)} from the other style`);
      }
    }
    const m = fitGramModel(blendDatasets(dA, dB, 0.5), { method, seed: 3, k: 2, pcaDim: 3, maxIter: 60 });
    const [s] = m.sample(1, 9);
    const c = 128;
    const g = s.grams[1];
    for (let i = 0; i < c; i++) for (let j = 0; j < i; j++) assert.equal(g[i * c + j], g[j * c + i]);
    const ev = symEigen(Float64Array.from(g), c).values;
    let tr = 0;
    for (let i = 0; i < c; i++) tr += g[i * c + i];
    assert.ok(Math.min(...ev) > -1e-5 * tr, `min eigenvalue ${Math.min(...ev)}`);
  });
}

test('blending by mixture weights: weights (1, 0) and (0, 1) give the single-style models, 0.5 lies between', () => {
  for (const method of ['fixed-basis', 'pca-em'] as GramMethod[]) {
    const mA = fitGramModel(dA, { method, seed: 1, k: 2, pcaDim: 3 });
    const mB = fitGramModel(dB, { method, seed: 2, k: 2, pcaDim: 3 });
    assert.equal(mixGramModels([mA, mB], [1, 0]), mA);
    assert.equal(mixGramModels([mA, mB], [0, 1]), mB);
    const mix = mixGramModels([mA, mB], [0.5, 0.5]);
    const S = 300;
    const D = triLength(64);
    const mean = sampleMean(mix.sampleTri(S, 5)[0], S, D);
    const a = datasetMean(dA)[0], b = datasetMean(dB)[0];
    const half = a.map((v, i) => 0.5 * (v + b[i]));
    assert.ok(relDist(mean, half) < 0.1, `${method}: mixture mean ${relDist(mean, half).toFixed(3)} from the midpoint`);
  }
  assert.throws(() => mixGramModels([fitGramModel(dA, { method: 'fixed-basis' }), fitGramModel(dB, { method: 'pca-em', k: 2 })], [0.5, 0.5]), /different methods/);
});

test("the per-entry fixed-basis fit is fitGMM('fixed-basis') of that entry's values", () => {
  const D0 = triLength(64);
  const e = 5 * 64 + 3; // some off-diagonal entry of the first layer
  const x = new Float64Array(dA.n);
  for (let j = 0; j < dA.n; j++) x[j] = dA.vectors[0][j * D0 + e];
  // A one-layer, 2-channel dataset whose middle entry holds those values (the others constant).
  const tiny: GramDataset = { layers: ['l'], channels: [2], n: dA.n, vectors: [new Float32Array(dA.n * 3)], source: new Int32Array(dA.n) };
  for (let j = 0; j < dA.n; j++) tiny.vectors[0].set([1, x[j], 1], j * 3);
  const m = fitGramModel(tiny, { method: 'fixed-basis', bins: 16, t: 2 });
  const { gmm } = fitGMM('fixed-basis', { n: dA.n, d: 1, data: Float64Array.from(tiny.vectors[0].filter((_, i) => i % 3 === 1)) }, { k: 16, t: 2, algorithm: 2 });
  const S = 20000;
  const tri = m.sampleTri(S, 11)[0];
  let mu = 0, sq = 0;
  for (let s = 0; s < S; s++) {
    assert.equal(tri[s * 3], 1, 'a constant entry is sampled as that constant');
    const v = tri[s * 3 + 1];
    mu += v / S;
    sq += (v * v) / S;
  }
  const p = gmm.params();
  let gm = 0, g2 = 0;
  for (let c = 0; c < p.k; c++) {
    gm += p.weights[c] * p.means[c];
    g2 += p.weights[c] * (p.covariances[c] + p.means[c] ** 2);
  }
  const sd = Math.sqrt(g2 - gm * gm);
  assert.ok(Math.abs(mu - gm) < 0.05 * sd, `mean ${mu} vs ${gm}`);
  assert.ok(Math.abs(Math.sqrt(sq - mu * mu) - sd) < 0.05 * sd, `sd ${Math.sqrt(sq - mu * mu)} vs ${sd}`);
});
