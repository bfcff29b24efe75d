import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, tf } from '../../src/backend/index.ts';
import { buildDecoder, buildEncoder, buildImageDiscriminator, countParams, DECODER_PARAMS, DISCRIMINATOR_PARAMS, ENCODER_PARAMS, layerTable } from '../../src/models/autoencoder.ts';
import { buildClassifier, CLASSIFIER_PARAMS, featureModel } from '../../src/models/classifier.ts';
import { loadAutoencoder, loadClassifier } from '../../src/models/load.ts';
import { saveAeModels } from '../../src/train/run.ts';
import { saveModel } from '../../src/train/model-io.ts';
import { repoRoot } from '../../src/util/paths.ts';

before(async () => {
  await initBackend({ quiet: true });
});

test('parameter counts match the paper tables (encoder 83,704, decoder 110,129, discriminator 19,066)', () => {
  const enc = buildEncoder({ seed: 1 });
  const dec = buildDecoder({ seed: 1 });
  const disc = buildImageDiscriminator({ seed: 1 });
  assert.equal(countParams(enc), ENCODER_PARAMS);
  assert.equal(countParams(enc), 83_704);
  assert.equal(countParams(dec), 110_129);
  assert.equal(countParams(disc), 19_066);
  assert.equal(DECODER_PARAMS + DISCRIMINATOR_PARAMS, 129_195);
  assert.equal(countParams(buildClassifier({ seed: 1 })), CLASSIFIER_PARAMS);
  // the layer tables go 28 → 14 → 7 → 4 and 4 → 8 → 16 → 14 → 28
  const encShapes = layerTable(enc).filter((l) => l.type.includes('Pooling')).map((l) => l.outputShape.slice(1, 3));
  assert.deepEqual(encShapes, [[14, 14], [7, 7], [4, 4]]);
  const decShapes = layerTable(dec).filter((l) => l.type === 'Conv2D').map((l) => l.outputShape.slice(1));
  assert.deepEqual(decShapes.at(-1), [28, 28, 1]);
  assert.deepEqual(decShapes.find((s) => s[0] === 14), [14, 14, 16]);
  tf.dispose([...enc.weights.map((w) => w.read()), ...dec.weights.map((w) => w.read())]);
});

test('the builders give the shipped models\' architecture: every layer\'s class and configuration (names, initialisers and dtypes aside) equal models/autoencoder/*/model.json', () => {
  // The shipped models were trained from these builders; a changed pool size, stride, padding, kernel, filter count,
  // activation or slope would keep every shape and parameter count and still be another model.
  const strip = (layer: { class_name: string; config: Record<string, unknown> }) => {
    const cfg: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(layer.config)) {
      if (k === 'name' || k === 'trainable' || k === 'dtype' || k.endsWith('_initializer') || k.endsWith('_regularizer') || k.endsWith('_constraint')) continue;
      cfg[k] = v;
    }
    return { class_name: layer.class_name, config: cfg };
  };
  const layersOf = (topology: unknown) => {
    const t = topology as { model_config?: { config: { layers: [] } }; config: { layers: [] } };
    return (t.model_config ?? t).config.layers.map(strip);
  };
  for (const [part, build] of [['encoder', buildEncoder], ['decoder', buildDecoder], ['discriminator', buildImageDiscriminator]] as const) {
    const shipped = JSON.parse(readFileSync(join(repoRoot, 'models', 'autoencoder', part, 'model.json'), 'utf8')).modelTopology;
    const m = build({ seed: 1 });
    const built = m.toJSON(null, false) as unknown;
    const a = layersOf(built), b = layersOf(shipped);
    assert.equal(a.length, b.length, `${part}: layer count`);
    a.forEach((l: unknown, i: number) => assert.deepEqual(l, b[i], `${part}: layer ${i}`));
    tf.dispose(m.weights.map((w) => w.read()));
  }
});

