/**
 * Style blending from the command line.
 *
 *   npm run style -- --styles a.jpg,b.jpg --ratio 0.2 --content c.jpg --samples 4 --out dir
 *
 * A style given as a bare name (e.g. starry_night) is looked up in the assets folder
 * (the download cache's styles/ (npm run fetch-assets), then ../shared/assets/styles). Writes <out>/style-<i>.png and <out>/job.json.
 * Every flag is checked before any work (src/cli/args.ts, with the library's ranges from
 * src/style/defaults.ts); the rest (image sizes, non-finite losses) is checked by runStyleJob.
 *
 * On a machine with at most 2 processors, jobs of at most 256 px run the wasm backend on one thread unless
 * GMMGEN_WASM_THREADS says otherwise: measured with the whole process, the two thread counts alternating, one
 * thread took the same wall time at 256 px for 1.3–1.4× less CPU and ~1 s less start-up, while at 512 px two
 * threads were faster (60.6 vs 70.1 s) (docs/RESULTS.md, issue 12).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCli, UsageError } from '../src/cli/args.ts';
import { checkFilePath, writeFileAtomic } from '../src/util/output.ts';
import { cachePath, sharedDir } from '../src/util/paths.ts';
import { COLOUR_LOSS_MODES, COVARIANCE_ESTIMATES, EXTRACTOR_NAMES, GRAM_DRAWS, GRAM_METHODS, STYLE_BLENDS, GRAM_MODEL_DEFAULTS as G, STYLE_DEFAULTS as D, STYLE_LIMITS as L, styleCliWasmThreads } from '../src/style/defaults.ts';
import type { StyleJobOptions } from '../src/style/index.ts';

const cli = parseCli({
  name: 'style',
  usage: 'npm run style -- --styles A[,B] [--ratio 0.5] [--content c.jpg] [--samples 1] [--size 256] [--iterations 80] [--out DIR] ...',
  description:
    'Style blending: Gram matrices (and colour moments) of random crops of one or two paintings, a GMM over them, and\n' +
    'multi-scale L-BFGS synthesis from sampled Gram sets. Writes <out>/style-<i>.png and <out>/job.json.\n' +
    'A bare style name (starry_night) is looked up in .cache/styles (npm run fetch-assets), then the shared folder.',
  flags: {
    styles: { type: 'list', required: true, meta: 'A.jpg[,B.jpg]', help: 'one or two style images (paths, or painting names such as starry_night)' },
    ratio: { type: 'number', min: 0, max: 1, help: 'share of style B (default 0.5)' },
    blend: { type: 'choice', choices: STYLE_BLENDS, help: `data: crop datasets in proportion (the paper's); weights: the two fitted GMMs as one mixture; grams: each image from the ratio's average of one Gram set per painting (default ${D.blend})` },
    content: { type: 'string', meta: 'FILE', help: 'content image (omit for texture synthesis)' },
    samples: { type: 'int', min: 1, max: L.maxSamples, help: `output images, each from its own sampled Gram set (default ${D.samples})` },
    mode: { type: 'choice', choices: ['sampled', 'mean'], help: 'sampled Grams (default) or deterministic Gatys with the mean Gram' },
    method: { type: 'choice', choices: GRAM_METHODS, help: `Gram model (default ${D.method}; fixed-basis is the paper's per-entry model)` },
    'gram-coords': { type: 'choice', choices: ['cholesky', 'gram'], help: `PCA Gram models: each crop's Cholesky factor (samples PSD by construction) or the Gram itself (samples projected onto the PSD cone; the model before the sixth pass of issue 12 is --gram-coords gram --pca-dim 4); default ${G.coordinates}` },
    draws: { type: 'choice', choices: GRAM_DRAWS, help: `PCA Gram models: how the samples pick their GMM components — each its own draw (independent) or the components covered in proportion to their weights (stratified); default ${D.draws}` },
    'cov-estimate': { type: 'choice', choices: COVARIANCE_ESTIMATES, help: `PCA Gram models: each GMM component's covariance with the Bessel correction for its few crops (unbiased) or as fitted (ml, maximum likelihood); default ${G.covarianceEstimate}` },
    'pca-dim': { type: 'int', min: 1, max: 64, help: `PCA Gram models: principal components per layer (default ${G.pcaDim}, at most crops − 1; ${G.fitDim} of them fitted by the GMM, the rest a Gaussian tail)` },
    size: { type: 'int', min: L.minSize, max: L.maxSize, help: `long side of the output in pixels, sides rounded to multiples of 16 (default ${D.size})` },
    iterations: { type: 'int', min: 1, max: L.maxIterations, help: `optimisation iterations per image over all scales (default ${D.iterations})` },
    optimizer: { type: 'choice', choices: ['lbfgs', 'adam'], help: `(default ${D.optimizer})` },
    scales: { type: 'list', of: 'number', gt: 0, max: 1, meta: '0.5,1', help: `coarse-to-fine sizes as fractions of --size (default ${D.scales.join(',')})` },
    crops: { type: 'int', min: 2, max: L.maxCrops, help: `random crops per style (default ${D.crops})` },
    'crop-size': { type: 'int', min: L.minStyleSide, max: L.maxSize, help: 'crop side (default: size)' },
    init: { type: 'choice', choices: ['palette', 'content', 'noise'], help: 'start image (default palette: smooth noise in the palette’s colours, or the content recoloured to them)' },
    'content-weight': { type: 'number', min: 0, max: L.maxWeight, help: `(default ${D.contentWeight})` },
    'style-weight': { type: 'number', gt: 0, max: L.maxWeight, help: `(default ${D.styleWeight})` },
    'colour-weight': { type: 'number', min: 0, max: L.maxWeight, help: `weight of the colour loss towards the palette (default ${D.colourWeight})` },
    'colour-loss': { type: 'choice', choices: COLOUR_LOSS_MODES, help: `what the colour loss holds to the palette: moments (RGB mean and covariance) or mean (the RGB mean only; the spread left to the Grams); default ${D.colourLoss}` },
    'tv-weight': { type: 'number', min: 0, max: L.maxWeight, help: 'squared TV of the luminance (default 0)' },
    'tv-chroma-weight': { type: 'number', min: 0, max: L.maxWeight, help: `squared TV of the chroma (default ${D.tvChromaWeight})` },
    'deviation-gain': { type: 'list', of: 'number', min: 0, max: L.maxGain, repeats: true, meta: 'g1,g2,…', help: `per style layer, the gain on each sampled Gram's deviation from the style's mean Gram in the synthesis target; the last value serves the remaining layers; 1 = the draws as they are (default ${D.deviationGain.join(',')})` },
    lr: { type: 'number', gt: 0, max: L.maxLr, help: `Adam's step size (default ${D.lr})` },
    'no-colour': { type: 'boolean', help: 'do not model the colours (no palette start, no colour loss)' },
    palette: { type: 'string', meta: 'style|sample|λ', help: "colours to aim for: the painting's (style, default), each sampled set's own (sample), or a mix with share λ in [0, 1] of the sample's" },
    smoothing: { type: 'number', gt: 0, max: 1000, meta: 'T', help: 'softmax activation smoothing with temperature T (default off)' },
    extractor: { type: 'choice', choices: EXTRACTOR_NAMES, help: 'mobilenet (default) or vgg19 (npm run fetch-models -- --vgg19)' },
    'model-dir': { type: 'string', meta: 'DIR', help: 'extractor weights folder' },
    'style-layers': { type: 'list', meta: 'a,b,c', help: 'style layers' },
    'content-layer': { type: 'string', meta: 'L', help: 'content layer' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, help: 'seed of the sampled Gram sets, palettes and start images (default 0)' },
    'model-seed': { type: 'int', min: 0, max: 2 ** 31 - 1, help: 'seed of the crops and the Gram-model fit (default 0)' },
    'preview-every': { type: 'int', min: 1, help: 'write <out>/preview.png every N iterations' },
    backend: { type: 'string', help: 'force a tfjs backend (wasm, cpu, node, ...)' },
    out: { type: 'string', meta: 'DIR', default: 'out/style', help: 'output folder' },
  },
});
const values = cli.values;
if (values.styles.length > 2) throw new UsageError(`--styles must list one or two images, got ${values.styles.length}`);
const out = resolve(values.out);
if (existsSync(out)) checkFilePath(join(out, 'job.json'), '--out');

function resolveStyle(s: string): string {
  if (existsSync(s)) return s;
  const names = [s, `${s}.jpg`, `${s}.png`];
  const dirs = [cachePath('styles')];
  const sd = sharedDir();
  if (sd) dirs.push(join(sd, 'assets', 'styles'));
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return s; // loadImage reports it as not found
}

/** --palette: 'style', 'sample' or a share λ in [0, 1]. */
function paletteFlag(v: string | undefined): StyleJobOptions['palette'] {
  if (v === undefined || v === 'style' || v === 'sample') return v;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`--palette must be style, sample or a number in [0, 1], got "${v}"`);
  return x;
}

