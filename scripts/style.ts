/**
 * Style blending from the command line.
 *
 *   npm run style -- --styles a.jpg,b.jpg --ratio 0.2 --content c.jpg --samples 4 --out dir
 *
 * A style given as a bare name (e.g. starry_night) is looked up in the assets folder
 * (<repo>/assets/styles, then ../shared/assets/styles). Writes <out>/style-<i>.png and <out>/job.json.
 * Every flag is checked before any work starts: an unknown flag or a value out of range prints the
 * usage and exits with status 2.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProgressBar, formatDuration } from '../src/util/progress.ts';
import { writePng } from '../src/util/png.ts';
import { repoRoot, sharedDir } from '../src/util/paths.ts';
import {
  runStyleJob, checkStyleJobOptions, GRAM_METHODS, EXTRACTOR_NAMES, STYLE_DEFAULTS, STYLE_LIMITS,
  type GramMethod, type ExtractorName, type StyleJobOptions,
} from '../src/style/index.ts';

const D = STYLE_DEFAULTS;
const HELP = `usage: npm run style -- --styles A[,B] [options]

  --styles a.jpg,b.jpg   one or two style images (paths, or names in assets/styles)
  --ratio R              share of style B in [0, 1] (default 0.5)
  --blend data|weights   blend crop datasets in proportion (default) or mix two fitted GMMs
  --content c.jpg        content image (omit for texture synthesis)
  --samples N            output images, each from its own sampled Gram set (default ${D.samples}, at most ${STYLE_LIMITS.maxSamples})
  --mode sampled|mean    sampled Grams (default) or deterministic Gatys with the mean Gram
  --method M             ${GRAM_METHODS.join(' | ')} (default ${D.method}; fixed-basis is the paper's per-entry model)
  --size PX              long side of the output (default ${D.size}, ${STYLE_LIMITS.minSize}–${STYLE_LIMITS.maxSize})
  --iterations N         optimisation iterations per image over all scales (default ${D.iterations}, 1–${STYLE_LIMITS.maxIterations})
  --optimizer lbfgs|adam (default ${D.optimizer})   --lr LR  Adam's step size (default ${D.lr}, in (0, ${STYLE_LIMITS.maxLr}])
  --scales 0.5,1         coarse-to-fine image sizes as fractions of --size (default ${D.scales.join(',')})
  --crops N              random crops per style (default ${D.crops})
  --crop-size PX         crop side (default: size)
  --init palette|content|noise   start image (default palette: the sample's colours)
  --content-weight W (default ${D.contentWeight})  --style-weight W (default ${D.styleWeight}, > 0)  --colour-weight W (default ${D.colourWeight})
  --tv-weight W  --tv-chroma-weight W   squared-TV of luminance / chroma (default 0)
  --no-colour            do not model the colours (no palette start, no colour loss)
  --smoothing T          softmax activation smoothing with temperature T (default off)
  --extractor mobilenet|vgg19   --model-dir DIR   --style-layers a,b,c   --content-layer L
  --seed S               (default 0)
  --preview-every N      write <out>/preview.png every N iterations
  --backend B            force a tfjs backend (wasm, cpu, node, ...)
  --out DIR              output folder (default out/style)
  Weights are at most ${STYLE_LIMITS.maxWeight}.
`;

class UsageError extends Error {}

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
  if (v.trim() === '' || !Number.isFinite(x) || (int && !Number.isInteger(x))) throw new UsageError(`--${name}: expected ${int ? 'an integer' : 'a number'}, got "${v}"`);
  return x;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UsageError(`--${name}: expected one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** `--flag -5` → `--flag=-5`, so a negative number reaches the range check instead of parseArgs' "ambiguous". */
function joinNegatives(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--') && !a.includes('=') && i + 1 < argv.length && /^-(\d|\.\d|Infinity)/.test(argv[i + 1])) {
      out.push(`${a}=${argv[++i]}`);
    } else out.push(a);
  }
  return out;
}

