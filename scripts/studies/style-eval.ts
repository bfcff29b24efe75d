/**
 * Style-blending evaluation (issue 6).
 *
 *   nice -n 15 node_modules/.bin/tsx scripts/studies/style-eval.ts [--size 128] [--iterations 60] [--samples 2]
 *       [--crops 24] [--methods fixed-basis,pca-sw,pca-sc2] [--ratios 0,0.1,0.2,0.5,0.8,1]
 *       [--bench-size 256] [--bench-iterations 15] [--skip-bench] [--img docs/img/style] [--json docs/results/style-eval.json]
 *
 * Style A = The Starry Night, B = The Scream, content = The Shipwreck (from ../shared/assets/styles).
 * For every ratio (share of B in the crop dataset) and Gram model: fit, sample `samples` Gram sets, run
 * Gatys synthesis from the content image; plus deterministic Gatys with the blended dataset's mean Gram.
 * Measures, with d(G, M) = mean over style layers of ||G_l − M_l||_F / ||M_l||_F:
 *  - d of each output's Grams to the mean Gram of style A's crops and of style B's crops;
 *  - diversity: mean pairwise relative Gram distance between the outputs at one ratio;
 *  - the same for the sampled target Grams, and the trace share removed by the PSD projection;
 *  - wall and CPU seconds per image and per iteration; a contact sheet per model (ratios × samples).
 * Then a speed benchmark at 256 px (median wall / CPU seconds per iteration).
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCli, UsageError } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot, sharedPath } from '../../src/util/paths.ts';
import type { FeatureExtractor } from '../../src/style/extractor.ts';
import type { RgbImage } from '../../src/style/images.ts';
import type { GramDataset } from '../../src/style/dataset.ts';
import type { GramMethod } from '../../src/style/gram-model.ts';

const cli = parseCli({
  name: 'study:style',
  usage: 'npm run study:style -- [--size 128] [--iterations 60] [--samples 2] [--crops 24] [--methods fixed-basis,pca-sw,pca-sc2] [--ratios 0,0.1,...] [--json FILE] [--img DIR] [--force] ...',
  description: 'Style-blending evaluation: Gram distances to both styles per ratio and model, diversity, contact sheets, and a speed benchmark.',
  flags: {
    size: { type: 'int', min: 32, max: 2048, default: 128, help: 'image side' },
    iterations: { type: 'int', min: 1, max: 100_000, default: 60 },
    samples: { type: 'int', min: 1, max: 64, default: 2, help: 'images per ratio and model' },
    crops: { type: 'int', min: 1, max: 10_000, default: 24, help: 'random crops per style' },
    methods: { type: 'list', default: ['fixed-basis', 'pca-sw', 'pca-sc2'], help: 'Gram models (src/style GRAM_METHODS)' },
    ratios: { type: 'list', of: 'number', min: 0, max: 1, default: [0, 0.1, 0.2, 0.5, 0.8, 1], help: 'shares of style B' },
    'bench-size': { type: 'int', min: 32, max: 2048, default: 256 },
    'bench-iterations': { type: 'int', min: 1, max: 100_000, default: 15 },
    'skip-bench': { type: 'boolean' },
    'skip-eval': { type: 'boolean' },
    'gram-level': { type: 'boolean', help: 'also the Gram-level comparison (<json>-gram-level.json)' },
    'gram-samples': { type: 'int', min: 1, max: 100_000, default: 40 },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 },
    img: { type: 'string', meta: 'DIR', default: join(repoRoot, 'docs', 'img', 'style'), help: 'contact sheets folder' },
    json: { type: 'string', meta: 'FILE', default: join(repoRoot, 'docs', 'results', 'style-eval.json'), help: 'results JSON (-bench.json, -gram-level.json beside it)' },
    force: { type: 'boolean', help: 'replace existing results and pictures' },
  },
});
const args = cli.values;
const SIZE = args.size, ITERS = args.iterations, SAMPLES = args.samples, CROPS = args.crops;
const METHODS = args.methods as GramMethod[];
const RATIOS = args.ratios;
const SEED = args.seed;
const imgDir = resolve(args.img);
const jsonPath = resolve(args.json);
{
  const claim = (path: string, flag: '--json' | '--img') => claimOutput(path, { flag, explicit: cli.given.has(flag.slice(2) as 'json' | 'img'), force: args.force, meta: flag === '--img' ? 'DIR' : 'FILE' });
  if (!args['skip-eval']) {
    claim(jsonPath, '--json');
    for (const f of [...METHODS.map((m) => `contact-${m}.png`), 'inputs.png']) claim(join(imgDir, f), '--img');
  }
  if (!args['skip-bench']) claim(jsonPath.replace(/\.json$/, '-bench.json'), '--json');
  if (args['gram-level']) claim(jsonPath.replace(/\.json$/, '-gram-level.json'), '--json');
}
mkdirSync(imgDir, { recursive: true });

const sharp = (await import('sharp')).default;
const { initBackend, tf } = await import('../../src/backend/index.ts');
const { imageGridPixels } = await import('../../src/util/png.ts');
const { loadMobileNet } = await import('../../src/style/extractor.ts');
const { loadImage, imageTensor, resizeImage, fitLongSide } = await import('../../src/style/images.ts');
const { gramDataset, blendDatasets, datasetMean } = await import('../../src/style/dataset.ts');
const { fitGramModel, mixGramModels, GRAM_METHODS } = await import('../../src/style/gram-model.ts');
for (const m of METHODS) if (!GRAM_METHODS.includes(m)) throw new UsageError(`--methods items must be one of ${GRAM_METHODS.join(', ')}, got "${m}"`);
const { gramMatrices, gramToTri, triLength } = await import('../../src/style/gram.ts');
const { synthesize } = await import('../../src/style/synth.ts');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2])) : NaN;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

/** Relative distance averaged over layers (tri vectors are isometric to Frobenius). */
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
  return d.length ? mean(d) : NaN;
}
function datasetRows(ds: GramDataset): Float32Array[][] {
  return Array.from({ length: ds.n }, (_, r) => ds.channels.map((c, l) => ds.vectors[l].subarray(r * triLength(c), (r + 1) * triLength(c))));
}
/** Gram tri vectors of a whole image. */
function imageGrams(ex: FeatureExtractor, img: RgbImage): Float32Array[] {
  const gs = tf.tidy(() => ex.features(imageTensor(img)).style.map((f) => gramMatrices(f)));
  return gs.map((g, l) => {
    const v = gramToTri(g.dataSync(), ex.styleChannels[l]) as Float32Array;
    g.dispose();
    return v;
  });
}
function fullToTri(g: Float32Array[], ex: FeatureExtractor): Float32Array[] {
  return g.map((m, l) => gramToTri(m, ex.styleChannels[l]) as Float32Array);
}

