/**
 * The npm package (issue 16): `npm pack` (which builds dist/ through the prepack script) gives a tarball that
 * installs into an empty project and works from plain JavaScript and from TypeScript:
 *
 *  - the tarball is installed with `npm ci --offline` from a lockfile that names it and takes every dependency's
 *    version and integrity from this repository's package-lock.json, so npm reads them from its cache (filled by
 *    this checkout's own `npm ci`) and the test never needs the network (npm fails with ENOTCACHED otherwise);
 *  - `gmmgen/gmm` imported from an .mjs file loads only the package's dist/gmm and dist/util/rng modules and Node's
 *    built-ins (recorded by a module resolve hook: no tfjs, sharp or express), fits on the WebAssembly kernels with
 *    worker threads, samples, scores, and reads its JSON back;
 *  - README.md's "Use the library" example runs unchanged;
 *  - the other entry points (models, latent, style, eval, backend) import, the shipped latent GMMs load from the
 *    package's models/ folder, a figure renders through Vega (its .mjs worker is in dist/), and the `gmmgen` bin
 *    answers --help;
 *  - a TypeScript consumer type-checks against the .d.ts with strict settings, no DOM library and no @types/node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/util/paths.ts';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd: string, args: string[], opts: SpawnSyncOptions & { cwd: string }): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, ...opts, env: { ...process.env, GMMGEN_QUIET: '1', ...opts.env } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} (in ${opts.cwd}) exited with ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return String(r.stdout);
}

interface LockEntry { dev?: boolean; devOptional?: boolean; optional?: boolean; [k: string]: unknown }

/** A consumer project's package.json and package-lock.json installing the tarball `tgz` (beside the project). */
function consumerLock(tgz: string, tgzPath: string): { pkg: object; lock: object } {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const repoLock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:../${tgz}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { gmmgen: spec } },
    'node_modules/gmmgen': {
      version: pkg.version, resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tgzPath)).digest('base64')}`,
      license: pkg.license, dependencies: pkg.dependencies, optionalDependencies: pkg.optionalDependencies, bin: pkg.bin, engines: pkg.engines,
    },
  };
  // The package's run-time dependency tree: the entries of this repository's lock that are not development-only.
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path === '' || entry.dev) continue;
    const { devOptional, ...rest } = entry;
    packages[path] = devOptional ? { ...rest, optional: true } : rest;
  }
  return {
    pkg: { name: 'consumer', version: '1.0.0', private: true, dependencies: { gmmgen: spec } },
    lock: { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages },
  };
}

/** The first ```js block after the README's library-example marker. */
function readmeExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- library-example');
  assert.ok(at >= 0, 'README.md has the library-example marker');
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, 'README.md has a js block after the marker');
  return m[1];
}

const HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, r.url + '\\n');
  return r;
}
`;

const GMM_CHECK = `
import { register } from 'node:module';
import { readFileSync } from 'node:fs';
register('./hooks.mjs', import.meta.url, { data: { log: process.argv[2] } });
const lib = await import('gmmgen/gmm');
const { GMM, fitGMM, kernelWorkerCount, wasmUnavailableReason } = lib;
const d = 6, k = 3;
const means = [], covariances = [];
for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means.push(4 * Math.cos(c + j));
for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) covariances.push(a === b ? 1 + 0.2 * c : 0.1);
const truth = new GMM({ k, d, covarianceType: 'full', weights: [0.2, 0.3, 0.5], means, covariances });
const { points } = truth.sample(30000, 1);
const { gmm, history } = fitGMM('em', points, { k, seed: 0 });
const sample = gmm.sample(100, 2).points;
const back = GMM.fromJSONString(gmm.toJSONString());
const loaded = [...new Set(readFileSync(process.argv[2], 'utf8').split('\\n').filter(Boolean))];
console.log(JSON.stringify({
  wasm: wasmUnavailableReason(), workers: kernelWorkerCount(), converged: history.converged,
  score: gmm.score(points), truthScore: truth.score(points), bic: gmm.bic(points),
  sampleN: sample.n, sampleD: sample.d, sameJson: back.score(points) === gmm.score(points), loaded,
}));
`;

const ENTRY_CHECK = `
import { loadAllLatentSets } from 'gmmgen/latent';
const models = await import('gmmgen/models');
const style = await import('gmmgen/style');
const evaluation = await import('gmmgen/eval');
const backend = await import('gmmgen/backend');
const root = await import('gmmgen');
const gmm = await import('gmmgen/gmm');
const sets = loadAllLatentSets();
const set = [...sets.values()][0];
// A figure through the Vega-Lite renderer (its worker is a plain .mjs file the build copies into dist/).
const svg = evaluation.confusionMatrixSvg([[3, 1], [0, 4]], { title: 'packed' });
console.log(JSON.stringify({
  latentDim: models.LATENT_DIM, loadAutoencoder: typeof models.loadAutoencoder, fitGramModel: typeof style.fitGramModel,
  frechetDistance: typeof evaluation.frechetDistance, initBackend: typeof backend.initBackend, rootIsGmm: root.GMM === gmm.GMM,
  sets: sets.size, classes: set ? set.classes.length : 0, figure: svg.startsWith('<svg') && svg.includes('>packed<') && svg.includes('.75'),
}));
`;

const TS_CONSUMER = `
import { GMM, GMMOptionError, fitGMM, type CovarianceType, type FitResult, type Points } from 'gmmgen/gmm';
const points: Points = { n: 6, d: 1, data: new Float64Array([0, 0.1, 0.2, 5, 5.1, 5.2]) };
const types: CovarianceType[] = ['full', 'diag', 'tied', 'spherical'];
export const results: FitResult[] = types.map((covarianceType) => fitGMM('em', points, { k: 2, covarianceType, nInit: 2 }));
const g: GMM = results[0].gmm;
export const criteria: [number, number, number] = [g.score(points), g.bic(points), g.aic(points)];
export const err: typeof GMMOptionError = GMMOptionError;
// @ts-expect-error: not a covariance type
export const bad = new GMM({ k: 1, d: 1, covarianceType: 'blocky', weights: [1], means: [0], covariances: [1] });
// @ts-expect-error: not a fitting method
fitGMM('kmeans', points, { k: 2 });
`;

test('npm pack: the tarball installs offline into an empty project and works from JavaScript and TypeScript', { timeout: 300_000 }, (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'gmmgen-pack-'));
  let t0 = performance.now();
  const lap = (what: string) => { const now = performance.now(); t.diagnostic(`${what}: ${((now - t0) / 1000).toFixed(1)} s`); t0 = now; };
  try {
    const out = run(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: repoRoot }); // prepack builds dist/ first
    const packed = JSON.parse(out.slice(out.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
    const { filename, files, size, unpackedSize } = packed[0] as (typeof packed)[0] & { size: number; unpackedSize: number };
    lap(`npm pack (build included): ${files.length} files, ${(size / 1e6).toFixed(2)} MB packed, ${(unpackedSize / 1e6).toFixed(2)} MB unpacked`);
    const paths = files.map((f) => f.path);
    for (const p of ['dist/gmm/index.js', 'dist/gmm/index.d.ts', 'dist/gmm/wasm/em-module.js', 'dist/cli/main.js', 'dist/server/public/index.html', 'dist/util/plot-worker.mjs', 'models/gmm/sw/index.json', 'LICENSE']) {
      assert.ok(paths.includes(p), `the tarball holds ${p}`);
    }
    for (const p of paths) assert.match(p, /^(dist\/|assets\/|models\/(autoencoder|classifier|gmm)\/|README\.md$|LICENSE$|package\.json$)/, `unexpected file in the tarball: ${p}`);
    assert.ok(!paths.some((p) => p.endsWith('.ts') && !p.endsWith('.d.ts')), 'no TypeScript sources in the tarball');
    assert.ok(!paths.includes('dist/util/worker-boot.mjs'), 'no tsx bootstrap in the tarball');
    assert.ok(paths.some((p) => p.startsWith('assets/presets/')), "the app's content presets are in the tarball");

    const proj = join(tmp, 'consumer');
    mkdirSync(proj);
    const { pkg, lock } = consumerLock(filename, join(tmp, filename));
    writeFileSync(join(proj, 'package.json'), JSON.stringify(pkg, null, 2));
    writeFileSync(join(proj, 'package-lock.json'), JSON.stringify(lock, null, 2));
    run(NPM, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: proj });
    lap('npm ci --offline of the tarball and its dependencies');

    // gmmgen/gmm from plain JavaScript, recording every module it loads.
    writeFileSync(join(proj, 'hooks.mjs'), HOOKS);
    writeFileSync(join(proj, 'check.mjs'), GMM_CHECK);
    const log = join(tmp, 'loaded.txt');
    const r = JSON.parse(run(process.execPath, ['check.mjs', log], { cwd: proj, env: { GMMGEN_THREADS: '2' } }));
    assert.equal(r.wasm, '', 'the WebAssembly kernels load from the package');
    assert.equal(r.workers, 1, 'the EM worker pool runs from the compiled package');
    assert.ok(r.converged);
    assert.ok(Math.abs(r.score - r.truthScore) < 0.01, `fitted mean log-likelihood ${r.score} vs the truth's ${r.truthScore}`);
    assert.ok(Number.isFinite(r.bic));
    assert.deepEqual([r.sampleN, r.sampleD, r.sameJson], [100, 6, true]);
    const outside = (r.loaded as string[]).filter((u) => !u.startsWith('node:') && !/\/node_modules\/gmmgen\/dist\/(gmm\/|util\/(rng|worker|clock)\.js$)/.test(u));
    assert.deepEqual(outside, [], 'gmmgen/gmm loads nothing but its own modules (gmm/, util/rng, util/worker, util/clock) and Node built-ins');
    assert.ok((r.loaded as string[]).some((u) => u.endsWith('/node_modules/gmmgen/dist/gmm/index.js')), 'the hook saw the package');
    lap(`gmmgen/gmm from .mjs (${(r.loaded as string[]).length} modules loaded)`);

    // README's example, as it stands.
    writeFileSync(join(proj, 'example.mjs'), readmeExample());
    const ex = spawnSync(process.execPath, ['example.mjs'], { cwd: proj, encoding: 'utf8', timeout: 60_000 });
    assert.equal(ex.status, 0, `README example failed:\n${ex.stderr}`);
    assert.equal(ex.stderr, '');
    assert.ok(ex.stdout.trim().split('\n').length >= 2, `README example printed:\n${ex.stdout}`);
    lap('README example');

    // The other entry points, the shipped models inside the package, the bin.
    writeFileSync(join(proj, 'entries.mjs'), ENTRY_CHECK);
    const e = JSON.parse(run(process.execPath, ['entries.mjs'], { cwd: proj }));
    assert.deepEqual(e, {
      latentDim: 128, loadAutoencoder: 'function', fitGramModel: 'function', frechetDistance: 'function', initBackend: 'function',
      rootIsGmm: true, sets: e.sets, classes: 10, figure: true,
    });
    assert.ok(e.sets >= 1, 'the shipped latent GMM sets load from the package');
    const help = run(join(proj, 'node_modules/.bin/gmmgen'), ['serve', '--help'], { cwd: proj });
    assert.match(help, /usage: /);
    lap('other entry points and the bin');

    // A TypeScript consumer against the .d.ts files.
    writeFileSync(join(proj, 'consumer.ts'), TS_CONSUMER);
    writeFileSync(join(proj, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, lib: ['ES2022'], types: [] },
      files: ['consumer.ts'],
    }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    run(process.execPath, [tsc, '-p', '.'], { cwd: proj });
    lap('tsc on a TypeScript consumer');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
