/**
 * The tfjs layers-model reader (src/style/model-io.ts) on malformed folders and files: each check's exact message
 * (folder, model.json, topology, layers, manifest, weight specs, shards and their sizes, inbound nodes, slicing),
 * and the pieces it returns on a small well-formed model (meta, layer names, the slice kept, the weights read).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../_assert.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelJson, readModelJson, readWeights, sliceTopology, topologyLayerNames } from '../../src/style/model-io.ts';


/** in → a → b, in → c (a functional topology in Keras 2's nested-list inbound format). */
function model(): Record<string, unknown> {
  const layer = (name: string, cls: string, from: string[]) => ({
    class_name: cls, name, config: { name }, inbound_nodes: from.length ? [from.map((f) => [f, 0, 0, {}])] : [],
  });
  return {
    format: 'layers-model', generatedBy: 'test',
    modelTopology: { class_name: 'Model', config: { name: 'm', layers: [layer('in', 'InputLayer', []), layer('a', 'Dense', ['in']), layer('b', 'Dense', ['a']), layer('c', 'Dense', ['in'])], input_layers: [['in', 0, 0]], output_layers: [['b', 0, 0], ['c', 0, 0]] } },
    weightsManifest: [
      { paths: ['g0.bin'], weights: [{ name: 'a/kernel', shape: [2, 1], dtype: 'float32' }] },
      { paths: ['g1a.bin', 'g1b.bin'], weights: [{ name: 'c/kernel', shape: [3], dtype: 'float32' }, { name: 'c/q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8' } }] },
    ],
  };
}

test('readModelJson / parseModelJson: every malformation named with the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-modelio-'));
  try {
    const p = join(dir, 'model.json');
    throwsExactly(() => readModelJson(join(dir, 'none'), 'VGG'), `ModelFileError: VGG: model folder not found: ${join(dir, 'none')}`);
    writeFileSync(join(dir, 'file'), 'x');
    throwsExactly(() => readModelJson(join(dir, 'file')), `ModelFileError: model: expected a folder holding model.json, got a file: ${join(dir, 'file')}`);
    throwsExactly(() => readModelJson(dir), `ModelFileError: model: model.json not found in ${dir} (expected ${p})`);
    const bad = (json: unknown, message: string) => throwsExactly(() => parseModelJson(typeof json === 'string' ? json : JSON.stringify(json), dir, 'M'), `ModelFileError: M: ${message}`);
    assert.throws(() => parseModelJson('{', dir), (e: Error) => e.message.startsWith(`model: ${p} is not valid JSON: `));
    bad([1], `${p} must hold a JSON object`);
    bad('null', `${p} must hold a JSON object`);
    bad({ weightsManifest: [] }, `${p} has no "modelTopology" object (is it a tfjs layers-format model.json?)`);
    bad({ modelTopology: { config: {} } }, `${p}: modelTopology has no class_name`);
    bad({ modelTopology: { model_config: null } }, `${p}: modelTopology has no class_name`);
    bad({ modelTopology: { class_name: 'Sequential', config: {} } }, `${p}: Sequential topologies are not supported; save the model as a functional (Model) topology`);
    const m = model();
    const topo = m.modelTopology as { config: Record<string, unknown> };
    for (const key of ['layers', 'input_layers', 'output_layers']) {
      bad({ ...m, modelTopology: { class_name: 'Model', config: { ...topo.config, [key]: 'x' } } }, `${p}: modelTopology.config must have layers, input_layers and output_layers arrays`);
    }
    const layers = (topo.config.layers as Record<string, unknown>[]);
    for (const broken of [{ ...layers[1], class_name: 3 }, { ...layers[1], config: undefined }, { class_name: 'Dense', config: {} }, null]) {
      bad({ ...m, modelTopology: { class_name: 'Model', config: { ...topo.config, layers: [layers[0], broken] } } }, `${p}: layer #1 has no class_name/config/name`);
    }
    bad({ ...m, weightsManifest: {} }, `${p} has no "weightsManifest" array`);
    bad({ ...m, weightsManifest: [{ paths: ['x'], weights: [] }, { paths: [3], weights: [] }] }, `${p}: weightsManifest[1] must have "paths" (strings) and "weights"`);
    bad({ ...m, weightsManifest: [{ paths: ['x'] }] }, `${p}: weightsManifest[0] must have "paths" (strings) and "weights"`);
    for (const w of [{ name: 'w', shape: [-1], dtype: 'float32' }, { name: 'w', shape: [1.5], dtype: 'float32' }, { name: 'w', shape: [1], dtype: 'float99' }, { shape: [1], dtype: 'float32' }, { name: 'w', shape: [1], dtype: 'float32', quantization: { dtype: 'int3' } }]) {
      bad({ ...m, weightsManifest: [{ paths: ['x'], weights: [{ name: 'ok', shape: [0], dtype: 'bool' }, w] }] }, `${p}: weightsManifest[0].weights[1] is malformed (${JSON.stringify(w)})`);
    }
    // A model_config wrapper is unwrapped; extra top-level fields are kept as meta.
    const wrapped = parseModelJson(JSON.stringify({ ...m, modelTopology: { model_config: m.modelTopology } }), dir);
    assert.deepEqual(topologyLayerNames(wrapped), ['in', 'a', 'b', 'c']);
    writeFileSync(p, JSON.stringify(m));
    const f = readModelJson(dir);
    assert.deepEqual(f.meta, { format: 'layers-model', generatedBy: 'test' });
    assert.deepEqual({ dir: f.dir, path: f.path }, { dir, path: p });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sliceTopology keeps the layers an output needs, in order; unknown, undefined and unreadable layers named', () => {
  const dir = '/m';
  const p = join(dir, 'model.json');
  const f = parseModelJson(JSON.stringify(model()), dir);
  const s = sliceTopology(f, ['b'], [4, 4, 3]);
  assert.deepEqual([...s.kept].sort(), ['a', 'b', 'in']);
  assert.deepEqual(s.topology.config.layers.map((l) => l.name), ['in', 'a', 'b']);
  assert.deepEqual(s.topology.config.input_layers, [['in', 0, 0]]);
  assert.deepEqual(s.topology.config.output_layers, [['b', 0, 0]]);
  assert.deepEqual(s.topology.config.layers[0].config.batch_input_shape, [null, 4, 4, 3]);
  assert.equal(sliceTopology(f, ['c']).topology.config.layers[0].config.batch_input_shape, undefined);
  assert.deepEqual(sliceTopology(f, ['in']).topology.config.layers.map((l) => l.name), ['in']);
  throwsExactly(() => sliceTopology(f, ['zz']), `ModelFileError: ${p}: no layer named "zz" (the model has 4 layers: in, a, b, c, …, a, b, c)`);
  const m = model();
  const cfg = (m.modelTopology as { config: { layers: Record<string, unknown>[] } }).config;
  const withLayer = (i: number, patch: Record<string, unknown>) => {
    const mm = model();
    const c2 = (mm.modelTopology as { config: { layers: Record<string, unknown>[] } }).config;
    c2.layers[i] = { ...cfg.layers[i], ...patch };
    return parseModelJson(JSON.stringify(mm), dir);
  };
  throwsExactly(() => sliceTopology(withLayer(1, { inbound_nodes: [[['ghost', 0, 0, {}]]] }), ['b']), `ModelFileError: ${p}: layer "ghost" is referenced as an input but not defined`);
  throwsExactly(() => sliceTopology(withLayer(2, { inbound_nodes: 'a' }), ['b']), `ModelFileError: ${p}: layer b has unreadable inbound_nodes`);
  throwsExactly(() => sliceTopology(withLayer(2, { inbound_nodes: [{ args: [] }] }), ['b']), `ModelFileError: ${p}: layer b has inbound_nodes in an unsupported format (expected Keras 2 nested lists)`);
  throwsExactly(() => sliceTopology(withLayer(2, { inbound_nodes: [[[3, 0, 0]]] }), ['b']), `ModelFileError: ${p}: layer b has an unreadable inbound node entry`);
  throwsExactly(() => sliceTopology(withLayer(0, { class_name: 'Dense' }), ['b']), `ModelFileError: ${p}: expected exactly one InputLayer feeding b, found 0`);
  throwsExactly(() => sliceTopology(withLayer(2, { class_name: 'InputLayer' }), ['b', 'c']), `ModelFileError: ${p}: expected exactly one InputLayer feeding b, c, found 2`);
});

