/**
 * Trains the MNIST adversarial autoencoder or the evaluation classifier.
 *
 *   npm run train -- --model autoencoder|classifier [--epochs 10] [--batch 250] [--lr 1e-3] [--disc-lr 1e-3]
 *        [--loss mae|mse] [--alpha 1] [--limit N] [--test-limit N] [--seed 1] [--out runs/<name>] [--resume]
 *        [--checkpoint-every 200] [--classifier DIR|none] [--backend wasm|cpu|...] [--mnist-dir DIR]
 *
 * Writes checkpoints, loss curves, reconstructions and summary.json into --out (see src/train/run.ts).
 * Ctrl-C saves a checkpoint and exits; the same command with --resume continues.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli, UsageError } from '../src/cli/args.ts';
import { OutputError } from '../src/util/output.ts';

const cli = parseCli({
  name: 'train',
  usage: 'npm run train -- --model autoencoder|classifier [--epochs 10] [--batch 250] [--lr X] [--limit N] [--seed 1] [--out runs/<model>] [--resume | --force]',
  description: 'Trains the MNIST adversarial autoencoder or the evaluation classifier; checkpoints, loss curves and summary.json go to --out.',
  flags: {
    model: { type: 'choice', choices: ['autoencoder', 'classifier'], required: true },
    epochs: { type: 'int', min: 1, max: 10_000, default: 10 },
    batch: { type: 'int', min: 1, max: 60_000, default: 250 },
    lr: { type: 'number', gt: 0, lt: 1, help: 'learning rate' },
    'disc-lr': { type: 'number', gt: 0, lt: 1, help: 'discriminator learning rate (autoencoder)' },
    loss: { type: 'choice', choices: ['mae', 'mse'], help: 'reconstruction loss (autoencoder; default mae)' },
    alpha: { type: 'number', min: 0, max: 1e6, help: 'weight of the adversarial loss (autoencoder; default 1)' },
    limit: { type: 'int', min: 1, help: 'training digits at most' },
    'test-limit': { type: 'int', min: 1, help: 'test digits at most' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 },
    out: { type: 'string', meta: 'DIR', help: 'run folder (default runs/<model>)' },
    resume: { type: 'boolean', help: 'continue the run in --out from its checkpoint' },
    force: { type: 'boolean', help: 'start over in an --out folder that holds a run' },
    'checkpoint-every': { type: 'int', min: 0, default: 200, help: 'steps between checkpoints (0: every epoch only)' },
    classifier: { type: 'string', meta: 'DIR|none', help: 'classifier for the test accuracy of reconstructions (autoencoder)' },
    backend: { type: 'string', help: 'tfjs backend (wasm, cpu, ...)' },
    'mnist-dir': { type: 'string', meta: 'DIR', help: 'MNIST files folder' },
  },
});
const v = cli.values;
const model = v.model;
const { epochs, batch, seed, limit, lr } = v;
const testLimit = v['test-limit'];
const checkpointEvery = v['checkpoint-every'];
const discLr = v['disc-lr'];
const alpha = v.alpha ?? 1;
const loss = v.loss ?? 'mae';
if (model === 'classifier') {
  for (const f of ['disc-lr', 'classifier', 'loss', 'alpha'] as const) if (cli.given.has(f)) throw new UsageError(`--${f} only applies to --model autoencoder`);
}
if (v.resume && v.force) throw new UsageError('--resume and --force cannot be given together');
const out = v.out ?? `runs/${model}`;
if (!v.resume && !v.force && existsSync(join(out, 'checkpoint'))) {
  throw new OutputError(`${out} holds a training run: pass --resume to continue it, --force to start over, or --out DIR for a new run`);
}

const { initBackend } = await import('../src/backend/index.ts');
const { runAutoencoder, runClassifier } = await import('../src/train/run.ts');

const info = await initBackend({ prefer: v.backend });
console.error(`[train] ${model}: epochs ${epochs}, batch ${batch}, seed ${seed}, limit ${limit ?? 'all'}, out ${out}, backend ${info.choice}${v.resume ? ', resuming' : ''}`);
let res;
if (model === 'autoencoder') {
  res = await runAutoencoder({
    out,
    epochs,
    batch,
    seed,
    limit,
    testLimit,
    resume: v.resume,
    checkpointEvery,
    mnistDir: v['mnist-dir'],
    classifierDir: v.classifier === 'none' ? null : v.classifier,
    ae: { loss, alpha, ...(lr !== undefined ? { lr } : {}), ...(discLr !== undefined ? { discLr } : {}) },
  });
} else {
  res = await runClassifier({ out, epochs, batch, seed, limit, testLimit, resume: v.resume, checkpointEvery, mnistDir: v['mnist-dir'], lr });
}
const s = res.summary as Record<string, unknown>;
const pick = ['testMAE', 'testAccuracy', 'classifier', 'epochsCompleted', 'steps', 'wallSeconds', 'secondsPerStep', 'backend', 'interrupted'];
console.log(JSON.stringify(Object.fromEntries(pick.filter((k) => k in s).map((k) => [k, s[k]])), null, 2));
process.exit(res.interrupted ? 130 : 0);
