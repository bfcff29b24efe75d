/**
 * A style job's per-layer style weights (StyleJobOptions.layerWeights): checked like the other weights (finite,
 * within [0, maxWeight], not all 0), and handed to the synthesis, which weighs each layer's Gram loss by w_l / Σ w
 * (synth.ts): a layer with weight 0 does not pull the image towards its target at all.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.ts';
import { checkStyleJobOptions, getExtractor, runStyleJob, STYLE_LIMITS } from '../../src/style/job.ts';
import { gramMatrices } from '../../src/style/gram.ts';
import { imageTensor } from '../../src/style/images.ts';
import { relDist } from '../../src/style/metrics.ts';
import { sharedPath } from '../../src/util/paths.ts';

const A = sharedPath('assets', 'styles', 'starry_night.jpg');
const small = { styles: [A], size: 48, iterations: 8, crops: 4, styleSize: 96, styleLayers: ['conv_pw_1_relu', 'conv_pw_3_relu'], contentLayer: 'conv_pw_3_relu', scales: [1], samples: 1, seed: 1 };

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

test('layerWeights: finite numbers in [0, maxWeight], not all 0; refused otherwise, naming the option', () => {
  for (const w of [[1], [0, 1], [STYLE_LIMITS.maxWeight, 0.5]]) assert.doesNotThrow(() => checkStyleJobOptions({ styles: ['a.jpg'], layerWeights: w }));
  for (const w of [[], [0, 0], [-1e-9, 1], [1, STYLE_LIMITS.maxWeight * (1 + 1e-9)], [1, Number.NaN], [1, Infinity], 'x']) {
    assert.throws(() => checkStyleJobOptions({ styles: ['a.jpg'], layerWeights: w as never }), (e: Error) => e instanceof RangeError && e.message.startsWith('layerWeights must be numbers in [0, 10000], one per style layer, not all 0, got '), JSON.stringify(w));
  }
});

test("layerWeights reach the synthesis: one per style layer, and a layer weighted 0 is not matched", async () => {
  await assert.rejects(runStyleJob({ ...small, layerWeights: [1, 1, 1] }), /layerWeights has 3 entries for 2 style layers/);
  // Same targets and start image (same seeds); only the weights differ. Each output's relative Gram distance to its
  // target per layer: all weight on conv_pw_1 must match conv_pw_1 better and conv_pw_3 worse than all weight on
  // conv_pw_3 (dropping the weights, both runs would be the same image).
  const ex = await getExtractor('mobilenet', undefined, small.styleLayers, small.contentLayer);
  const dist = async (w: number[]) => {
    const r = await runStyleJob({ ...small, layerWeights: w });
    const grams = tf.tidy(() => ex.features(imageTensor(r.raw[0])).style.map((f) => gramMatrices(f).dataSync() as Float32Array));
    return grams.map((g, l) => relDist([g], [r.targets[0][l]]));
  };
  const on1 = await dist([1, 0]), on3 = await dist([0, 1]);
  assert.ok(on1[0] < on3[0] && on3[1] < on1[1], `conv_pw_1 / conv_pw_3 distances: weights (1, 0) ${on1}, (0, 1) ${on3}`);
});
