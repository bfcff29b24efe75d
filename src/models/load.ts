/**
 * Loading the shipped (or any saved) trained models:
 *
 *   models/autoencoder/{encoder,decoder[,discriminator]}/model.json + weights.bin, models/autoencoder/summary.json
 *   models/classifier/model.json + weights.bin, models/classifier/summary.json
 *
 * Missing or malformed files throw a ModelFileError naming the file and saying how to produce it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModel, ModelFileError, MODEL_FILE } from '../train/model-io.ts';
import { modelsPath } from '../util/paths.ts';
import { IMAGE_SHAPE, LATENT_DIM } from './autoencoder.ts';
import { NUM_CLASSES } from './classifier.ts';

export interface LoadedAutoencoder {
  encoder: tfl.LayersModel;
  decoder: tfl.LayersModel;
  /** Present when the folder holds one. */
  discriminator: tfl.LayersModel | null;
  /** summary.json of the training run, or null when absent. */
  summary: Record<string, unknown> | null;
  dir: string;
}

function readSummary(dir: string): Record<string, unknown> | null {
  const p = join(dir, 'summary.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFileError(p, `is not valid JSON (${(e as Error).message})`);
  }
}

function shapeOf(t: { shape: (number | null)[] }): string {
  return JSON.stringify(t.shape.slice(1));
}

const HOW = 'train one with `npm run train -- --model autoencoder` and copy runs/<name>/final/* there, or set GMMGEN_MODELS';

export async function loadAutoencoder(dir: string = modelsPath('autoencoder')): Promise<LoadedAutoencoder> {
  if (!existsSync(dir)) throw new ModelFileError(dir, `autoencoder folder does not exist (${HOW})`);
  for (const part of ['encoder', 'decoder']) {
    if (!existsSync(join(dir, part, MODEL_FILE))) throw new ModelFileError(join(dir, part, MODEL_FILE), `${part} of the autoencoder is missing (${HOW})`);
  }
  const encoder = await loadModel(join(dir, 'encoder'), 'encoder');
  const decoder = await loadModel(join(dir, 'decoder'), 'decoder');
  if (shapeOf(encoder.inputs[0]) !== JSON.stringify(IMAGE_SHAPE) || shapeOf(encoder.outputs[0]) !== JSON.stringify([LATENT_DIM])) {
    throw new ModelFileError(join(dir, 'encoder', MODEL_FILE), `encoder maps ${shapeOf(encoder.inputs[0])} → ${shapeOf(encoder.outputs[0])}, expected [28,28,1] → [${LATENT_DIM}]`);
  }
  if (shapeOf(decoder.inputs[0]) !== JSON.stringify([LATENT_DIM]) || shapeOf(decoder.outputs[0]) !== JSON.stringify(IMAGE_SHAPE)) {
    throw new ModelFileError(join(dir, 'decoder', MODEL_FILE), `decoder maps ${shapeOf(decoder.inputs[0])} → ${shapeOf(decoder.outputs[0])}, expected [${LATENT_DIM}] → [28,28,1]`);
  }
  const discriminator = existsSync(join(dir, 'discriminator', MODEL_FILE)) ? await loadModel(join(dir, 'discriminator'), 'discriminator') : null;
  return { encoder, decoder, discriminator, summary: readSummary(dir), dir };
}

export interface LoadedClassifier {
  model: tfl.LayersModel;
  summary: Record<string, unknown> | null;
  dir: string;
}

export async function loadClassifier(dir: string = modelsPath('classifier')): Promise<LoadedClassifier> {
  if (!existsSync(join(dir, MODEL_FILE))) {
    throw new ModelFileError(join(dir, MODEL_FILE), 'classifier is missing (train one with `npm run train -- --model classifier` and copy runs/<name>/final/classifier there, or set GMMGEN_MODELS)');
  }
  const model = await loadModel(dir, 'classifier');
  if (shapeOf(model.inputs[0]) !== JSON.stringify(IMAGE_SHAPE) || shapeOf(model.outputs[0]) !== JSON.stringify([NUM_CLASSES])) {
    throw new ModelFileError(join(dir, MODEL_FILE), `classifier maps ${shapeOf(model.inputs[0])} → ${shapeOf(model.outputs[0])}, expected [28,28,1] → [${NUM_CLASSES}]`);
  }
  return { model, summary: readSummary(dir), dir };
}
