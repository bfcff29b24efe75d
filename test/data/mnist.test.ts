import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  byClass,
  classSubset,
  defaultMnistDir,
  labelHistogram,
  limitSet,
  loadMnist,
  loadMnistSplit,
  MnistFileError,
  trainValidationSplit,
} from '../../src/data/mnist.ts';

const KNOWN_TRAIN_HISTOGRAM = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const dir = defaultMnistDir();

test('real MNIST: counts, train label histogram, pixel values match the raw bytes', () => {
  const { train, test: t10k } = loadMnist();
  assert.equal(train.n, 60000);
  assert.equal(t10k.n, 10000);
  assert.equal(train.images.length, 60000 * 784);
  assert.equal(t10k.labels.length, 10000);
  assert.deepEqual(labelHistogram(train.labels), KNOWN_TRAIN_HISTOGRAM);
  const th = labelHistogram(t10k.labels);
  assert.equal(th.reduce((a, b) => a + b, 0), 10000);

  // Independent check: sum the raw bytes after the 16-byte header, and the first label bytes after the 8-byte header.
  for (const [set, name] of [
    [train, 'train'],
    [t10k, 't10k'],
  ] as const) {
    const raw = readFileSync(join(dir, `${name}-images-idx3-ubyte`));
    let rawSum = 0;
    let rawMax = 0;
    for (let i = 16; i < raw.length; i++) {
      rawSum += raw[i];
      if (raw[i] > rawMax) rawMax = raw[i];
    }
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < set.images.length; i++) {
      const v = set.images[i];
      sum += Math.round(v * 255);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(sum, rawSum, `${name}: pixel sum`);
    assert.equal(min, 0);
    assert.equal(max, rawMax / 255);
    const rawLabels = readFileSync(join(dir, `${name}-labels-idx1-ubyte`));
    for (const i of [0, 1, 2, 12345 % set.n, set.n - 1]) assert.equal(set.labels[i], rawLabels[8 + i]);
    // One whole image compared byte by byte.
    const k = 777;
    for (let p = 0; p < 784; p++) assert.equal(Math.round(set.images[k * 784 + p] * 255), raw[16 + k * 784 + p]);
  }
});

test('helpers: limit, per-class subsets, seeded train/validation split', () => {
  const set = loadMnistSplit('t10k', { limit: 1000 });
  assert.equal(set.n, 1000);
  assert.equal(limitSet(set, 10).n, 10);
  assert.deepEqual(Array.from(limitSet(set, 10).labels), Array.from(set.labels.slice(0, 10)));
  assert.throws(() => limitSet(set, 0), /positive integer/);

  const classes = byClass(set);
  assert.deepEqual(
    classes.map((c) => c.n),
    labelHistogram(set.labels),
  );
  const sevens = classSubset(set, 7);
  assert.ok(sevens.labels.every((l) => l === 7));
  const firstSeven = Array.from(set.labels).indexOf(7);
  assert.deepEqual(Array.from(sevens.images.subarray(0, 784)), Array.from(set.images.subarray(firstSeven * 784, firstSeven * 784 + 784)));
  assert.throws(() => classSubset(set, 10), /digit must be 0\.\.9/);

  const a = trainValidationSplit(set, 0.2, 42);
  const b = trainValidationSplit(set, 0.2, 42);
  const c = trainValidationSplit(set, 0.2, 43);
  assert.equal(a.validation.n, 200);
  assert.equal(a.train.n, 800);
  assert.deepEqual(a.validation.labels, b.validation.labels);
  assert.deepEqual(a.validation.images, b.validation.images);
  assert.notDeepEqual(a.validation.images, c.validation.images);
  // Disjoint and covering: the label histograms add up to the whole set's.
  const ha = labelHistogram(a.train.labels);
  const hv = labelHistogram(a.validation.labels);
  assert.deepEqual(
    ha.map((x, i) => x + hv[i]),
    labelHistogram(set.labels),
  );
  // Pixel sums too (a duplicated image would change them unless an exact duplicate existed in place of a missing one).
  const s = (x: Float32Array) => x.reduce((p, q) => p + q, 0);
  assert.ok(Math.abs(s(a.train.images) + s(a.validation.images) - s(set.images)) < 1e-2);
  assert.equal(trainValidationSplit(set, 100, 1).validation.n, 100);
  // Seed 0 by default; the validation part is the first nVal indices of the seed's permutation.
  assert.deepEqual(trainValidationSplit(set, 0.2), trainValidationSplit(set, 0.2, 0));
  assert.notDeepEqual(trainValidationSplit(set, 0.2).validation.labels, trainValidationSplit(set, 0.2, 1).validation.labels);
  assert.deepEqual(trainValidationSplit(set, 5, 3).validation.labels, Uint8Array.from(new Rng(3).permutation(set.n).subarray(0, 5), (i) => set.labels[i]));
  assert.throws(() => trainValidationSplit(set, 1000, 1), /validation must be/);
});

// ---- corrupted copies ---------------------------------------------------------------------------------------

function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

/** A 50-digit copy of the first test digits, written as plain IDX files in a fresh temp folder. */
function smallCopy(): { tmp: string; images: Buffer; labels: Buffer } {
  const tmp = mkdtempSync(join(tmpdir(), 'gmmgen-mnist-'));
  const rawImg = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const rawLbl = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  const images = idx(2051, [50, 28, 28], rawImg.subarray(16, 16 + 50 * 784));
  const labels = idx(2049, [50], rawLbl.subarray(8, 8 + 50));
  return { tmp, images, labels };
}

