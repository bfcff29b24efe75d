/**
 * Evaluation of the latent GMMs (issue 5), per method:
 *
 *  1. class-conditional sets (models/gmm/<method>/): the classifier's accuracy on --per-class generated digits
 *     per class, confusion-matrix picture, sample grid; Fréchet distance (FD) between the classifier's
 *     penultimate features of those generated digits and of the real MNIST test digits;
 *  2. the SW-GMM paper's unsupervised protocol: one K = --unsup-k GMM on (a seeded subset of --unsup-limit)
 *     training codes of all classes; (a) component purity with --per-component samples per component;
 *     (b) fooling rate of the Figure 8 discriminator (GMM samples vs real training codes, --fool-n of each per
 *     run, held-out error, mean ± sd over --runs runs); FD of its samples too.
 *  References: classifier accuracy on the real test digits and on their autoencoder reconstructions, FD of the
 *  reconstructions (the floor any latent model can reach through this decoder).
 *
 *   nice -n 15 npm run latent-eval -- [--methods em,sw,sc2,fixed-basis,mmd] [--sets models/gmm] [--codes artifacts/codes]
 *       [--autoencoder models/autoencoder] [--classifier models/classifier] [--per-class 1000] [--per-component 10000]
 *       [--runs 5] [--fool-n 5000] [--fool-epochs 10] [--unsup-k 10] [--unsup-limit 10000] [--unsup-cov full|diag]
 *       [--unsup-iter-scale 1] [--unsup-opt method:key=value ...] [--unsup-start default|classes] [--class-fooling] [--append] [--report] [--skip class,unsup,fool,reference]
 *       [--out docs/results/latent-eval.json] [--img docs/img/latent] [--seed 0] [--backend wasm]
 *
 * The unsupervised fits use LATENT_FIT_DEFAULTS (src/latent/fit.ts) overridden by UNSUP_FIT_DEFAULTS below and by
 * --unsup-opt (e.g. --unsup-opt sw:L=64); every fit runs to its own convergence rule. --unsup-start classes starts
 * every unsupervised fit from the class Gaussians of its codes (mean and full covariance of each digit's codes,
 * weights = class frequencies): the labels choose the start only. That start itself is scored too (results
 * `unsupStart`): it tells whether a class-aligned K = 10 GMM is a better or worse likelihood optimum than the one the
 * fitters find from their own starts, i.e. whether purity is bounded by the fitter or by the latent space.
 *
 * Results are written to --out after every step (JSON), so an interrupted run keeps what it measured; --append
 * adds to an existing results file (per method) instead of starting a new one.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { keyValues, parseCli, UsageError } from '../../src/cli/args.ts';
import { FIT_METHODS, type FitMethod } from '../../src/gmm/fit/registry.ts';
import { claimOutput, writeFileAtomic, claimOutputDir } from '../../src/util/output.ts';
import { modelsPath, repoRoot } from '../../src/util/paths.ts';
import type { DecodedImages } from '../../src/latent/index.ts';

const SKIPPABLE = ['class', 'unsup', 'fool', 'reference'] as const;
const cli = parseCli({
  name: 'latent-eval',
  usage: 'npm run latent-eval -- [--methods em,sw,sc2,fixed-basis,mmd] [--per-class 1000] [--runs 5] [--skip class,unsup,fool,reference] [--out FILE] [--img DIR] [--append | --report | --force] ...',
  description: 'Evaluates the latent GMM sets (classifier accuracy, Fréchet distance, purity, fooling rate); results JSON after every step.',
  flags: {
    methods: { type: 'list', choices: FIT_METHODS, default: ['em', 'sw', 'sc2', 'fixed-basis', 'mmd'], help: 'latent sets to evaluate' },
    sets: { type: 'string', meta: 'DIR', help: 'folder of the sets (default models/gmm)' },
    codes: { type: 'string', meta: 'DIR', help: 'codes folder (default artifacts/codes)' },
    autoencoder: { type: 'string', meta: 'DIR' },
    classifier: { type: 'string', meta: 'DIR' },
    'per-class': { type: 'int', min: 10, max: 1_000_000, default: 1000, help: 'generated digits per class' },
    'per-component': { type: 'int', min: 10, max: 10_000_000, default: 10_000, help: 'samples per component (purity)' },
    runs: { type: 'int', min: 1, max: 1000, default: 5, help: 'fooling-rate runs' },
    'fool-n': { type: 'int', min: 50, max: 10_000_000, default: 5000, help: 'samples of each set per fooling run' },
    'fool-epochs': { type: 'int', min: 1, max: 1000, default: 10 },
    'unsup-k': { type: 'int', min: 1, max: 1000, default: 10, help: 'components of the unsupervised GMM' },
    'unsup-limit': { type: 'int', min: 100, max: 10_000_000, default: 10_000, help: 'training codes for it' },
    'unsup-cov': { type: 'choice', choices: ['full', 'diag'], default: 'full' },
    'unsup-iter-scale': { type: 'number', gt: 0, max: 10, default: 1, help: 'scales the fitters\' default iterations' },
    'unsup-opt': { type: 'strings', meta: 'METHOD:KEY=VALUE', help: 'an option of one method\'s unsupervised fit (e.g. sw:L=64)' },
    'unsup-start': { type: 'choice', choices: ['default', 'classes'], default: 'default', help: "start of the unsupervised fits: the fitter's own, or the class Gaussians of the labelled codes (labels used for the start only: an oracle bound)" },
    'unsup-save': { type: 'string', meta: 'DIR', help: 'also write each unsupervised GMM (JSON) and its fit history to DIR' },
    'class-fooling': { type: 'boolean', help: 'also the fooling rate of the class-conditional sets' },
    skip: { type: 'list', choices: SKIPPABLE, default: [], help: 'parts to skip' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
    'test-limit': { type: 'int', min: 10, help: 'real test digits at most' },
    backend: { type: 'string', help: 'tfjs backend' },
    out: { type: 'string', meta: 'FILE', help: 'results JSON (default docs/results/latent-eval.json)' },
    img: { type: 'string', meta: 'DIR', help: 'pictures folder (default docs/img/latent)' },
    append: { type: 'boolean', help: 'add to the results in --out (per method)' },
    report: { type: 'boolean', help: 'only print the tables of --out' },
    force: { type: 'boolean', help: 'replace existing results and pictures' },
  },
});
const values = cli.values;
const methods = values.methods as FitMethod[];
const setsRoot = resolve(values.sets ?? modelsPath('gmm'));
const codesDir = resolve(values.codes ?? join(repoRoot, 'artifacts', 'codes'));
const perClass = values['per-class'];
const perComponent = values['per-component'];
const runs = values.runs;
const foolN = values['fool-n'];
const foolEpochs = values['fool-epochs'];
const unsupK = values['unsup-k'];
const unsupLimit = values['unsup-limit'];
const unsupCov = values['unsup-cov'];
const iterScale = values['unsup-iter-scale'];
const unsupOpts: Record<string, Record<string, unknown>> = {};
for (const item of values['unsup-opt']) {
  const colon = item.indexOf(':');
  const m = item.slice(0, colon);
  if (colon <= 0 || !FIT_METHODS.includes(m as FitMethod)) throw new UsageError(`--unsup-opt must be method:key=value with a known method, got "${item}"`);
  Object.assign((unsupOpts[m] ??= {}), keyValues('--unsup-opt', [item.slice(colon + 1)]));
}
const skip = new Set<string>(values.skip);
const seed = values.seed;
const testLimit = values['test-limit'];
const outPath = resolve(values.out ?? join(repoRoot, 'docs', 'results', 'latent-eval.json'));
const imgDir = resolve(values.img ?? join(repoRoot, 'docs', 'img', 'latent'));
if (!values.report) {
  // Results and pictures already there are replaced only when asked (--force, --append, or --out/--img naming them).
  claimOutput(outPath, { explicit: cli.given.has('out'), force: values.force, update: values.append });
  const pictures = [
    ...(skip.has('reference') ? [] : ['reconstructions.png']),
    ...methods.flatMap((m) => [...(skip.has('class') ? [] : [`confusion-${m}.png`, `samples-${m}.png`]), ...(skip.has('unsup') ? [] : [`unsup-${m}.png`])]),
  ];
  claimOutputDir(imgDir, pictures, { flag: '--img', explicit: cli.given.has('img'), force: values.force, update: values.append });
  mkdirSync(dirname(outPath), { recursive: true });
  mkdirSync(imgDir, { recursive: true });
}

const { initBackend } = await import('../../src/backend/index.ts');
const { loadMnistSplit } = await import('../../src/data/mnist.ts');
const {
  classifyImages, confusionMatrix, confusionMatrixSvg, featuresOfImages, foolingRate, gaussianStats, frechetFromStats,
  gmmPurity, perClassAccuracy, perClassAccuracyOf,
} = await import('../../src/eval/index.ts');
const { fitGMM, GMM } = await import('../../src/gmm/index.ts');
const { classGaussians, decodeCodes, unsupervisedSubset, imagesGridPng, LATENT_FIT_DEFAULTS, LatentModelSet, mixClasses, splitByClass } = await import('../../src/latent/index.ts');
const { loadCodesFile } = await import('../../src/latent/load-codes.ts');
const { featureModel } = await import('../../src/models/classifier.ts');
const { loadAutoencoder, loadClassifier } = await import('../../src/models/load.ts');
const { svgToPng } = await import('../../src/util/plot.ts');
const { writePng } = await import('../../src/util/png.ts');
const { Rng } = await import('../../src/util/rng.ts');

/**
 * Options of the unsupervised protocol's fits (one K-GMM with full covariances on 10,000 codes) on top of
 * LATENT_FIT_DEFAULTS; see docs/RESULTS.md for why.
 */
