/**
 * Style-blending evaluation (issue 12): picture quality, sample diversity, blending, contact sheets.
 * Every run goes through runStyleJob with the library defaults (what the CLI and the page use) unless
 * a flag says otherwise. Work is checkpointed per job in --work (PNG + JSON); a rerun skips finished
 * jobs, so a stopped study resumes. Results are written atomically and never over a committed file
 * unless --force.
 *
 *   nice -n 10 npm run study:style -- --study quality [--sizes 192,256] [--samples 2] [--cases blend-20-80,...]
 *   nice -n 10 npm run study:style -- --study blend [--size 256] [--samples 4] [--methods pca-sw,pca-sc2,fixed-basis]
 *       [--ratios 0,0.1,0.2,0.5,0.8,1] [--palette λ] [--blend data|weights|grams] [--sheet-suffix S]
 *   (both: [--pca-dim P] [--fit-dim H] [--k K] [--draws independent|stratified] [--tail gaussian|crops] [--coords gram|cholesky] [--cov-estimate ml|unbiased] — the PCA models' options;
 *   [--crops M] — the crops each painting's Gram model is fitted to (the references stay 24 crops);
 *   [--layer-weights w1,…,w5] — the style layers' weights in the synthesis, every model; [--colour-loss moments|mean] —
 *   what the colour loss holds to the palette; [--tv-chroma-weight W] — the chroma TV's weight; [--deviation-gain g1,…] — the
 *   synthesis's gains on the draws' deviations from the mean Gram)
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
 *   columns: samples), compressed to a palette PNG. Beside them (issue 12, eleventh pass): the standard errors of
 *   the mean d(out, ·); d(centre, A/B), the distance of the outputs' mean Gram set (their centre, without their
 *   spread); energyA/B, the energy distance (metrics.ts energyDistance) of the outputs as a sample to each
 *   painting's reference crops (0 when distributed like them); and the crops' own mean distance to their mean
 *   (reference.cropToMeanA/B: d(·, painting) of outputs spread like the crops).
 *   With --reach, also per sample and per CNN layer: the relative Gram distance of the output's Grams to its own
 *   sampled target ||G(out_s) − T_s||_F / ||T_s||_F, next to the targets' and the outputs' diversity per layer (mean
 *   pairwise relative distance), the mean distance of an output to the other samples' targets, and how much of the
 *   targets' spread the outputs follow: per layer the regression slope Σ_s <O_s − Ō, T_s − T̄> / Σ_s ||T_s − T̄||² and
 *   the correlation of the deviations. The targets are written beside each job's checkpoint (<key>-targets.bin).
 *   The targets' own d(T, A/B) and energy distances are reported beside the outputs'.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot, sharedPath } from '../../src/util/paths.ts';
import { COLOUR_LOSS_MODES, COVARIANCE_ESTIMATES, GRAM_DRAWS, GRAM_METHODS, STYLE_BLENDS, STYLE_DEFAULTS, STYLE_LIMITS, type ColourLossMode, type CovarianceEstimate, type GramDraws, type GramMethod, type StyleBlend } from '../../src/style/defaults.ts';
import type { StyleJobOptions } from '../../src/style/job.ts';
import type { RgbImage } from '../../src/style/images.ts';
import type { ColourStats } from '../../src/style/metrics.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';

const cli = parseCli({
  name: 'study:style',
  usage: 'npm run study:style -- --study quality|blend [--sizes 192,256] [--size 256] [--samples N] [--methods a,b] [--ratios r1,r2] [--force] ...',
  description: 'Style evaluation (issue 12): picture quality per case and size, or blending / diversity / contact sheets per Gram model.\nCheckpointed per job in --work; a rerun resumes.',
  flags: {
    study: { type: 'choice', choices: ['quality', 'blend'], required: true },
    sizes: { type: 'list', of: 'int', min: 32, max: 1024, default: [192, 256], help: 'quality: output sizes' },
    size: { type: 'int', min: 32, max: 1024, default: 256, help: 'blend: output size' },
    samples: { type: 'int', min: 2, max: 16, help: 'images per job (default: quality 2, blend 4)' },
    methods: { type: 'list', choices: GRAM_METHODS, default: ['pca-sw', 'pca-sc2', 'fixed-basis'], help: 'blend: Gram models' },
    ratios: { type: 'list', of: 'number', min: 0, max: 1, default: [0, 0.1, 0.2, 0.5, 0.8, 1], help: 'blend: shares of B' },
    iterations: { type: 'int', min: 1, max: 5000, help: `iterations per image (default: the library's, ${STYLE_DEFAULTS.iterations})` },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 },
    cases: { type: 'list', choices: ['texture-A', 'texture-B', 'content-A', 'blend-20-80'], default: ['texture-A', 'texture-B', 'content-A', 'blend-20-80'], help: 'quality: the cases to run' },
    blend: { type: 'choice', choices: STYLE_BLENDS, help: `how the two styles are blended (default: the library's, ${STYLE_DEFAULTS.blend})` },
    'pca-dim': { type: 'int', min: 1, max: 64, help: "PCA models: components per layer (default: the library's)" },
    'fit-dim': { type: 'int', min: 1, max: 64, help: "PCA models: components per layer fitted by the GMM fitter (default: the library's)" },
    crops: { type: 'int', min: 2, max: 512, help: `random crops per painting that the Gram model is fitted to (default: the library's, ${STYLE_DEFAULTS.crops}); the crops' reference stays 24 crops` },
    k: { type: 'int', min: 1, max: 24, help: "PCA models: GMM components (default: the library's)" },
    draws: { type: 'choice', choices: GRAM_DRAWS, help: `PCA models: how a job's samples pick their GMM components (default: the library's, ${STYLE_DEFAULTS.draws})` },
    tail: { type: 'choice', choices: ['gaussian', 'crops'], help: "PCA models with a tail: how it is drawn (default: the library's)" },
    coords: { type: 'choice', choices: ['gram', 'cholesky'], help: "PCA models: Gram or Cholesky-factor coordinates (default: the library's)" },
    'cov-estimate': { type: 'choice', choices: COVARIANCE_ESTIMATES, help: "PCA models: maximum-likelihood or Bessel-corrected component covariances (default: the library's)" },
    'layer-weights': { type: 'list', of: 'number', min: 0, max: 1e4, repeats: true, help: "weights of the style layers in the style loss, one per layer (default: the library's, all 1)" },
    'deviation-gain': { type: 'list', of: 'number', min: 0, max: STYLE_LIMITS.maxGain, repeats: true, help: `per style layer, the gain on each draw's deviation from the style's mean Gram in the synthesis target, the last for the rest (default: the library's, ${STYLE_DEFAULTS.deviationGain.join(',')})` },
    'tv-chroma-weight': { type: 'number', min: 0, max: 1e4, help: `weight of the squared TV of the chroma in the synthesis (default: the library's, ${STYLE_DEFAULTS.tvChromaWeight})` },
    'colour-loss': { type: 'choice', choices: COLOUR_LOSS_MODES, help: `what the colour loss holds to the palette: RGB mean and covariance, or the mean only (default: the library's, ${STYLE_DEFAULTS.colourLoss})` },
    'sheet-suffix': { type: 'string', meta: 'S', help: 'blend: contact sheets named contact-<method>S.png' },
    palette: { type: 'number', min: 0, max: 1, help: "blend: share of each sample's own colours in its palette (default: the library's, the painting's colours)" },
    work: { type: 'string', meta: 'DIR', help: 'checkpoints (default artifacts/style-eval/<study>)' },
    out: { type: 'string', meta: 'FILE', help: 'results JSON (default docs/results/style-<study>.json)' },
    img: { type: 'string', meta: 'DIR', default: join(repoRoot, 'docs', 'img', 'style'), help: 'pictures' },
    reach: { type: 'boolean', help: 'blend: also measure how far each output ends from its own sampled target, per layer (keeps the targets in --work)' },
    force: { type: 'boolean', help: 'replace existing results and pictures' },
  },
});
const args = cli.values;
const STUDY = args.study;
const SIZES = args.sizes;
const SIZE = args.size;
const SAMPLES = args.samples ?? (STUDY === 'quality' ? 2 : 4);
const ITERS = args.iterations;
const PALETTE = args.palette;
const BLEND = args.blend as StyleBlend | undefined;
const SUFFIX = args['sheet-suffix'] ?? '';
/** Job options and checkpoint-key part of an explicit --blend (none: the library's default, keys as before). */
const blendOpt = BLEND !== undefined ? { blend: BLEND } : {};
const blendKey = BLEND !== undefined ? `-blend${BLEND}` : '';
/** Gram-model options given explicitly, and their checkpoint-key part (none: the library's defaults, keys as before). */
const modelOpt: Partial<StyleJobOptions> = {
  ...(args['pca-dim'] !== undefined ? { pcaDim: args['pca-dim'] } : {}),
  ...(args['fit-dim'] !== undefined ? { fitDim: args['fit-dim'] } : {}),
  ...(args.crops !== undefined ? { crops: args.crops } : {}),
  ...(args.k !== undefined ? { k: args.k } : {}),
  ...(args.draws !== undefined ? { draws: args.draws as GramDraws } : {}),
  ...(args.tail !== undefined ? { tail: args.tail as 'gaussian' | 'crops' } : {}),
  ...(args.coords !== undefined ? { coordinates: args.coords as 'gram' | 'cholesky' } : {}),
  ...(args['cov-estimate'] !== undefined ? { covarianceEstimate: args['cov-estimate'] as CovarianceEstimate } : {}),
};
/** Synthesis options given explicitly (every Gram model), and their checkpoint-key part. */
const synthOpt: Partial<StyleJobOptions> = {
  ...(args['layer-weights'] !== undefined ? { layerWeights: args['layer-weights'] } : {}),
  ...(args['colour-loss'] !== undefined ? { colourLoss: args['colour-loss'] as ColourLossMode } : {}),
  ...(args['tv-chroma-weight'] !== undefined ? { tvChromaWeight: args['tv-chroma-weight'] } : {}),
  ...(args['deviation-gain'] !== undefined ? { deviationGain: args['deviation-gain'] } : {}),
};
const SEED = args.seed;
// Checkpoint keys name the explicit model and synthesis options, --iterations and a seed other than 1 (none: keys as before).
const modelKey = Object.entries(modelOpt).map(([k, v]) => `-${k}${v}`).join('');
const runKey = Object.entries(synthOpt).map(([k, v]) => `-${k}${v}`).join('') + (ITERS !== undefined ? `-it${ITERS}` : '') + (SEED !== 1 ? `-seed${SEED}` : '');
const METHODS = args.methods as GramMethod[];
const RATIOS = args.ratios;
const WORK = resolve(args.work ?? join(repoRoot, 'artifacts', 'style-eval', STUDY));
const IMG = resolve(args.img);
const claim = (path: string, flag: 'out' | 'img') => claimOutput(path, { flag: `--${flag}`, explicit: cli.given.has(flag), force: args.force, meta: flag === 'img' ? 'DIR' : 'FILE' });
const OUT = claim(resolve(args.out ?? join(repoRoot, 'docs', 'results', `style-${STUDY}.json`)), 'out');
for (const f of STUDY === 'quality' ? SIZES.map((s) => `quality-${s}${SUFFIX}.png`) : METHODS.map((m) => `contact-${m}${SUFFIX}.png`)) claim(join(IMG, f), 'img');
mkdirSync(WORK, { recursive: true });
mkdirSync(IMG, { recursive: true });

