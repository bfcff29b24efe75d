/**
 * Every check of readVgg19H5 and fetchVgg19's digest check (src/style/vgg19-h5.ts) with its exact message, on
 * small Keras-layout HDF5 files the test writes with h5wasm in a temp dir (one output channel per convolution):
 * a missing file, a file that is not HDF5, no "layer_names", a conv layer not listed, a listed layer that is not a
 * group, a listed weight without its dataset, a layer without a 4-D kernel and a 1-D bias, each part of the kernel
 * and bias shape check on its own (kh, kw, c_in, bias length), integer weights; and a download whose MD5 is not
 * the pinned one. The edges pass: float64 weights are converted, weights under `model_weights` are read, a
 * download with the right digest is written (and then refused as HDF5).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchVgg19, hdf5SignatureProblem, md5, readVgg19H5, vgg19ConvNames, VGG19_BLOCKS } from '../../src/style/vgg19-h5.ts';

type Data = Float32Array | Float64Array | Int32Array;
interface Ds { name: string; shape: number[]; data: Data; dtype: string }
/** A layer as written: a group with weight_names and datasets, a dataset in place of the group, or nothing. */
type Layer = { weightNames: string[] | null; datasets: Ds[] } | 'dataset' | 'absent';

let tmp: string;
let n = 0;
const kernelOf = (cin: number) => Float32Array.from({ length: 9 * cin }, (_, i) => (i + 1) / 100);

/** The default layer: kernel [3, 3, c_in, 1] and bias [1] under Keras 1 names. */
function defaultLayer(name: string, cin: number): { weightNames: string[]; datasets: Ds[] } {
  return {
    weightNames: [`${name}_W:0`, `${name}_b:0`],
    datasets: [
      { name: `${name}_W:0`, shape: [3, 3, cin, 1], data: kernelOf(cin), dtype: '<f' },
      { name: `${name}_b:0`, shape: [1], data: Float32Array.of(0.5), dtype: '<f' },
    ],
  };
}

/**
 * Writes a Keras-layout weights file and returns its path: `layerNames` replaces the listed names (null: no
 * attribute), `edit` changes one layer, `modelWeights` puts everything under a `model_weights` group.
 */
async function writeH5(opts: { layerNames?: string[] | null; edit?: Record<string, (d: ReturnType<typeof defaultLayer>) => Layer>; modelWeights?: boolean } = {}): Promise<string> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const path = join(tmp, `f${n++}.h5`);
  const f = new h5.File(path, 'w');
  const root = opts.modelWeights ? f.create_group('model_weights') : f;
  const names: string[] = [];
  let cin = 3;
  VGG19_BLOCKS.forEach((count, b) => {
    for (let i = 0; i < count; i++) {
      const name = `block${b + 1}_conv${i + 1}`;
      names.push(name);
      const layer: Layer = opts.edit?.[name] ? opts.edit[name](defaultLayer(name, cin)) : defaultLayer(name, cin);
      cin = 1;
      if (layer === 'absent') continue;
      if (layer === 'dataset') {
        root.create_dataset({ name, data: Float32Array.of(1), shape: [1], dtype: '<f' });
        continue;
      }
      const g = root.create_group(name);
      if (layer.weightNames) g.create_attribute('weight_names', layer.weightNames, null, 'S40');
      for (const d of layer.datasets) g.create_dataset({ name: d.name, data: d.data, shape: d.shape, dtype: d.dtype });
    }
    names.push(`block${b + 1}_pool`);
    root.create_group(`block${b + 1}_pool`);
  });
  const listed = opts.layerNames === undefined ? names : opts.layerNames;
  if (listed) root.create_attribute('layer_names', listed, null, 'S40');
  f.close();
  return path;
}

