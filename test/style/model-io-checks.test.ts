/**
 * loadLayersModelFromDir's last check (src/style/model-io.ts) with its exact message: a model.json that passes the
 * file checks but that tfjs-layers cannot build — a layer class it does not know, a layer whose bias the manifest
 * (and shard) leave out — throws ModelFileError naming the caller's model, the file and tfjs's reason; the intact
 * folder loads with its weights. The folders are written in a temp dir and removed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { loadLayersModelFromDir, saveLayersModelToDir } from '../../src/style/model-io.ts';

interface Json { modelTopology: { config: { layers: { class_name: string }[] } }; weightsManifest: { paths: string[]; weights: { name: string }[] }[] }
let tmp: string;
let good: string;
let json: Json;
let shard: Buffer;
const kernel = Float32Array.from({ length: 3 * 3 * 3 * 2 }, (_, i) => i / 10);
const bias = [0.5, -0.25];

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
  tmp = mkdtempSync(join(tmpdir(), 'gmmgen-miochk-'));
  good = join(tmp, 'good');
  const input = tfl.input({ shape: [4, 4, 3], name: 'input_1' });
  const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 3, name: 'conv_a' });
  const model = tfl.model({ inputs: input, outputs: conv.apply(input) as tfl.SymbolicTensor });
  conv.setWeights([tf.tensor4d(kernel, [3, 3, 3, 2]), tf.tensor1d(bias)]);
  await saveLayersModelToDir(model, good);
  model.dispose();
  json = JSON.parse(readFileSync(join(good, 'model.json'), 'utf8'));
  shard = readFileSync(join(good, json.weightsManifest[0].paths[0]));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the good folder with model.json changed by `edit` and the shard replaced by `bytes`. */
function variant(name: string, edit: (j: Json) => void, bytes = shard): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const j: Json = structuredClone(json);
  edit(j);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
  writeFileSync(join(dir, json.weightsManifest[0].paths[0]), bytes);
  return dir;
}
const rejectsExactly = (p: Promise<unknown>, message: string) =>
  assert.rejects(p, (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, message);
    return true;
  });

test('a layer class tfjs does not know: ModelFileError with the caller, the file and the reason', async () => {
  const dir = variant('unknown-class', (j) => void (j.modelTopology.config.layers[1].class_name = 'NoSuchLayer'));
  await rejectsExactly(loadLayersModelFromDir(dir, { what: 'VGG19' }),
    `ModelFileError: VGG19: cannot build the model from ${join(dir, 'model.json')}: Unknown layer: NoSuchLayer. This may be due to one of the following reasons:\n` +
      '1. The layer is defined in Python, in which case it needs to be ported to TensorFlow.js or your JavaScript code.\n' +
      '2. The custom layer is defined in JavaScript, but is not registered properly with tf.serialization.registerClass().');
});

test('a weight the manifest leaves out: ModelFileError naming it; the intact folder loads its weights', async () => {
  const dir = variant('no-bias', (j) => void (j.weightsManifest[0].weights = j.weightsManifest[0].weights.slice(0, 1)), shard.subarray(0, kernel.length * 4));
  await rejectsExactly(loadLayersModelFromDir(dir), `ModelFileError: model: cannot build the model from ${join(dir, 'model.json')}: 1 of 2 weights are not set: conv_a/bias`);
  const m = await loadLayersModelFromDir(good);
  const [k, b] = m.getLayer('conv_a').getWeights();
  assert.deepEqual(k.dataSync(), kernel);
  assert.deepEqual([...b.dataSync()], bias);
  m.dispose();
});
