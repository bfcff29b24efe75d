/**
 * The MNIST helpers' argument checks at their edges, with the exact messages, on small hand-made sets (digit i
 * has every pixel i/255 and label i mod 10): limits (1 accepted, 0 and 1.5 refused, in limitSet and in the
 * loader), subset indices (0 and n−1 accepted, −1, n and 0.5 refused), classSubset digits (0 and 9 accepted,
 * −1 and 10 refused), trainValidationSplit's fractions and counts (the rounding edges 0.05/0.94 of ten
 * digits accepted, 0.04/0.95 refused; counts 1 and n−1 accepted, 0 and n refused), and the missing-file message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classSubset, findMnistFile, limitSet, loadMnistSplit, subset, trainValidationSplit, type MnistSet } from '../../src/data/mnist.ts';
import { throwsExactly } from '../_assert.ts';

function handSet(n: number): MnistSet {
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) images.fill(i / 255, i * 784, (i + 1) * 784);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10), n, rows: 28, cols: 28 };
}
/** Which hand-made digits a set holds (pixel 0 of each image · 255). */
const ids = (s: MnistSet) => Array.from({ length: s.n }, (_, k) => Math.round(s.images[k * 784] * 255));

test('limitSet: 1 keeps the first digit; 0, −1 and 1.5 refused', () => {
  const set = handSet(4);
  assert.deepEqual(ids(limitSet(set, 1)), [0]);
  assert.equal(limitSet(set, 4), set);
  for (const l of [0, -1, 1.5]) throwsExactly(() => limitSet(set, l), `Error: MNIST limit must be a positive integer, got ${l}`);
});

test('subset: indices 0 and n−1 accepted; −1, n and 0.5 refused naming the range', () => {
  const set = handSet(5);
  const s = subset(set, [4, 0]);
  assert.deepEqual(ids(s), [4, 0]);
  assert.deepEqual(Array.from(s.labels), [4, 0]);
  for (const i of [-1, 5, 0.5]) throwsExactly(() => subset(set, [0, i]), `Error: subset: index ${i} out of range 0..4`);
});

test('classSubset: digits 0 and 9 accepted; −1, 10 and 2.5 refused', () => {
  const set = handSet(20);
  assert.deepEqual(ids(classSubset(set, 0)), [0, 10]);
  assert.deepEqual(ids(classSubset(set, 9)), [9, 19]);
  for (const d of [-1, 10, 2.5]) throwsExactly(() => classSubset(set, d), `Error: classSubset: digit must be 0..9, got ${d}`);
});

test('trainValidationSplit: fraction and count edges, and a fraction that rounds to an empty part', () => {
  const set = handSet(10);
  const sizes = (v: number) => {
    const r = trainValidationSplit(set, v, 1);
    assert.deepEqual([...ids(r.validation), ...ids(r.train)].sort((a, b) => a - b), ids(set), `${v}: the parts cover the set`);
    return [r.validation.n, r.train.n];
  };
  assert.deepEqual(sizes(1), [1, 9]);
  assert.deepEqual(sizes(9), [9, 1]);
  assert.deepEqual(sizes(0.05), [1, 9], 'round(0.5) = 1');
  assert.deepEqual(sizes(0.94), [9, 1]);
  for (const v of [0, 10, -1, 2.5, 1.5, NaN]) {
    throwsExactly(() => trainValidationSplit(set, v), `Error: trainValidationSplit: validation must be a fraction in (0, 1) or a count in 1..9, got ${v}`);
  }
  for (const v of [0.04, 0.95]) {
    throwsExactly(() => trainValidationSplit(set, v), `Error: trainValidationSplit: a validation share of ${v} leaves an empty part of a 10-digit set`);
  }
});

/** An IDX file: magic, big-endian dimensions, then the bytes. */
function idx(magic: number, dims: number[], bytes: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((v, i) => head.writeUInt32BE(v, 4 + 4 * i));
  return Buffer.concat([head, bytes]);
}

test('loader: a missing file is named with every spelling looked for; limit 1 loads one digit, 0 is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-mnist-checks-'));
  try {
    throwsExactly(
      () => findMnistFile(dir, 't10k', 'labels'),
      `Error: MNIST t10k labels not found in ${dir}: looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte, t10k-labels.idx1-ubyte.gz`,
    );
    const n = 3;
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(2051, [n, 28, 28], Uint8Array.from({ length: n * 784 }, (_, p) => Math.floor(p / 784) * 100)));
    writeFileSync(join(dir, 't10k-labels.idx1-ubyte'), idx(2049, [n], Uint8Array.of(7, 3, 9)));
    assert.equal(findMnistFile(dir, 't10k', 'labels'), join(dir, 't10k-labels.idx1-ubyte'));
    const one = loadMnistSplit('t10k', { dir, limit: 1 });
    assert.deepEqual([one.n, Array.from(one.labels), one.images.length], [1, [7], 784]);
    assert.deepEqual(Array.from(loadMnistSplit('t10k', { dir, limit: 3 }).labels), [7, 3, 9]);
    assert.equal(loadMnistSplit('t10k', { dir }).images[784], Math.fround(100 / 255));
    throwsExactly(() => loadMnistSplit('t10k', { dir, limit: 0 }), 'Error: MNIST limit must be a positive integer, got 0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
