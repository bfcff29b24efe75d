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
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { initBackend } from '../src/backend/index.ts';
import { CliError, intFlag } from '../src/latent/cli.ts';
import { codesGridPng, componentGridPng, LatentModelSet, MIX_MODES, mixClasses, parseClassWeights, type MixMode } from '../src/latent/index.ts';
import { loadAutoencoder } from '../src/models/load.ts';
import { modelsPath } from '../src/util/paths.ts';
import { writePng } from '../src/util/png.ts';

const USAGE = `usage: npm run generate -- --method <m> (--class C [--components P] | --mix ${MIX_MODES.join('|')} --weights c:w,...) [--n 64] [--seed 0] --out file.png
       [--set models/gmm/<m>] [--autoencoder models/autoencoder] [--cols N] [--scale 2] [--backend wasm|cpu]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      method: { type: 'string' }, set: { type: 'string' }, class: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' },
      out: { type: 'string' }, components: { type: 'string' }, mix: { type: 'string' }, weights: { type: 'string' },
      autoencoder: { type: 'string' }, cols: { type: 'string' }, scale: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.method && !values.set) throw new CliError(`--method (or --set) is required\n${USAGE}`);
  if (!values.out) throw new CliError(`--out is required\n${USAGE}`);
  if ((values.class === undefined) === (values.mix === undefined)) throw new CliError(`give exactly one of --class or --mix\n${USAGE}`);
  const n = intFlag('n', values.n, 64, 1, 10_000);
  const seed = intFlag('seed', values.seed, 0, 0, 2 ** 31);
  const scale = intFlag('scale', values.scale, 2, 1, 16);
  const cols = values.cols === undefined ? undefined : intFlag('cols', values.cols, 8, 1, 1000);
  const set = LatentModelSet.load(resolve(values.set ?? modelsPath('gmm', values.method!)));
  // Validate the request against the set before loading any model.
  let job: () => Promise<{ png: Buffer; what: string }>;
  if (values.class !== undefined) {
    const c = intFlag('class', values.class, 0, 0, 1000);
    set.model(c);
    if (values.components !== undefined) {
      const per = intFlag('components', values.components, 8, 1, 100);
      const samples = set.sampleComponents(c, per, seed);
      job = async () => ({ png: await componentGridPng(decoder(), samples, { scale }), what: `class ${c}: ${samples.k} components × ${per} samples (rows = components)` });
    } else {
      const codes = set.sampleClass(c, n, seed);
      job = async () => ({ png: await codesGridPng(decoder(), codes, { cols, scale }), what: `${n} samples of class ${c}` });
    }
  } else {
    const mode = values.mix as MixMode;
    if (!MIX_MODES.includes(mode)) throw new CliError(`--mix must be one of ${MIX_MODES.join(', ')}, got "${values.mix}"`);
    if (!values.weights) throw new CliError('--mix needs --weights, e.g. --weights 0:0.5,3:0.5');
    const r = mixClasses(set, mode, parseClassWeights(values.weights), n, seed);
    job = async () => ({
      png: await codesGridPng(decoder(), r, { cols, scale }),
      what: `${n} ${mode} samples of classes ${r.weights.classes.map((c, i) => `${c}:${r.weights.weights[i].toFixed(3)}`).join(', ')}`,
    });
  }
  await initBackend({ prefer: values.backend, quiet: true });
  const ae = await loadAutoencoder(values.autoencoder ? resolve(values.autoencoder) : undefined);
  const decoder = () => ae.decoder;
  const { png, what } = await job();
  writePng(resolve(values.out), png);
  console.log(`${set.method}: ${what}, seed ${seed} → ${values.out} (${(png.length / 1024).toFixed(1)} KB)`);
}

main().catch((e: Error) => {
  console.error(`generate: ${e.message}`);
  process.exit(1);
});
