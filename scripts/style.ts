/**
 * Style blending from the command line.
 *
 *   npm run style -- --styles a.jpg,b.jpg --ratio 0.2 --content c.jpg --samples 4 --out dir
 *
 * A style given as a bare name (e.g. starry_night) is looked up in the assets folder
 * (<repo>/assets/styles, then ../shared/assets/styles). Writes <out>/style-<i>.png and <out>/job.json.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCli, UsageError } from '../src/cli/args.ts';
import { checkFilePath, writeFileAtomic } from '../src/util/output.ts';
import { repoRoot, sharedDir } from '../src/util/paths.ts';
import type { GramMethod, ExtractorName, StyleJobOptions } from '../src/style/index.ts';

const cli = parseCli({
  name: 'style',
  usage: 'npm run style -- --styles A[,B] [--ratio 0.5] [--content c.jpg] [--samples 1] [--size 256] [--iterations 150] [--out DIR] ...',
  description: 'Style blending: Gram matrices of random crops of one or two paintings, a GMM over them, Gatys synthesis from sampled Grams.\nWrites <out>/style-<i>.png and <out>/job.json. A bare style name (starry_night) is looked up in assets/styles.',
  flags: {
    styles: { type: 'list', required: true, meta: 'A.jpg[,B.jpg]', help: 'one or two style images (paths, or names in assets/styles)' },
    ratio: { type: 'number', min: 0, max: 1, help: 'share of style B (default 0.5)' },
    blend: { type: 'choice', choices: ['data', 'weights'], help: 'blend crop datasets in proportion (default) or mix two fitted GMMs' },
    content: { type: 'string', meta: 'FILE', help: 'content image (omit for texture synthesis from noise)' },
    samples: { type: 'int', min: 1, max: 64, help: 'output images, each from its own sampled Gram set (default 1)' },
    mode: { type: 'choice', choices: ['sampled', 'mean'], help: 'sampled Grams (default) or deterministic Gatys with the mean Gram' },
    method: { type: 'string', meta: 'M', help: 'Gram model: fixed-basis (default), pca-sw, pca-sc2, pca-em' },
    size: { type: 'int', min: 32, max: 2048, help: 'long side of the output in pixels (default 256)' },
    iterations: { type: 'int', min: 1, max: 100_000, help: 'optimisation iterations (default 150)' },
    crops: { type: 'int', min: 1, max: 10_000, help: 'random crops per style (default 24)' },
    'crop-size': { type: 'int', min: 16, max: 2048, help: 'crop side (default: size)' },
    init: { type: 'choice', choices: ['content', 'noise'], help: 'initial image (default content when given)' },
    'content-weight': { type: 'number', help: '(default 0.6)' },
    'style-weight': { type: 'number', help: '(default 1)' },
    lr: { type: 'number', help: 'learning rate (default 0.02)' },
    extractor: { type: 'string', meta: 'NAME', help: 'mobilenet (default) or vgg19' },
    'model-dir': { type: 'string', meta: 'DIR', help: 'extractor weights folder' },
    'style-layers': { type: 'list', meta: 'a,b,c', help: 'style layers' },
    'content-layer': { type: 'string', meta: 'L', help: 'content layer' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, help: '(default 0)' },
    'preview-every': { type: 'int', min: 1, help: 'write <out>/preview.png every N iterations' },
    backend: { type: 'string', help: 'force a tfjs backend (wasm, cpu, node, ...)' },
    out: { type: 'string', meta: 'DIR', default: 'out/style', help: 'output folder' },
  },
});
const values = cli.values;
if (values.styles.length > 2) throw new UsageError(`--styles must list one or two images, got ${values.styles.length}`);
const out = resolve(values.out);
if (existsSync(out)) checkFilePath(join(out, 'job.json'), '--out');

const { ProgressBar } = await import('../src/util/progress.ts');
const { writePng } = await import('../src/util/png.ts');
const { runStyleJob, GRAM_METHODS, EXTRACTOR_NAMES } = await import('../src/style/index.ts');

function resolveStyle(s: string): string {
  if (existsSync(s)) return s;
  const names = [s, `${s}.jpg`, `${s}.png`];
  const dirs = [join(repoRoot, 'assets', 'styles')];
  const sd = sharedDir();
  if (sd) dirs.push(join(sd, 'assets', 'styles'));
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return s; // loadImage reports it as not found
}

async function main(): Promise<void> {
  const method = values.method as GramMethod | undefined;
  if (method && !GRAM_METHODS.includes(method)) throw new UsageError(`--method must be one of ${GRAM_METHODS.join(', ')}, got "${method}"`);
  const extractor = values.extractor as ExtractorName | undefined;
  if (extractor && !EXTRACTOR_NAMES.includes(extractor)) throw new UsageError(`--extractor must be one of ${EXTRACTOR_NAMES.join(', ')}, got "${extractor}"`);
  const opts: StyleJobOptions = {
    styles: values.styles.map(resolveStyle),
    ratio: values.ratio,
    blend: values.blend,
    content: values.content ? resolveStyle(values.content) : null,
    samples: values.samples,
    mode: values.mode,
    method,
    size: values.size,
    iterations: values.iterations,
    crops: values.crops,
    cropSize: values['crop-size'],
    init: values.init,
    contentWeight: values['content-weight'],
    styleWeight: values['style-weight'],
    lr: values.lr,
    extractor,
    modelDir: values['model-dir'],
    styleLayers: values['style-layers'],
    contentLayer: values['content-layer'],
    seed: values.seed,
    previewEvery: values['preview-every'],
    backend: values.backend,
  };
  mkdirSync(out, { recursive: true });
  const bar = new ProgressBar({ total: 1000, label: 'style' });
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort(new Error('interrupted')));
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
  res.images.forEach((png, i) => writePng(join(out, `style-${i}.png`), png));
  const { images: _i, raw: _r, targets: _t, ...summary } = res;
  writeFileAtomic(join(out, 'job.json'), JSON.stringify({ options: { ...opts }, ...summary }, null, 2));
  console.log(`wrote ${res.images.length} image(s) ${res.width}×${res.height} to ${out} (median ${res.secondsPerIteration.toFixed(3)} s/iteration)`);
}

await main();
