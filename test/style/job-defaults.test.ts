/**
 * Defaults of a style job (src/style/job.ts) observed through results:
 * - fitStyleGramModel's two-painting blends without a seed fit painting A's model with seed 0 and B's with seed 1,
 *   exactly as with `seed: 0` written out (synthetic Gram datasets, small SW fits, which depend on their seed);
 * - runStyleJob without `seed` is the job with seed 0, without `ratio` (two paintings) the job at ratio 0.5, without
 *   `styleSize` the paintings are resized to twice `size` on their long side, and without `previewEvery` the only
 *   preview is the last iteration's; each documented value is shown against a neighbouring one.
 * runStyleJob at the tiny size of test/style/job.test.ts (48 px, 4 crops, MobileNet's first layers, 1–2 iterations).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { initBackend } from '../../src/backend/index.ts';
import { fitGramModel, mixGramModels, type GramModel, type GramMethod } from '../../src/style/gram-model.ts';
import { fitStyleGramModel, runStyleJob, type StyleJobOptions } from '../../src/style/job.ts';
import { StyleMemoryCache } from '../../src/style/cache.ts';
import { sharedPath } from '../../src/util/paths.ts';
import { GRAM_MODEL_DEFAULTS } from '../../src/style/defaults.ts';
import { clusteredGramDataset } from './_grams.ts';

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const a = clusteredGramDataset(12, 1);
const b = clusteredGramDataset(12, 2);
const draws = (m: GramModel) => m.sample(3, 7).map((s) => s.grams.map((g) => Array.from(g)));

test("two-painting blends without a seed: A's model with seed 0, B's with seed 1", () => {
  const opts = { method: 'pca-sw' as GramMethod, k: 2, pcaDim: 3, maxIter: 20 };
  const dflt = draws(fitStyleGramModel(a, b, 0.25, 'weights', 8, opts));
  assert.deepEqual(dflt, draws(fitStyleGramModel(a, b, 0.25, 'weights', 8, { ...opts, seed: 0 })));
  const byHand = mixGramModels([fitGramModel(a, { ...opts, seed: 0 }), fitGramModel(b, { ...opts, seed: 1 })], [0.75, 0.25]);
  assert.deepEqual(dflt, draws(byHand));
  // B's seed matters: with seed 2 for B the blend differs.
  const other = mixGramModels([fitGramModel(a, { ...opts, seed: 0 }), fitGramModel(b, { ...opts, seed: 2 })], [0.75, 0.25]);
  assert.notDeepEqual(dflt, draws(other));
});

const A = sharedPath('assets', 'styles', 'starry_night.jpg');
const B = sharedPath('assets', 'styles', 'the_scream.jpg');
const small = { size: 48, iterations: 2, crops: 4, styleSize: 96, styleLayers: ['conv_pw_1_relu', 'conv_pw_3_relu'], contentLayer: 'conv_pw_3_relu', method: 'pca-em' as GramMethod, k: 2, pcaDim: 2 };
const cache = new StyleMemoryCache();

test('runStyleJob: seed 0 and previews only at the last iteration by default', async () => {
  const job = async (o: Partial<StyleJobOptions>) => {
    const previews: number[] = [];
    const r = await runStyleJob({ ...small, iterations: 3, styles: [A], ...o }, { cache, onProgress: (p) => void (p.stage === 'synth' && p.preview && previews.push(p.iteration!)) });
    return { raw: r.raw.map((im) => Array.from(im.data)), previews };
  };
  // 3 iterations; the last one's image is the result, not a preview.
  const dflt = await job({});
  assert.deepEqual(dflt.previews, []);
  assert.deepEqual(await job({ seed: 0, previewEvery: 0 }), dflt);
  assert.notDeepEqual((await job({ seed: 1 })).raw, dflt.raw);
  assert.deepEqual((await job({ previewEvery: 1 })).previews, [1, 2]);
});

test('runStyleJob: two paintings are blended at ratio 0.5 by default', async () => {
  // Mean mode: the target is the mean Gram of round(ratio · crops) crops of B and the rest of A (10 crops: 5 vs 6 of B).
  const targets = async (o: Partial<StyleJobOptions>) =>
    (await runStyleJob({ ...small, iterations: 1, crops: 10, styles: [A, B], mode: 'mean', ...o }, { cache })).targets.map((t) => t.map((g) => Array.from(g)));
  const dflt = await targets({});
  assert.deepEqual(await targets({ ratio: 0.5 }), dflt);
  assert.notDeepEqual(await targets({ ratio: 0.6 }), dflt);
});

test('runStyleJob: paintings are resized to twice the output size by default (the message of a thin one shows it)', async () => {
  const thin = await sharp(Buffer.alloc(400 * 40 * 3, 128), { raw: { width: 400, height: 40, channels: 3 } }).png().toBuffer();
  const message = async (o: Partial<StyleJobOptions>) => {
    const { styleSize: _drop, ...rest } = small;
    try {
      await runStyleJob({ ...rest, styles: [{ bytes: thin, name: 'thin.png' }], ...o });
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected the thin painting to be refused');
  };
  const dflt = await message({});
  assert.match(dflt, /^style image thin\.png is too thin: resized to 96 px on its long side it is 96×10, /);
  assert.equal(await message({ styleSize: 96 }), dflt);
  assert.match(await message({ styleSize: 100 }), /resized to 100 px on its long side it is 100×10, /);
});

test('runStyleJob hands covarianceEstimate to the Gram model; without it the library default is used', async () => {
  const targets = async (o: Partial<StyleJobOptions>) =>
    (await runStyleJob({ ...small, iterations: 1, crops: 6, pcaDim: 3, fitDim: 1, samples: 2, styles: [A], ...o }, { cache })).targets.map((t) => t.map((g) => Array.from(g)));
  const dflt = await targets({});
  const other = GRAM_MODEL_DEFAULTS.covarianceEstimate === 'ml' ? 'unbiased' : 'ml';
  assert.deepEqual(await targets({ covarianceEstimate: GRAM_MODEL_DEFAULTS.covarianceEstimate }), dflt);
  assert.notDeepEqual(await targets({ covarianceEstimate: other }), dflt);
});
