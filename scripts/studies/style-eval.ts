/**
 * Style-blending evaluation (issue 12): picture quality, sample diversity, blending, contact sheets.
 * Every run goes through runStyleJob with the library defaults (what the CLI and the page use) unless
 * a flag says otherwise. Work is checkpointed per job in --work (PNG + JSON); a rerun skips finished
 * jobs, so a stopped study resumes. Results are written atomically and never over a committed file
 * unless --force.
 *
 *   nice -n 10 npm run study:style -- --study quality [--sizes 192,256] [--samples 2]
 *   nice -n 10 npm run study:style -- --study blend [--size 256] [--samples 4] [--methods pca-sw,pca-sc2,fixed-basis]
 *       [--ratios 0,0.1,0.2,0.5,0.8,1]
 *
 * Paintings (from ../shared/assets/styles): A = The Starry Night, B = The Scream; content = The Shipwreck.
 *
 * quality: for texture from A, texture from B, content (Shipwreck in the style of A) and a 20/80 blend
 *   of A and B (texture), at each size: per output image the high-frequency energy (mean |Laplacian| of
 *   Y and of Cb/Cr, metrics.ts) over that of the painting resized to the same size (for the blend: the
 *   20/80 mix of the two paintings' energies), the largest per-channel gap of colour mean and standard
 *   deviation to the painting's (blend: the mixture's statistics), and between the two samples the mean
 *   absolute pixel difference and the relative Gram distance.
 * blend: per Gram model and ratio (share of B), `samples` texture images; d(out, A), d(out, B): relative
 *   Gram distance of each output to the mean Gram of A's (B's) crops (mean over the CNN style layers of
 *   ||G − M||_F / ||M||_F), diversity: mean pairwise distance between the outputs at one ratio, against
 *   the same diversity among random crops of one painting; one contact sheet per model (rows: ratios,
 *   columns: samples), compressed to a palette PNG.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import sharp from 'sharp';
import { initBackend, tf } from '../../src/backend/index.ts';
import { repoRoot, sharedPath } from '../../src/util/paths.ts';
import { imageGridPixels } from '../../src/util/png.ts';
import { getExtractor, runStyleJob, STYLE_DEFAULTS, type StyleJobOptions } from '../../src/style/job.ts';
import { loadImage, imageTensor, type RgbImage } from '../../src/style/images.ts';
import { gramDataset, datasetMean } from '../../src/style/dataset.ts';
import { GRAM_METHODS, type GramMethod } from '../../src/style/gram-model.ts';
import { gramMatrices, gramToTri, triLength } from '../../src/style/gram.ts';
import { colourStats, colourStatsGap, hfEnergy, mixColourStats, type ColourStats } from '../../src/style/metrics.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';

const USAGE = `usage: npm run study:style -- --study quality|blend [options]
  --sizes 192,256      quality: output sizes (default 192,256)
  --size PX            blend: output size (default 256)
  --samples N          images per job (default: quality 2, blend 4)
  --methods a,b        blend: Gram models (default pca-sw,pca-sc2,fixed-basis)
  --ratios r1,r2       blend: shares of B (default 0,0.1,0.2,0.5,0.8,1)
  --iterations N       (default: the library's, ${STYLE_DEFAULTS.iterations})
  --seed S             (default 1)
  --work DIR           checkpoints (default artifacts/style-eval/<study>)
  --out FILE           results JSON (default docs/results/style-<study>.json)
  --img DIR            pictures (default docs/img/style)
  --force              overwrite an existing results file / pictures`;

function fail(msg: string): never {
  console.error(`study:style: ${msg}\n${USAGE}`);
  process.exit(2);
}
const OPTIONS = {
  study: { type: 'string' }, sizes: { type: 'string' }, size: { type: 'string' }, samples: { type: 'string' }, methods: { type: 'string' },
  ratios: { type: 'string' }, iterations: { type: 'string' }, seed: { type: 'string' }, work: { type: 'string' }, out: { type: 'string' },
  img: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;
function parse() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (e) {
    return fail((e as Error).message);
  }
}
const args = parse();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const STUDY = args.study;
if (STUDY !== 'quality' && STUDY !== 'blend') fail(`--study must be quality or blend, got ${String(STUDY)}`);
const ints = (name: string, v: string, min: number, max: number) => v.split(',').map((x) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name}: expected integers in [${min}, ${max}], got "${v}"`);
  return n;
});
const SIZES = ints('sizes', args.sizes ?? '192,256', 32, 1024);
const SIZE = ints('size', args.size ?? '256', 32, 1024)[0];
const SAMPLES = ints('samples', args.samples ?? (STUDY === 'quality' ? '2' : '4'), 2, 16)[0];
const ITERS = args.iterations ? ints('iterations', args.iterations, 1, 5000)[0] : undefined;
const SEED = ints('seed', args.seed ?? '1', 0, 2 ** 31 - 1)[0];
const METHODS = (args.methods ?? 'pca-sw,pca-sc2,fixed-basis').split(',') as GramMethod[];
for (const m of METHODS) if (!GRAM_METHODS.includes(m)) fail(`--methods: unknown Gram model "${m}" (${GRAM_METHODS.join(', ')})`);
const RATIOS = (args.ratios ?? '0,0.1,0.2,0.5,0.8,1').split(',').map((x) => {
  const r = Number(x);
  if (!(r >= 0 && r <= 1)) fail(`--ratios: expected numbers in [0, 1], got "${args.ratios}"`);
  return r;
});
const WORK = resolve(args.work ?? join(repoRoot, 'artifacts', 'style-eval', STUDY));
const OUT = resolve(args.out ?? join(repoRoot, 'docs', 'results', `style-${STUDY}.json`));
const IMG = resolve(args.img ?? join(repoRoot, 'docs', 'img', 'style'));
if (existsSync(OUT) && !args.force) fail(`${OUT} exists; pass --force to replace it (or --out another file)`);
mkdirSync(WORK, { recursive: true });
mkdirSync(IMG, { recursive: true });

const A = sharedPath('assets', 'styles', 'starry_night.jpg');
const B = sharedPath('assets', 'styles', 'the_scream.jpg');
const C = sharedPath('assets', 'styles', 'shipwreck.jpg');
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Relative Gram distance averaged over layers (isometric tri vectors: Euclidean = Frobenius). */
function relDist(a: ArrayLike<number>[], m: ArrayLike<number>[]): number {
  let tot = 0;
  for (let l = 0; l < m.length; l++) {
    let num = 0, den = 0;
    for (let i = 0; i < m[l].length; i++) {
      num += (a[l][i] - m[l][i]) ** 2;
      den += m[l][i] ** 2;
    }
    tot += Math.sqrt(num / den);
  }
  return tot / m.length;
}
/** Symmetric relative distance between two Gram sets (normalised by the mean of their norms). */
function pairDist(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let tot = 0;
  for (let l = 0; l < a.length; l++) {
    let num = 0, na = 0, nb = 0;
    for (let i = 0; i < a[l].length; i++) {
      num += (a[l][i] - b[l][i]) ** 2;
      na += a[l][i] ** 2;
      nb += b[l][i] ** 2;
    }
    tot += Math.sqrt(num) / (0.5 * (Math.sqrt(na) + Math.sqrt(nb)));
  }
  return tot / a.length;
}
function meanPairwise(sets: ArrayLike<number>[][]): number {
  const d: number[] = [];
  for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) d.push(pairDist(sets[i], sets[j]));
  return mean(d);
}
/** Gram tri vectors of an image at the extractor's (CNN) style layers. */
function imageGrams(ex: FeatureExtractor, img: RgbImage): Float32Array[] {
  const gs = tf.tidy(() => ex.features(imageTensor(img)).style.map((f) => gramMatrices(f)));
  return gs.map((g, l) => {
    const v = gramToTri(g.dataSync(), ex.styleChannels[l]) as Float32Array;
    g.dispose();
    return v;
  });
}
function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i] - b.data[i]);
  return s / a.data.length;
}

