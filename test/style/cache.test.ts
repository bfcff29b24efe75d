/**
 * The style cache: fitted Gram models as plain data (a rebuilt model samples exactly as the original), the
 * in-memory LRU store with its byte budget, and runStyleJob with a cache: a second job with another seed
 * reuses the paintings' Gram datasets and the fitted model (same images as without the cache), one with
 * another ratio reuses only the datasets.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend/index.ts';
import { fitStyleGramModel, runStyleJob, type StyleJobProgress } from '../../src/style/job.ts';
import { StyleMemoryCache, typedBytes } from '../../src/style/cache.ts';
import { fitGramModel, gramModelFromSnapshot, gramModelSnapshot, mixGramModels, mixGramSets, type GramMethod, type GramModel } from '../../src/style/gram-model.ts';
import { blendDatasets, type GramDataset } from '../../src/style/dataset.ts';
import { triLength } from '../../src/style/gram.ts';
import { Rng } from '../../src/util/rng.ts';
import { sharedPath } from '../../src/util/paths.ts';

const A = sharedPath('assets', 'styles', 'starry_night.jpg');
const B = sharedPath('assets', 'styles', 'the_scream.jpg');
const small = { size: 48, iterations: 2, crops: 4, styleSize: 96, styleLayers: ['conv_pw_1_relu', 'conv_pw_3_relu'], contentLayer: 'conv_pw_3_relu' };

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

/** A random dataset of n rows over layers of c channels (PSD Grams of random features). */
function randomDataset(n: number, channels: number[], seed: number): GramDataset {
  const rng = new Rng(seed);
  const vectors = channels.map((c) => {
    const v = new Float32Array(n * triLength(c));
    for (let r = 0; r < n; r++) {
      const f = Float64Array.from({ length: 3 * c }, () => Math.abs(rng.normal()));
      let o = r * triLength(c);
      for (let i = 0; i < c; i++) {
        for (let j = i; j < c; j++) {
          let s = 0;
          for (let k = 0; k < 3; k++) s += f[k * c + i] * f[k * c + j];
          v[o++] = (i === j ? 1 : Math.SQRT2) * s / 3;
        }
      }
    }
    return v;
  });
  return { layers: channels.map((_, l) => `l${l}`), channels, n, vectors, source: new Int32Array(n) };
}

test('a model rebuilt from its snapshot samples exactly as the fitted one (every method, mixtures too)', () => {
  const ds = randomDataset(10, [3, 5], 1);
  const ds2 = randomDataset(10, [3, 5], 2);
  for (const method of ['pca-sw', 'pca-em', 'fixed-basis'] as GramMethod[]) {
    const opts = { method, seed: 2, k: 2, pcaDim: 3, maxIter: 20, bins: 8 };
    const m = mixGramModels([fitGramModel(ds, opts), fitGramModel(ds2, opts)], [0.3, 0.7]);
    // Through structured clone, as between the server and its worker.
    const copy = gramModelFromSnapshot(structuredClone(gramModelSnapshot(m)));
    assert.equal(copy.method, m.method);
    assert.equal(copy.fitter, m.fitter);
    assert.deepEqual(copy.sample(3, 9), m.sample(3, 9), method);
  }
  // Every malformed snapshot is refused, one defect at a time from a valid one (a reader that returns nothing
  // for an unknown kind would hand the worker an undefined model).
  const good = gramModelSnapshot(fitGramModel(ds, { method: 'pca-sw', seed: 2, k: 2, pcaDim: 3, maxIter: 20 })) as Extract<ReturnType<typeof gramModelSnapshot>, { kind: 'pca' }>;
  const goodFb = gramModelSnapshot(fitGramModel(ds, { method: 'fixed-basis', bins: 8 }));
  const bad: [string, unknown][] = [
    ['null', null],
    ['no kind', { ...good, kind: undefined }],
    ['unknown kind', { ...good, kind: 'pca2' }],
    ['unknown kind, entrywise parts', { ...goodFb, kind: 'entrywise2' }],
    ['pca without fields', { kind: 'pca' }],
    ['layers and channels differ in length', { ...good, channels: [...good.channels, 4] }],
    ['no parts', { ...good, parts: [] }],
    ['gmms not one per part', { ...good, gmms: [] }],
    ['tails not one per part', { ...good, tails: [null, null] }],
    ['mix without models', { kind: 'gram-set-mix', models: [], weights: [] }],
    ['mix with fewer weights than models', { kind: 'gram-set-mix', models: [good, good], weights: [1] }],
  ];
  for (const [what, s] of bad) assert.throws(() => gramModelFromSnapshot(s as never), /^RangeError: gramModelFromSnapshot: malformed snapshot$/, what);
  assert.equal(gramModelFromSnapshot(good).method, 'pca-sw');
  assert.throws(() => gramModelSnapshot({} as never), /not a model made by fitGramModel/);
});