const sharp = (await import('sharp')).default;
const { initBackend, tf } = await import('../../src/backend/index.ts');
const { imageGridPixels } = await import('../../src/util/png.ts');
const { getExtractor, runStyleJob } = await import('../../src/style/job.ts');
const { loadImage, imageTensor } = await import('../../src/style/images.ts');
const { gramDataset, datasetMean } = await import('../../src/style/dataset.ts');
const { gramMatrices, gramToTri, triLength } = await import('../../src/style/gram.ts');
const { colourStats, colourStatsGap, energyDistance, hfEnergy, meanGramSet, mixColourStats, relDist, pairDist, meanPairwise, meanPairwiseJackknife } = await import('../../src/style/metrics.ts');

const A = sharedPath('assets', 'styles', 'starry_night.jpg');
const B = sharedPath('assets', 'styles', 'the_scream.jpg');
const C = sharedPath('assets', 'styles', 'shipwreck.jpg');
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/** Standard error of a sample mean: sd (n − 1 denominator) / √n; NaN for fewer than 2 values. */
const stdErr = (xs: number[]) => { const m = mean(xs); return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length); };

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

/**
 * Runs one job unless its checkpoint exists; returns its record and images, and with `withTargets` the sampled
 * target Grams (per sample, per CNN layer: tri vectors), kept in <key>-targets.bin (float32, sample by sample,
 * layer by layer) beside the checkpoint.
 */
