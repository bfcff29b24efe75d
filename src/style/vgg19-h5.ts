/**
 * VGG19 for users with internet: download Keras's ImageNet weights once, convert them to the tfjs layers
 * format the extractor loads, and cache the result (`npm run fetch-models -- --vgg19`).
 *
 * Source: the Keras Applications "no top" VGG19 weights (Simonyan & Zisserman 2015, the network Gatys
 * et al. and the fixed-basis paper use for style), an HDF5 file of 80 MB written by Keras `save_weights`:
 * the root attribute `layer_names` lists the layers, each layer is a group whose attribute
 * `weight_names` lists its datasets (for a convolution: the HWIO kernel [3, 3, c_in, c_out], then the
 * bias [c_out]). The download is checked against the MD5 digest Keras itself pins for that file.
 *
 * The HDF5 file is read with h5wasm (the HDF5 C library compiled to WebAssembly). The converter rebuilds
 * the VGG19 topology (Keras names `block{b}_conv{i}`, `block{b}_pool`, 3×3 same-padded ReLU
 * convolutions, 2×2 max pooling; input of any size) with the channel counts read from the file, sets the
 * weights, and saves model.json + one shard into the cache folder (atomically: written beside it, then
 * renamed). Every malformed input throws ModelFileError naming the file and layer.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { ModelFileError, saveLayersModelToDir } from './model-io.ts';
import { DownloadError, fetchBytes, writeAtomic, type DownloadOptions } from './fetch.ts';

/** Keras Applications' no-top VGG19 weights and the MD5 Keras pins for them (keras/applications/vgg19.py). */
export const VGG19_H5_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5';
export const VGG19_H5_MD5 = '253f8cb515780f3b799900260a226db6';
export const VGG19_H5_NAME = 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5';

/** Convolutions per block of VGG19 (blocks 1–5). */
export const VGG19_BLOCKS = [2, 2, 4, 4, 4] as const;

/** The conv layer names of VGG19 in order: block1_conv1 … block5_conv4. */
export function vgg19ConvNames(): string[] {
  return VGG19_BLOCKS.flatMap((n, b) => Array.from({ length: n }, (_, i) => `block${b + 1}_conv${i + 1}`));
}

export function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

type H5 = typeof import('h5wasm');
let h5Promise: Promise<H5> | null = null;
/** h5wasm's Node build (reads the host file system directly), loaded once. */
async function h5(): Promise<H5> {
  if (!h5Promise) {
    h5Promise = (async () => {
      const m = (await import('h5wasm/node')) as unknown as H5;
      await m.ready;
      return m;
    })();
  }
  return h5Promise;
}

function attrStrings(v: unknown): string[] {
  const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return arr.map((x) => (x instanceof Uint8Array ? Buffer.from(x).toString('utf8') : String(x)).replace(/\0+$/, ''));
}

export interface ConvWeights {
  name: string;
  /** HWIO kernel, shape [kh, kw, cin, cout]. */
  kernel: Float32Array;
  kernelShape: [number, number, number, number];
  bias: Float32Array;
}

/** The 8 bytes an HDF5 superblock starts with (HDF5 File Format Specification, Level 0A "Format Signature and Superblock"). */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Why `path` is not an HDF5 file, or null when it is one: the signature is searched where the specification allows
 * the superblock (offset 0, then 512, 1024, 2048, … after a user block).
 */
export function hdf5SignatureProblem(path: string): string | null {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'it is a folder';
    size = st.size;
  } catch (e) {
    return (e as Error).message;
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return (e as Error).message;
  }
  try {
    const head = Buffer.alloc(HDF5_SIGNATURE.length);
    for (let at = 0; at + head.length <= size; at = at === 0 ? 512 : 2 * at) {
      if (readSync(fd, head, 0, head.length, at) === head.length && head.equals(HDF5_SIGNATURE)) return null;
    }
    return `no HDF5 signature (${size} bytes; a Keras .h5 weights file starts with \\x89HDF)`;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the VGG19 convolution weights from a Keras HDF5 weights file (`save_weights` layout, or a whole
 * saved model whose weights sit under `model_weights`). Checks that every conv layer is there, that
 * kernels are 3×3 HWIO with the channel counts chaining from 3 input channels, and that biases match.
 */
export async function readVgg19H5(path: string): Promise<ConvWeights[]> {
  if (!existsSync(path)) throw new ModelFileError(`VGG19 weights file not found: ${path}`);
  // h5wasm opens any file without complaint and fails only at the first read with a terse reason: check first.
  const notHdf5 = hdf5SignatureProblem(path);
  if (notHdf5) throw new ModelFileError(`${path} is not a readable HDF5 file: ${notHdf5}`);
  const H = await h5();
  let f: import('h5wasm').File;
  try {
    f = new H.File(path, 'r');
  } catch (e) {
    throw new ModelFileError(`${path} is not a readable HDF5 file: ${(e as Error).message}`);
  }
  try {
    let root: import('h5wasm').Group = f;
    const mw = f.get('model_weights');
    if (mw instanceof H.Group) root = mw;
    const layerNames = attrStrings(root.attrs['layer_names']?.value);
    if (layerNames.length === 0) throw new ModelFileError(`${path} has no "layer_names" attribute: not a Keras weights file`);
    const out: ConvWeights[] = [];
    let cin = 3;
    for (const name of vgg19ConvNames()) {
      if (!layerNames.includes(name)) throw new ModelFileError(`${path}: layer ${name} is missing (the file lists ${layerNames.slice(0, 4).join(', ')}, …)`);
      const g = root.get(name);
      if (!(g instanceof H.Group)) throw new ModelFileError(`${path}: ${name} is not a group`);
      const wn = attrStrings(g.attrs['weight_names']?.value);
      const arrays = wn.map((w) => {
        const d = g.get(w);
        if (!(d instanceof H.Dataset)) throw new ModelFileError(`${path}: ${name} lists weight "${w}" but has no such dataset`);
        return { shape: d.shape ?? [], value: d.value as unknown };
      });
      const k = arrays.find((a) => a.shape.length === 4);
      const b = arrays.find((a) => a.shape.length === 1);
      if (!k || !b) throw new ModelFileError(`${path}: ${name} should hold a 4-D kernel and a 1-D bias, found shapes ${arrays.map((a) => `[${a.shape.join(', ')}]`).join(', ') || 'none'}`);
      const [kh, kw, ci, co] = k.shape as number[];
      if (kh !== 3 || kw !== 3 || ci !== cin || b.shape[0] !== co) {
        throw new ModelFileError(`${path}: ${name} kernel is [${k.shape.join(', ')}] with bias [${b.shape.join(', ')}], expected [3, 3, ${cin}, c] with bias [c]`);
      }
      const toF32 = (v: unknown, what: string) => {
        if (v instanceof Float32Array) return v;
        if (v instanceof Float64Array) return Float32Array.from(v);
        throw new ModelFileError(`${path}: ${name} ${what} is not a float array`);
      };
      out.push({ name, kernel: toF32(k.value, 'kernel'), kernelShape: [kh, kw, ci, co], bias: toF32(b.value, 'bias') });
      cin = co;
    }
    return out;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`${path} is not a readable Keras HDF5 weights file: ${(e as Error).message}`);
  } finally {
    try {
      f.close();
    } catch {
      // A file that failed to open has nothing to close.
    }
  }
}

