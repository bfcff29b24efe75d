/**
 * Writes the latent codes of the MNIST train and test sets under the trained encoder:
 *
 *   npm run encode -- [--model models/autoencoder] [--out artifacts/codes] [--limit N] [--batch 500] [--force]
 *
 * Output: <out>/train.json + train.f32 and <out>/test.json + test.f32 (format in src/latent/codes.ts).
 */
import { relative, resolve, join } from 'node:path';
import { parseCli } from '../src/cli/args.ts';
import { claimOutputDir } from '../src/util/output.ts';
import { modelsPath, repoRoot } from '../src/util/paths.ts';

const cli = parseCli({
  name: 'encode',
  usage: 'npm run encode -- [--model models/autoencoder] [--out artifacts/codes] [--limit N] [--batch 500] [--force]',
  description: 'Writes the latent codes of the MNIST train and test sets under the trained encoder (<out>/train.* and <out>/test.*).',
  flags: {
    model: { type: 'string', meta: 'DIR', default: modelsPath('autoencoder'), help: 'autoencoder folder' },
    out: { type: 'string', meta: 'DIR', default: join(repoRoot, 'artifacts', 'codes'), help: 'codes folder' },
    limit: { type: 'int', min: 1, help: 'digits per split at most' },
    batch: { type: 'int', min: 1, max: 60_000, default: 500 },
    backend: { type: 'string', help: 'tfjs backend' },
    'mnist-dir': { type: 'string', meta: 'DIR', help: 'MNIST files folder' },
    force: { type: 'boolean', help: 'replace codes already in the default --out folder' },
  },
});
const v = cli.values;
const { limit, batch } = v;
const outDir = claimOutputDir(v.out, ['train.json', 'train.f32', 'test.json', 'test.f32'], { explicit: cli.given.has('out'), force: v.force, meta: 'DIR' });

const { initBackend } = await import('../src/backend/index.ts');
const { limitSet, loadMnistSplit } = await import('../src/data/mnist.ts');
const { writeCodes } = await import('../src/latent/codes.ts');
const { loadAutoencoder } = await import('../src/models/load.ts');
const { encodeImages } = await import('../src/train/autoencoder.ts');

await initBackend({ prefer: v.backend });
const ae = await loadAutoencoder(resolve(v.model));
const source = relative(repoRoot, ae.dir) || ae.dir;
for (const [name, split] of [['train', 'train'], ['test', 't10k']] as const) {
  let set = loadMnistSplit(split, { dir: v['mnist-dir'] });
  if (limit !== undefined) set = limitSet(set, limit);
  const t0 = performance.now();
  const data = encodeImages(ae.encoder, set.images, batch);
  const d = data.length / set.n;
  const { json } = writeCodes(join(outDir, name), {
    data,
    n: set.n,
    d,
    labels: set.labels,
    sourceModel: source,
    meta: { split: name, mnistSplit: split, encoderSteps: (ae.summary as { steps?: number } | null)?.steps ?? null, testMAE: (ae.summary as { testMAE?: number } | null)?.testMAE ?? null },
  });
  console.error(`[encode] ${name}: ${set.n} codes × ${d} → ${json} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