async function job(key: string, opts: StyleJobOptions, withTargets = false): Promise<{ rec: JobRecord; images: RgbImage[]; targets: Float32Array[][] | null }> {
  const recPath = join(WORK, `${key}.json`);
  const tgtPath = join(WORK, `${key}-targets.bin`);
  if (existsSync(recPath)) {
    const rec = JSON.parse(readFileSync(recPath, 'utf8')) as JobRecord;
    const images = await Promise.all(rec.files.map((f) => loadImage(join(WORK, f))));
    let targets: Float32Array[][] | null = null;
    if (withTargets) {
      if (!existsSync(tgtPath)) throw new Error(`${recPath} was made without --reach (no ${tgtPath}): use another --work`);
      targets = readTargets(tgtPath, images.length, (await getExtractor('mobilenet')).styleChannels);
    }
    log(`${key}: done before, reusing`);
    return { rec, images, targets };
  }
  const t0 = performance.now();
  const res = await runStyleJob(opts);
  const wallSeconds = (performance.now() - t0) / 1000;
  const files = res.images.map((_, i) => `${key}-${i}.png`);
  res.images.forEach((png, i) => writeFileAtomic(join(WORK, files[i]), png));
  let targets: Float32Array[][] | null = null;
  if (withTargets) {
    const ex = await getExtractor('mobilenet');
    targets = res.targets.map((set) => set.map((g, l) => gramToTri(g, ex.styleChannels[l]) as Float32Array));
    const flat = new Float32Array(targets.flat().reduce((a, v) => a + v.length, 0));
    let o = 0;
    for (const v of targets.flat()) { flat.set(v, o); o += v.length; }
    writeFileAtomic(tgtPath, Buffer.from(flat.buffer));
  }
  const { styles: _s, content: _c, ...rest } = opts;
  const rec: JobRecord = { key, options: rest as Record<string, unknown>, files, wallSeconds, secondsPerIteration: res.secondsPerIteration, timings: res.timings, loadavg: loadavg() };
  writeFileAtomic(recPath, JSON.stringify(rec, null, 2));
  log(`${key}: ${res.images.length} images in ${wallSeconds.toFixed(1)} s (${res.secondsPerIteration.toFixed(3)} s per full-size iteration)`);
  return { rec, images: res.raw, targets };
}