async function sheet(rows: RgbImage[][], path: string): Promise<number> {
  const h = rows[0][0].height, w = rows[0][0].width;
  const cols = rows[0].length;
  const n = rows.length * cols;
  const px = new Float32Array(n * h * w * 3);
  rows.flat().forEach((im, i) => px.set(im.data, i * h * w * 3));
  const grid = imageGridPixels(px, { n, h, w, c: 3, cols, pad: 2, padValue: 1 });
  const png = await sharp(Buffer.from(grid.data), { raw: { width: grid.width, height: grid.height, channels: 3 } })
    .png({ palette: true, quality: 90, compressionLevel: 9, effort: 8 }).toBuffer();
  writeFileAtomic(path, png);
  return png.length;
}

async function main(): Promise<void> {
  const info = await initBackend({ prefer: 'wasm', quiet: true });
  const ex = await loadMobileNet();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(), backend: info.choice, extractor: 'mobilenet_v1_1.0_224', styleLayers: ex.styleLayers, contentLayer: ex.contentLayer,
    size: SIZE, iterations: ITERS, samples: SAMPLES, crops: CROPS, cropSize: SIZE, styleSize: 2 * SIZE, ratios: RATIOS, methods: METHODS,
    styleA: 'starry_night.jpg', styleB: 'the_scream.jpg', content: 'shipwreck.jpg', loadavgStart: loadavg(),
  };
  const A = await loadImage(sharedPath('assets', 'styles', 'starry_night.jpg'), { maxSide: 2 * SIZE, enlarge: true });
  const B = await loadImage(sharedPath('assets', 'styles', 'the_scream.jpg'), { maxSide: 2 * SIZE, enlarge: true });
  const C = await loadImage(sharedPath('assets', 'styles', 'shipwreck.jpg'));
  if (!args['skip-eval']) {
    log('Gram datasets');
    let t = performance.now();
    const dA = await gramDataset(ex, A, { crops: CROPS, cropSize: SIZE, seed: SEED * 10 + 1 });
    const dB = await gramDataset(ex, B, { crops: CROPS, cropSize: SIZE, seed: SEED * 10 + 2, sourceIndex: 1 });
    results.datasetSeconds = (performance.now() - t) / 1000;
    const mA = datasetMean(dA), mB = datasetMean(dB);
    results.reference = {
      dMeanAtoMeanB: relDist(mA, mB), dMeanBtoMeanA: relDist(mB, mA),
      cropDiversityA: meanPairwise(datasetRows(dA)), cropDiversityB: meanPairwise(datasetRows(dB)),
      contentToA: relDist(imageGrams(ex, await resizeImage(C, ...Object.values(fitLongSide(C.width, C.height, SIZE)) as [number, number])), mA),
    };
    log(`reference ${JSON.stringify(results.reference)}`);
    const rows: Record<string, unknown>[] = [];
    const meanImgs: RgbImage[] = [];
    const sampleImgs = new Map<string, RgbImage[][]>(METHODS.map((m) => [m, []]));
    for (const [ri, r] of RATIOS.entries()) {
      const ds = blendDatasets(dA, dB, r, CROPS);
      // Deterministic Gatys with the mean Gram of the blended dataset.
      {
        const m = datasetMean(ds);
        const targets = ds.channels.map((c, l) => {
          const g = new Float32Array(c * c);
          const tri = m[l];
          let o = 0;
          for (let i = 0; i < c; i++) {
            g[i * c + i] = tri[o++];
            for (let j = i + 1; j < c; j++) g[i * c + j] = g[j * c + i] = tri[o++] * Math.SQRT1_2;
          }
          return g;
        });
        t = performance.now();
        const res = await synthesize(ex, targets, { size: SIZE, content: C, iterations: ITERS, seed: SEED });
        const secs = (performance.now() - t) / 1000;
        const og = imageGrams(ex, res.image);
        meanImgs.push(res.image);
        const row = {
          ratio: r, method: 'mean-gram', outDA: relDist(og, mA), outDB: relDist(og, mB), outDiversity: 0, targetDA: relDist(m, mA), targetDB: relDist(m, mB),
          targetDiversity: 0, psdClipped: 0, secondsPerImage: secs, sPerIter: median(res.iterationSeconds.slice(1)), cpuPerIter: median(res.iterationCpuSeconds.slice(1)),
          finalStyleLoss: res.styleLoss.at(-1), finalContentLoss: res.contentLoss.at(-1),
        };
        rows.push(row);
        log(JSON.stringify(row));
      }
      for (const method of METHODS) {
        t = performance.now();
        const model = fitGramModel(ds, { method, seed: SEED + ri, k: 3, pcaDim: 4 });
        const fitSeconds = (performance.now() - t) / 1000;
        t = performance.now();
        const sampled = model.sample(SAMPLES, SEED * 1000 + ri * 10 + 7);
        const sampleSeconds = (performance.now() - t) / 1000 / SAMPLES;
        const targetsTri = sampled.map((s) => fullToTri(s.grams, ex));
        const outs: Float32Array[][] = [];
        const imgs: RgbImage[] = [];
        const secs: number[] = [], per: number[] = [], cpu: number[] = [], sl: number[] = [], cl: number[] = [];
        for (const [si, s] of sampled.entries()) {
          t = performance.now();
          const res = await synthesize(ex, s.grams, { size: SIZE, content: C, iterations: ITERS, seed: SEED + si });
          secs.push((performance.now() - t) / 1000);
          per.push(median(res.iterationSeconds.slice(1)));
          cpu.push(median(res.iterationCpuSeconds.slice(1)));
          sl.push(res.styleLoss.at(-1)!);
          cl.push(res.contentLoss.at(-1)!);
          outs.push(imageGrams(ex, res.image));
          imgs.push(res.image);
        }
        sampleImgs.get(method)!.push(imgs);
        const row = {
          ratio: r, method, fitter: model.fitter, fitSeconds, sampleSeconds,
          outDA: mean(outs.map((o) => relDist(o, mA))), outDB: mean(outs.map((o) => relDist(o, mB))), outDiversity: meanPairwise(outs),
          targetDA: mean(targetsTri.map((o) => relDist(o, mA))), targetDB: mean(targetsTri.map((o) => relDist(o, mB))), targetDiversity: meanPairwise(targetsTri),
          psdClipped: mean(sampled.map((s) => mean(s.psdClipped))), psdClippedPerLayer: ex.styleLayers.map((_, l) => mean(sampled.map((s) => s.psdClipped[l]))),
          secondsPerImage: mean(secs), sPerIter: median(per), cpuPerIter: median(cpu), finalStyleLoss: mean(sl), finalContentLoss: mean(cl),
        };
        rows.push(row);
        log(JSON.stringify(row));
      }
      writeFileAtomic(jsonPath, JSON.stringify({ ...results, rows }, null, 2));
    }
    results.rows = rows;
    // Contact sheets: rows = ratios; columns = mean-Gram Gatys, then the samples.
    const sizes: Record<string, number> = {};
    for (const method of METHODS) {
      const grid = RATIOS.map((_, ri) => [meanImgs[ri], ...sampleImgs.get(method)![ri]]);
      const file = join(imgDir, `contact-${method}.png`);
      sizes[file] = await sheet(grid, file);
    }
    // Inputs strip: A, B, content (each resized to the output size).
    const th = await Promise.all([A, B, C].map(async (im) => resizeImage(im, SIZE, Math.round(SIZE * 0.6875))));
    const f = join(imgDir, 'inputs.png');
    sizes[f] = await sheet([th], f);
    results.images = sizes;
    log(`sheets ${JSON.stringify(sizes)}`);
  }
  if (args['gram-level']) {
    // Gram level only (no synthesis): many raw samples (before the PSD projection) per model and ratio.
    const S = args['gram-samples'];
    log(`Gram-level study: ${S} samples per model and ratio`);
    const dA = await gramDataset(ex, A, { crops: CROPS, cropSize: SIZE, seed: SEED * 10 + 1 });
    const dB = await gramDataset(ex, B, { crops: CROPS, cropSize: SIZE, seed: SEED * 10 + 2, sourceIndex: 1 });
    const mA = datasetMean(dA), mB = datasetMean(dB);
    const gl: Record<string, unknown>[] = [];
    for (const blend of ['data', 'weights'] as const) {
      for (const method of METHODS) {
        const single = blend === 'weights' ? [fitGramModel(dA, { method, seed: SEED, k: 3, pcaDim: 4 }), fitGramModel(dB, { method, seed: SEED + 1, k: 3, pcaDim: 4 })] : null;
        for (const [ri, r] of RATIOS.entries()) {
          const t0 = performance.now();
          const model = single ? mixGramModels(single, [1 - r, r]) : fitGramModel(blendDatasets(dA, dB, r, CROPS), { method, seed: SEED + ri, k: 3, pcaDim: 4 });
          const fitSeconds = (performance.now() - t0) / 1000;
          const tri = model.sampleTri(S, SEED * 7 + ri);
          const sets = Array.from({ length: S }, (_, s) => tri.map((v, l) => v.subarray(s * triLength(dA.channels[l]), (s + 1) * triLength(dA.channels[l]))));
          const dAs = sets.map((x) => relDist(x, mA)), dBs = sets.map((x) => relDist(x, mB));
          const row = {
            blend, method, ratio: r, fitSeconds, dA: mean(dAs), dB: mean(dBs), closerToB: dAs.filter((a, i) => dBs[i] < a).length / S,
            diversity: meanPairwise(sets.slice(0, 16)),
          };
          gl.push(row);
          log(JSON.stringify(row));
        }
      }
    }
    results.gramLevel = gl;
    writeFileAtomic(jsonPath.replace(/\.json$/, '-gram-level.json'), JSON.stringify({ date: new Date().toISOString(), size: SIZE, crops: CROPS, samples: S, rows: gl }, null, 2));
  }
  if (!args['skip-bench']) {
    const bs = args['bench-size'], bi = args['bench-iterations'];
    log(`speed benchmark at ${bs} px`);
    const dA = await gramDataset(ex, await loadImage(sharedPath('assets', 'styles', 'starry_night.jpg'), { maxSide: 2 * bs, enlarge: true }), { crops: 4, cropSize: bs, seed: 5 });
    const m = datasetMean(dA);
    const targets = dA.channels.map((c, l) => {
      const g = new Float32Array(c * c);
      let o = 0;
      for (let i = 0; i < c; i++) {
        g[i * c + i] = m[l][o++];
        for (let j = i + 1; j < c; j++) g[i * c + j] = g[j * c + i] = m[l][o++] * Math.SQRT1_2;
      }
      return g;
    });
    const runs: Record<string, unknown>[] = [];
    for (const content of [C, null]) {
      const la0 = loadavg()[0];
      const res = await synthesize(ex, targets, { size: bs, content, iterations: bi, seed: 1 });
      runs.push({
        mode: content ? 'content (shipwreck)' : 'texture (square, no content loss)', size: bs, iterations: bi, width: res.image.width, height: res.image.height,
        medianWallPerIter: median(res.iterationSeconds.slice(1)), medianCpuPerIter: median(res.iterationCpuSeconds.slice(1)),
        minWallPerIter: Math.min(...res.iterationSeconds.slice(1)), firstIter: res.iterationSeconds[0], loadavg1: [la0, loadavg()[0]],
      });
    }
    results.bench = runs;
    log(`bench ${JSON.stringify(results.bench)}`);
  }
  results.loadavgEnd = loadavg();
  if (!args['skip-eval']) writeFileAtomic(jsonPath, JSON.stringify(results, null, 2));
  if (!args['skip-bench']) writeFileAtomic(jsonPath.replace(/\.json$/, '-bench.json'), JSON.stringify({ date: new Date().toISOString(), backend: info.choice, bench: results.bench, loadavgEnd: results.loadavgEnd }, null, 2));
  log('done');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