test('readWeights reads only the groups it needs, checks each group’s byte size and names missing shards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-modelio-'));
  try {
    const f = parseModelJson(JSON.stringify(model()), dir);
    // Group 0: 2 float32 (8 bytes); group 1: 3 float32 + 2 uint8 = 14 bytes in two shards.
    writeFileSync(join(dir, 'g0.bin'), Buffer.from(new Float32Array([1.5, -2]).buffer));
    const g1 = Buffer.alloc(14);
    new Float32Array(g1.buffer, g1.byteOffset, 3).set([3, 4, 5]);
    g1[12] = 7;
    g1[13] = 9;
    writeFileSync(join(dir, 'g1a.bin'), g1.subarray(0, 5));
    writeFileSync(join(dir, 'g1b.bin'), g1.subarray(5));
    const only0 = readWeights(f, (n) => n === 'a/kernel');
    assert.deepEqual(only0.specs.map((s) => s.name), ['a/kernel']);
    assert.deepEqual(Array.from(new Float32Array(only0.data)), [1.5, -2]);
    const all = readWeights(f, () => true);
    assert.deepEqual(all.specs.map((s) => s.name), ['a/kernel', 'c/kernel', 'c/q']);
    assert.equal(all.data.byteLength, 8 + 14);
    assert.deepEqual(Array.from(new Uint8Array(all.data, 20, 2)), [7, 9]);
    // Group 1 alone is read although group 0's shard is gone; then group 0 is named when needed.
    rmSync(join(dir, 'g0.bin'));
    assert.equal(readWeights(f, (n) => n.startsWith('c/')).data.byteLength, 14);
    throwsExactly(() => readWeights(f, () => true), `ModelFileError: weight shard not found: ${join(dir, 'g0.bin')} (listed in ${join(dir, 'model.json')}, weightsManifest[0])`);
    writeFileSync(join(dir, 'g0.bin'), Buffer.alloc(9));
    throwsExactly(() => readWeights(f, (n) => n === 'a/kernel'), `ModelFileError: weight shard ${join(dir, 'g0.bin')}: 9 bytes, but ${join(dir, 'model.json')} (weightsManifest[0]: a/kernel) implies 8 bytes`);
    writeFileSync(join(dir, 'g1b.bin'), g1.subarray(5, 12));
    throwsExactly(() => readWeights(f, (n) => n === 'c/q'), `ModelFileError: weight shards ${join(dir, 'g1a.bin')}, ${join(dir, 'g1b.bin')}: 12 bytes, but ${join(dir, 'model.json')} (weightsManifest[1]: c/kernel, c/q) implies 14 bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