/** The targets written by job(): n samples × the layers' tri vectors. */
function readTargets(path: string, n: number, channels: readonly number[]): Float32Array[][] {
  const buf = readFileSync(path);
  const flat = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const per = channels.reduce((a, c) => a + triLength(c), 0);
  if (flat.length !== n * per) throw new Error(`${path}: expected ${n * per} values, found ${flat.length}`);
  let o = 0;
  return Array.from({ length: n }, () => channels.map((c) => { const v = flat.subarray(o, o + triLength(c)); o += triLength(c); return v; }));
}

/**
 * How the outputs reach their own sampled targets, per CNN layer (and over the layers: the mean, as relDist):
 * d(out_s, T_s) = ||O_s − T_s|| / ||T_s|| per sample; the mean over s ≠ s' of d(out_s, T_s'); the targets' and the
 * outputs' diversity (meanPairwise of one layer); the slope Σ_s <O_s − Ō, T_s − T̄> / Σ_s ||T_s − T̄||² (1: the
 * outputs move with their targets' deviations from the targets' mean, 0: not at all) and the correlation of the
 * deviations.
 */
function reach(outs: ArrayLike<number>[][], tgts: ArrayLike<number>[][]): Record<string, unknown> {
  const n = outs.length, L = tgts[0].length;
  const layer = (l: number) => {
    const O = outs.map((o) => [o[l]]), T = tgts.map((t) => [t[l]]);
    const own = outs.map((o, s) => relDist([o[l]], [tgts[s][l]]));
    const cross: number[] = [];
    for (let s = 0; s < n; s++) for (let t = 0; t < n; t++) if (s !== t) cross.push(relDist([outs[s][l]], [tgts[t][l]]));
    const D = tgts[0][l].length;
    const mO = new Float64Array(D), mT = new Float64Array(D);
    for (let s = 0; s < n; s++) for (let e = 0; e < D; e++) { mO[e] += outs[s][l][e] / n; mT[e] += tgts[s][l][e] / n; }
    let dot = 0, tt = 0, oo = 0;
    for (let s = 0; s < n; s++) {
      for (let e = 0; e < D; e++) {
        const a = outs[s][l][e] - mO[e], b = tgts[s][l][e] - mT[e];
        dot += a * b; tt += b * b; oo += a * a;
      }
    }
    return { own, ownMean: mean(own), crossMean: mean(cross), targetDiversity: meanPairwise(T), outputDiversity: meanPairwise(O), slope: dot / tt, correlation: dot / Math.sqrt(tt * oo) };
  };
  const perLayer = Array.from({ length: L }, (_, l) => layer(l));
  const own = outs.map((o, s) => relDist(o, tgts[s]));
  const tjk = meanPairwiseJackknife(tgts), ojk = meanPairwiseJackknife(outs);
  return {
    ownDistance: own, ownDistanceMean: mean(own), crossDistanceMean: mean(perLayer.map((p) => p.crossMean)),
    targetDiversity: tjk.value, targetDiversitySE: tjk.se, outputDiversity: ojk.value, outputDiversitySE: ojk.se, perLayer,
  };
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
  writeFileAtomic(path, png);
  return png.length;
}

