/**
 * Gram-level study of the style Gram models (issue 12, third pass): no synthesis, only the sampled target Grams.
 *
 *   nice -n 10 npm run study:style-grams -- [--size 256] [--n 40] [--pca-dims 4,8,16,23] [--fit-dims 4] [--draws independent,stratified]
 *       [--tails gaussian,crops] [--coords gram,cholesky] [--covs full,diag] [--cov-estimates ml,unbiased] [--max-iter 200] [--ratios 0.8] [--blends data,grams] [--batch B [--jobs J]] [--out FILE]
 *       [--crops 24,48,64] [--model-seeds 0,5,6] [--ref-seeds 1,2,3,4]
 *
 * For The Starry Night alone (ratio 0), The Scream alone (ratio 1) and blends of the two at each --ratios share of
 * The Scream, by each --blends mode as runStyleJob blends ('data': round(ratio · 24) crops of B, the rest of A, one
 * model; 'weights': the two paintings' models as one mixture; 'grams': each sample the average of one Gram set per
 * painting's model), with the job's crops (24 crops of the output size from the painting resized to twice that,
 * the job's model seed 0):
 * - diversity of n sampled Gram sets (mean pairwise relative Gram distance over the CNN style layers, after the PSD
 *   projection, as the blend study measures outputs; and of the same draws before it) against the diversity among the 24 crops themselves and among
 *   24 other crops (another seed: a held-out reference);
 * - per sampled set (blend): the GMM component it came from, the painting whose crops' mean Gram is nearer, and
 *   its distances to A's and B's mean Grams; per row the distances of the sets' centre (their mean) to those means
 *   and the energy distance of the sets as a sample to each painting's held-out crops (metrics.ts energyDistance).
 * Rows per Gram model (pca-sw with each --pca-dims, --fit-dims (≤ the pca dim; the rest a tail per component,
 * drawn as each --tails says: 'gaussian' fitPcaTail, 'crops' fitCropTail), --coords (Gram or Cholesky-factor
 * coordinates), --covs (the SW fit's covariance type)
 * and --ks value, with --max-iter SW steps; fixed-basis with --fixed-basis). fitSeconds is the model's fit wall
 * time in this process (a timing only when nothing else runs), sampleSeconds the time of drawing and projecting the n sets.
 *
 * Crop counts (issue 12, eighth pass): with --crops m1,m2,… each model is fitted to the first m crops of each
 * --model-seeds seed s (a job with `crops: m` and `modelSeed: s` crops exactly those: crop seed s · 7919 + 101 (i + 1),
 * positions drawn in order), pcaDim capped at m − 1 as fitGramModel caps it (a --pca-dims value above every m − 1
 * that gives a pcaDim already in the list is skipped). The references stay 24 crops (the blend study's
 * definition): the held-out 24 crops above and, with --ref-seeds, the blend study's 24 crops of each seed S
 * (crop seed S · 7919 + 101 (i + 1), no pixel layer) and their mean — the reference that a held-out blend study
 * compares with. Model seeds 1–4 crop the same positions as the blend study's references of seeds 1–4.
 */
import { resolve } from 'node:path';
import { parseCli, UsageError } from '../../src/cli/args.ts';
import { COVARIANCE_ESTIMATES, GRAM_DRAWS, STYLE_DEFAULTS, type CovarianceEstimate, type GramDraws, type StyleBlend } from '../../src/style/defaults.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot, sharedPath } from '../../src/util/paths.ts';

