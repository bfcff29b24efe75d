/**
 * Style blending from the command line.
 *
 *   npm run style -- --styles a.jpg,b.jpg --ratio 0.2 --content c.jpg --samples 4 --out dir
 *
 * A style given as a bare name (e.g. starry_night) is looked up in the assets folder
 * (<repo>/assets/styles, then ../shared/assets/styles). Writes <out>/style-<i>.png and <out>/job.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProgressBar } from '../src/util/progress.ts';
import { writePng } from '../src/util/png.ts';
import { repoRoot, sharedDir } from '../src/util/paths.ts';
import { runStyleJob, GRAM_METHODS, EXTRACTOR_NAMES, type GramMethod, type ExtractorName, type StyleJobOptions } from '../src/style/index.ts';

const HELP = `usage: npm run style -- --styles A[,B] [options]

  --styles a.jpg,b.jpg   one or two style images (paths, or names in assets/styles)
  --ratio R              share of style B in [0, 1] (default 0.5)
  --blend data|weights   blend crop datasets in proportion (default) or mix two fitted GMMs
  --content c.jpg        content image (omit for texture synthesis from noise)
  --samples N            output images, each from its own sampled Gram set (default 1)
  --mode sampled|mean    sampled Grams (default) or deterministic Gatys with the mean Gram
  --method M             ${GRAM_METHODS.join(' | ')} (default fixed-basis)
  --size PX              long side of the output (default 256)
  --iterations N         optimisation iterations (default 150)
  --crops N              random crops per style (default 24)
  --crop-size PX         crop side (default: size)
  --init content|noise   initial image (default content when given)
  --content-weight W     (default 0.6)   --style-weight W (default 1)   --lr LR (default 0.02)
  --extractor mobilenet|vgg19   --model-dir DIR   --style-layers a,b,c   --content-layer L
  --seed S               (default 0)
  --preview-every N      write <out>/preview.png every N iterations
  --backend B            force a tfjs backend (wasm, cpu, node, ...)
  --out DIR              output folder (default out/style)
`;

function resolveStyle(s: string): string {
  if (existsSync(s)) return s;
  const names = [s, `${s}.jpg`, `${s}.png`];
  const dirs = [join(repoRoot, 'assets', 'styles')];
  const sd = sharedDir();
  if (sd) dirs.push(join(sd, 'assets', 'styles'));
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return s; // loadImage reports it as not found
}

function num(name: string, v: string | undefined, int = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || (int && !Number.isInteger(x))) throw new Error(`--${name}: expected ${int ? 'an integer' : 'a number'}, got "${v}"`);
  return x;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      styles: { type: 'string' }, ratio: { type: 'string' }, blend: { type: 'string' }, content: { type: 'string' },
      samples: { type: 'string' }, mode: { type: 'string' }, method: { type: 'string' }, size: { type: 'string' },
      iterations: { type: 'string' }, crops: { type: 'string' }, 'crop-size': { type: 'string' }, init: { type: 'string' },
      'content-weight': { type: 'string' }, 'style-weight': { type: 'string' }, lr: { type: 'string' },
      extractor: { type: 'string' }, 'model-dir': { type: 'string' }, 'style-layers': { type: 'string' }, 'content-layer': { type: 'string' },
      seed: { type: 'string' }, 'preview-every': { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help || !values.styles) {
    process.stdout.write(HELP);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const method = values.method as GramMethod | undefined;
  if (method && !GRAM_METHODS.includes(method)) throw new Error(`--method: expected one of ${GRAM_METHODS.join(', ')}, got "${method}"`);
  const extractor = values.extractor as ExtractorName | undefined;
  if (extractor && !EXTRACTOR_NAMES.includes(extractor)) throw new Error(`--extractor: expected one of ${EXTRACTOR_NAMES.join(', ')}, got "${extractor}"`);
  const out = resolve(values.out ?? 'out/style');
  const opts: StyleJobOptions = {
    styles: values.styles.split(',').map((s) => resolveStyle(s.trim())),
    ratio: num('ratio', values.ratio),
    blend: values.blend as StyleJobOptions['blend'],
    content: values.content ? resolveStyle(values.content) : null,
    samples: num('samples', values.samples, true),
    mode: values.mode as StyleJobOptions['mode'],
    method,
    size: num('size', values.size, true),
    iterations: num('iterations', values.iterations, true),
    crops: num('crops', values.crops, true),
    cropSize: num('crop-size', values['crop-size'], true),
    init: values.init as StyleJobOptions['init'],
    contentWeight: num('content-weight', values['content-weight']),
    styleWeight: num('style-weight', values['style-weight']),
    lr: num('lr', values.lr),
    extractor,
    modelDir: values['model-dir'],
    styleLayers: values['style-layers']?.split(',').map((s) => s.trim()),
    contentLayer: values['content-layer'],
    seed: num('seed', values.seed, true),
    previewEvery: num('preview-every', values['preview-every'], true),
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
  writeFileSync(join(out, 'job.json'), JSON.stringify({ options: { ...opts }, ...summary }, null, 2));
  console.log(`wrote ${res.images.length} image(s) ${res.width}×${res.height} to ${out} (median ${res.secondsPerIteration.toFixed(3)} s/iteration)`);
}

main().catch((e) => {
  console.error(`style: ${(e as Error).message}`);
  process.exit(1);
});
