import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mixClasses, MixWeightsError, normalizeClassWeights, parseClassWeights } from '../../src/latent/index.ts';
import { handSet } from './_synthetic.ts';

const d = 5;
const set = handSet([0, 1, 3, 8], d);

test('sampling is deterministic per seed, differs across seeds and classes, and follows the class GMM', () => {
  const a = set.sampleClass(3, 400, 7);
  const b = set.sampleClass(3, 400, 7);
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(set.sampleClass(3, 400, 8).data, a.data);
  assert.equal(a.data.length, 400 * d);
  // Class 3: components at 29 and 31 (weights .3/.7), sd .5 → mean 30.4.
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i];
  assert.ok(Math.abs(s / a.data.length - 30.4) < 0.1, `mean ${s / a.data.length}`);
  const share1 = a.components.reduce((acc, c) => acc + c, 0) / 400;
  assert.ok(Math.abs(share1 - 0.7) < 0.07, `component-1 share ${share1}`);
  // Same seed, other class: an independent stream (not the same noise shifted).
  const o = set.sampleClass(8, 400, 7);
  let same = 0;
  for (let i = 0; i < 400; i++) if (Math.abs((o.data[i * d] - 80) - (a.data[i * d] - 30)) < 1e-9) same++;
  assert.ok(same < 5);
  const codes = set.sampleCodes([1, 8], 10, 2);
  assert.deepEqual(Array.from(codes.labels), [...Array(10).fill(1), ...Array(10).fill(8)]);
  assert.deepEqual(codes.data.subarray(10 * d), set.sampleClass(8, 10, 2).data);
  assert.throws(() => set.sampleClass(5, 3, 0), /no class 5 \(classes: 0, 1, 3, 8\)/);
  assert.throws(() => set.sampleClass(3, 0, 0), /n must be an integer in \[1, /);
  assert.throws(() => set.sampleClass(3, 2, -1), /seed must be an integer/);
});

test('per-component view: rows = components, each row from its component', () => {
  const v = set.sampleComponents(1, 6, 4);
  assert.equal(v.k, 2);
  assert.equal(v.n, 12);
  assert.deepEqual(v.weights, [0.3, 0.7]);
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < 6; i++) {
      const row = v.data.subarray((r * 6 + i) * d, (r * 6 + i + 1) * d);
      const centre = r === 0 ? 9 : 11;
      assert.ok(row.every((x) => Math.abs(x - centre) < 3), `row ${r}`);
    }
  }
  assert.deepEqual(set.sampleComponents(1, 6, 4).data, v.data);
});

test('every mode with weight 1 on one class equals sampling that class', () => {
  const ref = set.sampleClass(8, 64, 11);
  for (const mode of ['mixture', 'blend', 'interpolate'] as const) {
    const r = mixClasses(set, mode, { 8: 1, 3: 0 }, 64, 11);
    assert.equal(r.n, 64);
    assert.equal(r.d, d);
    assert.deepEqual(r.data, ref.data, mode);
    assert.deepEqual(r.weights.classes, [8]);
  }
});

test('mixture: each sample is one class’s sample, classes drawn with the weights', () => {
  const n = 4000;
  const r = mixClasses(set, 'mixture', { 0: 1, 8: 3 }, n, 5);
  assert.equal(r.data.length, n * d);
  assert.equal(r.source.length, n);
  let n8 = 0;
  for (let i = 0; i < n; i++) {
    const c = r.source[i];
    assert.ok(c === 0 || c === 8);
    if (c === 8) n8++;
    const x = r.data[i * d];
    assert.ok(Math.abs(x - 10 * c) < 4, `sample ${i} from class ${c} at ${x}`);
  }
  assert.ok(Math.abs(n8 / n - 0.75) < 0.03, `share of class 8: ${n8 / n}`);
  // The class-8 samples are, in order, sampleClass(8, n8, seed).
  const ref = set.sampleClass(8, n8, 5).data;
  let j = 0;
  for (let i = 0; i < n; i++) if (r.source[i] === 8) {
    assert.equal(r.data[i * d + 2], ref[j * d + 2]);
    j++;
  }
  assert.deepEqual(mixClasses(set, 'mixture', { 0: 1, 8: 3 }, n, 5).data, r.data);
});