const UNSUP_FIT_DEFAULTS: Partial<Record<FitMethod, Record<string, unknown>>> = {};

const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

type MethodResult = {
  classConditional?: { k: number; covarianceType: string; nPerClass: number; accuracy: number; perClassAccuracy: number[]; fd: number; testNll: number; bytes: number | null; fitSeconds: number | null; fooling?: { mean: number; sd: number; runs: number[] } };
  unsupervised?: { k: number; covarianceType: string; n: number; fitSeconds: number; iterations: number; trainNll: number; testNll: number; purity?: { mean: number; weightedMean: number; distinctMajorities: number; perComponent: number; components: { majority: number; purity: number; weight: number }[] }; fooling?: { mean: number; sd: number; runs: { error: number }[]; nPerSet: number; epochs: number }; fd?: number };
};

/** Markdown tables of a results file (the --report mode). */
function markdownReport(res: Record<string, unknown>): string {
  const ms = (res.methods ?? {}) as Record<string, MethodResult>;
  const names = Object.keys(ms);
  const out: string[] = [];
  const f2 = (x: number | undefined | null, d = 2) => (x === undefined || x === null || !Number.isFinite(x) ? '–' : x.toFixed(d));
  const ref = res.reference as { realTestAccuracy: number; reconstructionAccuracy: number; fdReconstructionsVsTest: number; fdTrainVsTest: number; n: number } | undefined;
  if (ref) {
    out.push('| reference | classifier accuracy | FD to the real test digits |', '|---|---|---|');
    out.push(`| real MNIST test digits (${ref.n}) | ${pct(ref.realTestAccuracy)} | 0 |`);
    out.push(`| real MNIST train digits (first ${ref.n}) | – | ${f2(ref.fdTrainVsTest, 3)} |`);
    out.push(`| autoencoder reconstructions of the test digits | ${pct(ref.reconstructionAccuracy)} | ${f2(ref.fdReconstructionsVsTest, 3)} |`, '');
  }
  const cc = names.filter((m) => ms[m].classConditional);
  if (cc.length) {
    out.push('| method (class sets) | K × cov | accuracy | ' + [...Array(10).keys()].map((c) => `${c}`).join(' | ') + ' | FD | test NLL | fooling rate | size | fit time |');
    out.push('|---|---|---|' + '---|'.repeat(10) + '---|---|---|---|---|');
    for (const m of cc) {
      const x = ms[m].classConditional!;
      out.push(`| ${m} | ${x.k} × ${x.covarianceType} | ${pct(x.accuracy)} | ${x.perClassAccuracy.map((a) => (100 * a).toFixed(1)).join(' | ')} | ${f2(x.fd)} | ${f2(x.testNll, 1)} | ${x.fooling ? `${pct(x.fooling.mean)} ± ${pct(x.fooling.sd)}` : '–'} | ${x.bytes ? `${Math.round(x.bytes / 1024)} KB` : '–'} | ${x.fitSeconds ? `${x.fitSeconds.toFixed(0)} s` : '–'} |`);
    }
    out.push('');
  }
  const un = names.filter((m) => ms[m].unsupervised);
  if (un.length) {
    out.push('| method (one K-GMM, all classes) | K × cov | purity (mean) | purity (weighted) | distinct majorities | fooling rate | FD | test NLL | fit time |', '|---|---|---|---|---|---|---|---|---|');
    for (const m of un) {
      const u = ms[m].unsupervised!;
      out.push(`| ${m} | ${u.k} × ${u.covarianceType} | ${u.purity ? pct(u.purity.mean) : '–'} | ${u.purity ? pct(u.purity.weightedMean) : '–'} | ${u.purity?.distinctMajorities ?? '–'} | ${u.fooling ? `${pct(u.fooling.mean)} ± ${pct(u.fooling.sd)}` : '–'} | ${f2(u.fd)} | ${f2(u.testNll, 1)} | ${u.fitSeconds.toFixed(0)} s |`);
    }
    out.push('| published EM-GMM (Kolouri et al. 2018) | 10 | 80.48% | | | 24.87% ± 8.39% | | | |');
    out.push('| published SW-GMM (Kolouri et al. 2018) | 10 | 86.98% | | | 41.91% ± 2.35% | | | |', '');
    for (const m of un) {
      const p = ms[m].unsupervised!.purity;
      if (p) out.push(`- ${m}: components (majority class: purity, weight) ${p.components.map((c) => `${c.majority}: ${(100 * c.purity).toFixed(1)}%, ${c.weight.toFixed(3)}`).join('; ')}`);
    }
  }
  return out.join('\n');
}

