/**
 * Loading tfjs layers-format models (model.json + binary weight shards) from the file system, without
 * tfjs-node: the files are read here and handed to tfjs-layers through an in-memory IO handler.
 *
 * A model can be sliced at load time: `outputs` names the layers whose outputs are wanted, and only
 * those layers and their ancestors are kept in the topology (so the classifier head of a full
 * MobileNet, or block 5 of a VGG19, is never built and its weights are never read). The input layer's
 * spatial size can be freed (`inputShape: [null, null, 3]`) so that a fully convolutional slice runs
 * on any image size.
 *
 * Every failure (folder or file missing, JSON unreadable, topology or manifest malformed, shard too
 * short or too long, requested layer unknown) throws a ModelFileError naming the file or layer.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { concatBytes } from '../util/bytes.ts';

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; [k: string]: unknown };
}
interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}
/** Keras layer config as stored in model.json (class_name, config, inbound_nodes, name). */
interface LayerJson {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name?: string };
  inbound_nodes?: unknown;
}
/** `{class_name: 'Model' | 'Functional', config: {layers, input_layers, output_layers, name}}`. */
interface FunctionalJson {
  class_name: string;
  config: {
    name?: string;
    layers: LayerJson[];
    input_layers: unknown[];
    output_layers: unknown[];
  };
}

/** The parsed, validated contents of a model folder's model.json. */
export interface ModelJsonFile {
  dir: string;
  path: string;
  /** The functional model config ({class_name, config}), unwrapped from `model_config` when present. */
  topology: FunctionalJson;
  manifest: WeightGroup[];
  /** Extra top-level fields of model.json other than the topology (format, generatedBy, ...). */
  meta: Record<string, unknown>;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

function layerName(l: LayerJson): string {
  const n = l.name ?? l.config?.name;
  return typeof n === 'string' ? n : '';
}

/** Reads and validates `<dir>/model.json`. */
export function readModelJson(dir: string, what = 'model'): ModelJsonFile {
  if (!existsSync(dir)) throw new ModelFileError(`${what}: model folder not found: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new ModelFileError(`${what}: expected a folder holding model.json, got a file: ${dir}`);
  const path = join(dir, 'model.json');
  if (!existsSync(path)) throw new ModelFileError(`${what}: model.json not found in ${dir} (expected ${path})`);
  return parseModelJson(readFileSync(path, 'utf8'), dir, what);
}

/**
 * Validates the text of a model.json that belongs in `dir` (errors name `<dir>/model.json`); the downloader
 * checks a model.json this way before writing it.
 */
export function parseModelJson(text: string, dir: string, what = 'model'): ModelJsonFile {
  const path = join(dir, 'model.json');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`${what}: ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ModelFileError(`${what}: ${path} must hold a JSON object`);
  const obj = json as Record<string, unknown>;
  let topo = obj.modelTopology as Record<string, unknown> | undefined;
  if (topo === null || typeof topo !== 'object') throw new ModelFileError(`${what}: ${path} has no "modelTopology" object (is it a tfjs layers-format model.json?)`);
  if (topo.model_config !== undefined) topo = topo.model_config as Record<string, unknown>;
  if (topo === null || typeof topo !== 'object' || typeof topo.class_name !== 'string') {
    throw new ModelFileError(`${what}: ${path}: modelTopology has no class_name`);
  }
  if (topo.class_name === 'Sequential') {
    throw new ModelFileError(`${what}: ${path}: Sequential topologies are not supported; save the model as a functional (Model) topology`);
  }
  const config = topo.config as FunctionalJson['config'] | undefined;
  if (!config || !Array.isArray(config.layers) || !Array.isArray(config.input_layers) || !Array.isArray(config.output_layers)) {
    throw new ModelFileError(`${what}: ${path}: modelTopology.config must have layers, input_layers and output_layers arrays`);
  }
  for (const [i, l] of config.layers.entries()) {
    if (!l || typeof l !== 'object' || typeof l.class_name !== 'string' || !l.config || !layerName(l)) {
      throw new ModelFileError(`${what}: ${path}: layer #${i} has no class_name/config/name`);
    }
  }
  const manifest = obj.weightsManifest;
  if (!Array.isArray(manifest)) throw new ModelFileError(`${what}: ${path} has no "weightsManifest" array`);
  for (const [gi, g] of manifest.entries()) {
    const ok = g && Array.isArray(g.paths) && g.paths.every((p: unknown) => typeof p === 'string') && Array.isArray(g.weights);
    if (!ok) throw new ModelFileError(`${what}: ${path}: weightsManifest[${gi}] must have "paths" (strings) and "weights"`);
    for (const [wi, w] of (g.weights as unknown[]).entries()) {
      const s = w as WeightSpec;
      const good = s && typeof s.name === 'string' && Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && d >= 0) &&
        typeof s.dtype === 'string' && BYTES[s.quantization?.dtype ?? s.dtype] !== undefined;
      if (!good) throw new ModelFileError(`${what}: ${path}: weightsManifest[${gi}].weights[${wi}] is malformed (${JSON.stringify(w)?.slice(0, 120)})`);
    }
  }
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== 'modelTopology' && k !== 'weightsManifest') meta[k] = v;
  return { dir, path, topology: topo as unknown as FunctionalJson, manifest: manifest as WeightGroup[], meta };
}