const cli = parseCli({
  name: 'style-grams',
  usage: 'npm run study:style-grams -- [--size 256] [--n 40] [--pca-dims 4,8,16,23] [--fit-dims 4] [--tails gaussian,crops] [--coords gram,cholesky] [--covs full,diag] [--cov-estimates ml,unbiased] [--max-iter 200] [--ratios 0.8] [--blends data,grams] [--batch B [--jobs J]] [--crops 24,48] [--model-seeds 0] [--ref-seeds 1,2] [--out FILE] [--force]',
  description: 'Diversity and painting of origin of sampled target Gram sets (no synthesis).',
  flags: {
    size: { type: 'int', min: 32, max: 1024, default: 256, help: 'crop side (the output size of a job)' },
    n: { type: 'int', min: 4, max: 1000, default: 40, help: 'sampled Gram sets per model' },
    'pca-dims': { type: 'list', of: 'int', min: 1, max: 64, default: [4, 8, 16, 23], help: 'PCA components per layer to compare' },
    'fit-dims': { type: 'list', of: 'int', min: 1, max: 64, help: 'components per layer fitted by SW, the rest a tail (default: each pca dim itself, no tail)' },
    tails: { type: 'list', choices: ['gaussian', 'crops'], default: ['gaussian'], help: "how tail coordinates are drawn (GramModelOptions.tail)" },
    coords: { type: 'list', choices: ['gram', 'cholesky'], default: ['gram'], help: 'coordinates of the PCA models (GramModelOptions.coordinates)' },
    covs: { type: 'list', choices: ['full', 'diag'], default: ['full'], help: 'covariance types of the SW fit to compare' },
    'cov-estimates': { type: 'list', choices: COVARIANCE_ESTIMATES, default: ['ml'], help: "how component covariances are estimated (GramModelOptions.covarianceEstimate; default ml, as every command of this study before the ninth pass of issue 12 ran, not the library's unbiased)" },
    'max-iter': { type: 'int', min: 1, max: 3000, help: 'SW steps (default: the library default, 200)' },
    ratios: { type: 'list', of: 'number', min: 0, max: 1, default: [0.8], help: 'blends: shares of The Scream' },
    blends: { type: 'list', choices: ['data', 'weights', 'grams'], default: ['data'], help: 'blends: how the two styles are blended (as runStyleJob)' },
    cases: { type: 'list', choices: ['A', 'B', 'blend'], default: ['A', 'B', 'blend'], help: 'The Starry Night alone, The Scream alone, the blends' },
    'fixed-basis': { type: 'boolean', help: 'also the fixed-basis model (slow: one 1-D fit per Gram entry)' },
    ks: { type: 'list', of: 'int', min: 1, max: 24, default: [3], help: 'GMM components to compare' },
    draws: { type: 'list', choices: GRAM_DRAWS, default: ['independent'], help: "PCA models: how the n draws pick their GMM components (GramSampleOptions.draws) — each its own draw, or stratified over the components" },
    batch: { type: 'int', min: 3, max: 1000, help: "also the diversity (with its jackknife se) of each run of this many consecutive draws: what a job sampling that many images sees" },
    jobs: { type: 'int', min: 1, max: 1000, help: "with --batch B: also the diversity of the B sets that each of the jobs with seeds 1001…1000 + J sampling B images gets (model.sample(B, 12345 + seed); seeds apart from the blend study's), and their mean and standard deviation" },
    crops: { type: 'list', of: 'int', min: 2, max: 512, default: [STYLE_DEFAULTS.crops], help: `crops each model is fitted to (a job's option crops; default the library's, ${STYLE_DEFAULTS.crops})` },
    'model-seeds': { type: 'list', of: 'int', min: 0, max: 100000, default: [0], help: "the job's model seeds whose crops the models are fitted to (crop seed s · 7919 + 101 (i + 1); default 0, a job's default)" },
    'ref-seeds': { type: 'list', of: 'int', min: 0, max: 100000, default: [], help: "also the blend study's 24-crop references of these seeds (its crops' diversity for --seed S)" },
    out: { type: 'string', meta: 'FILE', help: 'results JSON (default docs/results/style-grams.json)' },
    force: { type: 'boolean', help: 'replace an existing results file' },
  },
});
const args = cli.values;
if (args.jobs !== undefined && args.batch === undefined) throw new UsageError('--jobs needs --batch B: the images each job samples');
const OUT = claimOutput(resolve(args.out ?? resolve(repoRoot, 'docs', 'results', 'style-grams.json')), { flag: '--out', explicit: cli.given.has('out'), force: args.force, meta: 'FILE' });

