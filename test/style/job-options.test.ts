/**
 * checkStyleJobOptions (src/style/job.ts) at the exact edge of every validated range: each bound accepted, the
 * next value outside it refused with the message naming the option and its range; choices, the palette share,
 * the scale list and the option combinations that cannot work. The documented defaults and limits as values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStyleJobOptions, STYLE_DEFAULTS, STYLE_LIMITS, type StyleJobOptions } from '../../src/style/job.ts';

const base: StyleJobOptions = { styles: ['a.jpg'] };
const ok = (o: Partial<StyleJobOptions>) => assert.doesNotThrow(() => checkStyleJobOptions({ ...base, ...o }), JSON.stringify(o));
const bad = (o: Partial<StyleJobOptions>, msg: string) =>
  assert.throws(() => checkStyleJobOptions({ ...base, ...o }), (e: Error) => e instanceof RangeError && e.message === msg, `${JSON.stringify(o)} → ${msg}`);

test('the documented limits and defaults of a style job', () => {
  assert.deepEqual({ ...STYLE_LIMITS }, { minSize: 16, maxSize: 2048, maxIterations: 10_000, maxSamples: 64, maxCrops: 512, maxWeight: 1e4, maxLr: 0.5, maxGain: 10, minStyleSide: 32, minOutputSide: 16 });
  assert.deepEqual(JSON.parse(JSON.stringify(STYLE_DEFAULTS)), {
    size: 256, iterations: 80, samples: 1, method: 'pca-sw', blend: 'grams', optimizer: 'lbfgs', scales: [0.5, 1], crops: 24,
    styleWeight: 1, contentWeight: 0.6, colourWeight: 10, colourLoss: 'moments', draws: 'stratified', tvWeight: 0, tvChromaWeight: 0.3, lr: 0.02,
    deviationGain: [1, 1.1],
  });
});

test('integer options: both bounds accepted, one past each and a fraction refused', () => {
  const ints: [keyof StyleJobOptions, number, number][] = [
    ['samples', 1, 64], ['size', 16, 2048], ['iterations', 1, 10_000], ['crops', 2, 512], ['cropSize', 32, 2048],
    ['styleSize', 32, 4096], ['previewEvery', 0, 10_000], ['seed', 0, 2 ** 31 - 1], ['modelSeed', 0, 2 ** 31 - 1],
  ];
  for (const [name, min, max] of ints) {
    ok({ [name]: min });
    ok({ [name]: max });
    for (const v of [min - 1, max + 1, min + 0.5]) bad({ [name]: v }, `${name} must be an integer in [${min}, ${max}], got ${v}`);
    bad({ [name]: String(min) as never }, `${name} must be an integer in [${min}, ${max}], got ${min}`);
  }
});

test('number options: closed bounds accepted, open lower bounds refused, just past each bound refused', () => {
  const nums: [keyof StyleJobOptions, number, number, boolean][] = [
    ['ratio', 0, 1, false], ['styleWeight', 0, 1e4, true], ['contentWeight', 0, 1e4, false], ['tvWeight', 0, 1e4, false],
    ['tvChromaWeight', 0, 1e4, false], ['colourWeight', 0, 1e4, false], ['lr', 0, 0.5, true], ['smoothing', 0, 1000, true],
  ];
  for (const [name, min, max, open] of nums) {
    const range = `${open ? '(' : '['}${min}, ${max}]`;
    ok({ [name]: max });
    if (open) {
      bad({ [name]: min }, `${name} must be a number in ${range}, got ${min}`);
      ok({ [name]: 1e-12 });
    } else ok({ [name]: min });
    for (const v of [min - 1e-9, max * (1 + 1e-12), NaN, Infinity]) bad({ [name]: v }, `${name} must be a number in ${range}, got ${v}`);
  }
  ok({ smoothing: null });
});

test('styles, choices, palette share, scales and impossible combinations', () => {
  ok({ styles: ['a.jpg', 'b.jpg'] });
  for (const styles of [[], ['a', 'b', 'c']]) bad({ styles }, 'styles: give one or two style images');
  assert.throws(() => checkStyleJobOptions(undefined as never), /styles: give one or two style images/);
  for (const [name, good, msg] of [
    ['blend', ['data', 'weights', 'grams'], 'blend must be one of data, weights, grams, got x'],
    ['mode', ['sampled', 'mean'], "mode must be 'sampled' or 'mean', got x"],
    ['method', ['fixed-basis', 'pca-sw', 'pca-sc2', 'pca-em'], 'method must be one of fixed-basis, pca-sw, pca-sc2, pca-em, got x'],
    ['optimizer', ['lbfgs', 'adam'], "optimizer must be 'lbfgs' or 'adam', got x"],
    ['init', ['noise', 'palette'], "init must be 'content', 'noise' or 'palette', got x"],
  ] as [keyof StyleJobOptions, string[], string][]) {
    for (const v of good) ok({ [name]: v });
    bad({ [name]: 'x' as never }, msg);
  }
  ok({ init: 'content', content: 'c.jpg' });
  bad({ init: 'content' }, "init 'content' needs a content image");
  ok({ init: 'palette', colour: true });
  bad({ init: 'palette', colour: false }, "init 'palette' needs the colours modelled (colour is off)");
  ok({ init: 'noise', colour: false });
  const paletteMsg = (v: unknown) => `palette must be 'style', 'sample' or a number in [0, 1] (the share of each sample's own colours), got ${v}`;
  for (const v of ['style', 'sample', 0, 1, 0.5] as const) ok({ palette: v });
  for (const v of [-1e-9, 1 + 1e-9, 'x']) bad({ palette: v as never }, paletteMsg(v));
  for (const s of [[1], [0.5, 1], [0.125, 0.25, 0.5, 1], [1e-9, 1]]) ok({ scales: s });
  for (const s of [[], [0.1, 0.2, 0.3, 0.5, 1], [0, 1], [0.5, 0.5, 1], [0.6, 0.5, 1], [0.5], [0.5, 1.5], [1, 1]]) {
    bad({ scales: s }, `scales must be 1 to 4 ascending fractions in (0, 1] ending at 1, got ${JSON.stringify(s)}`);
  }
});

test('styleJobWork: the progress fractions\' work estimate by hand (level cost ∝ scale², remainder iterations first)', async () => {
  const { styleJobWork } = await import('../../src/style/job.ts');
  const w = styleJobWork({ scales: [0.5, 1], iterations: 81, samples: 2, mode: 'sampled', nNeeded: 2, crops: 24, cropSize: 256, full: { width: 256, height: 256 } });
  assert.deepEqual(w.levelCost, [0.25, 1]);
  assert.deepEqual(w.itersPerLevel, [41, 40]);
  assert.ok(Math.abs(w.synthUnits - 1.05 * (41 * 0.25 + 40 * 1)) < 1e-12, `synthUnits ${w.synthUnits}`);
  assert.equal(w.featureUnits, 16); // 2 styles × 24 crops × (256² / 256²) / 3
  assert.equal(w.fitUnits, 5); // 3 + samples
  assert.ok(Math.abs(w.totalUnits - (16 + 5 + 2 * 52.7625)) < 1e-12, `totalUnits ${w.totalUnits}`);
  // Progress inside one image: the finished levels' iterations plus the current level's, each at its level's cost.
  assert.equal(w.synthUnitsAt(0), 0);
  assert.ok(Math.abs(w.synthUnitsAt(10) - 1.05 * 10 * 0.25) < 1e-12, `after 10 iterations ${w.synthUnitsAt(10)}`);
  assert.ok(Math.abs(w.synthUnitsAt(43) - 1.05 * (41 * 0.25 + 2 * 1)) < 1e-12, `after 43 iterations ${w.synthUnitsAt(43)}`);
  assert.equal(w.synthUnitsAt(81), w.synthUnits);
  const mean = styleJobWork({ scales: [1], iterations: 10, samples: 1, mode: 'mean', nNeeded: 1, crops: 12, cropSize: 128, full: { width: 256, height: 128 } });
  assert.deepEqual(mean.itersPerLevel, [10]);
  assert.equal(mean.fitUnits, 0);
  assert.equal(mean.featureUnits, (12 * 128 * 128) / (256 * 128) / 3);
  assert.ok(Math.abs(mean.totalUnits - (2 + 10.5)) < 1e-12);
});
