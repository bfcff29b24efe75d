/**
 * Which synthesis helpers make clean textures with MobileNet (issue 12): one painting's mean Gram (16
 * random crops, no GMM) as the target, one image per variant, measured against the painting resized to
 * the same size (metrics.ts): high-frequency energy of Y and of Cb/Cr as ratios, the largest colour
 * mean / standard-deviation gap, the final relative style loss. The variants are the presets below.
 *
 *   nice -n 10 npm run study:style-ablation -- --size 256 --iterations 100 --variants ms2,ms2-col [--content shipwreck]
 *       [--painting starry_night] [--img DIR] [--out FILE] [--force]
 * (the variants named content-* need --content).
 *
 * Writes FILE (JSON, default docs/results/style-ablation-<size>.json) and one PNG per variant plus a
 * sheet of them into DIR (default artifacts/style-ablation).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot, sharedPath } from '../../src/util/paths.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';
import type { SynthOptions } from '../../src/style/synth.ts';

/** The variants of docs/RESULTS.md (style, issue 12). `smooth`: softmax temperature of the extractor. */
const VARIANTS: Record<string, { smooth?: number; opts: SynthOptions }> = {
  adam: { opts: { optimizer: 'adam', init: 'noise' } },
  lbfgs: { opts: { init: 'noise' } },
  'lbfgs-pal': { opts: { init: 'palette' } },
  'lbfgs-pal-tv': { opts: { init: 'palette', tvWeight: 0.5, tvChromaWeight: 5 } },
  'lbfgs-pal-sm1': { smooth: 1, opts: { init: 'palette' } },
  'lbfgs-pal-sm3': { smooth: 3, opts: { init: 'palette' } },
  'adam-pal-tv': { opts: { optimizer: 'adam', init: 'palette', tvWeight: 0.5, tvChromaWeight: 5 } },
  ms2: { opts: { init: 'palette', scales: [0.5, 1] } },
  ms3: { opts: { init: 'palette', scales: [0.25, 0.5, 1] } },
  'ms2-sm1': { smooth: 1, opts: { init: 'palette', scales: [0.5, 1] } },
  'ms2-tvc1': { opts: { init: 'palette', scales: [0.5, 1], tvChromaWeight: 1 } },
  'ms2-tv-light': { opts: { init: 'palette', scales: [0.5, 1], tvWeight: 0.05, tvChromaWeight: 0.5 } },
  'ms2-col': { opts: { init: 'palette', scales: [0.5, 1], colourWeight: 1 } },
  'content-adam': { opts: { optimizer: 'adam', init: 'content' } },
  'content-lbfgs': { opts: { init: 'content' } },
  'content-ms2-col': { opts: { init: 'palette', scales: [0.5, 1], colourWeight: 1 } },
};

const cli = parseCli({
  name: 'study:style-ablation',
  usage: 'npm run study:style-ablation -- [--size 256] [--iterations 100] [--variants a,b] [--painting NAME] [--content NAME] [--img DIR] [--out FILE] [--force]',
  description: `One image per synthesis variant against one painting's mean Gram; picture measures against the painting.\nVariants: ${Object.keys(VARIANTS).join(', ')}.`,
  flags: {
    size: { type: 'int', min: 32, max: 1024, default: 256 },
    iterations: { type: 'int', min: 1, max: 5000, default: 100 },
    variants: { type: 'list', choices: Object.keys(VARIANTS), help: 'default: every texture variant' },
    painting: { type: 'string', default: 'starry_night', help: 'style painting (name in the shared paintings)' },
    content: { type: 'string', help: 'content painting (name) for the content variants' },
    img: { type: 'string', meta: 'DIR', default: join(repoRoot, 'artifacts', 'style-ablation'), help: 'pictures' },
    out: { type: 'string', meta: 'FILE', help: 'results JSON (default docs/results/style-ablation-<size>.json)' },
    force: { type: 'boolean', help: 'replace an existing results file' },
  },
});
const args = cli.values;
const SIZE = args.size;
const ITERS = args.iterations;
const NAMES = args.variants ?? Object.keys(VARIANTS).filter((k) => !k.startsWith('content'));
const IMG = resolve(args.img);
const OUT = claimOutput(resolve(args.out ?? join(repoRoot, 'docs', 'results', `style-ablation-${SIZE}.json`)), { explicit: cli.given.has('out'), force: args.force });

const { initBackend } = await import('../../src/backend/index.ts');
const { loadMobileNet } = await import('../../src/style/extractor.ts');
const { encodePng, loadImage } = await import('../../src/style/images.ts');
const { datasetMean, gramDataset } = await import('../../src/style/dataset.ts');
const { triToGram } = await import('../../src/style/gram.ts');
const { imagePalette, synthesize } = await import('../../src/style/synth.ts');
const { colourStats, colourStatsGap, hfEnergy } = await import('../../src/style/metrics.ts');

async function main(): Promise<void> {
  await initBackend({ prefer: 'wasm', quiet: true });
  mkdirSync(IMG, { recursive: true });
  const painting = args.painting;
  const A = await loadImage(sharedPath('assets', 'styles', `${painting}.jpg`), { maxSide: 2 * SIZE, enlarge: true });
  const content = args.content ? await loadImage(sharedPath('assets', 'styles', `${args.content}.jpg`)) : null;
  const ref = await loadImage(sharedPath('assets', 'styles', `${painting}.jpg`), { maxSide: SIZE, enlarge: true });
  const rh = hfEnergy(ref), rc = colourStats(ref);
  const palette = imagePalette(ref);
  const extractors = new Map<number, { ex: FeatureExtractor; targets: Float32Array[] }>();
  const rows: Record<string, unknown>[] = [];
  for (const name of NAMES) {
    const v = VARIANTS[name];
    const T = v.smooth ?? 0;
    let e = extractors.get(T);
    if (!e) {
      const ex = await loadMobileNet({ smoothing: T ? { temperature: T } : null });
      const ds = await gramDataset(ex, A, { crops: 16, cropSize: SIZE, seed: 1, pixelMoments: false });
      const m = datasetMean(ds);
      e = { ex, targets: ds.channels.map((c, l) => Float32Array.from(triToGram(m[l], c))) };
      extractors.set(T, e);
    }
    const t0 = performance.now();
    const r = await synthesize(e.ex, e.targets, { size: SIZE, iterations: ITERS, seed: 1, content, palette, ...v.opts });
    const h = hfEnergy(r.image), gap = colourStatsGap(colourStats(r.image), rc);
    const row = {
      variant: name, ...v, yRatio: h.y / rh.y, chromaRatio: h.chroma / rh.chroma, colourMeanGap: gap.mean, colourStdGap: gap.std,
      styleLoss: r.styleLoss.at(-1), contentLoss: r.contentLoss.at(-1), evaluations: r.evaluations, seconds: (performance.now() - t0) / 1000,
    };
    rows.push(row);
    console.error(JSON.stringify(row));
    writeFileSync(join(IMG, `${name}-${SIZE}.png`), await encodePng(r.image));
  }
  const result = { date: new Date().toISOString(), painting, content: args.content ?? null, size: SIZE, iterations: ITERS, reference: { hf: rh, colour: rc }, rows };
  writeFileAtomic(OUT, JSON.stringify(result, null, 2));
}

await main();
