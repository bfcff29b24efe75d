/**
 * Writes the latent codes of the MNIST train and test sets under the trained encoder:
 *
 *   npm run encode -- [--model models/autoencoder] [--out artifacts/codes] [--limit N] [--batch 500]
 *
 * Output: <out>/train.json + train.f32 and <out>/test.json + test.f32 (format in src/latent/codes.ts).
 */
import { relative, resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend/index.ts';
import { limitSet, loadMnistSplit } from '../src/data/mnist.ts';
import { writeCodes } from '../src/latent/codes.ts';
import { loadAutoencoder } from '../src/models/load.ts';
import { encodeImages } from '../src/train/autoencoder.ts';
import { modelsPath, repoRoot } from '../src/util/paths.ts';

function fail(msg: string): never {
  console.error(`encode: ${msg}\nusage: npm run encode -- [--model DIR] [--out DIR] [--limit N] [--batch N]`);
  process.exit(2);
}
let v;
try {
  v = parseArgs({
    strict: true,
    options: {
      model: { type: 'string', default: modelsPath('autoencoder') },
      out: { type: 'string', default: join(repoRoot, 'artifacts', 'codes') },
      limit: { type: 'string' },
      batch: { type: 'string', default: '500' },
      backend: { type: 'string' },
      'mnist-dir': { type: 'string' },
    },
  }).values;
} catch (e) {
  fail((e as Error).message);
}
const int = (name: string, s: string | undefined) => {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got "${s}"`);
  return n;
};
const limit = int('limit', v.limit);
const batch = int('batch', v.batch)!;
await initBackend({ prefer: v.backend });
const ae = await loadAutoencoder(resolve(v.model!));
const source = relative(repoRoot, ae.dir) || ae.dir;
for (const [name, split] of [['train', 'train'], ['test', 't10k']] as const) {
  let set = loadMnistSplit(split, { dir: v['mnist-dir'] });
  if (limit !== undefined) set = limitSet(set, limit);
  const t0 = performance.now();
  const data = encodeImages(ae.encoder, set.images, batch);
  const d = data.length / set.n;
  const { json } = writeCodes(join(resolve(v.out!), name), {
    data,
    n: set.n,
    d,
    labels: set.labels,
    sourceModel: source,
    meta: { split: name, mnistSplit: split, encoderSteps: (ae.summary as { steps?: number } | null)?.steps ?? null, testMAE: (ae.summary as { testMAE?: number } | null)?.testMAE ?? null },
  });
  console.error(`[encode] ${name}: ${set.n} codes × ${d} → ${json} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