/** The VGG19 topology (no top, any input size) with the given conv weights, as a tfjs layers model. */
export function buildVgg19(convs: ConvWeights[]): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, 3], name: 'input_1' });
  let x: tfl.SymbolicTensor = input;
  let i = 0;
  const layers: { layer: tfl.layers.Layer; w: ConvWeights }[] = [];
  VGG19_BLOCKS.forEach((n, b) => {
    for (let k = 0; k < n; k++) {
      const w = convs[i++];
      const layer = tfl.layers.conv2d({ filters: w.kernelShape[3], kernelSize: 3, padding: 'same', activation: 'relu', name: w.name });
      x = layer.apply(x) as tfl.SymbolicTensor;
      layers.push({ layer, w });
    }
    x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(x) as tfl.SymbolicTensor;
  });
  const model = tfl.model({ inputs: input, outputs: x, name: 'vgg19' });
  for (const { layer, w } of layers) {
    layer.setWeights([tf.tensor4d(w.kernel, w.kernelShape), tf.tensor1d(w.bias)]);
  }
  return model;
}

/** Converts a Keras VGG19 HDF5 weights file to a tfjs layers model folder (model.json + shard) at `dest`. */
export async function convertVgg19H5(h5Path: string, dest: string): Promise<{ layers: number; parameters: number }> {
  const convs = await readVgg19H5(h5Path);
  const model = buildVgg19(convs);
  const tmp = `${dest}.part-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    await saveLayersModelToDir(model, tmp);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    model.dispose();
  }
  const parameters = convs.reduce((s, c) => s + c.kernel.length + c.bias.length, 0);
  return { layers: convs.length, parameters };
}

export interface FetchVgg19Options extends DownloadOptions {
  /** tfjs model folder to write (e.g. <repo>/models/vgg19). */
  dest: string;
  /** Where the downloaded HDF5 file is kept (default `<dest>/../vgg19-keras/<file name>`). */
  h5Path?: string;
  url?: string;
  /** Expected MD5 of the HDF5 file (default VGG19_H5_MD5). */
  md5?: string;
  /** Download and convert again even if both are there. */
  force?: boolean;
  onStep?: (message: string) => void;
}

/**
 * Downloads (once) and converts the VGG19 weights. A cached HDF5 file with the right digest is not
 * downloaded again; an existing converted model is kept unless `force`. Returns the model folder.
 */
export async function fetchVgg19(opts: FetchVgg19Options): Promise<{ dir: string; downloaded: boolean; converted: boolean }> {
  const url = opts.url ?? VGG19_H5_URL;
  const want = opts.md5 ?? VGG19_H5_MD5;
  const h5Path = opts.h5Path ?? join(dirname(opts.dest), 'vgg19-keras', VGG19_H5_NAME);
  const say = opts.onStep ?? (() => {});
  if (!opts.force && existsSync(join(opts.dest, 'model.json'))) {
    say(`VGG19 already converted in ${opts.dest}`);
    return { dir: opts.dest, downloaded: false, converted: false };
  }
  let downloaded = false;
  if (opts.force || !existsSync(h5Path) || md5(readFileSync(h5Path)) !== want) {
    say(`downloading ${url}`);
    const data = await fetchBytes(url, opts);
    const got = md5(data);
    if (got !== want) throw new DownloadError(`${url}: MD5 ${got} does not match the pinned ${want} (the file is corrupt or not Keras's VGG19 weights); nothing was written`);
    writeAtomic(h5Path, data);
    downloaded = true;
    say(`saved ${(data.length / 1e6).toFixed(1)} MB to ${h5Path} (MD5 checked)`);
  } else {
    say(`using the cached ${h5Path} (MD5 checked)`);
  }
  const r = await convertVgg19H5(h5Path, opts.dest);
  say(`converted ${r.layers} convolutions (${(r.parameters / 1e6).toFixed(1)} M parameters) to ${opts.dest}`);
  return { dir: opts.dest, downloaded, converted: true };
}