interface JobRecord {
  key: string;
  options: Record<string, unknown>;
  files: string[];
  wallSeconds: number;
  secondsPerIteration: number;
  timings: Record<string, number>;
  loadavg: number[];
}

/** Runs one job unless its checkpoint exists; returns its record and images. */
async function job(key: string, opts: StyleJobOptions): Promise<{ rec: JobRecord; images: RgbImage[] }> {
  const recPath = join(WORK, `${key}.json`);
  if (existsSync(recPath)) {
    const rec = JSON.parse(readFileSync(recPath, 'utf8')) as JobRecord;
    const images = await Promise.all(rec.files.map((f) => loadImage(join(WORK, f))));
    log(`${key}: done before, reusing`);
    return { rec, images };
  }
  const t0 = performance.now();
  const res = await runStyleJob(opts);
  const wallSeconds = (performance.now() - t0) / 1000;
  const files = res.images.map((_, i) => `${key}-${i}.png`);
  res.images.forEach((png, i) => writeAtomic(join(WORK, files[i]), png));
  const { styles: _s, content: _c, ...rest } = opts;
  const rec: JobRecord = { key, options: rest as Record<string, unknown>, files, wallSeconds, secondsPerIteration: res.secondsPerIteration, timings: res.timings, loadavg: loadavg() };
  writeAtomic(recPath, JSON.stringify(rec, null, 2));
  log(`${key}: ${res.images.length} images in ${wallSeconds.toFixed(1)} s (${res.secondsPerIteration.toFixed(3)} s per full-size iteration)`);
  return { rec, images: res.raw };
}