if (values.report) {
  if (!existsSync(outPath)) throw new Error(`--report: no results file at ${outPath}`);
  console.log(markdownReport(JSON.parse(readFileSync(outPath, 'utf8'))));
  process.exit(0);
}

const backend = await initBackend({ prefer: values.backend, quiet: true });
const ae = await loadAutoencoder(values.autoencoder ? resolve(values.autoencoder) : undefined);
const clf = await loadClassifier(values.classifier ? resolve(values.classifier) : undefined);
const decoder = ae.decoder;
const classifier = clf.model;
const features = featureModel(classifier);
const train = loadCodesFile(join(codesDir, 'train'));
const testCodes = loadCodesFile(join(codesDir, 'test'));

const results: Record<string, unknown> = existsSync(outPath) && values.append ? JSON.parse(readFileSync(outPath, 'utf8')) : {};
const runsLog = (Array.isArray(results.commands) ? results.commands : []) as unknown[];
runsLog.push({ date: new Date().toISOString(), command: `npm run latent-eval -- ${process.argv.slice(2).join(' ')}` });
Object.assign(results, {
  date: new Date().toISOString(), backend: backend.choice, commands: runsLog,
  settings: { methods, perClass, perComponent, runs, foolN, foolEpochs, unsupK, unsupLimit, unsupCov, iterScale, seed, testLimit: testLimit ?? null },
  models: { autoencoder: ae.dir, classifier: clf.dir, codes: { train: train.summary, test: testCodes.summary } },
});
const perMethod = (results.methods ?? {}) as Record<string, Record<string, unknown>>;
results.methods = perMethod;
const save = () => writeFileAtomic(outPath, JSON.stringify(results, null, 1));