/** Names of the layers a layer's first inbound node reads from (Keras 2 nested-list format). */
function inboundNames(l: LayerJson, where: string): string[] {
  const nodes = l.inbound_nodes;
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return [];
  const out: string[] = [];
  if (!Array.isArray(nodes)) throw new ModelFileError(`${where}: layer ${layerName(l)} has unreadable inbound_nodes`);
  for (const node of nodes) {
    if (!Array.isArray(node)) throw new ModelFileError(`${where}: layer ${layerName(l)} has inbound_nodes in an unsupported format (expected Keras 2 nested lists)`);
    for (const t of node) {
      if (!Array.isArray(t) || typeof t[0] !== 'string') throw new ModelFileError(`${where}: layer ${layerName(l)} has an unreadable inbound node entry`);
      out.push(t[0]);
    }
  }
  return out;
}

/** The layer names of a topology, in order. */
export function topologyLayerNames(file: ModelJsonFile): string[] {
  return file.topology.config.layers.map(layerName);
}

/**
 * A copy of the topology keeping only the layers needed for `outputs` (in their original order),
 * with those layers as the model outputs and, when given, a new input shape (without batch).
 */
export function sliceTopology(file: ModelJsonFile, outputs: string[], inputShape?: (number | null)[]): { topology: FunctionalJson; kept: Set<string> } {
  const layers = file.topology.config.layers;
  const byName = new Map(layers.map((l) => [layerName(l), l]));
  for (const o of outputs) {
    if (!byName.has(o)) {
      const names = layers.map(layerName);
      throw new ModelFileError(`${file.path}: no layer named "${o}" (the model has ${names.length} layers: ${names.slice(0, 6).join(', ')}, …, ${names.slice(-3).join(', ')})`);
    }
  }
  const kept = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (kept.has(n)) continue;
    const l = byName.get(n);
    if (!l) throw new ModelFileError(`${file.path}: layer "${n}" is referenced as an input but not defined`);
    kept.add(n);
    stack.push(...inboundNames(l, file.path));
  }
  const newLayers: LayerJson[] = [];
  const inputs: string[] = [];
  for (const l of layers) {
    const name = layerName(l);
    if (!kept.has(name)) continue;
    const copy: LayerJson = JSON.parse(JSON.stringify(l));
    if (l.class_name === 'InputLayer') {
      inputs.push(name);
      if (inputShape) copy.config.batch_input_shape = [null, ...inputShape];
    }
    newLayers.push(copy);
  }
  if (inputs.length !== 1) throw new ModelFileError(`${file.path}: expected exactly one InputLayer feeding ${outputs.join(', ')}, found ${inputs.length}`);
  const topology: FunctionalJson = {
    class_name: file.topology.class_name,
    config: {
      ...file.topology.config,
      layers: newLayers,
      input_layers: inputs.map((n) => [n, 0, 0]),
      output_layers: outputs.map((n) => [n, 0, 0]),
    },
  };
  return { topology, kept };
}