const { initBackend } = await import('../../src/backend/index.ts');
const { getExtractor, fitStyleGramModel } = await import('../../src/style/job.ts');
const { loadImage } = await import('../../src/style/images.ts');
const { gramDataset, datasetMean, blendDatasets, selectDatasetRows, PIXEL_LAYER } = await import('../../src/style/dataset.ts');
const { fitGramModel, stratifiedComponents } = await import('../../src/style/gram-model.ts');
const { gramToTri, triLength, factorTriOfGram, gramTriOfFactor } = await import('../../src/style/gram.ts');
const { energyDistance, meanGramSet, relDist, meanPairwise, meanPairwiseJackknife } = await import('../../src/style/metrics.ts');
type GramDataset = Awaited<ReturnType<typeof gramDataset>>;

/** Crops of the references (the blend study's definition of "the crops' diversity"), whatever --crops says. */
const REF_CROPS = 24;
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Layer l's rows of a dataset. */
function rows1(ds: GramDataset, l: number): Float32Array[] {
  const D = triLength(ds.channels[l]);
  return Array.from({ length: ds.n }, (_, r) => ds.vectors[l].subarray(r * D, (r + 1) * D));
}
/** The rows of a dataset as Gram sets (CNN layers only). */
function rows(ds: GramDataset): Float32Array[][] {
  const ls = ds.layers.map((l, i) => (l === PIXEL_LAYER ? -1 : i)).filter((i) => i >= 0);
  return Array.from({ length: ds.n }, (_, r) => ls.map((l) => ds.vectors[l].subarray(r * triLength(ds.channels[l]), (r + 1) * triLength(ds.channels[l]))));
}
function cnnMean(ds: GramDataset): Float64Array[] {
  const m = datasetMean(ds);
  return m.filter((_, l) => ds.layers[l] !== PIXEL_LAYER);
}