const opts: StyleJobOptions = {
  styles: values.styles.map(resolveStyle),
  ratio: values.ratio,
  blend: values.blend,
  content: values.content ? resolveStyle(values.content) : null,
  samples: values.samples,
  mode: values.mode,
  method: values.method,
  coordinates: values['gram-coords'] as StyleJobOptions['coordinates'],
  pcaDim: values['pca-dim'],
  covarianceEstimate: values['cov-estimate'] as StyleJobOptions['covarianceEstimate'],
  draws: values.draws as StyleJobOptions['draws'],
  size: values.size,
  iterations: values.iterations,
  optimizer: values.optimizer,
  scales: values.scales,
  crops: values.crops,
  cropSize: values['crop-size'],
  init: values.init,
  contentWeight: values['content-weight'],
  styleWeight: values['style-weight'],
  colourWeight: values['colour-weight'],
  colourLoss: values['colour-loss'] as StyleJobOptions['colourLoss'],
  tvWeight: values['tv-weight'],
  tvChromaWeight: values['tv-chroma-weight'],
  deviationGain: values['deviation-gain'],
  lr: values.lr,
  colour: values['no-colour'] ? false : undefined,
  palette: paletteFlag(values.palette),
  smoothing: values.smoothing,
  extractor: values.extractor,
  modelDir: values['model-dir'],
  styleLayers: values['style-layers'],
  contentLayer: values['content-layer'],
  seed: values.seed,
  modelSeed: values['model-seed'],
  previewEvery: values['preview-every'],
  backend: values.backend,
};

