/**
 * Child-process probe for threads.test.ts: a few adversarial-autoencoder training steps (src/train/autoencoder.ts,
 * seeded models, fixed random batch) on the backend chosen by GMMGEN_BACKEND / GMMGEN_WASM_THREADS. Prints one
 * JSON line: the backend, the wasm thread count, the per-step losses and the final trainable weights' checksum.
 *
 *   node --import tsx test/backend/_train-probe.ts [steps] [batch]
 */
import { initBackend, tf } from '../../src/backend/index.ts';
import { AeTrainer, buildAeModels } from '../../src/train/autoencoder.ts';
import { Rng } from '../../src/util/rng.ts';

const steps = Number(process.argv[2] ?? 4);
const batch = Number(process.argv[3] ?? 16);
const info = await initBackend({ quiet: true });
const models = buildAeModels(7);
const trainer = new AeTrainer(models);
const rng = new Rng(3);
const data = new Float32Array(batch * 784);
for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
const x = tf.tensor4d(data, [batch, 28, 28, 1]);
const losses: number[][] = [];
for (let i = 0; i < steps; i++) {
  const l = trainer.step(x);
  losses.push([l.rec, l.adv, l.disc]);
}
let checksum = 0;
for (const m of [models.encoder, models.decoder, models.discriminator]) {
  for (const w of m.trainableWeights) checksum += (w.read().dataSync() as Float32Array).reduce((s, v, i) => s + v * ((i % 7) + 1), 0);
}
console.log(JSON.stringify({ backend: info.tfName, wasmThreads: info.wasmThreads ?? null, losses, checksum }));
