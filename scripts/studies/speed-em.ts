/**
 * EM speed study (issue 13): gmmgen's runEM against scikit-learn's GaussianMixture on the same data and the same
 * initial mixture, the two programs run alternately as whole processes (A B A B …).
 *
 *   node_modules/.bin/tsx scripts/studies/speed-em.ts [--case synthetic|codes|ring] [--n 6000] [--d 128] [--k 10]
 *        [--cov full|diag] [--seed 0] [--sep 0.25] [--max-iter 10] [--tol 0] [--reg 1e-6] [--pairs 3]
 *        [--python /usr/bin/python3] [--prepare DIR] [--summarize LOG_A LOG_B]
 *
 * 1. Writes the case (em-cases.ts: points.f64 and init.json with our k-means++ + Lloyd start) to DIR (--prepare:
 *    then prints the two commands and stops) or to a temporary directory.
 * 2. Runs `node --import tsx scripts/studies/em-fit-once.ts DIR` (A) and `python3 scripts/studies/sklearn_em.py DIR`
 *    (B) alternately, one warm-up pair and then --pairs counted pairs. Each program prints the in-process wall time
 *    of its fit; the parent measures each whole process (spawn to exit).
 * 3. Prints per pair and as medians: both fit times, both whole-process times, the ratios A/B, both final mean NLLs
 *    and their relative difference.
 * --summarize reads two logs of JSON lines (A's, B's; the first line of each is a warm-up and is skipped), as the
 * programs print them, and prints the in-process part of the same table.
 * Default --tol 0 so both programs run exactly --max-iter iterations.
 */
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES, caseInit, casePoints, writeCase, type CaseName, type CaseSpec } from './em-cases.ts';
import type { CovarianceType } from '../../src/gmm/types.ts';

const { values: a, positionals } = parseArgs({
  strict: true,
  allowPositionals: true,
  options: {
    case: { type: 'string', default: 'synthetic' }, n: { type: 'string', default: '6000' }, d: { type: 'string', default: '128' },
    k: { type: 'string', default: '10' }, cov: { type: 'string', default: 'full' }, seed: { type: 'string', default: '0' },
    sep: { type: 'string', default: '0.25' }, 'max-iter': { type: 'string', default: '10' }, tol: { type: 'string', default: '0' },
    reg: { type: 'string', default: '1e-6' }, pairs: { type: 'string', default: '3' }, python: { type: 'string', default: '/usr/bin/python3' },
    prepare: { type: 'string' }, summarize: { type: 'boolean', default: false },
  },
});
const fail = (msg: string): never => { console.error(`speed-em: ${msg}`); process.exit(2); };
const opt = a as Record<string, string | boolean | undefined>;
const posInt = (name: string): number => { const v = Number(opt[name]); if (!Number.isInteger(v) || v < 1) fail(`--${name} must be a positive integer, got '${opt[name]}'`); return v; };
const nonNeg = (name: string): number => { const v = Number(opt[name]); if (!Number.isFinite(v) || v < 0) fail(`--${name} must be a non-negative number, got '${opt[name]}'`); return v; };