test("fitStyleGramModel: one painting at ratio 0 or 1, and each blend as runStyleJob fits it (B's model with seed + 1)", () => {
  const a = randomDataset(8, [3, 4], 1), b = randomDataset(8, [3, 4], 2);
  const opts = { method: 'pca-sw' as GramMethod, seed: 5, k: 2, pcaDim: 3, maxIter: 20 }; // SW: the fit depends on the seed
  const same = (m: GramModel, want: GramModel, what: string) => assert.deepEqual(m.sample(3, 7), want.sample(3, 7), what);
  same(fitStyleGramModel(a, null, 0.7, 'grams', 8, opts), fitGramModel(a, opts), 'one painting');
  same(fitStyleGramModel(a, b, 0, 'grams', 8, opts), fitGramModel(a, opts), 'ratio 0');
  same(fitStyleGramModel(null, b, 1, 'grams', 8, opts), fitGramModel(b, opts), 'ratio 1');
  same(fitStyleGramModel(a, b, 0.25, 'data', 8, opts), fitGramModel(blendDatasets(a, b, 0.25, 8), opts), 'data');
  const both = [fitGramModel(a, opts), fitGramModel(b, { ...opts, seed: 6 })];
  same(fitStyleGramModel(a, b, 0.25, 'weights', 8, opts), mixGramModels(both, [0.75, 0.25]), 'weights');
  same(fitStyleGramModel(a, b, 0.25, 'grams', 8, opts), mixGramSets(both, [0.75, 0.25]), 'grams');
  for (const [bb, r] of [[b, 0.5], [b, 0], [null, 0.5]] as const) {
    assert.throws(() => fitStyleGramModel(null, bb, r, 'grams', 8, opts), new RegExp(`^RangeError: fitStyleGramModel: no dataset for painting A, which ratio ${r} needs$`), `${bb ? 'b' : 'no b'}, ${r}`);
  }
});

test('the memory cache drops the least recently used entries beyond its byte budget', () => {
  const entry = (kb: number) => ({ kind: 'dataset' as const, value: { ...randomDataset(1, [1], 0), vectors: [new Float32Array(kb * 256)] } });
  assert.equal(typedBytes(entry(4).value), 4 * 1024 + 4); // vectors + source (Int32Array(1))
  const c = new StyleMemoryCache(10 * 1024);
  c.put('a', entry(4));
  c.put('b', entry(4));
  assert.ok(c.get('a'), 'a is kept'); // a is now the most recently used
  c.put('c', entry(4)); // over budget: b (least recently used) goes
  assert.equal(c.get('b'), undefined);
  assert.ok(c.get('a') && c.get('c'));
  assert.equal(c.stats.entries, 2);
  c.put('huge', entry(64)); // larger than the whole budget: not kept, nothing dropped
  assert.equal(c.get('huge'), undefined);
  assert.equal(c.stats.entries, 2);
  c.put('a', entry(1)); // replacing an entry updates the byte count
  assert.equal(c.stats.bytes, typedBytes(entry(1).value) + typedBytes(entry(4).value));
  assert.throws(() => new StyleMemoryCache(-1), /maxBytes must be a number >= 0/);
});

test('runStyleJob with a cache: another seed reuses datasets and model, another ratio only the datasets', async () => {
  const cache = new StyleMemoryCache();
  const base = { ...small, styles: [A, B], ratio: 0.5, method: 'pca-em' as GramMethod, k: 2, pcaDim: 2 };
  const firstSeen: StyleJobProgress[] = [];
  const first = await runStyleJob({ ...base, seed: 1 }, { cache, onProgress: (p) => void firstSeen.push(p) });
  assert.deepEqual(first.cacheHits, { datasets: 0, model: false });
  assert.equal(cache.stats.entries, 3, 'two datasets and one model stored');
  const seen: StyleJobProgress[] = [];
  const again = await runStyleJob({ ...base, seed: 1 }, { cache, onProgress: (p) => void seen.push(p) });
  assert.deepEqual(again.cacheHits, { datasets: 2, model: true });
  assert.ok(again.images[0].equals(first.images[0]), 'the cached model gives the same image');
  // Progress with cache hits: one event per painting kept, at half and at the whole of the features' share —
  // exactly where the first job's features stage ended — and never going back.
  const kept = seen.filter((p) => p.stage === 'features' && /kept from an earlier job/.test(p.message ?? ''));
  assert.deepEqual(kept.map((p) => p.message), ['Gram matrices of style A: kept from an earlier job', 'Gram matrices of style B: kept from an earlier job']);
  const featuresEnd = firstSeen.filter((p) => p.stage === 'features').at(-1)!.fraction;
  assert.ok(featuresEnd > 0 && featuresEnd < 1);
  assert.ok(Math.abs(kept[1].fraction - featuresEnd) < 1e-12, `${kept[1].fraction} vs ${featuresEnd}`);
  assert.ok(Math.abs(kept[0].fraction - featuresEnd / 2) < 1e-12, `${kept[0].fraction} vs ${featuresEnd / 2}`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].fraction >= seen[i - 1].fraction - 1e-12, `progress went back at ${i} (${seen[i - 1].stage} → ${seen[i].stage})`);
  assert.equal(seen.at(-1)!.fraction, 1);
  const seed2 = await runStyleJob({ ...base, seed: 2 }, { cache });
  assert.deepEqual(seed2.cacheHits, { datasets: 2, model: true });
  assert.ok(!seed2.images[0].equals(first.images[0]), 'another seed, another image');
  const ratio = await runStyleJob({ ...base, seed: 1, ratio: 0.25 }, { cache });
  assert.deepEqual(ratio.cacheHits, { datasets: 2, model: false });
  const otherModelSeed = await runStyleJob({ ...base, seed: 1, modelSeed: 3 }, { cache });
  assert.deepEqual(otherModelSeed.cacheHits, { datasets: 0, model: false });
  // Without a cache the same job gives the same image as with one.
  const none = await runStyleJob({ ...base, seed: 2 });
  assert.ok(none.images[0].equals(seed2.images[0]));
});