async function sheet(rows: RgbImage[][], path: string): Promise<number> {
  const h = Math.max(...rows.flat().map((im) => im.height)), w = Math.max(...rows.flat().map((im) => im.width));
  const cols = Math.max(...rows.map((r) => r.length));
  const n = rows.length * cols;
  const px = new Float32Array(n * h * w * 3).fill(1);
  rows.forEach((r, ri) => r.forEach((im, ci) => {
    const k = ri * cols + ci;
    for (let y = 0; y < im.height; y++) px.set(im.data.subarray(y * im.width * 3, (y + 1) * im.width * 3), ((k * h + y) * w) * 3);
  }));
  const grid = imageGridPixels(px, { n, h, w, c: 3, cols, pad: 3, padValue: 1 });
  const png = await sharp(Buffer.from(grid.data), { raw: { width: grid.width, height: grid.height, channels: 3 } })
    .png({ palette: true, quality: 92, colours: 256, dither: 0.6, compressionLevel: 9, effort: 9 }).toBuffer();
  if (existsSync(path) && !args.force) throw new Error(`${path} exists; pass --force to replace it`);
  writeAtomic(path, png);
  return png.length;
}

async function reference(name: string, size: number): Promise<{ hf: { y: number; chroma: number }; colour: ColourStats }> {
  const img = await loadImage(name, { maxSide: size, enlarge: true });
  const h = hfEnergy(img);
  return { hf: { y: h.y, chroma: h.chroma }, colour: colourStats(img) };
}

async function quality(): Promise<Record<string, unknown>> {
  const ex = await getExtractor('mobilenet');
  const rows: Record<string, unknown>[] = [];
  for (const size of SIZES) {
    const refA = await reference(A, size), refB = await reference(B, size), refC = await reference(C, size);
    const blendRef = {
      hf: { y: 0.2 * refA.hf.y + 0.8 * refB.hf.y, chroma: 0.2 * refA.hf.chroma + 0.8 * refB.hf.chroma },
      colour: mixColourStats([refA.colour, refB.colour], [0.2, 0.8]),
    };
    const cases: { name: string; opts: StyleJobOptions; ref: typeof refA }[] = [
      { name: 'texture-A', opts: { styles: [A] }, ref: refA },
      { name: 'texture-B', opts: { styles: [B] }, ref: refB },
      { name: 'content-A', opts: { styles: [A], content: C }, ref: refA },
      { name: 'blend-20-80', opts: { styles: [A, B], ratio: 0.8 }, ref: blendRef },
    ];
    for (const c of cases) {
      const key = `${c.name}-${size}`;
      const { rec, images } = await job(key, { ...c.opts, size, samples: SAMPLES, seed: SEED, ...(ITERS ? { iterations: ITERS } : {}) });
      const per = images.map((im) => {
        const h = hfEnergy(im);
        const gap = colourStatsGap(colourStats(im), c.ref.colour);
        return { yRatio: h.y / c.ref.hf.y, chromaRatio: h.chroma / c.ref.hf.chroma, meanGap: gap.mean, stdGap: gap.std, colour: colourStats(im) };
      });
      const grams = images.map((im) => imageGrams(ex, im));
      const row = {
        case: c.name, size, width: images[0].width, height: images[0].height, samples: images.length,
        yRatio: per.map((p) => p.yRatio), chromaRatio: per.map((p) => p.chromaRatio), meanGap: per.map((p) => p.meanGap), stdGap: per.map((p) => p.stdGap),
        reference: c.ref, outputColour: per.map((p) => p.colour),
        pixelDiff01: meanAbsDiff(images[0], images[1]), gramDist01: pairDist(grams[0], grams[1]),
        contentRef: c.name.startsWith('content') ? refC : undefined,
        wallSeconds: rec.wallSeconds, secondsPerImage: rec.wallSeconds / images.length, secondsPerIteration: rec.secondsPerIteration, timings: rec.timings, loadavg: rec.loadavg,
      };
      rows.push(row);
      log(JSON.stringify({ ...row, reference: undefined, outputColour: undefined, contentRef: undefined, timings: undefined }));
    }
    // Picture: the two samples of every case side by side, one row per case.
    const grid = await Promise.all(cases.map(async (c) => Promise.all(Array.from({ length: SAMPLES }, (_, i) => loadImage(join(WORK, `${c.name}-${size}-${i}.png`))))));
    const file = join(IMG, `quality-${size}.png`);
    log(`${file}: ${await sheet(grid, file)} bytes`);
  }
  return { rows };
}

