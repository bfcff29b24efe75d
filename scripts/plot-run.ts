/**
 * Redraws a training run's loss-curve PNG from its checkpoint (e.g. after changing the plot code):
 *
 *   node_modules/.bin/tsx scripts/plot-run.ts runs/<name> [--out file.png]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCheckpoint } from '../src/train/checkpoint.ts';
import type { LoopState } from '../src/train/loop.ts';
import { writeLossCurves } from '../src/train/run.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
if (positionals.length !== 1) {
  console.error('usage: tsx scripts/plot-run.ts runs/<name> [--out file.png]');
  process.exit(2);
}
const run = resolve(positionals[0]);
const ck = readCheckpoint<LoopState>(join(run, 'checkpoint'));
const s = ck.state;
const out = values.out ? resolve(values.out) : join(run, 'loss-curves.png');
if (s.kind === 'classifier') await writeLossCurves(s, out, 'classifier: training loss', ['testError']);
else await writeLossCurves(s, out, `autoencoder (${String(s.config.loss ?? 'mae').toUpperCase()} + ${s.config.alpha ?? 1}·adversarial): training losses`, ['testMAE']);
console.error(`wrote ${out} (${s.step} steps, ${s.epoch} epochs)`);