// ---- references: real test digits, their reconstructions -------------------------------------------------
let test = loadMnistSplit('t10k');
const nTest = testLimit ?? test.n;
const realImages: DecodedImages = { n: nTest, h: 28, w: 28, c: 1, data: test.images.subarray(0, nTest * 784) };
const realLabels = test.labels.subarray(0, nTest);
log(`reference: ${nTest} real test digits`);
const realPred = classifyImages(classifier, realImages);
const realFeat = featuresOfImages(features, realImages);
const realStats = gaussianStats(realFeat);
if (!skip.has('reference')) {
  const recon = decodeCodes(decoder, { n: nTest, d: testCodes.d, data: testCodes.data.subarray(0, nTest * testCodes.d) });
  const reconPred = classifyImages(classifier, recon);
  const reconFd = frechetFromStats(gaussianStats(featuresOfImages(features, recon)), realStats);
  writePng(join(imgDir, 'reconstructions.png'), await imagesGridPng({ n: 24, h: 28, w: 28, c: 1, data: new Float32Array([...realImages.data.subarray(0, 12 * 784), ...recon.data.subarray(0, 12 * 784)]) }, { cols: 12, scale: 1 }));
  // Real train digits vs real test digits (the sampling floor of FD at this n).
  const trainImgs = loadMnistSplit('train');
  const trainSub: DecodedImages = { n: nTest, h: 28, w: 28, c: 1, data: trainImgs.images.subarray(0, nTest * 784) };
  const trainFd = frechetFromStats(gaussianStats(featuresOfImages(features, trainSub)), realStats);
  const ref = {
    realTestAccuracy: perClassAccuracy(confusionMatrix(realLabels, realPred)).overall,
    reconstructionAccuracy: perClassAccuracy(confusionMatrix(realLabels, reconPred)).overall,
    fdReconstructionsVsTest: reconFd,
    fdTrainVsTest: trainFd,
    n: nTest,
  };
  results.reference = ref;
  log(`reference: test accuracy ${pct(ref.realTestAccuracy)}, reconstructions ${pct(ref.reconstructionAccuracy)}, FD recon ${reconFd.toFixed(3)}, FD train-vs-test ${trainFd.toFixed(3)}`);
}
save();
test = undefined as never;