async function blend(): Promise<Record<string, unknown>> {
  const ex = await getExtractor('mobilenet');
  // Reference statistics: the mean Gram of 24 crops of each painting (as the job crops them) and the crop diversity.
  const refs = [];
  for (const [i, p] of [A, B].entries()) {
    const img = await loadImage(p, { maxSide: 2 * SIZE, enlarge: true });
    const ds = await gramDataset(ex, img, { crops: STYLE_DEFAULTS.crops, cropSize: SIZE, seed: SEED * 7919 + 101 * (i + 1), pixelMoments: false });
    const rowsOf = Array.from({ length: ds.n }, (_, r) => ds.channels.map((c, l) => ds.vectors[l].subarray(r * triLength(c), (r + 1) * triLength(c))));
    refs.push({ mean: datasetMean(ds), diversity: meanPairwise(rowsOf) });
  }
  const [mA, mB] = [refs[0].mean, refs[1].mean];
  const rows: Record<string, unknown>[] = [];
  const sheets: Record<string, number> = {};
  for (const method of METHODS) {
    const grid: RgbImage[][] = [];
    for (const ratio of RATIOS) {
      const key = `${method}-r${ratio}`;
      const { rec, images } = await job(key, { styles: [A, B], ratio, method, size: SIZE, samples: SAMPLES, seed: SEED, ...(ITERS ? { iterations: ITERS } : {}) });
      grid.push(images);
      const grams = images.map((im) => imageGrams(ex, im));
      const dA = grams.map((g) => relDist(g, mA)), dB = grams.map((g) => relDist(g, mB));
      const row = {
        method, ratio, samples: images.length, dA, dB, meanDA: mean(dA), meanDB: mean(dB), closerToB: dA.filter((a, i) => dB[i] < a).length / dA.length,
        diversity: meanPairwise(grams), wallSeconds: rec.wallSeconds, secondsPerImage: rec.wallSeconds / images.length, secondsPerIteration: rec.secondsPerIteration,
        timings: rec.timings, loadavg: rec.loadavg,
      };
      rows.push(row);
      log(JSON.stringify({ ...row, timings: undefined }));
    }
    const file = join(IMG, `contact-${method}.png`);
    sheets[file] = await sheet(grid, file);
    log(`${file}: ${sheets[file]} bytes`);
  }
  return { reference: { cropDiversityA: refs[0].diversity, cropDiversityB: refs[1].diversity, dMeanAtoMeanB: relDist(mA, mB) }, rows, sheets };
}

async function main(): Promise<void> {
  const info = await initBackend({ prefer: 'wasm', quiet: true });
  const t0 = Date.now();
  const body = STUDY === 'quality' ? await quality() : await blend();
  const result = {
    study: STUDY, date: new Date().toISOString(), backend: info.choice, defaults: STYLE_DEFAULTS, seed: SEED, samples: SAMPLES,
    sizes: STUDY === 'quality' ? SIZES : [SIZE], iterations: ITERS ?? STYLE_DEFAULTS.iterations,
    styleA: 'starry_night.jpg', styleB: 'the_scream.jpg', content: 'shipwreck.jpg', wallMinutes: (Date.now() - t0) / 60000, ...body,
  };
  writeAtomic(OUT, JSON.stringify(result, null, 2));
  log(`wrote ${OUT}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