async function reference(name: string, size: number): Promise<{ hf: { y: number; chroma: number }; colour: ColourStats }> {
  const img = await loadImage(name, { maxSide: size, enlarge: true });
  const h = hfEnergy(img);
  return { hf: { y: h.y, chroma: h.chroma }, colour: colourStats(img) };
}

/**
 * Crops of the references: "the crops' diversity" of issue 12 is that of 24 random crops (the definition of every
 * pass so far), whatever crop count the jobs fit their models to (--crops, STYLE_DEFAULTS.crops).
 */
const REF_CROPS = 24;

/**
 * Reference statistics of painting i (0: A, 1: B) at an output size: the mean Gram (tri vectors per CNN layer) of
 * 24 random crops of the size's side (as the job crops them) and the diversity among those crops (with its jackknife se).
 */
async function cropReference(ex: FeatureExtractor, i: number, size: number): Promise<{ mean: Float64Array[]; rows: Float32Array[][]; diversity: number; diversitySE: number; toMean: number }> {
  const img = await loadImage([A, B][i], { maxSide: 2 * size, enlarge: true });
  const ds = await gramDataset(ex, img, { crops: REF_CROPS, cropSize: size, seed: SEED * 7919 + 101 * (i + 1), pixelMoments: false });
  const rowsOf = Array.from({ length: ds.n }, (_, r) => ds.channels.map((c, l) => ds.vectors[l].subarray(r * triLength(c), (r + 1) * triLength(c))));
  const jk = meanPairwiseJackknife(rowsOf);
  const m = datasetMean(ds);
  // toMean: the crops' own mean distance to their mean Gram (what d(out, painting) is for outputs spread like the crops).
  return { mean: m, rows: rowsOf, diversity: jk.value, diversitySE: jk.se, toMean: mean(rowsOf.map((r) => relDist(r, m))) };
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
      { name: 'blend-20-80', opts: { styles: [A, B], ratio: 0.8, ...blendOpt }, ref: blendRef },
    ].filter((c) => (args.cases as string[]).includes(c.name));
    /** A case's checkpoint key at this size (its images are <key>-<i>.png in WORK). */
    const keyOf = (name: string) => `${name}-${size}${name.startsWith('blend') ? blendKey : ''}${modelKey}${runKey}`;
    for (const c of cases) {
      const key = keyOf(c.name);
      const { rec, images } = await job(key, { ...c.opts, size, samples: SAMPLES, seed: SEED, ...modelOpt, ...synthOpt, ...(ITERS ? { iterations: ITERS } : {}) });
      const per = images.map((im) => {
        const h = hfEnergy(im);
        const gap = colourStatsGap(colourStats(im), c.ref.colour);
        return { yRatio: h.y / c.ref.hf.y, chromaRatio: h.chroma / c.ref.hf.chroma, meanGap: gap.mean, stdGap: gap.std, colour: colourStats(im) };
      });
      const grams = images.map((im) => imageGrams(ex, im));
      // A per-sample PCA model draws each blended sample's whole Gram set from one painting's side of the mixture:
      // the side (the painting whose crops' mean Gram is nearer) and the energy ratios against that painting.
      let bySide: Record<string, unknown> = {};
      if (c.name.startsWith('blend')) {
        const mA = (await cropReference(ex, 0, size)).mean, mB = (await cropReference(ex, 1, size)).mean;
        const side = grams.map((g) => (relDist(g, mA) <= relDist(g, mB) ? 'A' : 'B'));
        const sideRef = side.map((sd) => (sd === 'A' ? refA : refB));
        bySide = {
          side,
          yRatioSide: images.map((im, i) => hfEnergy(im).y / sideRef[i].hf.y),
          chromaRatioSide: images.map((im, i) => hfEnergy(im).chroma / sideRef[i].hf.chroma),
        };
      }
      const row = {
        case: c.name, size, width: images[0].width, height: images[0].height, samples: images.length,
        yRatio: per.map((p) => p.yRatio), chromaRatio: per.map((p) => p.chromaRatio), meanGap: per.map((p) => p.meanGap), stdGap: per.map((p) => p.stdGap), ...bySide,
        reference: c.ref, outputColour: per.map((p) => p.colour),
        pixelDiff01: meanAbsDiff(images[0], images[1]), gramDist01: pairDist(grams[0], grams[1]),
        contentRef: c.name.startsWith('content') ? refC : undefined,
        wallSeconds: rec.wallSeconds, secondsPerImage: rec.wallSeconds / images.length, secondsPerIteration: rec.secondsPerIteration, timings: rec.timings, loadavg: rec.loadavg,
      };
      rows.push(row);
      log(JSON.stringify({ ...row, reference: undefined, outputColour: undefined, contentRef: undefined, timings: undefined }));
    }
    // Picture: the two samples of every case side by side, one row per case.
    const grid = await Promise.all(cases.map(async (c) => Promise.all(Array.from({ length: SAMPLES }, (_, i) => loadImage(join(WORK, `${keyOf(c.name)}-${i}.png`))))));
    const file = join(IMG, `quality-${size}${SUFFIX}.png`);
    log(`${file}: ${await sheet(grid, file)} bytes`);
  }
  return { rows };
}

