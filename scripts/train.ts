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
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend/index.ts';
import { runAutoencoder, runClassifier } from '../src/train/run.ts';

function fail(msg: string): never {
  console.error(`train: ${msg}\nusage: npm run train -- --model autoencoder|classifier [--epochs N] [--batch N] [--lr X] [--limit N] [--seed S] [--out DIR] [--resume]`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    strict: true,
    options: {
      model: { type: 'string' },
      epochs: { type: 'string', default: '10' },
      batch: { type: 'string', default: '250' },
      lr: { type: 'string' },
      'disc-lr': { type: 'string' },
      loss: { type: 'string', default: 'mae' },
      alpha: { type: 'string', default: '1' },
      limit: { type: 'string' },
      'test-limit': { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'checkpoint-every': { type: 'string', default: '200' },
      classifier: { type: 'string' },
      backend: { type: 'string' },
      'mnist-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
} catch (e) {
  fail((e as Error).message);
}
const v = parsed.values;
if (v.help) {
  console.log('npm run train -- --model autoencoder|classifier [--epochs 10] [--batch 250] [--lr 1e-3] [--disc-lr X] [--loss mae|mse] [--alpha 1] [--limit N] [--test-limit N] [--seed 1] [--out runs/<name>] [--resume] [--checkpoint-every 200] [--classifier DIR|none]');
  process.exit(0);
}

function int(name: string, s: string | undefined, min: number): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got "${s}"`);
  return n;
}
function num(name: string, s: string | undefined, lo: number, hi: number, loOpen = true): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || (loOpen ? n <= lo : n < lo) || n >= hi) fail(`--${name} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}), got "${s}"`);
  return n;
}

const model = v.model;
if (model !== 'autoencoder' && model !== 'classifier') fail(`--model must be "autoencoder" or "classifier", got ${model === undefined ? 'nothing' : `"${model}"`}`);
const epochs = int('epochs', v.epochs, 1)!;
const batch = int('batch', v.batch, 1)!;
const seed = int('seed', v.seed, 0)!;
const limit = int('limit', v.limit, 1);
const testLimit = int('test-limit', v['test-limit'], 1);
const checkpointEvery = int('checkpoint-every', v['checkpoint-every'], 0)!;
const lr = num('lr', v.lr, 0, 1);
const discLr = num('disc-lr', v['disc-lr'], 0, 1);
const alpha = num('alpha', v.alpha, 0, 1e6, false)!;
if (v.loss !== 'mae' && v.loss !== 'mse') fail(`--loss must be "mae" or "mse", got "${v.loss}"`);
if (model === 'classifier') {
  for (const f of ['disc-lr', 'classifier'] as const) if (v[f] !== undefined) fail(`--${f} only applies to --model autoencoder`);
  if (v.loss !== 'mae' || v.alpha !== '1') fail('--loss/--alpha only apply to --model autoencoder');
}
const out = v.out ?? `runs/${model}`;

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
    ae: { loss: v.loss as 'mae' | 'mse', alpha, ...(lr !== undefined ? { lr } : {}), ...(discLr !== undefined ? { discLr } : {}) },
  });
} else {
  res = await runClassifier({ out, epochs, batch, seed, limit, testLimit, resume: v.resume, checkpointEvery, mnistDir: v['mnist-dir'], lr });
}
const s = res.summary as Record<string, unknown>;
const pick = ['testMAE', 'testAccuracy', 'classifier', 'epochsCompleted', 'steps', 'wallSeconds', 'secondsPerStep', 'backend', 'interrupted'];
console.log(JSON.stringify(Object.fromEntries(pick.filter((k) => k in s).map((k) => [k, s[k]])), null, 2));
process.exit(res.interrupted ? 130 : 0);