test('blend: each coordinate comes from one class’s sample, shares follow the weights', () => {
  const n = 500;
  const r = mixClasses(set, 'blend', [[1, 0.2], [3, 0.8]], n, 9);
  assert.equal(r.source.length, n * d);
  const s1 = set.sampleClass(1, n, 9).data, s3 = set.sampleClass(3, n, 9).data;
  let from3 = 0;
  for (let t = 0; t < n * d; t++) {
    const src = r.source[t] === 1 ? s1 : s3;
    assert.equal(r.data[t], src[t]);
    if (r.source[t] === 3) from3++;
  }
  assert.ok(Math.abs(from3 / (n * d) - 0.8) < 0.03, `share from class 3: ${from3 / (n * d)}`);
});

test('interpolate: the convex combination of the class samples', () => {
  const n = 50;
  const r = mixClasses(set, 'interpolate', { 0: 2, 8: 6 }, n, 3);
  assert.equal(r.source.length, 0);
  const s0 = set.sampleClass(0, n, 3).data, s8 = set.sampleClass(8, n, 3).data;
  for (let t = 0; t < n * d; t++) assert.ok(Math.abs(r.data[t] - (0.25 * s0[t] + 0.75 * s8[t])) < 1e-5);
});

test('invalid weights are rejected with a clear error', () => {
  const bad: [unknown, RegExp][] = [
    [{}, /class weights are empty/],
    [{ 3: -1, 8: 2 }, /weight of class 3 is negative/],
    [{ 3: 0, 8: 0 }, /all class weights are zero/],
    [{ 5: 1 }, /unknown class 5: available classes are 0, 1, 3, 8/],
    [{ x: 1 }, /class "x" is not a class label/],
    [{ 3: Number.NaN }, /weight of class 3 must be a finite number/],
    [[[3, 1], [3, 2]], /class 3 is given twice/],
    [[[3]], /must be a \[class, weight\] pair/],
    [null, /class weights must be an object/],
  ];
  for (const [w, re] of bad) {
    assert.throws(() => normalizeClassWeights(w as never, set.classes), (e: Error) => e instanceof MixWeightsError && re.test(e.message), String(re));
  }
  assert.throws(() => mixClasses(set, 'average' as never, { 3: 1 }, 4, 0), /unknown mixing mode "average"/);
  assert.throws(() => mixClasses(set, 'mixture', { 3: 1 }, 0, 0), /n must be/);
  assert.deepEqual(parseClassWeights('3:0.25, 8:0.75'), [[3, 0.25], [8, 0.75]]);
  assert.deepEqual(parseClassWeights('0,4'), [[0, 1], [4, 1]]);
  assert.throws(() => parseClassWeights('3:a'), /weight "a" of class 3 must be a finite number/);
  assert.throws(() => parseClassWeights('3:1e309'), /weight "1e309" of class 3 must be a finite number/);
  assert.throws(() => parseClassWeights('x:1'), /cannot read "x:1"/);
  const w = normalizeClassWeights(parseClassWeights('8:3,1:1'), set.classes);
  assert.deepEqual(w.classes, [1, 8]);
  assert.deepEqual(Array.from(w.weights), [0.25, 0.75]);
});

test('weights whose sum overflows or underflows are normalised exactly, and every mode stays finite', () => {
  // 1e308 + 1e308 = Infinity: normalising by the sum gave NaN weights (500 on the server, black tiles).
  assert.deepEqual(Array.from(normalizeClassWeights({ 3: 1e308, 8: 1e308 }, set.classes).weights), [0.5, 0.5]);
  assert.deepEqual(Array.from(normalizeClassWeights({ 3: Number.MAX_VALUE, 8: Number.MAX_VALUE / 2 }, set.classes).weights), [2 / 3, 1 / 3]);
  assert.deepEqual(Array.from(normalizeClassWeights({ 1: 5e-324, 3: 5e-324 }, set.classes).weights), [0.5, 0.5]);
  assert.deepEqual(Array.from(normalizeClassWeights({ 0: 0, 3: 1e308 }, set.classes).weights), [1]);
  for (const mode of ['mixture', 'blend', 'interpolate'] as const) {
    const r = mixClasses(set, mode, { 3: 1e308, 8: 1e308 }, 16, 2);
    assert.ok(r.data.every(Number.isFinite), mode);
    assert.deepEqual(r.data, mixClasses(set, mode, { 3: 1, 8: 1 }, 16, 2).data, `${mode}: same as equal unit weights`);
  }
});