interface FitLine { program: string; fit_s: number; iterations: number; nll: number; threads?: unknown; wall_s?: number }
const median = (v: number[]) => { const s = [...v].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (v: number) => v.toFixed(3);

function parseLines(text: string, what: string): FitLine[] {
  const out: FitLine[] = [];
  for (const l of text.split('\n')) {
    const t = l.trim();
    if (!t.startsWith('{')) continue;
    try { out.push(JSON.parse(t) as FitLine); } catch { fail(`${what}: not a JSON line: ${t.slice(0, 80)}`); }
  }
  return out;
}

function report(A: FitLine[], B: FitLine[]): void {
  const pairs = Math.min(A.length, B.length);
  const wall = A.every((x) => x.wall_s !== undefined) && B.every((x) => x.wall_s !== undefined);
  console.log(`\n| pair | gmmgen fit (s) | scikit-learn fit (s) | ratio fit |${wall ? ' gmmgen process (s) | scikit-learn process (s) | ratio process |' : ''}`);
  console.log(`|---|---|---|---|${wall ? '---|---|---|' : ''}`);
  const rf: number[] = [], rw: number[] = [];
  for (let p = 0; p < pairs; p++) {
    rf.push(A[p].fit_s / B[p].fit_s);
    let row = `| ${p + 1} | ${fmt(A[p].fit_s)} | ${fmt(B[p].fit_s)} | ${rf[p].toFixed(2)} |`;
    if (wall) { rw.push(A[p].wall_s! / B[p].wall_s!); row += ` ${fmt(A[p].wall_s!)} | ${fmt(B[p].wall_s!)} | ${rw[p].toFixed(2)} |`; }
    console.log(row);
  }
  let row = `| median | ${fmt(median(A.map((x) => x.fit_s)))} | ${fmt(median(B.map((x) => x.fit_s)))} | ${median(rf).toFixed(2)} |`;
  if (wall) row += ` ${fmt(median(A.map((x) => x.wall_s!)))} | ${fmt(median(B.map((x) => x.wall_s!)))} | ${median(rw).toFixed(2)} |`;
  console.log(row);
  const na = A[0].nll, nb = B[0].nll;
  console.log(`\niterations: gmmgen ${A[0].iterations}, scikit-learn ${B[0].iterations}; final mean NLL gmmgen ${na.toFixed(12)}, scikit-learn ${nb.toFixed(12)}, relative difference ${(Math.abs(na - nb) / Math.abs(nb)).toExponential(2)}`);
  if (B[0].threads) console.log(`scikit-learn threads: ${String(B[0].threads)}; gmmgen threads: ${String(A[0].threads)}`);
}

if (a.summarize) {
  if (positionals.length !== 2) fail('--summarize takes two log files: LOG_A (gmmgen) LOG_B (scikit-learn)');
  const A = parseLines(readFileSync(positionals[0], 'utf8'), positionals[0]).slice(1);
  const B = parseLines(readFileSync(positionals[1], 'utf8'), positionals[1]).slice(1);
  if (!A.length || !B.length) fail('each log needs a warm-up line and at least one counted line');
  report(A, B);
  process.exit(0);
}
if (positionals.length) fail(`unexpected argument '${positionals[0]}'`);
if (!(CASES as readonly string[]).includes(a.case!)) fail(`--case must be one of ${CASES.join(', ')}, got '${a.case}'`);
if (a.cov !== 'full' && a.cov !== 'diag') fail(`--cov must be full or diag, got '${a.cov}'`);
const spec: CaseSpec = {
  name: a.case as CaseName, n: posInt('n'), d: posInt('d'), k: posInt('k'), seed: nonNeg('seed'), sep: nonNeg('sep'),
  covarianceType: a.cov as CovarianceType, maxIter: posInt('max-iter'), tol: nonNeg('tol'), reg: nonNeg('reg'),
};
const pairs = posInt('pairs');

const here = dirname(fileURLToPath(import.meta.url));
const dir = a.prepare ? resolve(a.prepare) : mkdtempSync(join(tmpdir(), 'gmmgen-speed-em-'));
if (a.prepare) mkdirSync(dir, { recursive: true });
const cmdA = [process.execPath, '--import', 'tsx', join(here, 'em-fit-once.ts'), dir];
const cmdB = [a.python!, join(here, 'sklearn_em.py'), dir];
try {
  const points = casePoints(spec);
  const t = performance.now();
  const init = caseInit(points, spec);
  const meta = writeCase(dir, points, init, spec, 1);
  console.log(`case ${meta.case}: n=${meta.n} d=${meta.d} K=${meta.k} ${meta.covarianceType}, ${meta.maxIter} iterations (tol ${meta.tol}), ` +
    `reg ${meta.reg}; init k-means++ + Lloyd ${((performance.now() - t) / 1000).toFixed(2)} s; ${cpus().length} cores; node ${process.version}; ${new Date().toISOString()}`);
  if (a.prepare) {
    console.log(`wrote ${dir}\nA: ${cmdA.join(' ')}\nB: ${cmdB.join(' ')}`);
    process.exit(0);
  }
  const runOne = (cmd: string[]): FitLine => {
    const t0 = performance.now();
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) fail(`${cmd.join(' ')} failed (exit ${r.status}): ${r.stderr || r.error}`);
    const lines = parseLines(r.stdout, cmd.join(' '));
    if (lines.length !== 1) fail(`${cmd.join(' ')} printed ${lines.length} fit lines, expected 1`);
    return { ...lines[0], wall_s: wall };
  };
  const A: FitLine[] = [], B: FitLine[] = [];
  for (let p = 0; p <= pairs; p++) {
    const x = runOne(cmdA), y = runOne(cmdB);
    console.log(`${p === 0 ? 'warm-up' : `pair ${p}`}: gmmgen fit ${fmt(x.fit_s)} s (process ${fmt(x.wall_s!)} s), scikit-learn fit ${fmt(y.fit_s)} s (process ${fmt(y.wall_s!)} s)`);
    if (p > 0) { A.push(x); B.push(y); }
  }
  report(A, B);
} finally {
  if (!a.prepare) rmSync(dir, { recursive: true, force: true });
}