const rejectsExactly = (p: Promise<unknown>, message: string) =>
  assert.rejects(p, (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, message);
    return true;
  });

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-vggchk-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('the well-formed file reads (float64 weights converted, or under model_weights); a missing or non-HDF5 file is named', async () => {
  const plain = await readVgg19H5(await writeH5());
  assert.deepEqual(plain.map((c) => c.name), vgg19ConvNames());
  assert.deepEqual(plain[0].kernelShape, [3, 3, 3, 1]);
  assert.deepEqual(plain[0].kernel, kernelOf(3));
  assert.deepEqual(plain[15].kernelShape, [3, 3, 1, 1]);
  const f64 = (d: ReturnType<typeof defaultLayer>): Layer => ({ ...d, datasets: d.datasets.map((x) => ({ ...x, data: Float64Array.from(x.data), dtype: '<d' })) });
  const conv = await readVgg19H5(await writeH5({ edit: { block2_conv1: f64 } }));
  assert.ok(conv[2].kernel instanceof Float32Array && conv[2].bias instanceof Float32Array);
  assert.deepEqual(conv[2].kernel, kernelOf(1));
  assert.deepEqual([...conv[2].bias], [0.5]);
  assert.deepEqual((await readVgg19H5(await writeH5({ modelWeights: true }))).map((c) => c.kernel), plain.map((c) => c.kernel));
  const missing = join(tmp, 'none.h5');
  await rejectsExactly(readVgg19H5(missing), `ModelFileError: VGG19 weights file not found: ${missing}`);
  const text = join(tmp, 'text.h5');
  writeFileSync(text, 'not an hdf5 file');
  // h5wasm would open it without complaint and fail at the first read with a terse reason: the signature is checked first.
  await rejectsExactly(readVgg19H5(text), `ModelFileError: ${text} is not a readable HDF5 file: no HDF5 signature (16 bytes; a Keras .h5 weights file starts with \\x89HDF)`);
  await rejectsExactly(readVgg19H5(tmp), `ModelFileError: ${tmp} is not a readable HDF5 file: it is a folder`);
  // The signature where the specification allows a superblock after a user block (512, 1024, …), not elsewhere.
  const sig = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const at = (offset: number, size: number) => {
    const b = Buffer.alloc(size);
    sig.copy(b, offset);
    const f = join(tmp, `sig-${offset}-${size}.bin`);
    writeFileSync(f, b);
    return f;
  };
  assert.equal(hdf5SignatureProblem(at(0, 8)), null);
  assert.equal(hdf5SignatureProblem(at(512, 600)), null);
  assert.equal(hdf5SignatureProblem(at(2048, 2056)), null);
  assert.equal(hdf5SignatureProblem(at(100, 600)), 'no HDF5 signature (600 bytes; a Keras .h5 weights file starts with \\x89HDF)');
  assert.equal(hdf5SignatureProblem(at(0, 7)), 'no HDF5 signature (7 bytes; a Keras .h5 weights file starts with \\x89HDF)');
});

