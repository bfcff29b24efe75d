/**
 * Experiment: fine-tunes the shipped classifier (models/classifier) on a 50/50 mix of real training digits and
 * their reconstructions by the shipped autoencoder (first 30,000 training digits, same labels), Adam lr 2e-4,
 * batch 100, so that it tolerates the decoder's texture. Test digits are never used for training.
 *
 *   node --import tsx scripts/finetune-classifier-recon.ts [--steps 300] [--out runs/clf-recon] [--force]
 *
 * Prints the accuracy on real and on reconstructed test digits; saves the model to <out>/final/classifier.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from '../src/cli/args.ts';
import { OutputError } from '../src/util/output.ts';

const { values: args } = parseCli({
  name: 'finetune-classifier-recon',
  usage: 'node --import tsx scripts/finetune-classifier-recon.ts [--steps 300] [--out runs/clf-recon] [--force]',
  description: 'Fine-tunes the shipped classifier on real + reconstructed training digits; saves <out>/final/classifier.',
  flags: {
    steps: { type: 'int', min: 1, max: 1_000_000, default: 300, help: 'training steps (batch 100)' },
    out: { type: 'string', meta: 'DIR', default: 'runs/clf-recon', help: 'run folder' },
    force: { type: 'boolean', help: 'replace a classifier already saved in --out' },
  },
});
const steps = args.steps;
if (!args.force && existsSync(join(args.out, 'final', 'classifier'))) throw new OutputError(`${args.out} already holds a fine-tuned classifier: pass --force to replace it, or --out DIR`);

const { initBackend, tf } = await import('../src/backend/index.ts');
const { loadMnistSplit } = await import('../src/data/mnist.ts');
const { accuracy } = await import('../src/models/classifier.ts');
const { loadAutoencoder, loadClassifier } = await import('../src/models/load.ts');
const { reconstruct } = await import('../src/train/autoencoder.ts');
const { ClassifierTrainer } = await import('../src/train/classifier.ts');
const { saveModel } = await import('../src/train/model-io.ts');
const { Rng } = await import('../src/util/rng.ts');
await initBackend({ quiet: true });
const tr = loadMnistSplit('train');
const te = loadMnistSplit('t10k');
const ae = await loadAutoencoder();
const clf = await loadClassifier();
const t0 = performance.now();
const nR = 30000;
const recTr = reconstruct(ae, tr.images.subarray(0, nR * 784));
const recTe = reconstruct(ae, te.images);
console.log('recon', ((performance.now() - t0) / 1000).toFixed(1), 's');
const trainer = new ClassifierTrainer(clf.model, 2e-4);
const rng = new Rng(7);
const B = 100;
const xb = new Float32Array(B * 784);
const yb = new Int32Array(B);
for (let s = 0; s < steps; s++) {
  for (let k = 0; k < B; k++) {
    const useRec = k % 2 === 0;
    const i = rng.int(useRec ? nR : tr.n);
    xb.set((useRec ? recTr : tr.images).subarray(i * 784, i * 784 + 784), k * 784);
    yb[k] = tr.labels[i];
  }
  const x = tf.tensor4d(xb, [B, 28, 28, 1]);
  const l = trainer.step(x, yb);
  x.dispose();
  if (s % 50 === 0) console.log(s, l.loss.toFixed(4), ((performance.now() - t0) / 1000).toFixed(0), 's');
}
const xo = tf.tensor4d(te.images, [te.n, 28, 28, 1]);
const xr = tf.tensor4d(recTe, [te.n, 28, 28, 1]);
console.log(JSON.stringify({ steps, accTest: accuracy(clf.model, xo, te.labels), accRecon: accuracy(clf.model, xr, te.labels), seconds: (performance.now() - t0) / 1000 }));
await saveModel(clf.model, join(args.out, 'final', 'classifier'), { experiment: 'fine-tuned on real + reconstructed train digits', steps });