async function blend(): Promise<Record<string, unknown>> {
  const ex = await getExtractor('mobilenet');
  const refs = [await cropReference(ex, 0, SIZE), await cropReference(ex, 1, SIZE)];
  const [mA, mB] = [refs[0].mean, refs[1].mean];
  const [colA, colB] = [(await reference(A, SIZE)).colour, (await reference(B, SIZE)).colour];
  const rows: Record<string, unknown>[] = [];
  const sheets: Record<string, number> = {};
  for (const method of METHODS) {
    const grid: RgbImage[][] = [];
    for (const ratio of RATIOS) {
      // Ratios 0 and 1 are one painting's model whatever the blend: one checkpoint for every blend.
      const key = `${method}-r${ratio}${PALETTE !== undefined ? `-palette${PALETTE}` : ''}${ratio > 0 && ratio < 1 ? blendKey : ''}${method === 'fixed-basis' ? '' : modelKey}${runKey}`;
      const { rec, images, targets } = await job(key, { styles: [A, B], ratio, method, size: SIZE, samples: SAMPLES, seed: SEED, ...blendOpt, ...(method === 'fixed-basis' ? {} : modelOpt), ...synthOpt, ...(ITERS ? { iterations: ITERS } : {}), ...(PALETTE !== undefined ? { palette: PALETTE } : {}) }, args.reach === true);
      grid.push(images);
      const grams = images.map((im) => imageGrams(ex, im));
      const dA = grams.map((g) => relDist(g, mA)), dB = grams.map((g) => relDist(g, mB));
      const diversity = meanPairwiseJackknife(grams);
      // The outputs' centre (their mean Gram set) against each painting's mean: the blend's position without the spread.
      const centre = meanGramSet(grams);
      const tgt = targets ? { targetDA: targets.map((t) => relDist(t, mA)), targetDB: targets.map((t) => relDist(t, mB)) } : null;
      const row = {
        method, blend: BLEND ?? STYLE_DEFAULTS.blend, ratio, samples: images.length, dA, dB, meanDA: mean(dA), meanDB: mean(dB), closerToB: dA.filter((a, i) => dB[i] < a).length / dA.length,
        seDA: stdErr(dA), seDB: stdErr(dB), centreDA: relDist(centre, mA), centreDB: relDist(centre, mB),
        // The outputs as a sample against each painting's reference crops (0: distributed like them).
        ...(grams.length > 1 ? { energyA: energyDistance(grams, refs[0].rows, mA), energyB: energyDistance(grams, refs[1].rows, mB) } : {}),
        ...(targets && targets.length > 1 ? { targetEnergyA: energyDistance(targets, refs[0].rows, mA), targetEnergyB: energyDistance(targets, refs[1].rows, mB) } : {}),
        ...(tgt ? { ...tgt, meanTargetDA: mean(tgt.targetDA), meanTargetDB: mean(tgt.targetDB) } : {}),
        // Colour gaps of each output to the two paintings' colours mixed by the ratio (as the quality study's).
        colourGap: images.map((im) => colourStatsGap(colourStats(im), mixColourStats([colA, colB], [1 - ratio, ratio]))),
        diversity: diversity.value, diversityJackknifeSE: diversity.se, wallSeconds: rec.wallSeconds, secondsPerImage: rec.wallSeconds / images.length, secondsPerIteration: rec.secondsPerIteration,
        timings: rec.timings, loadavg: rec.loadavg, ...(targets ? { reach: reach(grams, targets) } : {}),
      };
      rows.push(row);
      log(JSON.stringify({ ...row, timings: undefined }));
    }
    const file = join(IMG, `contact-${method}${SUFFIX}.png`);
    sheets[file] = await sheet(grid, file);
    log(`${file}: ${sheets[file]} bytes`);
  }
  return { reference: { cropDiversityA: refs[0].diversity, cropDiversityASE: refs[0].diversitySE, cropDiversityB: refs[1].diversity, cropDiversityBSE: refs[1].diversitySE, dMeanAtoMeanB: relDist(mA, mB), cropToMeanA: refs[0].toMean, cropToMeanB: refs[1].toMean }, rows, sheets };
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
  writeFileAtomic(OUT, JSON.stringify(result, null, 2));
  log(`wrote ${OUT}`);
}

await main();
