/**
 * VGG19 from Keras HDF5 weights (src/style/vgg19-h5.ts), on a small file the test writes with the same
 * HDF5 library (h5wasm) in Keras's `save_weights` layout — VGG19's layer names and topology with a few
 * channels per layer, both Keras weight-naming styles: the conversion keeps every weight, the converted
 * folder loads as the VGG19 extractor and its features equal a hand-built forward pass; malformed files
 * and a wrong download digest give clear errors; the download is cached (served from loopback).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../src/backend/index.ts';
import { convertVgg19H5, fetchVgg19, md5, readVgg19H5, vgg19ConvNames, VGG19_BLOCKS } from '../../src/style/vgg19-h5.ts';
import { loadVGG19, VGG_BGR_MEANS } from '../../src/style/extractor.ts';
import { loadLayersModelFromDir, ModelFileError } from '../../src/style/model-io.ts';
import { DownloadError } from '../../src/style/fetch.ts';
import { Rng } from '../../src/util/rng.ts';

let tmp: string;
const CH = [2, 3, 4, 4, 3]; // channels per block (VGG19: 64, 128, 256, 512, 512)
const weights = new Map<string, { kernel: Float32Array; shape: [number, number, number, number]; bias: Float32Array }>();

/** Writes a Keras-layout HDF5 weights file; `drop` leaves a layer out, `wrongShape` corrupts one kernel's input channels. */
async function writeKerasH5(path: string, opts: { drop?: string; wrongShape?: string } = {}): Promise<void> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const f = new h5.File(path, 'w');
  const names: string[] = [];
  let cin = 3;
  let idx = 0;
  VGG19_BLOCKS.forEach((n, b) => {
    for (let i = 0; i < n; i++) {
      const name = `block${b + 1}_conv${i + 1}`;
      const cout = CH[b];
      const w = weights.get(name)!;
      if (name !== opts.drop) {
        names.push(name);
        const g = f.create_group(name);
        const shape = name === opts.wrongShape ? [3, 3, cin + 1, cout] : [3, 3, cin, cout];
        const kernel = name === opts.wrongShape ? new Float32Array(9 * (cin + 1) * cout) : w.kernel;
        // Keras 2 names ("<layer>/kernel:0", nested) for even layers, Keras 1 names ("<layer>_W_1:0") for odd ones.
        if (idx % 2 === 0) {
          g.create_attribute('weight_names', [`${name}/kernel:0`, `${name}/bias:0`], null, 'S40');
          const inner = g.create_group(name);
          inner.create_dataset({ name: 'kernel:0', data: kernel, shape, dtype: '<f' });
          inner.create_dataset({ name: 'bias:0', data: w.bias, shape: [cout], dtype: '<f' });
        } else {
          g.create_attribute('weight_names', [`${name}_W_1:0`, `${name}_b_1:0`], null, 'S40');
          g.create_dataset({ name: `${name}_W_1:0`, data: kernel, shape, dtype: '<f' });
          g.create_dataset({ name: `${name}_b_1:0`, data: w.bias, shape: [cout], dtype: '<f' });
        }
      }
      cin = cout;
      idx++;
    }
    const pool = `block${b + 1}_pool`;
    names.push(pool);
    f.create_group(pool);
  });
  f.create_attribute('layer_names', names, null, 'S40');
  f.create_attribute('backend', 'tensorflow');
  f.close();
}

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-vgg-'));
  const rng = new Rng(8);
  let cin = 3;
  VGG19_BLOCKS.forEach((n, b) => {
    for (let i = 0; i < n; i++) {
      const cout = CH[b];
      const kernel = Float32Array.from({ length: 9 * cin * cout }, () => 0.3 * rng.normal() / Math.sqrt(cin));
      const bias = Float32Array.from({ length: cout }, () => 0.05 * rng.normal());
      weights.set(`block${b + 1}_conv${i + 1}`, { kernel, shape: [3, 3, cin, cout], bias });
      cin = cout;
    }
  });
  await writeKerasH5(join(tmp, 'small.h5'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('reading the HDF5 file: every conv layer in order, kernels HWIO and biases as written', async () => {
  const convs = await readVgg19H5(join(tmp, 'small.h5'));
  assert.deepEqual(convs.map((c) => c.name), vgg19ConvNames());
  assert.equal(convs.length, 16);
  for (const c of convs) {
    const w = weights.get(c.name)!;
    assert.deepEqual(c.kernelShape, w.shape);
    assert.deepEqual(c.kernel, w.kernel);
    assert.deepEqual(c.bias, w.bias);
  }
});

test('conversion: the folder loads, keeps every weight, and the VGG19 extractor matches a hand-built forward pass', async () => {
  const dest = join(tmp, 'vgg19');
  const r = await convertVgg19H5(join(tmp, 'small.h5'), dest);
  assert.equal(r.layers, 16);
  const model = await loadLayersModelFromDir(dest, { outputs: ['block5_conv4'] });
  for (const name of vgg19ConvNames()) {
    const [k, b] = model.getLayer(name).getWeights();
    assert.deepEqual(k.dataSync(), weights.get(name)!.kernel, `${name} kernel`);
    assert.deepEqual(b.dataSync(), weights.get(name)!.bias, `${name} bias`);
  }
  model.dispose();
  const ex = await loadVGG19({ dir: dest, styleLayers: ['block1_conv1', 'block3_conv1', 'block5_conv1'], contentLayer: 'block4_conv2' });
  assert.deepEqual(ex.styleChannels, [2, 4, 3]);
  const img = tf.randomUniform([1, 32, 48, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  // By hand: BGR · 255 − ImageNet means, 3×3 same convs + ReLU, 2×2 average pooling between blocks.
  const want = tf.tidy(() => {
    let x = tf.sub(tf.mul(tf.reverse(img, 3), 255), tf.tensor1d(VGG_BGR_MEANS)) as tf.Tensor4D;
    const got: Record<string, tf.Tensor4D> = {};
    VGG19_BLOCKS.forEach((n, b) => {
      for (let i = 0; i < n; i++) {
        const name = `block${b + 1}_conv${i + 1}`;
        const w = weights.get(name)!;
        x = tf.relu(tf.add(tf.conv2d(x, tf.tensor4d(w.kernel, w.shape), 1, 'same'), tf.tensor1d(w.bias))) as tf.Tensor4D;
        got[name] = x;
      }
      if (b < VGG19_BLOCKS.length - 1) x = tf.avgPool(x, 2, 2, 'valid');
    });
    return got;
  });
  const feats = tf.tidy(() => {
    const f = ex.features(img);
    return [...f.style, f.content!];
  });
  const names = ['block1_conv1', 'block3_conv1', 'block5_conv1', 'block4_conv2'];
  feats.forEach((t, i) => {
    const a = t.dataSync(), b = want[names[i]].dataSync();
    assert.deepEqual(t.shape, want[names[i]].shape, names[i]);
    let maxErr = 0, scale = 0;
    for (let j = 0; j < a.length; j++) {
      maxErr = Math.max(maxErr, Math.abs(a[j] - b[j]));
      scale = Math.max(scale, Math.abs(b[j]));
    }
    assert.ok(maxErr <= 1e-4 * Math.max(1, scale), `${names[i]}: max error ${maxErr} (scale ${scale})`);
  });
  ex.dispose();
  tf.dispose([img, ...feats, ...Object.values(want)]);
});

test('malformed files: a missing layer, a kernel that does not chain, and a non-HDF5 file are named', async () => {
  await writeKerasH5(join(tmp, 'missing.h5'), { drop: 'block3_conv4' });
  await assert.rejects(readVgg19H5(join(tmp, 'missing.h5')), (e: Error) => e instanceof ModelFileError && /layer block3_conv4 is missing/.test(e.message));
  await writeKerasH5(join(tmp, 'wrong.h5'), { wrongShape: 'block2_conv1' });
  await assert.rejects(readVgg19H5(join(tmp, 'wrong.h5')), /block2_conv1 kernel is \[3, 3, 3, 3\].*expected \[3, 3, 2, c\]/);
  writeFileSync(join(tmp, 'text.h5'), 'not an hdf5 file');
  await assert.rejects(readVgg19H5(join(tmp, 'text.h5')), (e: Error) => e instanceof ModelFileError && e.message.includes('text.h5'));
  await assert.rejects(readVgg19H5(join(tmp, 'none.h5')), /not found/);
  // A failed conversion leaves no half-written folder.
  await assert.rejects(convertVgg19H5(join(tmp, 'missing.h5'), join(tmp, 'half')));
  assert.equal(existsSync(join(tmp, 'half')), false);
});

test('fetch: downloads once with the pinned digest, converts, reuses the cache; a wrong digest writes nothing', async () => {
  const bytes = readFileSync(join(tmp, 'small.h5'));
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    if (req.url === '/vgg19.h5') res.end(bytes);
    else {
      res.statusCode = 404;
      res.end('no');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/vgg19.h5`;
  try {
    const dest = join(tmp, 'cache', 'vgg19');
    const r1 = await fetchVgg19({ dest, url, md5: md5(bytes) });
    assert.deepEqual([r1.downloaded, r1.converted], [true, true]);
    assert.ok(existsSync(join(dest, 'model.json')));
    assert.ok(existsSync(join(tmp, 'cache', 'vgg19-keras', 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5')));
    const r2 = await fetchVgg19({ dest, url, md5: md5(bytes) });
    assert.deepEqual([r2.downloaded, r2.converted], [false, false]);
    // Forced: the cached HDF5 file (right digest) is converted again without a download.
    const r3 = await fetchVgg19({ dest, url, md5: md5(bytes), force: true, h5Path: join(tmp, 'cache', 'vgg19-keras', 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5') });
    assert.equal(r3.converted, true);
    assert.equal(hits, 2, 'the forced run downloads again; the cached run did not');
    const other = join(tmp, 'other', 'vgg19');
    await assert.rejects(fetchVgg19({ dest: other, url, md5: '0'.repeat(32) }), (e: Error) => e instanceof DownloadError && /does not match the pinned 0{32}/.test(e.message));
    assert.equal(existsSync(join(tmp, 'other')), false, 'nothing written after a digest mismatch');
    await assert.rejects(fetchVgg19({ dest: other, url: url.replace('vgg19.h5', 'missing.h5') }), /HTTP 404/);
  } finally {
    server.close();
  }
});