function parse(argv: string[]): { opts: StyleJobOptions; out: string } | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinNegatives(argv),
      options: {
        styles: { type: 'string' }, ratio: { type: 'string' }, blend: { type: 'string' }, content: { type: 'string' },
        samples: { type: 'string' }, mode: { type: 'string' }, method: { type: 'string' }, size: { type: 'string' },
        iterations: { type: 'string' }, crops: { type: 'string' }, 'crop-size': { type: 'string' }, init: { type: 'string' },
        'content-weight': { type: 'string' }, 'style-weight': { type: 'string' }, 'colour-weight': { type: 'string' }, lr: { type: 'string' },
        'tv-weight': { type: 'string' }, 'tv-chroma-weight': { type: 'string' }, optimizer: { type: 'string' }, scales: { type: 'string' },
        'no-colour': { type: 'boolean' }, smoothing: { type: 'string' },
        extractor: { type: 'string' }, 'model-dir': { type: 'string' }, 'style-layers': { type: 'string' }, 'content-layer': { type: 'string' },
        seed: { type: 'string' }, 'preview-every': { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowNegative: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return null;
  if (!values.styles) throw new UsageError('--styles is required');
  const scales = values.scales?.split(',').map((s, i) => num(`scales (entry ${i + 1})`, s.trim())!);
  const opts: StyleJobOptions = {
    styles: values.styles.split(',').map((s) => resolveStyle(s.trim())),
    ratio: num('ratio', values.ratio),
    blend: oneOf('blend', values.blend, ['data', 'weights'] as const),
    content: values.content ? resolveStyle(values.content) : null,
    samples: num('samples', values.samples, true),
    mode: oneOf('mode', values.mode, ['sampled', 'mean'] as const),
    method: oneOf<GramMethod>('method', values.method, GRAM_METHODS),
    size: num('size', values.size, true),
    iterations: num('iterations', values.iterations, true),
    crops: num('crops', values.crops, true),
    cropSize: num('crop-size', values['crop-size'], true),
    init: oneOf('init', values.init, ['palette', 'content', 'noise'] as const),
    contentWeight: num('content-weight', values['content-weight']),
    styleWeight: num('style-weight', values['style-weight']),
    colourWeight: num('colour-weight', values['colour-weight']),
    tvWeight: num('tv-weight', values['tv-weight']),
    tvChromaWeight: num('tv-chroma-weight', values['tv-chroma-weight']),
    lr: num('lr', values.lr),
    optimizer: oneOf('optimizer', values.optimizer, ['lbfgs', 'adam'] as const),
    scales,
    colour: values['no-colour'] ? false : undefined,
    smoothing: num('smoothing', values.smoothing),
    extractor: oneOf<ExtractorName>('extractor', values.extractor, EXTRACTOR_NAMES),
    modelDir: values['model-dir'],
    styleLayers: values['style-layers']?.split(',').map((s) => s.trim()),
    contentLayer: values['content-layer'],
    seed: num('seed', values.seed, true),
    previewEvery: num('preview-every', values['preview-every'], true),
    backend: values.backend,
  };
  try {
    checkStyleJobOptions(opts);
  } catch (e) {
    // Option names in the library's camelCase → the CLI's flags.
    throw new UsageError((e as Error).message.replace(/^([a-zA-Z]+)/, (m) => `--${m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));
  }
  const out = resolve(values.out ?? 'out/style');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out: ${out} exists and is not a folder`);
  return { opts, out };
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`style: ${e.message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (!parsed) {
    process.stdout.write(HELP);
    return;
  }
  const { opts, out } = parsed;
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
  writeFileSync(join(out, 'job.json'), JSON.stringify({ options: { ...opts }, wallSeconds: wall, secondsPerImage: wall / res.images.length, ...summary }, null, 2));
  console.log(
    `wrote ${res.images.length} image(s) ${res.width}×${res.height} to ${out} in ${formatDuration(wall)} ` +
      `(${(wall / res.images.length).toFixed(1)} s/image; median ${res.secondsPerIteration.toFixed(3)} s per full-size iteration)`,
  );
}

main().catch((e) => {
  console.error(`style: ${(e as Error).message}`);
  process.exit(1);
});