test('no layer_names, a conv layer not listed (first four listed names shown), a listed layer that is not a group', async () => {
  let p = await writeH5({ layerNames: null });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p} has no "layer_names" attribute: not a Keras weights file`);
  const all = [...vgg19ConvNames()];
  p = await writeH5({ layerNames: all.filter((x) => x !== 'block1_conv1') });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: layer block1_conv1 is missing (the file lists block1_conv2, block2_conv1, block2_conv2, block3_conv1, …)`);
  p = await writeH5({ layerNames: all.filter((x) => x !== 'block5_conv4') });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: layer block5_conv4 is missing (the file lists block1_conv1, block1_conv2, block2_conv1, block2_conv2, …)`);
  p = await writeH5({ edit: { block3_conv2: () => 'dataset' } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block3_conv2 is not a group`);
  p = await writeH5({ edit: { block4_conv1: () => 'absent' } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block4_conv1 is not a group`);
});

test('a listed weight without its dataset; a layer without a 4-D kernel and a 1-D bias lists the shapes it has', async () => {
  let p = await writeH5({ edit: { block2_conv2: (d) => ({ ...d, weightNames: [...d.weightNames, 'block2_conv2_extra:0'] }) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block2_conv2 lists weight "block2_conv2_extra:0" but has no such dataset`);
  p = await writeH5({ edit: { block1_conv2: (d) => ({ ...d, weightNames: d.weightNames.slice(0, 1) }) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block1_conv2 should hold a 4-D kernel and a 1-D bias, found shapes [3, 3, 1, 1]`);
  p = await writeH5({ edit: { block1_conv2: (d) => ({ ...d, weightNames: d.weightNames.slice(1) }) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block1_conv2 should hold a 4-D kernel and a 1-D bias, found shapes [1]`);
  p = await writeH5({ edit: { block1_conv2: (d) => ({ ...d, weightNames: null }) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block1_conv2 should hold a 4-D kernel and a 1-D bias, found shapes none`);
  p = await writeH5({ edit: { block1_conv2: (d) => ({ ...d, datasets: [{ ...d.datasets[0], shape: [9, 1, 1] }, d.datasets[1]] }) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block1_conv2 should hold a 4-D kernel and a 1-D bias, found shapes [9, 1, 1], [1]`);
});

test('each part of the shape check on its own: kernel height, width, input channels, bias length', async () => {
  const shaped = (kshape: number[], bshape = [1]) => (d: ReturnType<typeof defaultLayer>): Layer => ({
    ...d,
    datasets: [
      { ...d.datasets[0], shape: kshape, data: new Float32Array(kshape.reduce((a, b) => a * b, 1)) },
      { ...d.datasets[1], shape: bshape, data: new Float32Array(bshape[0]) },
    ],
  });
  const cases: [number[], number[], string][] = [
    [[2, 3, 1, 1], [1], '[2, 3, 1, 1] with bias [1]'],
    [[3, 4, 1, 1], [1], '[3, 4, 1, 1] with bias [1]'],
    [[3, 3, 2, 1], [1], '[3, 3, 2, 1] with bias [1]'],
    [[3, 3, 1, 1], [2], '[3, 3, 1, 1] with bias [2]'],
  ];
  for (const [k, b, shown] of cases) {
    const p = await writeH5({ edit: { block2_conv1: shaped(k, b) } });
    await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block2_conv1 kernel is ${shown}, expected [3, 3, 1, c] with bias [c]`);
  }
  // The first layer takes 3 input channels; a 2-output-channel layer sets c_in of the next one.
  let p = await writeH5({ edit: { block1_conv1: shaped([3, 3, 1, 1]) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block1_conv1 kernel is [3, 3, 1, 1] with bias [1], expected [3, 3, 3, c] with bias [c]`);
  p = await writeH5({ edit: { block3_conv3: shaped([3, 3, 1, 2], [2]) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block3_conv4 kernel is [3, 3, 1, 1] with bias [1], expected [3, 3, 2, c] with bias [c]`);
});

test('integer kernel or bias datasets are refused, naming which', async () => {
  const int = (which: 0 | 1) => (d: ReturnType<typeof defaultLayer>): Layer => ({
    ...d,
    datasets: d.datasets.map((x, i) => (i === which ? { ...x, data: Int32Array.from(x.data, (v) => Math.round(v * 100)), dtype: '<i' } : x)),
  });
  let p = await writeH5({ edit: { block5_conv1: int(0) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block5_conv1 kernel is not a float array`);
  p = await writeH5({ edit: { block5_conv1: int(1) } });
  await rejectsExactly(readVgg19H5(p), `ModelFileError: ${p}: block5_conv1 bias is not a float array`);
});

test('fetchVgg19: a download whose MD5 is not the pinned one writes nothing; the pinned MD5 passes to the conversion', async () => {
  const bytes = Buffer.from('abc');
  assert.equal(md5(bytes), '900150983cd24fb0d6963f7d28e17f72');
  const server: Server = createServer((_req, res) => res.end(bytes));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/vgg19.h5`;
  try {
    const dest = join(tmp, 'fetch', 'vgg19');
    const h5Path = join(tmp, 'fetch', 'vgg19-keras', 'w.h5');
    const want = '900150983cd24fb0d6963f7d28e17f73';
    await rejectsExactly(fetchVgg19({ dest, url, md5: want, h5Path }),
      `DownloadError: ${url}: MD5 900150983cd24fb0d6963f7d28e17f72 does not match the pinned ${want} (the file is corrupt or not Keras's VGG19 weights); nothing was written`);
    assert.equal(existsSync(join(tmp, 'fetch')), false);
    await rejectsExactly(fetchVgg19({ dest, url, md5: md5(bytes), h5Path }), `ModelFileError: ${h5Path} is not a readable HDF5 file: no HDF5 signature (3 bytes; a Keras .h5 weights file starts with \\x89HDF)`);
    assert.deepEqual(readFileSync(h5Path), bytes, 'the download with the pinned digest was kept');
    assert.equal(existsSync(dest), false);
  } finally {
    server.close();
  }
});