async function main(): Promise<void> {
  const info = await initBackend({ prefer: 'wasm', quiet: true });
  const ex = await getExtractor('mobilenet');
  const size = args.size, crops = REF_CROPS;
  const cropCounts = [...new Set(args.crops)].sort((a, b) => a - b);
  const maxCrops = cropCounts[cropCounts.length - 1];
  const paintings = ['starry_night.jpg', 'the_scream.jpg'].map((f) => sharedPath('assets', 'styles', f));
  const imgs = await Promise.all(paintings.map((p) => loadImage(p, { maxSide: 2 * size, enlarge: true })));
  // The job's crops (model seed s: s · 7919 + 101 · (i + 1); the first m of them are a job's with crops m) and
  // held-out crops (another seed).
  const ds: GramDataset[] = [];
  const held: GramDataset[] = [];
  const bySeed = new Map<number, GramDataset[]>();
  for (const s of args['model-seeds']) bySeed.set(s, []);
  for (const [i, img] of imgs.entries()) {
    for (const s of args['model-seeds']) bySeed.get(s)!.push(await gramDataset(ex, img, { crops: Math.max(maxCrops, crops), cropSize: size, seed: s * 7919 + 101 * (i + 1), sourceIndex: i }));
    held.push(await gramDataset(ex, img, { crops, cropSize: size, seed: 99991 + i, sourceIndex: i }));
    log(`crops of ${paintings[i]} done`);
  }
  const firstRows = (d: GramDataset, m: number) => selectDatasetRows(d, Array.from({ length: m }, (_, r) => r));
  // The 24 crops of the first model seed: the references' "job crops" (model seed 0: the job's default) and the means.
  const seed0 = args['model-seeds'][0];
  for (const d of bySeed.get(seed0)!) ds.push(firstRows(d, crops));
  const mA = cnnMean(ds[0]), mB = cnnMean(ds[1]);
  // The blend study's references (its cropReference): 24 crops of seed S · 7919 + 101 (i + 1), without the pixel layer.
  const refSeeds: Record<string, unknown>[] = [];
  for (const S of args['ref-seeds']) {
    const r: Record<string, unknown> = { seed: S };
    for (const [i, img] of imgs.entries()) {
      const d = await gramDataset(ex, img, { crops, cropSize: size, seed: S * 7919 + 101 * (i + 1), pixelMoments: false });
      const jk = meanPairwiseJackknife(rows(d));
      r[i === 0 ? 'A' : 'B'] = jk.value;
      r[i === 0 ? 'ASE' : 'BSE'] = jk.se;
    }
    refSeeds.push(r);
    log(`blend-study reference of seed ${S}: ${JSON.stringify(r)}`);
  }
  const reference = {
    cropDiversityA: meanPairwise(rows(ds[0])), heldOutCropDiversityA: meanPairwise(rows(held[0])),
    cropDiversityB: meanPairwise(rows(ds[1])), heldOutCropDiversityB: meanPairwise(rows(held[1])),
    dMeanAtoMeanB: relDist(mA, mB),
    // Cholesky coordinates: the largest relative error ‖RᵀR − G‖ / ‖G‖ of a crop's Gram after factorTriOfGram and
    // back (per layer, over A's crops), i.e. what the semidefinite factorisation of float32 Grams loses.
    choleskyRoundTripA: args.coords.includes('cholesky') ? ds[0].channels.map((c, l) => Math.max(...rows1(ds[0], l).map((g) => relDist([gramTriOfFactor(factorTriOfGram(g, c), c)], [g])))) : null,
    blendStudy: refSeeds.length ? { seeds: refSeeds, meanA: mean(refSeeds.map((r) => r.A as number)), meanB: mean(refSeeds.map((r) => r.B as number)) } : null,
  };
  log(JSON.stringify(reference));
  type Variant = { method: 'pca-sw' | 'fixed-basis'; pcaDim?: number; fitDim?: number; k?: number; tail?: 'gaussian' | 'crops'; covarianceType?: 'full' | 'diag'; maxIter?: number; coordinates?: 'gram' | 'cholesky'; draws?: GramDraws; covarianceEstimate?: CovarianceEstimate };
  type Case = { name: string; data: GramDataset; a: GramDataset; b: GramDataset; blend?: string; ratio: number; crops: number; modelSeed: number };
  const cases: Case[] = [...bySeed.entries()].flatMap(([s, full]) => cropCounts.flatMap((m): Case[] => {
    const [a, b] = full.map((d) => firstRows(d, m));
    return [
      ...(args.cases.includes('A') ? [{ name: 'A', data: a, a, b, ratio: 0, crops: m, modelSeed: s }] : []),
      ...(args.cases.includes('B') ? [{ name: 'B', data: b, a, b, ratio: 1, crops: m, modelSeed: s }] : []),
      ...(!args.cases.includes('blend') ? [] : args.ratios).flatMap((r) => args.blends.map((bl) => ({ name: `blend-${Math.round(100 * (1 - r))}-${Math.round(100 * r)}`, data: blendDatasets(a, b, r, m), a, b, blend: bl, ratio: r, crops: m, modelSeed: s }))),
    ];
  }));
  const variants: Variant[] = [
    ...args['pca-dims'].flatMap((p) => (args['fit-dims'] ?? [p]).filter((h) => h <= p).flatMap((h) => args.ks.flatMap((k) => args.covs.flatMap((cov) =>
      args.coords.flatMap((coordinates) => (h < p ? args.tails : ['gaussian']).flatMap((tail) => args.draws.flatMap((draws) => args['cov-estimates'].map((est) => ({ method: 'pca-sw' as const, pcaDim: p, fitDim: h, k, tail: tail as 'gaussian' | 'crops', covarianceType: cov as 'full' | 'diag', maxIter: args['max-iter'], coordinates: coordinates as 'gram' | 'cholesky', draws: draws as GramDraws, covarianceEstimate: est as CovarianceEstimate }))))))))),
    ...(args['fixed-basis'] ? [{ method: 'fixed-basis' as const }] : []),
  ];
  // The job's model (model seed 0): A alone at ratio 0, B alone at 1, else the blend as runStyleJob fits it.
  const fit = (c: Case, v: Variant) => fitStyleGramModel(c.a, c.b, c.ratio, (c.blend ?? 'data') as StyleBlend, c.crops, {
    method: v.method, seed: 0, pcaDim: v.pcaDim, fitDim: v.fitDim, k: v.k, tail: v.tail, covarianceType: v.covarianceType, maxIter: v.maxIter, coordinates: v.coordinates, covarianceEstimate: v.covarianceEstimate,
  });
  const out: Record<string, unknown>[] = [];
  for (const c of cases) {
    const cropSets = rows(c.data);
    const cropSide = cropSets.map((g) => (relDist(g, mA) <= relDist(g, mB) ? 'A' : 'B'));
    const seenPca = new Set<string>();
    for (const v of variants) {
      // pcaDim as fitGramModel caps it (at crops − 1); a variant equal to an earlier one after the cap is skipped.
      const pcaDimUsed = v.pcaDim === undefined ? undefined : Math.min(v.pcaDim, c.crops - 1);
      const vKey = JSON.stringify({ ...v, pcaDim: pcaDimUsed, fitDim: v.fitDim === undefined || pcaDimUsed === undefined ? v.fitDim : Math.min(v.fitDim, pcaDimUsed) });
      if (seenPca.has(vKey)) continue;
      seenPca.add(vKey);
      const t0 = performance.now();
      const model = fit(c, v);
      const fitSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const drawOpts = { draws: v.draws ?? 'independent' };
      const sampled = model.sample(args.n, 12345 + 1, drawOpts);
      const sampleSeconds = (performance.now() - t1) / 1000;
      // The same draws before the PSD projection (sample() projects sampleTri's vectors with the same seed).
      const raw = model.sampleTri(args.n, 12345 + 1, drawOpts);
      const cnnLayers = model.layers.map((l, i) => (l === PIXEL_LAYER ? -1 : i)).filter((i) => i >= 0);
      const rawSets = Array.from({ length: args.n }, (_, r) => cnnLayers.map((l) => raw[l].subarray(r * triLength(model.channels[l]), (r + 1) * triLength(model.channels[l]))));
      const sets = sampled.map((s) => s.grams.flatMap((g, l) => (model.layers[l] === PIXEL_LAYER ? [] : [gramToTri(g, model.channels[l])])));
      const dA = sets.map((g) => relDist(g, mA)), dB = sets.map((g) => relDist(g, mB));
      const side = dA.map((a, i) => (a <= dB[i] ? 'A' : 'B'));
      const centre = meanGramSet(sets);
      const components = model.method === 'fixed-basis' || c.blend === 'grams' ? null : componentsOf(model, args.n, 12345 + 1, drawOpts.draws);
      const row = {
        case: c.name, blend: c.blend ?? null, ratio: c.ratio, crops: c.crops, modelSeed: c.modelSeed, ...v, pcaDimUsed, n: args.n, fitSeconds, sampleSeconds,
        diversity: meanPairwise(sets), diversityBeforePSD: meanPairwise(rawSets), cropDiversity: meanPairwise(cropSets),
        ...(args.batch ? { batchDiversity: batches(sets, args.batch) } : {}),
        ...(args.batch && args.jobs ? { jobDiversity: jobRuns(model, args.batch, args.jobs, drawOpts) } : {}),
        perLayer: { diversity: perLayer(sets), beforePSD: perLayer(rawSets), crops: perLayer(cropSets), psdClipped: cnnLayers.map((l) => mean(sampled.map((x) => x.psdClipped[l]))) },
        meanDA: mean(dA), meanDB: mean(dB), shareSideA: side.filter((s) => s === 'A').length / side.length,
        // The sampled sets against each painting's held-out crops as samples (energyDistance; 0: alike), and their centre.
        energyA: energyDistance(sets, rows(held[0]), mA), energyB: energyDistance(sets, rows(held[1]), mB),
        centreDA: relDist(centre, mA), centreDB: relDist(centre, mB),
        cropShareSideA: cropSide.filter((s) => s === 'A').length / cropSide.length,
        psdClipped: mean(sampled.map((s) => mean(s.psdClipped))),
        perSample: sets.map((_, i) => ({ dA: dA[i], dB: dB[i], side: side[i], component: components?.[i] })),
        componentSides: components ? summariseComponents(components, side) : null,
      };
      out.push(row);
      log(JSON.stringify({ ...row, perSample: undefined }));
    }
  }
  writeFileAtomic(OUT, JSON.stringify({ date: new Date().toISOString(), backend: info.choice, size, crops: cropCounts, referenceCrops: crops, modelSeeds: args['model-seeds'], n: args.n, reference, rows: out }, null, 2));
  log(`wrote ${OUT}`);
}

