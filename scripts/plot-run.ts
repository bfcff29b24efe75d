/**
 * Redraws a training run's loss-curve PNG from its checkpoint (e.g. after changing the plot code):
 *
 *   node_modules/.bin/tsx scripts/plot-run.ts runs/<name> [--out file.png]
 */
import { join, resolve } from 'node:path';
import { parseCli } from '../src/cli/args.ts';
import { claimOutput } from '../src/util/output.ts';
import type { LoopState } from '../src/train/loop.ts';

const { values, positionals } = parseCli({
  name: 'plot-run',
  usage: 'node_modules/.bin/tsx scripts/plot-run.ts runs/<name> [--out file.png]',
  description: "Redraws a training run's loss-curve PNG from its checkpoint.",
  flags: { out: { type: 'string', meta: 'FILE', help: 'PNG to write (default <run>/loss-curves.png)' } },
  positionals: { min: 1, max: 1, meta: 'the run folder' },
});
const { readCheckpoint } = await import('../src/train/checkpoint.ts');
const { writeLossCurves } = await import('../src/train/run.ts');
const run = resolve(positionals[0]);
const ck = readCheckpoint<LoopState>(join(run, 'checkpoint'));
const s = ck.state;
const out = claimOutput(values.out ?? join(run, 'loss-curves.png'), { explicit: true });
if (s.kind === 'classifier') await writeLossCurves(s, out, 'classifier: training loss', ['testError']);
else await writeLossCurves(s, out, `autoencoder (${String(s.config.loss ?? 'mae').toUpperCase()} + ${s.config.alpha ?? 1}·adversarial): training losses`, ['testMAE']);
console.error(`wrote ${out} (${s.step} steps, ${s.epoch} epochs)`);