/** A grid of `per` images of each class block (class-major images, nPer per class) → rows = classes. */
function classRows(images: DecodedImages, nPer: number, classes: number, per: number): DecodedImages {
  const out = new Float32Array(classes * per * 784);
  for (let c = 0; c < classes; c++) out.set(images.data.subarray(c * nPer * 784, (c * nPer + per) * 784), c * per * 784);
  return { n: classes * per, h: 28, w: 28, c: 1, data: out };
}

// ---- real training codes for the unsupervised protocol --------------------------------------------------------
const { points: unsupPoints, labels: unsupLabels } = unsupervisedSubset(train, unsupLimit, seed);
const realCodes = { n: train.n, d: train.d, data: train.data };
const testPoints = { n: testCodes.n, d: testCodes.d, data: Float64Array.from(testCodes.data) };
let classStart: InstanceType<typeof GMM> | undefined;
if (values['unsup-start'] === 'classes') {
  if (unsupCov !== 'full') throw new UsageError('--unsup-start classes needs --unsup-cov full');
  const classes = new Set(unsupLabels).size;
  if (classes !== unsupK) throw new UsageError(`--unsup-start classes needs --unsup-k ${classes} (the classes in the codes), got ${unsupK}`);
  classStart = classGaussians({ ...unsupPoints, labels: unsupLabels });
  const pur = gmmPurity(classStart, decoder, classifier, { perComponent, seed: seed + 11 });
  const start = { trainNll: classStart.nll(unsupPoints), testNll: classStart.nll(testPoints) };
  results.unsupStart = {
    what: 'class Gaussians of the unsupervised codes (labels used): the start of every unsupervised fit',
    ...start,
    purity: { mean: pur.mean, weightedMean: pur.weightedMean, distinctMajorities: pur.distinctMajorities, perComponent, components: pur.components.map((c) => ({ majority: c.majority, purity: c.purity, weight: c.weight })) },
  };
  log(`class-Gaussian start: train NLL ${start.trainNll.toFixed(3)}, test NLL ${start.testNll.toFixed(3)}, purity ${pct(pur.mean)}`);
  save();
}