/** Which GMM component each of the n samples (same seed as model.sample) came from (one-part PCA models). */
function componentsOf(model: ReturnType<typeof fitGramModel>, n: number, seed: number, draws: GramDraws): number[] {
  const m = model as unknown as { gmms: { weights: Float64Array; sample(n: number, r: unknown): { components: Int32Array } }[]; parts: unknown[]; tails: ({ T: number } | null)[] };
  if (m.parts.length !== 1) return [];
  // Stratified: the components are fixed up front from the generator's first fork (PcaModel.sampleTri).
  if (draws === 'stratified') return Array.from(stratifiedComponents(m.gmms[0].weights, n, new RngCtor(seed).fork()));
  // PcaModel.sampleTri draws each sample with rng.fork() of one Rng(seed), then its tail with another fork; replay that.
  const out: number[] = [];
  const rng = new RngCtor(seed);
  const tail = (m.tails[0]?.T ?? 0) > 0;
  for (let s = 0; s < n; s++) {
    out.push(m.gmms[0].sample(1, rng.fork()).components[0]);
    if (tail) rng.fork();
  }
  return out;
}
/**
 * The diversity and its jackknife se of each run of b consecutive sets (the first b draws are what a job sampling b
 * images gets, since each draw takes its own forks of one generator in order).
 */