function specBytes(s: WeightSpec): number {
  let n = 1;
  for (const d of s.shape) n *= d;
  return n * BYTES[s.quantization?.dtype ?? s.dtype];
}

/**
 * Reads the weights `keep(name)` selects. Groups none of whose weights are kept are not read. Each
 * group's shards are concatenated and checked against the byte size the manifest implies.
 */
export function readWeights(file: ModelJsonFile, keep: (weightName: string) => boolean): { specs: WeightSpec[]; data: ArrayBuffer } {
  const parts: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  for (const [gi, g] of file.manifest.entries()) {
    const sizes = g.weights.map(specBytes);
    if (!g.weights.some((w) => keep(w.name))) continue;
    const expected = sizes.reduce((a, b) => a + b, 0);
    const buffers: Buffer[] = [];
    for (const p of g.paths) {
      const fp = join(file.dir, p);
      if (!existsSync(fp)) throw new ModelFileError(`weight shard not found: ${fp} (listed in ${file.path}, weightsManifest[${gi}])`);
      buffers.push(readFileSync(fp));
    }
    const group = Buffer.concat(buffers);
    if (group.length !== expected) {
      throw new ModelFileError(
        `weight shard${g.paths.length > 1 ? 's' : ''} ${g.paths.map((p) => join(file.dir, p)).join(', ')}: ${group.length} bytes, but ` +
          `${file.path} (weightsManifest[${gi}]: ${g.weights.map((w) => w.name).join(', ')}) implies ${expected} bytes`,
      );
    }
    let off = 0;
    for (const [wi, w] of g.weights.entries()) {
      if (keep(w.name)) {
        parts.push(new Uint8Array(group.buffer, group.byteOffset + off, sizes[wi]));
        specs.push(w);
      }
      off += sizes[wi];
    }
  }
  return { specs, data: concatBytes(parts).buffer };
}

export interface LoadLayersOptions {
  /** Layers whose outputs the loaded model returns (in this order). Default: the file's outputs. */
  outputs?: string[];
  /** New input shape without the batch dimension, e.g. [null, null, 3]. */
  inputShape?: (number | null)[];
  /** Used in error messages ("MobileNet", "VGG19", ...). */
  what?: string;
}

/**
 * Loads a tfjs layers-format model from a folder, optionally sliced at `outputs` and with a new input
 * shape. Weights of layers outside the slice are not read; every kept layer must get all its weights.
 */
export async function loadLayersModelFromDir(dir: string, opts: LoadLayersOptions = {}): Promise<tfl.LayersModel> {
  const what = opts.what ?? 'model';
  const file = readModelJson(dir, what);
  const allNames = new Set(topologyLayerNames(file));
  let outputs = opts.outputs;
  if (!outputs || outputs.length === 0) {
    outputs = file.topology.config.output_layers.map((o) => (Array.isArray(o) ? String(o[0]) : ''));
  }
  const { topology, kept } = sliceTopology(file, outputs, opts.inputShape);
  const keepWeight = (name: string) => {
    const owner = name.split('/')[0];
    return !allNames.has(owner) || kept.has(owner);
  };
  const { specs, data } = readWeights(file, keepWeight);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData: data,
    format: 'layers-model',
  };
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
  } catch (e) {
    throw new ModelFileError(`${what}: cannot build the model from ${file.path}: ${(e as Error).message}`);
  }
}

/**
 * Saves a layers model as model.json + one weight shard into `dir` (the tfjs layers format, as
 * tfjs-node's file:// handler writes it). Used by tests and tools that create small models.
 */
export async function saveLayersModelToDir(model: tfl.LayersModel, dir: string): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const shard = 'group1-shard1of1.bin';
      const weightData = a.weightData as ArrayBuffer | ArrayBuffer[] | undefined;
      const buf = weightData === undefined ? new ArrayBuffer(0) : Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : weightData;
      writeFileSync(join(dir, shard), Buffer.from(buf));
      const json = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        weightsManifest: [{ paths: [shard], weights: a.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}
