/**
 * scikit-learn's surface, checked against scikit-learn (issue 16): for each case and each covariance type (full, tied,
 * diag, spherical), EM through fitGMM on each set of kernels (WebAssembly, JavaScript) and scikit-learn's
 * GaussianMixture from the same data and the same initial mixture (our k-means++ + Lloyd start of that type), and
 *   - the fits: iterations, final mean NLL, weights, means, covariances, bic, aic;
 *   - on identical parameters (our fitted mixture loaded into scikit-learn): score (the log-density), bic, aic and
 *     the parameter count.
 * Differences are relative: |a − b| / |b| for numbers, max_i |a_i − b_i| / max_i |b_i| for arrays (so entries near 0,
 * such as off-diagonal covariances, are measured on the array's scale). The aim is ≤ 1e-9 everywhere.
 *
 *   npm run study:sklearn-check                      # → docs/results/sklearn-check.json and a Markdown table
 *   npm run study:sklearn-check -- --cases synthetic --out /tmp/check.json
 *
 * Cases: synthetic (3000 × 5, 4 components), ring (the shared ring–line–square set, 850 × 2, K = 10; skipped when
 * the shared folder is missing), codes (the first 6000 latent training codes, 6000 × 128, K = 10; skipped when
 * artifacts/codes is missing).
 */
import { parseCli } from '../../src/cli/args.ts';

const CASES = ['synthetic', 'ring', 'codes'] as const;
const cmd = {
  name: 'study:sklearn-check',
  usage: 'npm run study:sklearn-check -- [--cases synthetic,ring,codes] [--kernels wasm,js] [--out FILE] [--force]',
  description: 'EM for the four covariance types, BIC and AIC against scikit-learn on the same data and start.',
  flags: {
    cases: { type: 'list', of: 'string', choices: CASES, default: [...CASES], help: 'data sets' },
    kernels: { type: 'list', of: 'string', choices: ['wasm', 'js'], default: ['wasm', 'js'], help: "gmmgen's EM kernels to check" },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0, help: 'data (synthetic) and k-means++ seed' },
    'max-iter': { type: 'int', min: 1, max: 100_000, default: 100, help: 'EM iterations at most' },
    tol: { type: 'number', min: 0, max: 1, default: 1e-3, help: 'EM tolerance (change of the mean log-likelihood)' },
    reg: { type: 'number', min: 0, max: 1, default: 1e-6, help: 'covariance regularisation' },
    python: { type: 'string', meta: 'PATH', default: '/usr/bin/python3', help: 'python with scikit-learn' },
    out: { type: 'string', meta: 'FILE', help: 'result JSON (default docs/results/sklearn-check.json)' },
    force: { type: 'boolean', help: 'replace an existing result file' },
  },
} as const;
const a = parseCli(cmd).values;

const { existsSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
const { cpus, tmpdir } = await import('node:os');
const { dirname, join } = await import('node:path');
const { spawnSync } = await import('node:child_process');
const { fileURLToPath } = await import('node:url');
const { claimOutput, writeFileAtomic } = await import('../../src/util/output.ts');
const { repoRoot, sharedDir } = await import('../../src/util/paths.ts');
const { Rng } = await import('../../src/util/rng.ts');
const { COVARIANCE_TYPES, fitGMM, initGMM, randomMixture, shutdownKernelPool } = await import('../../src/gmm/index.ts');
type GMM = import('../../src/gmm/index.ts').GMM;
type Points = import('../../src/gmm/index.ts').Points;

const outPath = claimOutput(a.out ?? join(repoRoot, 'docs/results/sklearn-check.json'), { explicit: a.out !== undefined, force: a.force });

/** The case's points and K, or why it is skipped. */
async function loadCase(name: (typeof CASES)[number]): Promise<{ points: Points; k: number } | string> {
  if (name === 'synthetic') {
    const rng = new Rng(a.seed);
    return { points: randomMixture(5, 4, rng, 1).sample(3000, rng).points, k: 4 };
  }
  if (name === 'ring') {
    const dir = sharedDir();
    const file = dir && join(dir, 'data', 'ring-line-square.txt');
    if (!file || !existsSync(file)) return 'the shared folder (GMMGEN_SHARED) has no data/ring-line-square.txt';
    const { readRingData } = await import('../../src/server/explore.ts');
    return { points: readRingData(file), k: 10 };
  }
  const base = join(repoRoot, 'artifacts/codes/train');
  if (!existsSync(`${base}.json`)) return 'artifacts/codes/train is missing (npm run encode)';
  const { readCodes } = await import('../../src/latent/codes.ts');
  const codes = readCodes(base);
  const n = Math.min(6000, codes.n);
  return { points: { n, d: codes.d, data: Float64Array.from(codes.data.subarray(0, n * codes.d)) }, k: 10 };
}

const relNum = (x: number, ref: number) => Math.abs(x - ref) / Math.abs(ref);
const relArr = (x: ArrayLike<number>, ref: ArrayLike<number>) => {
  let diff = 0, scale = 0;
  for (let i = 0; i < ref.length; i++) { diff = Math.max(diff, Math.abs(x[i] - ref[i])); scale = Math.max(scale, Math.abs(ref[i])); }
  if (x.length !== ref.length) return Infinity;
  return diff / scale;
};
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

interface Entry { name: string; points: string; n: number; d: number; k: number; covarianceType: string; tol: number; maxIter: number; reg: number; init: unknown; fitted: unknown }
interface Ours { kernels: string; gmm: GMM; iterations: number; converged: boolean; seconds: number }

const work = mkdtempSync(join(tmpdir(), 'gmmgen-sklearn-check-'));
const entries: Entry[] = [];
const ours = new Map<string, { points: Points; fits: Ours[] }>();
const skipped: Record<string, string> = {};
try {
  for (const name of a.cases as (typeof CASES)[number][]) {
    const c = await loadCase(name);
    if (typeof c === 'string') { skipped[name] = c; console.log(`${name}: skipped (${c})`); continue; }
    const { points, k } = c;
    const file = `${name}.f64`;
    writeFileSync(join(work, file), new Uint8Array(points.data.buffer, points.data.byteOffset, points.data.byteLength));
    for (const type of COVARIANCE_TYPES) {
      const init = initGMM(points, k, { method: 'kmeans++', seed: a.seed, covarianceType: type, regCovar: a.reg });
      const fits: Ours[] = [];
      for (const kernels of a.kernels) {
        process.env.GMMGEN_KERNELS = kernels;
        const t = performance.now();
        const { gmm, history } = fitGMM('em', points, { k, init, covarianceType: type, maxIter: a['max-iter'], tol: a.tol, regCovar: a.reg });
        fits.push({ kernels, gmm, iterations: history.iterations, converged: history.converged, seconds: (performance.now() - t) / 1000 });
      }
      const key = `${name}/${type}`;
      ours.set(key, { points, fits });
      entries.push({
        name: key, points: file, n: points.n, d: points.d, k, covarianceType: type, tol: a.tol, maxIter: a['max-iter'], reg: a.reg,
        init: init.toJSON(), fitted: fits[0].gmm.toJSON(),
      });
      console.log(`${key}: n=${points.n} d=${points.d} K=${k}: ${fits.map((f) => `${f.kernels} ${f.iterations} it ${f.seconds.toFixed(2)} s`).join(', ')}`);
    }
  }
  writeFileSync(join(work, 'cases.json'), JSON.stringify(entries));
  const py = spawnSync(a.python, [join(dirname(fileURLToPath(import.meta.url)), 'sklearn_check.py'), work], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (py.status !== 0) {
    console.error(`study:sklearn-check: ${a.python} sklearn_check.py failed (exit ${py.status ?? py.signal}):\n${py.stderr}`);
    process.exit(1);
  }
  const ver = spawnSync(a.python, ['-c', 'import sklearn, numpy; print(sklearn.__version__, numpy.__version__)'], { encoding: 'utf8' }).stdout.trim().split(' ');
  const rows: Record<string, unknown>[] = [];
  for (const line of py.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as { name: string; fit: Record<string, unknown>; on_ours: Record<string, number> };
    const { points, fits } = ours.get(r.name)!;
    const f = r.fit as { n_iter: number; converged: boolean; nll: number; weights: number[]; means: number[][]; covariances: unknown; bic: number; aic: number };
    for (const o of fits) {
      const g = o.gmm, json = g.toJSON();
      rows.push({
        case: r.name, kernels: o.kernels, iterations: [o.iterations, f.n_iter], converged: [o.converged, f.converged],
        nll: relNum(g.nll(points), f.nll), weights: relArr(g.weights, f.weights), means: relArr(g.means, flat(f.means)),
        covariances: relArr(flat(json.covariances), flat(f.covariances)), bic: relNum(g.bic(points), f.bic), aic: relNum(g.aic(points), f.aic),
        sameParams: o === fits[0] ? {
          score: relNum(g.score(points), r.on_ours.score), bic: relNum(g.bic(points), r.on_ours.bic), aic: relNum(g.aic(points), r.on_ours.aic),
          nParameters: [g.nParameters(), r.on_ours.n_parameters],
        } : undefined,
      });
    }
  }
  const worst = (key: string) => Math.max(...rows.map((r) => r[key] as number));
  const sameWorst = (key: string) => Math.max(...rows.filter((r) => r.sameParams).map((r) => (r.sameParams as Record<string, number>)[key]));
  const iterationsAgree = rows.every((r) => (r.iterations as number[])[0] === (r.iterations as number[])[1]);
  const countsAgree = rows.filter((r) => r.sameParams).every((r) => { const p = (r.sameParams as { nParameters: number[] }).nParameters; return p[0] === p[1]; });
  const keys = ['nll', 'weights', 'means', 'covariances', 'bic', 'aic'];
  const within = keys.every((k) => worst(k) <= 1e-9) && ['score', 'bic', 'aic'].every((k) => sameWorst(k) <= 1e-9) && iterationsAgree && countsAgree;
  const result = {
    date: new Date().toISOString(), command: `npm run study:sklearn-check -- ${process.argv.slice(2).join(' ')}`.trim(),
    conditions: { node: process.version, cores: cpus().length, cpu: cpus()[0]?.model, sklearn: ver[0], numpy: ver[1], seed: a.seed, maxIter: a['max-iter'], tol: a.tol, reg: a.reg },
    skipped, rows, worst: Object.fromEntries(keys.map((k) => [k, worst(k)])), iterationsAgree, countsAgree, within1e9: within,
  };
  writeFileAtomic(outPath, JSON.stringify(result, null, 1) + '\n');

  const e = (v: number) => (v === 0 ? '0' : v.toExponential(1));
  console.log(`\nscikit-learn ${ver[0]}, numpy ${ver[1]}, node ${process.version}; relative differences (max |a−b| / max |b| for arrays):\n`);
  console.log('| case / covariance | kernels | iterations (ours, sklearn) | NLL | weights | means | covariances | BIC | AIC | same parameters: score, BIC, AIC | parameters |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const s = r.sameParams as { score: number; bic: number; aic: number; nParameters: number[] } | undefined;
    const it = r.iterations as number[];
    console.log(`| ${r.case} | ${r.kernels} | ${it[0]}, ${it[1]} | ${keys.map((k) => e(r[k] as number)).join(' | ')} | ${s ? `${e(s.score)}, ${e(s.bic)}, ${e(s.aic)}` : '(as above)'} | ${s ? s.nParameters.join(' = ') : ''} |`);
  }
  console.log(`\nworst: ${keys.map((k) => `${k} ${e(worst(k))}`).join(', ')}; same iterations: ${iterationsAgree}; parameter counts equal: ${countsAgree}`);
  console.log(`all within 1e-9: ${within ? 'yes' : 'NO'}; wrote ${outPath}`);
} finally {
  rmSync(work, { recursive: true, force: true });
  await shutdownKernelPool();
}
