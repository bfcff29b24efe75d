/**
 * Generates digits from a latent GMM set and writes a PNG grid.
 *
 *   npm run generate -- --method sw --class 3 --n 64 --seed 1 --out x.png
 *   npm run generate -- --method sw --class 3 --components 8 --out rows.png     # rows = components, 8 each
 *   npm run generate -- --method sw --mix blend --weights 0:0.5,3:0.5 --n 64 --out mix.png
 *        (--mix mixture|blend|interpolate; --weights "c:w,c:w" or "c,c" for equal weights)
 *
 * Options: --set <dir> (default models/gmm/<method>), --autoencoder <dir> (default models/autoencoder),
 * --cols N, --scale N (default 2), --backend cpu|wasm|...
 */
import { resolve } from 'node:path';
import { parseCli, UsageError } from '../src/cli/args.ts';
import { MIX_MODES, parseClassWeights } from '../src/latent/mixing.ts';
import { claimOutput } from '../src/util/output.ts';
import { modelsPath } from '../src/util/paths.ts';

const cli = parseCli({
  name: 'generate',
  usage: `npm run generate -- --method <m> (--class C [--components P] | --mix ${MIX_MODES.join('|')} --weights c:w,...) [--n 64] [--seed 0] --out file.png
       [--set models/gmm/<m>] [--autoencoder models/autoencoder] [--cols N] [--scale 2] [--backend wasm|cpu]`,
  description: 'Generates digits from a latent GMM set and writes a PNG grid.',
  flags: {
    method: { type: 'string', help: 'latent set under models/gmm/ (or give --set)' },
    set: { type: 'string', meta: 'DIR', help: 'latent set folder' },
    class: { type: 'int', min: 0, max: 1000, help: 'digit class to sample' },
    components: { type: 'int', min: 1, max: 100, help: 'with --class: this many samples of each component, one row per component' },
    mix: { type: 'choice', choices: MIX_MODES, help: 'mix classes instead of --class' },
    weights: { type: 'string', meta: 'C:W,...', help: 'with --mix: class weights ("3:0.5,8:0.5", or "3,8" for equal weights)' },
    n: { type: 'int', min: 1, max: 10_000, default: 64, help: 'images' },
    seed: { type: 'int', min: 0, max: 2 ** 31, default: 0 },
    out: { type: 'string', meta: 'FILE', required: true, help: 'PNG file to write' },
    autoencoder: { type: 'string', meta: 'DIR', help: 'autoencoder folder (default models/autoencoder)' },
    cols: { type: 'int', min: 1, max: 1000, help: 'grid columns' },
    scale: { type: 'int', min: 1, max: 16, default: 2, help: 'pixel upscaling' },
    backend: { type: 'string', help: 'tfjs backend (wasm, cpu, ...)' },
  },
});
const args = cli.values;
if (!args.method && !args.set) throw new UsageError('--method (or --set) is required');
if ((args.class === undefined) === (args.mix === undefined)) throw new UsageError('give exactly one of --class or --mix');
if (args.components !== undefined && args.class === undefined) throw new UsageError('--components goes with --class');
if (args.mix !== undefined && !args.weights) throw new UsageError('--mix needs --weights, e.g. --weights 0:0.5,3:0.5');
if (args.mix === undefined && args.weights !== undefined) throw new UsageError('--weights goes with --mix');
let weights: [number, number][] | null = null;
try {
  weights = args.weights === undefined ? null : parseClassWeights(args.weights);
} catch (e) {
  throw new UsageError(`--weights: ${(e as Error).message}`);
}
const outPath = claimOutput(args.out, { explicit: true });

const { initBackend } = await import('../src/backend/index.ts');
const { codesGridPng, componentGridPng, LatentModelSet, mixClasses } = await import('../src/latent/index.ts');
const { loadAutoencoder } = await import('../src/models/load.ts');
const { writePng } = await import('../src/util/png.ts');

async function main(): Promise<void> {
  const { n, seed, scale, cols } = args;
  const set = LatentModelSet.load(resolve(args.set ?? modelsPath('gmm', args.method!)));
  // Validate the request against the set before loading any model.
  let job: () => Promise<{ png: Buffer; what: string }>;
  if (args.class !== undefined) {
    const c = args.class;
    set.model(c);
    if (args.components !== undefined) {
      const per = args.components;
      const samples = set.sampleComponents(c, per, seed);
      job = async () => ({ png: await componentGridPng(decoder(), samples, { scale }), what: `class ${c}: ${samples.k} components × ${per} samples (rows = components)` });
    } else {
      const codes = set.sampleClass(c, n, seed);
      job = async () => ({ png: await codesGridPng(decoder(), codes, { cols, scale }), what: `${n} samples of class ${c}` });
    }
  } else {
    const mode = args.mix!;
    const r = mixClasses(set, mode, weights!, n, seed);
    job = async () => ({
      png: await codesGridPng(decoder(), r, { cols, scale }),
      what: `${n} ${mode} samples of classes ${r.weights.classes.map((c, i) => `${c}:${r.weights.weights[i].toFixed(3)}`).join(', ')}`,
    });
  }
  await initBackend({ prefer: args.backend, quiet: true });
  const ae = await loadAutoencoder(args.autoencoder ? resolve(args.autoencoder) : undefined);
  const decoder = () => ae.decoder;
  const { png, what } = await job();
  writePng(outPath, png);
  console.log(`${set.method}: ${what}, seed ${seed} → ${args.out} (${(png.length / 1024).toFixed(1)} KB)`);
}

await main();