for (const method of methods) {
  const r: Record<string, unknown> = (perMethod[method] ??= {});
  // 1. class-conditional set.
  const setDir = join(setsRoot, method);
  if (!skip.has('class') && existsSync(join(setDir, 'index.json'))) {
    const t0 = performance.now();
    const set = LatentModelSet.load(setDir);
    const acc = perClassAccuracyOf(set, decoder, classifier, { nPerClass: perClass, seed });
    const feat = featuresOfImages(features, acc.images);
    const fd = frechetFromStats(gaussianStats(feat), realStats);
    // Test-code log-likelihood under the class GMMs (own class).
    const byClass = splitByClass({ n: testCodes.n, d: testCodes.d, data: testCodes.data, labels: testCodes.labels }, set.classes);
    let nll = 0, cnt = 0;
    for (const c of set.classes) {
      const p = byClass.get(c)!;
      nll += set.model(c).nll(p) * p.n;
      cnt += p.n;
    }
    r.classConditional = {
      k: set.describe().classes[0].k ?? 0, covarianceType: set.modelType === 'gmm' ? set.gmm(set.classes[0]).covarianceType : 'fixed-basis product', nPerClass: perClass,
      perClassAccuracy: acc.perClass, accuracy: acc.overall, confusion: acc.confusion, fd, testNll: nll / cnt,
      bytes: set.manifest?.bytes ?? null, fitSeconds: set.manifest?.totalWallTime ?? null, seconds: (performance.now() - t0) / 1000,
    };
    writePng(join(imgDir, `confusion-${method}.png`), await svgToPng(confusionMatrixSvg(acc.confusion, { title: `${method}: classifier on ${perClass} generated digits per class` })));
    writePng(join(imgDir, `samples-${method}.png`), await imagesGridPng(classRows(acc.images, perClass, set.classes.length, 12), { cols: 12, scale: 1 }));
    if (values['class-fooling'] && !skip.has('fool')) {
      // The class-conditional model as one density: the mixture of the class GMMs weighted by the class
      // frequencies of the training codes, against the real training codes.
      const counts: Record<number, number> = {};
      for (let i = 0; i < train.n; i++) counts[train.labels[i]] = (counts[train.labels[i]] ?? 0) + 1;
      const fr = await foolingRate(realCodes, (_run, s) => mixClasses(set, 'mixture', counts, foolN, 1000 + s), runs, { epochs: foolEpochs, seed: seed + 200 });
      (r.classConditional as Record<string, unknown>).fooling = { mean: fr.mean, sd: fr.sd, runs: fr.runs.map((x) => x.error), nPerSet: foolN, epochs: foolEpochs };
      log(`${method}: class-conditional fooling rate ${pct(fr.mean)} ± ${pct(fr.sd)}`);
    }
    log(`${method}: class-conditional accuracy ${pct(acc.overall)} (per class ${acc.perClass.map((a) => (100 * a).toFixed(1)).join(' ')}), FD ${fd.toFixed(3)}, test NLL ${(nll / cnt).toFixed(2)}`);
    save();
  } else if (!skip.has('class')) {
    log(`${method}: no class-conditional set in ${setDir} (skipped)`);
  }

  // 2. unsupervised K-component GMM on all training codes.
  if (!skip.has('unsup')) {
    const t0 = performance.now();
    const base: Record<string, unknown> = { ...(LATENT_FIT_DEFAULTS[method] ?? {}), ...(UNSUP_FIT_DEFAULTS[method] ?? {}), ...(unsupOpts[method] ?? {}) };
    if (typeof base.maxIter === 'number' && iterScale !== 1) base.maxIter = Math.max(1, Math.round(base.maxIter * iterScale));
    if (typeof base.batchSize === 'number' && base.batchSize > unsupPoints.n) base.batchSize = unsupPoints.n;
    const opts = { ...base, k: unsupK, seed: seed + 7, covarianceType: unsupCov, ...(classStart ? { init: 'classes' } : {}) };
    log(`${method}: fitting the unsupervised K=${unsupK} ${unsupCov} GMM on ${unsupPoints.n} training codes (${JSON.stringify(opts)})`);
    let lastLog = 0;
    const { gmm, history } = fitGMM(method, unsupPoints, {
      ...opts,
      ...(classStart ? { init: classStart } : {}),
      onStep: ({ step, loss }: { step: number; loss: number }) => {
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`  ${method} step ${step}: ${loss.toPrecision(5)}`);
        }
      },
    });
    const fitSeconds = (performance.now() - t0) / 1000;
    const u: Record<string, unknown> = { k: unsupK, covarianceType: unsupCov, n: unsupPoints.n, options: opts, fitSeconds, iterations: history.iterations, trainNll: gmm.nll(unsupPoints), testNll: gmm.nll(testPoints) };
    r.unsupervised = u;
    if (values['unsup-save']) {
      writeFileAtomic(join(resolve(values['unsup-save']), `unsup-${method}.json`), JSON.stringify({ options: opts, gmm: gmm.toJSON(), history }));
    }
    const t1 = performance.now();
    const pur = gmmPurity(gmm, decoder, classifier, { perComponent, seed: seed + 11 });
    u.purity = { mean: pur.mean, weightedMean: pur.weightedMean, distinctMajorities: pur.distinctMajorities, perComponent, components: pur.components.map((c) => ({ majority: c.majority, purity: c.purity, weight: c.weight })), seconds: (performance.now() - t1) / 1000 };
    log(`${method}: purity ${pct(pur.mean)} (weighted ${pct(pur.weightedMean)}), majorities ${pur.components.map((c) => c.majority).join(',')} (${pur.distinctMajorities} distinct)`);
    // Samples of the whole mixture → FD.
    const mix = gmm.sample(perClass * 10, new Rng(seed + 13)).points;
    const mixImgs = decodeCodes(decoder, { n: mix.n, d: mix.d, data: Float32Array.from(mix.data) });
    u.fd = frechetFromStats(gaussianStats(featuresOfImages(features, mixImgs)), realStats);
    // Per-component picture (rows = components).
    const rowsN = 12;
    const rowCodes = new Float32Array(unsupK * rowsN * gmm.d);
    const rrng = new Rng(seed + 19);
    for (let c = 0; c < unsupK; c++) rowCodes.set(Float32Array.from(gmm.sampleComponent(c, rowsN, rrng).data), c * rowsN * gmm.d);
    writePng(join(imgDir, `unsup-${method}.png`), await imagesGridPng(decodeCodes(decoder, { n: unsupK * rowsN, d: gmm.d, data: rowCodes }), { cols: rowsN, scale: 1 }));
    save();
    if (!skip.has('fool')) {
      const t2 = performance.now();
      const fr = await foolingRate(realCodes, (_run, s) => {
        const p = gmm.sample(foolN, new Rng(1000 + s)).points;
        return { n: p.n, d: p.d, data: p.data };
      }, runs, { epochs: foolEpochs, seed: seed + 100 }, (run, i) => log(`  ${method} fooling run ${i + 1}/${runs}: ${pct(run.error)} (fake ${pct(run.fakeError)}, real ${pct(run.realError)}, ${run.seconds.toFixed(0)} s)`));
      // foolingRate uses min(real.n, fake.n) points of each: real codes are subsampled to foolN per run.
      u.fooling = { mean: fr.mean, sd: fr.sd, runs: fr.runs, nPerSet: foolN, epochs: foolEpochs, seconds: (performance.now() - t2) / 1000 };
      log(`${method}: fooling rate ${pct(fr.mean)} ± ${pct(fr.sd)}`);
    }
    u.seconds = (performance.now() - t0) / 1000;
    save();
  }
}

// ---- summary tables ------------------------------------------------------------------------------------------
console.log(markdownReport(results));
save();
log(`results → ${outPath}, pictures → ${imgDir}`);