// One wasm thread on ≤ 2 processors up to 256 px (see the top of this file); set before the backend is loaded.
const threads = styleCliWasmThreads(process.env, cpus().length, values.size ?? D.size);
if (threads) process.env.GMMGEN_WASM_THREADS = threads;
const { runStyleJob, checkStyleJobOptions } = await import('../src/style/index.ts');
try {
  checkStyleJobOptions(opts);
} catch (e) {
  // Cross-flag rules (scales ascending and ending at 1, --init palette with --no-colour, ...): a usage error.
  throw new UsageError((e as Error).message.replace(/^([a-zA-Z]+)/, (m) => `--${m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));
}
const { ProgressBar, formatDuration } = await import('../src/util/progress.ts');
const { writePng } = await import('../src/util/png.ts');

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const bar = new ProgressBar({ total: 1000, label: 'style' });
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort(new Error('interrupted')));
  const t0 = performance.now();
  const res = await runStyleJob(opts, {
    signal: ac.signal,
    onProgress: (p) => {
      const vals: Record<string, number | string> = { stage: p.stage };
      if (p.stage === 'synth') {
        vals.image = `${(p.sample ?? 0) + 1}/${p.samples}`;
        vals.it = `${p.iteration}/${p.iterations}`;
        if (p.loss !== undefined) vals.loss = p.loss;
      }
      bar.update(Math.round(1000 * p.fraction), vals);
      if (p.preview) writePng(join(out, 'preview.png'), p.preview);
    },
  });
  bar.done();
  const wall = (performance.now() - t0) / 1000;
  res.images.forEach((png, i) => writePng(join(out, `style-${i}.png`), png));
  const { images: _i, raw: _r, targets: _t, ...summary } = res;
  writeFileAtomic(join(out, 'job.json'), JSON.stringify({ options: { ...opts }, wallSeconds: wall, secondsPerImage: wall / res.images.length, ...summary }, null, 2));
  console.log(
    `wrote ${res.images.length} image(s) ${res.width}×${res.height} to ${out} in ${formatDuration(wall)} ` +
      `(${(wall / res.images.length).toFixed(1)} s/image; median ${res.secondsPerIteration.toFixed(3)} s per full-size iteration)`,
  );
}

await main();