function withFiles(files: Record<string, Buffer>, fn: (tmp: string) => void): void {
  const { tmp } = smallCopy();
  try {
    for (const [name, buf] of Object.entries(files)) writeFileSync(join(tmp, name), buf);
    fn(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

test('a good small copy loads, from a dir option and from GMMGEN_MNIST_DIR, plain and gzipped', () => {
  const { images, labels } = smallCopy();
  const ref = loadMnistSplit('t10k', { limit: 50 });
  withFiles({ 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': labels }, (tmp) => {
    const s = loadMnistSplit('t10k', { dir: tmp });
    assert.equal(s.n, 50);
    assert.deepEqual(s.images, ref.images);
    assert.deepEqual(s.labels, ref.labels);
    const old = process.env.GMMGEN_MNIST_DIR;
    process.env.GMMGEN_MNIST_DIR = tmp;
    try {
      assert.equal(loadMnistSplit('t10k').n, 50);
    } finally {
      if (old === undefined) delete process.env.GMMGEN_MNIST_DIR;
      else process.env.GMMGEN_MNIST_DIR = old;
    }
  });
  withFiles({ 't10k-images-idx3-ubyte.gz': gzipSync(images), 't10k-labels-idx1-ubyte.gz': gzipSync(labels) }, (tmp) => {
    const s = loadMnistSplit('t10k', { dir: tmp });
    assert.deepEqual(s.images, ref.images);
    assert.deepEqual(s.labels, ref.labels);
  });
});

test('labels at the edges of 0..9 load as they are', () => {
  const { images, labels } = smallCopy();
  const edge = Buffer.from(labels);
  edge[8] = 0;
  edge[8 + 1] = 9;
  withFiles({ 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': edge }, (tmp) => {
    const s = loadMnistSplit('t10k', { dir: tmp });
    assert.deepEqual([s.labels[0], s.labels[1]], [0, 9]);
  });
});

test('corrupted files are rejected with an error naming the file and the problem', () => {
  const { images, labels } = smallCopy();
  const cases: { name: string; files: Record<string, Buffer>; re: RegExp; file: string }[] = [
    {
      name: 'wrong magic (labels where images belong)',
      files: { 't10k-images-idx3-ubyte': labels, 't10k-labels-idx1-ubyte': labels },
      re: /wrong magic number 0x00000801 \(2049\); expected 0x00000803 \(2051\).*label file/,
      file: 't10k-images-idx3-ubyte',
    },
    {
      name: 'foreign file',
      files: { 't10k-images-idx3-ubyte': Buffer.from('<html>not mnist</html>'), 't10k-labels-idx1-ubyte': labels },
      re: /wrong magic number.*not an IDX file/,
      file: 't10k-images-idx3-ubyte',
    },
    {
      name: 'truncated images',
      files: { 't10k-images-idx3-ubyte': images.subarray(0, images.length - 100), 't10k-labels-idx1-ubyte': labels },
      re: /is truncated: 39116 bytes, but its header \[50 × 28 × 28\] needs 39216/,
      file: 't10k-images-idx3-ubyte',
    },
    {
      name: 'truncated header',
      files: { 't10k-images-idx3-ubyte': images.subarray(0, 10), 't10k-labels-idx1-ubyte': labels },
      re: /truncated: 10 bytes, shorter than its 16-byte header/,
      file: 't10k-images-idx3-ubyte',
    },
    {
      name: 'trailing bytes',
      files: { 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': Buffer.concat([labels, Buffer.alloc(3)]) },
      re: /3 unexpected trailing bytes/,
      file: 't10k-labels-idx1-ubyte',
    },
    {
      name: 'mismatched counts',
      files: { 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': idx(2049, [49], labels.subarray(8, 8 + 49)) },
      re: /holds 50 images but the label file .*t10k-labels-idx1-ubyte holds 49 labels/,
      file: 't10k-images-idx3-ubyte',
    },
    {
      name: 'wrong image size',
      files: { 't10k-images-idx3-ubyte': idx(2051, [50, 56, 14], images.subarray(16)), 't10k-labels-idx1-ubyte': labels },
      re: /images are 56×14; expected 28×28/,
      file: 't10k-images-idx3-ubyte',
    },
    {
      name: 'label out of range',
      files: {
        't10k-images-idx3-ubyte': images,
        't10k-labels-idx1-ubyte': (() => {
          const b = Buffer.from(labels);
          b[8 + 17] = 10; // the first label outside the range
          return b;
        })(),
      },
      re: /label 10 at index 17 is outside 0\.\.9/,
      file: 't10k-labels-idx1-ubyte',
    },
    {
      name: 'broken gzip',
      files: { 't10k-images-idx3-ubyte.gz': gzipSync(images).subarray(0, 200), 't10k-labels-idx1-ubyte': labels },
      re: /not a valid gzip file/,
      file: 't10k-images-idx3-ubyte.gz',
    },
  ];
  for (const c of cases) {
    withFiles(c.files, (tmp) => {
      assert.throws(
        () => loadMnistSplit('t10k', { dir: tmp }),
        (e: unknown) => {
          assert.ok(e instanceof MnistFileError, `${c.name}: expected MnistFileError, got ${e}`);
          assert.match(e.message, c.re, c.name);
          assert.equal(e.file, join(tmp, c.file), c.name);
          assert.ok(e.message.includes(join(tmp, c.file)), `${c.name}: message names the file`);
          return true;
        },
      );
    });
  }
  withFiles({ 't10k-labels-idx1-ubyte': labels }, (tmp) => {
    assert.throws(() => loadMnistSplit('t10k', { dir: tmp }), /t10k images not found in .*looked for t10k-images-idx3-ubyte/);
  });
});
