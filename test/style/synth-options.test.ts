/**
 * synthesize's option checks (src/style/synth.ts), each with its exact message, at the edge of every range. The
 * checks run before any feature is computed, so a stand-in extractor suffices. A value on the accepted side of
 * an edge is shown accepted by the run reaching the next check (a wrong layerWeights length) instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synthesize } from '../../src/style/synth.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';

const ex = { name: 'mobilenet', dir: '', styleLayers: ['a', 'b'], styleChannels: [2, 3], contentLayer: null, smoothing: null, features: () => { throw new Error('not reached'); }, dispose() {} } as unknown as FeatureExtractor;
const targets = [new Float32Array(4), new Float32Array(9)];
const pass = 'layerWeights has 1 entries for 2 style layers';
const fails = async (opts: object, msg: string, t = targets) =>
  assert.rejects(synthesize(ex, t, opts as never), (e: Error) => e instanceof RangeError && e.message === msg, `${JSON.stringify(opts)} → ${msg}`);

test('synthesize: target Grams must match the style layers', async () => {
  await fails({}, 'synthesize: 1 target Grams for 2 style layers', [targets[0]]);
  await fails({}, 'synthesize: target Gram of b has 4 entries, expected 3×3', [targets[0], new Float32Array(4)]);
});

test('synthesize: size ≥ 16, iterations ≥ 0, optimizer, non-negative finite weights — each edge', async () => {
  await fails({ size: 15 }, 'size must be an integer >= 16, got 15');
  await fails({ size: 16.5 }, 'size must be an integer >= 16, got 16.5');
  await fails({ size: 16, layerWeights: [1] }, pass);
  await fails({ iterations: -1 }, 'iterations must be a non-negative integer, got -1');
  await fails({ iterations: 0.5 }, 'iterations must be a non-negative integer, got 0.5');
  await fails({ iterations: 0, layerWeights: [1] }, pass);
  await fails({ optimizer: 'sgd' }, "optimizer must be 'lbfgs' or 'adam', got sgd");
  for (const o of ['lbfgs', 'adam']) await fails({ optimizer: o, layerWeights: [1] }, pass);
  for (const name of ['lr', 'styleWeight', 'tvWeight', 'tvChromaWeight']) {
    await fails({ [name]: -1e-9 }, `${name} must be a finite number >= 0, got -1e-9`);
    await fails({ [name]: Infinity }, `${name} must be a finite number >= 0, got Infinity`);
    await fails({ [name]: 0, layerWeights: [1] }, pass);
  }
  // The content and colour weights count only with a content image / a palette.
  const content = { width: 32, height: 32, data: new Float32Array(32 * 32 * 3) };
  const palette = { mean: [0.5, 0.5, 0.5], cov: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  await fails({ content, contentWeight: -1 }, 'contentWeight must be a finite number >= 0, got -1');
  await fails({ contentWeight: -1, layerWeights: [1] }, pass);
  await fails({ palette, colourWeight: NaN }, 'colourWeight must be a finite number >= 0, got NaN');
  await fails({ colourWeight: NaN, layerWeights: [1] }, pass);
});

test('synthesize: start images need their inputs; layer weights match the layers and have a positive sum; a content loss needs a content layer', async () => {
  await fails({ init: 'content' }, "init 'content' needs a content image");
  await fails({ init: 'palette' }, "init 'palette' needs a palette");
  await fails({ init: 'noise', layerWeights: [1] }, pass);
  await fails({ layerWeights: [1, 1, 1] }, 'layerWeights has 3 entries for 2 style layers');
  await fails({ layerWeights: [0, 0] }, 'layerWeights sum to 0');
  await fails({ layerWeights: [1, -1] }, 'layerWeights sum to 0');
  const content = { width: 32, height: 32, data: new Float32Array(32 * 32 * 3) };
  await fails({ content }, 'the mobilenet extractor has no content layer');
  // Content weight 0: every check passes and the run goes on to the extractor.
  await assert.rejects(synthesize(ex, targets, { content, contentWeight: 0, iterations: 1 }), /not reached/);
});
