import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableFitMethods, fitGMM, FixedBasisProduct, GMM } from '../../src/gmm/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { classGaussians, classSeed, fitLatentSet, LatentModelSet, LatentSetError, splitByClass, unsupervisedSubset } from '../../src/latent/index.ts';
import { LATENT_FIT_DEFAULTS } from '../../src/latent/fit.ts';
import { blobCodes } from './_synthetic.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'gmmgen-latent-'));

test('fit-latent (EM, 2 worker threads) writes a valid, loadable set; class means are recovered', async () => {
  const codes = blobCodes([0, 1, 2], 200, 6);
  const dir = tmp();
  try {
    const events: string[] = [];
    const m = await fitLatentSet({ codes, method: 'em', k: 2, outDir: dir, workers: 2, seed: 3, onProgress: (p) => events.push(`${p.label}:${p.phase}`) });
    assert.equal(m.format, 'gmmgen-latent-gmm-set');
    assert.equal(m.version, 1);
    assert.deepEqual(m.classes.map((c) => c.label), [0, 1, 2]);
    const maxIter = LATENT_FIT_DEFAULTS.em!.maxIter as number;
    for (const c of m.classes) {
      assert.deepEqual([c.n, c.k], [200, 2]);
      // EM stops when converged or after maxIter; each class's time is part of the whole run's.
      assert.ok(c.converged ? c.iterations >= 2 && c.iterations < maxIter : c.iterations === maxIter, `class ${c.label}: ${c.iterations} iterations, converged ${c.converged}`);
      assert.ok(c.wallTime > 0 && c.wallTime <= m.totalWallTime, `class ${c.label}: ${c.wallTime} s of ${m.totalWallTime} s`);
    }
    assert.equal(m.bytes, [0, 1, 2].reduce((s, c) => s + statSync(join(dir, `class-${c}.json`)).size, 0), 'bytes = the class files on disk');
    for (const c of [0, 1, 2]) assert.ok(events.includes(`${c}:start`) && events.includes(`${c}:done`), `progress for class ${c}`);
    const set = LatentModelSet.load(dir);
    assert.deepEqual(set.classes, [0, 1, 2]);
    assert.equal(set.d, 6);
    // EM keeps the mixture mean equal to the sample mean of the class's codes (M-step identity).
    const byClass = splitByClass(codes, [0, 1, 2]);
    for (const c of [0, 1, 2]) {
      const g = set.gmm(c);
      assert.equal(g.k, 2);
      assert.equal(g.covarianceType, 'diag');
      assert.equal(g.meta?.method, 'em');
      assert.equal(g.meta?.class, c);
      const p = byClass.get(c)!;
      for (let j = 0; j < 6; j++) {
        let sm = 0;
        for (let i = 0; i < p.n; i++) sm += p.data[i * 6 + j];
        sm /= p.n;
        const gm = g.weights[0] * g.means[j] + g.weights[1] * g.means[6 + j];
        assert.ok(Math.abs(gm - sm) < 2e-6 * (1 + Math.abs(sm)), `class ${c} coord ${j}: mixture mean ${gm} vs sample mean ${sm}`);
        assert.ok(Math.abs(sm - codes.means.get(c)![j]) < 0.3);
      }
      // The class file is plain GMM JSON.
      const again = GMM.fromJSON(JSON.parse(readFileSync(join(dir, `class-${c}.json`), 'utf8')));
      assert.deepEqual(Array.from(again.means), Array.from(g.means));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit-latent's EM default is the documented one: tol 1e-3 on the mean log-likelihood, at most 200 iterations (the same fit as fitGMM with those options; another tol gives another count)", async () => {
  const codes = blobCodes([0, 1], 300, 3, 7);
  const dir = tmp();
  try {
    const m = await fitLatentSet({ codes, method: 'em', k: 4, outDir: dir, workers: 0, seed: 2 });
    const set = LatentModelSet.load(dir);
    const byClass = splitByClass(codes, [0, 1], null, 2);
    let differs = 0;
    for (const c of [0, 1]) {
      const fit = (tol: number) => fitGMM('em', byClass.get(c)!, { k: 4, seed: classSeed(2, c), covarianceType: 'diag', maxIter: 200, tol });
      const want = fit(1e-3);
      const entry = m.classes.find((e) => e.label === c)!;
      assert.equal(entry.iterations, want.history.iterations, `class ${c}: iterations`);
      const got = set.gmm(c).means;
      for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want.gmm.means[i]) < 1e-5, `class ${c}: mean ${i}`);
      if (fit(1e-4).history.iterations !== want.history.iterations) differs++;
    }
    assert.ok(differs > 0, 'tol 1e-4 would stop at another iteration for some class (the test can tell the tolerance)');
    // With tol 0 (never converged) EM stops at the default cap.
    const capped = await fitLatentSet({ codes, method: 'em', k: 4, outDir: join(dir, 'capped'), workers: 0, seed: 2, fitOptions: { tol: 0 } });
    assert.deepEqual(capped.classes.map((e) => [e.iterations, e.converged]), [[200, false], [200, false]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit-latent's NLL and SC2 defaults are the documented ones: NLL at most 1000 steps, SC2 with 200 NLL steps (the same fits as fitGMM with those options)", async () => {
  const codes = blobCodes([0], 200, 3, 4);
  const dir = tmp();
  try {
    const nll = await fitLatentSet({ codes, method: 'nll', k: 2, outDir: join(dir, 'nll'), workers: 0, seed: 1, fitOptions: { tol: 0 } });
    assert.deepEqual(nll.classes.map((e) => e.iterations), [1000]);
    const points = splitByClass(codes, [0], null, 1).get(0)!;
    const sc2 = (nllSteps: number) => fitGMM('sc2', points, { k: 2, seed: classSeed(1, 0), covarianceType: 'diag', maxIter: 30, nllSteps }).gmm.means;
    await fitLatentSet({ codes, method: 'sc2', k: 2, outDir: join(dir, 'sc2'), workers: 0, seed: 1, fitOptions: { maxIter: 30 } });
    const got = LatentModelSet.load(join(dir, 'sc2')).gmm(0).means;
    const want = sc2(200), other = sc2(201);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-6, `SC2 mean ${i}: ${got[i]} vs ${want[i]}`);
    assert.ok(want.some((v, i) => Math.abs(v - other[i]) > 1e-6), '201 NLL steps give another fit (the test can tell)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('worker threads and inline fitting give identical files; --limit takes a seeded subset', async () => {
  const codes = blobCodes([4, 7], 150, 4, 5);
  const a = tmp(), b = tmp();
  try {
    const ma = await fitLatentSet({ codes, method: 'em', k: 3, outDir: a, workers: 2, seed: 1, limit: 100, precision: 0 });
    const mb = await fitLatentSet({ codes, method: 'em', k: 3, outDir: b, workers: 0, seed: 1, limit: 100, precision: 0 });
    assert.deepEqual(ma.classes.map((c) => c.n), [100, 100]);
    for (const c of [4, 7]) {
      const ga = JSON.parse(readFileSync(join(a, `class-${c}.json`), 'utf8'));
      const gb = JSON.parse(readFileSync(join(b, `class-${c}.json`), 'utf8'));
      assert.deepEqual(ga.means, gb.means);
      assert.deepEqual(ga.covariances, gb.covariances);
    }
    assert.equal(mb.workers, 0);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('every registered distance-based fitter produces a valid class GMM file (small subset)', async () => {
  const codes = blobCodes([0, 1], 120, 3, 9);
  const methods = availableFitMethods().filter((m) => m !== 'em');
  for (const method of methods) {
    const dir = tmp();
    try {
      const t0 = performance.now();
      await fitLatentSet({ codes, method, k: 2, outDir: dir, workers: 0, seed: 2, fitOptions: { maxIter: 20 } });
      const set = LatentModelSet.load(dir);
      assert.deepEqual(set.classes, [0, 1], method);
      for (const c of [0, 1]) {
        const s = set.sampleClass(c, 50, 1);
        assert.ok(s.data.every(Number.isFinite), `${method}: finite samples`);
        assert.ok(Number.isFinite(set.model(c).nll({ n: 50, d: 3, data: Float64Array.from(s.data) })), `${method}: finite NLL`);
        if (method === 'fixed-basis') {
          // The paper's per-coordinate model, not a k-component GMM.
          assert.equal(set.modelType, 'fixed-basis-product');
          assert.ok(set.model(c) instanceof FixedBasisProduct);
          assert.equal(set.manifest?.modelType, 'fixed-basis-product');
          continue;
        }
        const g = set.gmm(c);
        assert.equal(g.k, 2);
        assert.equal(g.meta?.method, method);
      }
      assert.ok((performance.now() - t0) / 1000 < 20, `${method} took too long for a test`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('bad requests fail with clear errors', async () => {
  const codes = blobCodes([0, 1], 20, 3);
  const dir = tmp();
  try {
    await assert.rejects(fitLatentSet({ codes, method: 'nope' as never, k: 2, outDir: dir }), /unknown method "nope"/);
    await assert.rejects(fitLatentSet({ codes, method: 'em', k: 2, outDir: dir, classes: [0, 5] }), /class 5 has no codes/);
    await assert.rejects(fitLatentSet({ codes, method: 'em', k: 50, outDir: dir }), /class 0 has 20 codes, fewer than k = 50/);
    await assert.rejects(fitLatentSet({ codes, method: 'em', k: 21, outDir: dir }), /class 0 has 20 codes, fewer than k = 21/); // the edge
    await assert.rejects(fitLatentSet({ codes, method: 'em', k: 2, outDir: dir, fitOptions: { seed: 3 } }), /fit option 'seed' is set by fit-latent/);
    await assert.rejects(fitLatentSet({ codes, method: 'em', k: 2, outDir: dir, workers: 1, fitOptions: { bogusOption: 1 } }), (e: Error) => e instanceof LatentSetError && /class 0 \(em, k=2\).*bogusOption/.test(e.message));
    const bad = { ...codes, data: codes.data.slice() };
    bad.data[7] = NaN;
    await assert.rejects(fitLatentSet({ codes: bad, method: 'em', k: 2, outDir: dir }), /value 7 \(code 2\) is not finite/);
    assert.ok(!existsSync(join(dir, 'index.json')), 'no manifest after failures');
    assert.throws(() => LatentModelSet.load(dir), /index\.json is missing/);
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ format: 'gmmgen-latent-gmm-set', version: 1, method: 'em', d: 3, classes: [{ label: 0, file: 'class-0.json' }] }));
    assert.throws(() => LatentModelSet.load(dir), /class 0 file class-0\.json is missing/);
    writeFileSync(join(dir, 'class-0.json'), JSON.stringify({ format: 'gmmgen-gmm', version: 1, k: 1, d: 3, covarianceType: 'diag', weights: [1], means: [[0, 0]], covariances: [[1, 1, 1]] }));
    assert.throws(() => LatentModelSet.load(dir), /class-0\.json: .*means\[0\]' must have 3 entries/);
    writeFileSync(join(dir, 'index.json'), '{"format": "other"}');
    assert.throws(() => LatentModelSet.load(dir), /field 'format' must be 'gmmgen-latent-gmm-set'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a class with exactly k codes is fitted with k components, not refused', async () => {
  const codes = blobCodes([0, 1], 6, 3);
  const dir = tmp();
  try {
    await fitLatentSet({ codes, method: 'em', k: 6, outDir: dir, workers: 0 });
    const set = LatentModelSet.load(dir);
    assert.deepEqual(set.classes, [0, 1]);
    for (const c of [0, 1]) assert.equal(set.gmm(c).k, 6, `class ${c}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a fixed-basis set holds the per-coordinate product model: samples, log-density, summaries, clear errors', async () => {
  const codes = blobCodes([0, 1], 400, 4, 3);
  const dir = tmp();
  try {
    await fitLatentSet({ codes, method: 'fixed-basis', k: 3, outDir: dir, workers: 0, seed: 1 });
    const set = LatentModelSet.load(dir);
    const byClass = splitByClass(codes, [0, 1]);
    for (const c of [0, 1]) {
      const m = set.model(c) as FixedBasisProduct;
      assert.equal(m.frame, 'coordinates');
      assert.equal(m.marginals.length, 4);
      // Samples reproduce every coordinate's mean and spread (independent per-coordinate densities).
      const s = set.sampleClass64(c, 4000, 2);
      assert.ok(s.components.every((v) => v === -1));
      const p = byClass.get(c)!;
      for (let j = 0; j < 4; j++) {
        const stat = (x: ArrayLike<number>, n: number) => {
          let mu = 0, v = 0;
          for (let i = 0; i < n; i++) mu += x[i * 4 + j] / n;
          for (let i = 0; i < n; i++) v += (x[i * 4 + j] - mu) ** 2 / n;
          return [mu, v];
        };
        const [ms, vs] = stat(s.data, 4000), [mp, vp] = stat(p.data, p.n);
        assert.ok(Math.abs(ms - mp) < 0.1 && Math.abs(vs / vp - 1) < 0.15, `class ${c} coord ${j}: sample mean/var ${ms}/${vs} vs data ${mp}/${vp}`);
      }
      // The log-density is the sum of the marginals' log-densities.
      const x = { n: 1, d: 4, data: Float64Array.from(p.data.subarray(0, 4)) };
      const direct = m.marginals.reduce((acc, mj, j) => acc + Math.log(mj.weights.reduce((t, w, i) => t + (w * Math.exp(-0.5 * ((x.data[j] - mj.means[i]) / mj.sds[i]) ** 2)) / (mj.sds[i] * Math.sqrt(2 * Math.PI)), 0)), 0);
      assert.ok(Math.abs(m.logPdf(x)[0] - direct) < 1e-9);
      // Explore summary: one Gaussian with the product's mean and covariance.
      const g = set.displayGMM(c);
      assert.equal(g.k, 1);
      assert.throws(() => set.gmm(c), /holds fixed-basis-product models .* not GMMs; use model\(/);
      assert.throws(() => set.sampleComponents(c, 3), /no mixture components to show/);
    }
    // The class file is the product JSON; a damaged one is rejected naming the field.
    const json = JSON.parse(readFileSync(join(dir, 'class-0.json'), 'utf8'));
    assert.equal(json.format, 'gmmgen-fixed-basis-product');
    json.marginals[2].sigma = -1;
    writeFileSync(join(dir, 'class-0.json'), JSON.stringify(json));
    assert.throws(() => LatentModelSet.load(dir), /class-0\.json: fixed-basis model JSON: marginals\[2\]\.sigma must be > 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('classGaussians: one component per class with its mean, ML covariance + regCovar and share, by hand', () => {
  // 2-D codes: class 3 at (0,0), (2,0), (0,2), (2,2) → mean (1,1), covariance diag(1, 1); class 7 at (5,5), (7,9) →
  // mean (6,7), covariance [[1, 2], [2, 4]]. Labels given out of order: components follow ascending class labels.
  const data = Float64Array.from([5, 5, 0, 0, 2, 0, 7, 9, 0, 2, 2, 2]);
  const g = classGaussians({ n: 6, d: 2, data, labels: [7, 3, 3, 7, 3, 3] }, 0.5);
  assert.equal(g.k, 2);
  assert.deepEqual(g.meta?.classes, [3, 7]);
  assert.deepEqual([...g.weights], [4 / 6, 2 / 6]);
  assert.deepEqual([...g.means], [1, 1, 6, 7]);
  assert.deepEqual([...g.covariances], [1.5, 0, 0, 1.5, 1.5, 2, 2, 4.5]);
  // regCovar defaults to 1e-6.
  const byDefault = classGaussians({ n: 6, d: 2, data, labels: [7, 3, 3, 7, 3, 3] }).covariances;
  [1 + 1e-6, 0, 0, 1 + 1e-6, 1 + 1e-6, 2, 2, 4 + 1e-6].forEach((v, i) => assert.ok(Math.abs(byDefault[i] - v) < 1e-15, `covariance entry ${i}: ${byDefault[i]}`));
});

test('unsupervisedSubset: the documented seeded permutation, rows with their own labels, all codes when limit ≥ n', () => {
  // Code i is (i, 10·i) with label i mod 3, so every returned row names the code it came from.
  const n = 7;
  const codes = { n, d: 2, data: Float32Array.from({ length: 2 * n }, (_, t) => (t % 2 === 0 ? t / 2 : 5 * t - 5)), labels: Array.from({ length: n }, (_, i) => i % 3) };
  for (const seed of [0, 3]) {
    const perm = new Rng(seed * 64 + 17).permutation(n);
    const { points, labels } = unsupervisedSubset(codes, 4, seed);
    assert.equal(points.n, 4);
    assert.equal(points.d, 2);
    for (let i = 0; i < 4; i++) {
      const r = perm[i];
      assert.deepEqual([points.data[2 * i], points.data[2 * i + 1]], [r, 10 * r], `row ${i} (seed ${seed})`);
      assert.equal(labels[i], r % 3);
    }
  }
  const all = unsupervisedSubset(codes, 100);
  assert.equal(all.points.n, n);
  assert.deepEqual([...all.points.data.filter((_, t) => t % 2 === 0)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  assert.throws(() => unsupervisedSubset({ ...codes, labels: [0] }, 3), LatentSetError);
});