test('shapes: images → 128-d codes → images in (0, 1); discriminator and classifier logits', () => {
  const enc = buildEncoder({ seed: 2 });
  const dec = buildDecoder({ seed: 2 });
  const disc = buildImageDiscriminator({ seed: 2 });
  const clf = buildClassifier({ seed: 2 });
  tf.tidy(() => {
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1);
    const z = enc.apply(x) as tf.Tensor;
    assert.deepEqual(z.shape, [3, 128]);
    const y = dec.apply(z) as tf.Tensor;
    assert.deepEqual(y.shape, [3, 28, 28, 1]);
    const v = y.dataSync();
    assert.ok(v.every((p) => p > 0 && p < 1), 'sigmoid output');
    assert.deepEqual((disc.apply(x) as tf.Tensor).shape, [3, 2]);
    assert.deepEqual((clf.apply(x) as tf.Tensor).shape, [3, 10]);
    assert.deepEqual((featureModel(clf).apply(x) as tf.Tensor).shape, [3, 128]);
  });
});

test('same seed → same initial weights; saved models load back with identical outputs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-models-'));
  try {
    const a = buildEncoder({ seed: 5 });
    const b = buildEncoder({ seed: 5 });
    assert.deepEqual(a.getWeights()[0].dataSync(), b.getWeights()[0].dataSync());
    const models = { encoder: a, decoder: buildDecoder({ seed: 5 }), discriminator: buildImageDiscriminator({ seed: 5 }) };
    await saveAeModels(models, dir, {});
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ testMAE: 0.5 }));
    const loaded = await loadAutoencoder(dir);
    assert.deepEqual(loaded.summary, { testMAE: 0.5 });
    assert.ok(loaded.discriminator);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 7);
    const y1 = models.decoder.apply(models.encoder.apply(x)) as tf.Tensor;
    const y2 = loaded.decoder.apply(loaded.encoder.apply(x)) as tf.Tensor;
    assert.deepEqual(y2.dataSync(), y1.dataSync());
    const clf = buildClassifier({ seed: 1 });
    await saveModel(clf, join(dir, 'clf'));
    const lc = await loadClassifier(join(dir, 'clf'));
    assert.deepEqual((lc.model.apply(x) as tf.Tensor).dataSync(), (clf.apply(x) as tf.Tensor).dataSync());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loaders: missing, truncated, corrupted and wrong models are rejected with errors naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-models-'));
  try {
    await assert.rejects(loadAutoencoder(join(dir, 'nope')), /nope: autoencoder folder does not exist/);
    await assert.rejects(loadClassifier(join(dir, 'nope')), /nope\/model\.json: classifier is missing/);
    await saveAeModels({ encoder: buildEncoder({ seed: 1 }), decoder: buildDecoder({ seed: 1 }) }, dir, {});
    const w = join(dir, 'decoder', 'weights.bin');
    const good = readFileSync(w);
    writeFileSync(w, good.subarray(0, good.length - 4));
    await assert.rejects(loadAutoencoder(dir), (e: Error) => e.message.includes(w) && /decoder weights are 440512 bytes but the manifest in model\.json needs 440516/.test(e.message));
    const bad = Buffer.from(good);
    bad[1000] ^= 0x55;
    writeFileSync(w, bad);
    await assert.rejects(loadAutoencoder(dir), /decoder weights checksum mismatch/);
    writeFileSync(w, good);
    writeFileSync(join(dir, 'encoder', 'model.json'), '{"modelTopology":');
    await assert.rejects(loadAutoencoder(dir), /encoder\/model\.json: is not valid JSON/);
    // decoders of the wrong shape on either side: the right input with a wrong output, and the reverse
    await saveModel(buildEncoder({ seed: 1 }), join(dir, 'encoder'));
    const wrongOut = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [128], units: 10 })] });
    await saveModel(wrongOut, join(dir, 'decoder'));
    await assert.rejects(loadAutoencoder(dir), (e: Error) => e.message === `${join(dir, 'decoder', 'model.json')}: decoder maps [128] → [10], expected [128] → [28,28,1]`);
    const wrongIn = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [64], units: 784 }), tfl.layers.reshape({ targetShape: [28, 28, 1] })] });
    await saveModel(wrongIn, join(dir, 'decoder'));
    await assert.rejects(loadAutoencoder(dir), (e: Error) => e.message === `${join(dir, 'decoder', 'model.json')}: decoder maps [64] → [28,28,1], expected [128] → [28,28,1]`);
    await saveModel(buildDecoder({ seed: 1 }), join(dir, 'decoder'));
    // an encoder where a classifier is expected
    await assert.rejects(loadClassifier(join(dir, 'decoder')), /classifier maps \[128\] → \[28,28,1\], expected \[28,28,1\] → \[10\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