function batches(sets: ArrayLike<number>[][], b: number): { value: number; se: number }[] {
  return Array.from({ length: Math.floor(sets.length / b) }, (_, i) => meanPairwiseJackknife(sets.slice(i * b, (i + 1) * b)));
}
/**
 * The target diversity of jobs with seeds 1001…1000 + J sampling b images each (runStyleJob samples with seed + 12345;
 * seeds apart from the blend study's 1–3, which tune and report): per job
 * the mean pairwise distance of its b CNN-layer Gram sets; with their mean and standard deviation over the jobs.
 */
function jobRuns(model: ReturnType<typeof fitGramModel>, b: number, J: number, opts: { draws: GramDraws }): { values: number[]; mean: number; sd: number } {
  const cnn = model.layers.map((l, i) => (l === PIXEL_LAYER ? -1 : i)).filter((i) => i >= 0);
  const values = Array.from({ length: J }, (_, j) => {
    const sets = model.sample(b, 12345 + 1000 + j + 1, opts).map((s) => cnn.map((l) => gramToTri(s.grams[l], model.channels[l])));
    return meanPairwise(sets);
  });
  const m = mean(values);
  return { values, mean: m, sd: Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(1, J - 1)) };
}
/** meanPairwise of each layer alone (Gram sets as lists of layers). */
function perLayer(sets: ArrayLike<number>[][]): number[] {
  return sets[0].map((_, l) => meanPairwise(sets.map((g) => [g[l]])));
}
function summariseComponents(comp: number[], side: string[]): Record<string, { n: number; sideA: number }> {
  const r: Record<string, { n: number; sideA: number }> = {};
  comp.forEach((c, i) => {
    const k = String(c);
    r[k] ??= { n: 0, sideA: 0 };
    r[k].n++;
    if (side[i] === 'A') r[k].sideA++;
  });
  return r;
}
const { Rng: RngCtor } = await import('../../src/util/rng.ts');

await main();
