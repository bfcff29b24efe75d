/**
 * Mutation sampling: how many small, plausible one-line bugs in src/ does the test suite catch?
 *
 *   nice -n 10 npm run mutation-sample -- [--n 40] [--seed 1] [--only src/gmm,src/server] [--timeout 900]
 *        [--out docs/results/mutation-sample.json] [--pick 3,7] [--list] [--report] [--force]
 *
 * 1. Lists every candidate mutation of every src/**\/*.ts line that is code (not a comment, import, type
 *    declaration or string): a relational operator moved by one (< ↔ <=, > ↔ >=), an equality flipped
 *    (=== ↔ !==), && ↔ ||, + ↔ −, * ↔ /, Math.max ↔ Math.min, a numeric literal changed (0 → 1, n → n + 1),
 *    true ↔ false, a statement removed (a `continue`/`break`/`return …;`/`throw …;` guard, or an assignment).
 * 2. Draws --n of them uniformly at random (seeded).
 * 3. For each, in a scratch copy of the repository (the working tree is never touched), applies the one-line
 *    change and runs the relevant tests one file at a time: every test file that imports the mutated module
 *    directly, then the mirrored folder (src/gmm/fit → test/gmm/fit), then the rest of the area (test/gmm). A mutant is caught at the first file
 *    that fails (or runs past --timeout seconds, not counting seconds its processes were paused with SIGSTOP);
 *    the failing tests are recorded. A survivor has run them all.
 *    A mutant of a source that runs only after a build (the AssemblyScript kernels) is built first, so that the
 *    tests run the mutated kernel; a build that fails counts as caught. The tests see GMMGEN_MUTATION_SAMPLE=1:
 *    the check that the shipped module is the build of its source is skipped (it would catch every kernel
 *    mutant without running it).
 * 4. A mutant that passes every test is type-checked (tsc --noEmit, the first step of npm test): one that does not
 *    type-check (a changed type annotation) is caught there.
 * 5. Runs the failing test files once more on the unmutated copy, so that a flaky test cannot count as a catch.
 * --pick re-runs chosen mutants of the same sample (e.g. the survivors, after tests were added).
 * --at COMMIT draws the sample from src/ as it was at COMMIT: the draw depends on every file's candidates, so an
 *    edit anywhere in src/ changes which mutants a seed picks. Each mutant is then applied to the line of the working
 *    copy that reads as the mutated line did at COMMIT (the nearest such line; a mutant whose line or file is gone
 *    is skipped with a message and not counted).
 *
 * Results (every mutant: file, line, before/after, caught, by which tests) go to --out after every mutant, so
 * an interrupted run keeps what it measured; --report prints the table of --out.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseCli, UsageError } from '../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../src/util/output.ts';
import { repoRoot, sharedDir } from '../src/util/paths.ts';

const cli = parseCli({
  name: 'mutation-sample',
  usage: 'npm run mutation-sample -- [--n 40] [--seed 1] [--only src/gmm,...] [--timeout 900] [--out FILE] [--pick 3,7-9] [--at COMMIT] [--list | --report] [--force]',
  description: 'Puts sampled one-line bugs into src/ one at a time (in a scratch copy), runs the relevant tests, and reports the share caught.',
  flags: {
    n: { type: 'int', min: 1, max: 1000, default: 40, help: 'mutants to sample' },
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1, help: 'sampling seed' },
    only: { type: 'list', help: 'only files under these paths (e.g. src/gmm,src/server)' },
    timeout: { type: 'int', min: 10, max: 7200, default: 900, help: 'seconds per test file (longer counts as caught)' },
    out: { type: 'string', meta: 'FILE', default: 'docs/results/mutation-sample.json', help: 'results JSON (relative to the repository)' },
    pick: { type: 'list', of: 'int', min: 1, max: 1000, ranges: true, help: 'run only these mutants of the sample (1-based, e.g. 3,7-9): re-checks survivors after new tests' },
    list: { type: 'boolean', help: 'only print the sampled mutants' },
    report: { type: 'boolean', help: 'only print the table of --out' },
    force: { type: 'boolean', help: 'replace an existing --out' },
    at: { type: 'string', meta: 'COMMIT', help: 'draw the sample from src/ as of this commit (to finish or re-check an earlier sample after src/ changed); each mutant is applied to the line of the working copy that reads as its line did then' },
  },
});
const args = cli.values;
const outPath = resolve(repoRoot, args.out); // an absolute --out stays absolute
if (!args.list && !args.report) claimOutput(outPath, { explicit: cli.given.has('out'), force: args.force });

// ---------------------------------------------------------------------------------------------------------
// Candidate mutations

export interface Mutation {
  file: string;
  line: number;
  operator: string;
  before: string;
  after: string;
}

/** Simple seeded generator (mulberry32), so that the sample does not depend on src/util/rng.ts being right. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The line without its trailing // comment and with string/template contents blanked (same length). */
function codeOnly(line: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\') {
        out += '  ';
        i++;
        continue;
      }
      if (ch === quote) {
        quote = null;
        out += ch;
      } else out += ' ';
      continue;
    }
    if (ch === '/' && line[i + 1] === '/') break;
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    out += ch;
  }
  return out.padEnd(line.length, ' ');
}

const SWAPS: [string, RegExp, (m: string) => string][] = [
  ['relational', / (<=|>=|<|>) /g, (m) => ({ ' < ': ' <= ', ' <= ': ' < ', ' > ': ' >= ', ' >= ': ' > ' })[m]!],
  ['equality', / (===|!==) /g, (m) => (m === ' === ' ? ' !== ' : ' === ')],
  ['logical', / (&&|\|\|) /g, (m) => (m === ' && ' ? ' || ' : ' && ')],
  ['arithmetic', / ([+\-*/]) (?!=)/g, (m) => ({ ' + ': ' - ', ' - ': ' + ', ' * ': ' / ', ' / ': ' * ' })[m]!],
  ['max/min', /Math\.(max|min)\(/g, (m) => (m === 'Math.max(' ? 'Math.min(' : 'Math.max(')],
  ['boolean', /\b(true|false)\b/g, (m) => (m === 'true' ? 'false' : 'true')],
  ['literal', /(?<![\w.$])(\d+(\.\d+)?)(?![\w.])/g, (m) => (m === '0' ? '1' : m === '1' ? '0' : String(Number(m) + 1))],
];
const REMOVABLE = /^\s*(if \(.+\) )?(continue|break|return\b[^;]*|throw new \w+\(.*\));\s*$|^\s*[\w.[\]]+ (\+|-|\*|\/)?= [^=].*;\s*$/;

export function candidates(file: string, text: string): Mutation[] {
  const out: Mutation[] = [];
  const lines = text.split('\n');
  let inBlock = false;
  let inType = 0;
  lines.forEach((raw, i) => {
    const t = raw.trim();
    if (inBlock) {
      if (t.includes('*/')) inBlock = false;
      return;
    }
    if (t.startsWith('/*')) {
      if (!t.includes('*/')) inBlock = true;
      return;
    }
    if (!t || t.startsWith('//') || t.startsWith('*') || /^(import|export \{|export type|export \* )/.test(t)) return;
    if (/^(export )?(interface|type) /.test(t)) {
      if (t.endsWith('{')) inType++;
      return;
    }
    if (inType > 0) {
      if (t.startsWith('}')) inType--;
      return;
    }
    const code = codeOnly(raw);
    for (const [operator, re, swap] of SWAPS) {
      for (const m of code.matchAll(re)) {
        if (operator === 'arithmetic' && /^\s*[-+*/]/.test(code.slice(0, m.index))) continue;
        if (operator === 'literal' && /\[\s*$/.test(code.slice(0, m.index)) && m[0] === '0') continue; // x[0]: usually a shape
        const after = raw.slice(0, m.index) + swap(m[0]) + raw.slice(m.index! + m[0].length);
        out.push({ file, line: i + 1, operator, before: raw, after });
      }
    }
    if (REMOVABLE.test(code) && !/^\s*(const|let|var) /.test(code)) out.push({ file, line: i + 1, operator: 'remove statement', before: raw, after: '' });
  });
  return out;
}

/** The 1-based line of `lines` that reads as the mutant's line did (nearest to its old number), or null. */
export function applicableLine(lines: readonly string[], m: Mutation): number | null {
  let best: number | null = null;
  lines.forEach((l, i) => {
    if (l === m.before && (best === null || Math.abs(i + 1 - m.line) < Math.abs(best - m.line))) best = i + 1;
  });
  return best;
}

/** Generated files (their source is mutated instead; see BUILDS). */
const GENERATED = new Set(['src/gmm/wasm/em-module.ts', 'src/gmm/wasm/sliced-module.ts']);

/**
 * Sources that run only after a build step: a mutant there is built first (so the tests run the mutated kernel,
 * and the test that checks the shipped build is reproducible stays green); a build that fails counts as caught.
 */
// Every file the build writes is restored after the mutant (the wasm build writes both modules: a sliced-kernel
// mutant left in sliced-module.ts would fail the unmutated re-check and every later mutant's tests).
const BUILDS: { under: string; script: string; outputs: string[] }[] = [
  { under: 'src/gmm/wasm/assembly/', script: 'scripts/build-wasm.ts', outputs: ['src/gmm/wasm/em-module.ts', 'src/gmm/wasm/sliced-module.ts'] },
];

function srcFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? (n === 'public' ? [] : srcFiles(p)) : n.endsWith('.ts') ? [p] : [];
  });
}

// ---------------------------------------------------------------------------------------------------------
// Relevant tests

function testFiles(): string[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.test.ts') ? [join(d, n)] : []));
  return walk(join(repoRoot, 'test')).map((f) => relative(repoRoot, f)).sort();
}

/**
 * Every test importing the module directly, then the tests of the mirrored folder (src/gmm/fit/sw.ts → test/gmm/fit/),
 * then the rest of the area's tests (test/gmm/).
 */
export function relevantTests(file: string, tests: readonly string[]): string[] {
  const area = file.split('/')[1];
  const mod = file.replace(/^src\//, '');
  const folder = `test/${mod.split('/').slice(0, -1).join('/')}/`;
  const direct = tests.filter((t) => readFileSync(join(repoRoot, t), 'utf8').includes(`src/${mod}'`));
  const near = tests.filter((t) => t.startsWith(folder) && !direct.includes(t));
  return [...direct, ...near, ...tests.filter((t) => t.startsWith(`test/${area}/`) && !direct.includes(t) && !near.includes(t))];
}

// ---------------------------------------------------------------------------------------------------------
// Running

function sandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-mutants-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(repoRoot, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(repoRoot, f), join(dir, f));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  // The latent codes (gitignored) are read by some tests; nothing is written into this repository's artifacts.
  if (existsSync(join(repoRoot, 'artifacts', 'codes'))) {
    mkdirSync(join(dir, 'artifacts'));
    symlinkSync(join(repoRoot, 'artifacts', 'codes'), join(dir, 'artifacts', 'codes'));
  }
  return dir;
}

/** Whether any process of process group `pgid` is stopped (state T in /proc/<pid>/stat). */
function groupStopped(pgid: number): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
    if (Number(f[2]) === pgid && (f[0] === 'T' || f[0] === 't')) return true;
  }
  return false;
}

/** The test run in progress (its own process group), stopped with this script. */
let running: number | null = null;
function stopRunning(): void {
  if (running === null) return;
  try {
    process.kill(-running, 'SIGKILL');
  } catch {
    /* gone */
  }
}

function runTests(dir: string, tests: string[], timeoutS: number): Promise<{ ok: boolean; timedOut: boolean; failed: string[]; files: string[]; seconds: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const env = { ...process.env, GMMGEN_QUIET: '1', GMMGEN_MUTATION_SAMPLE: '1', ...(sharedDir() ? { GMMGEN_SHARED: sharedDir()! } : {}) };
    const child = spawn(process.execPath, ['scripts/run-tests.mjs', ...tests], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running = child.pid!;
    let text = '';
    child.stdout.on('data', (b) => (text += b));
    child.stderr.on('data', (b) => (text += b));
    let timedOut = false;
    // The timeout counts running seconds only: on this shared machine other jobs' timings pause (SIGSTOP) every
    // heavy process for minutes, and a paused test is not a hung one.
    let active = 0;
    const timer = setInterval(() => {
      if (groupStopped(child.pid!)) return;
      if (++active <= timeoutS) return;
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 1000);
    child.on('close', (code) => {
      clearInterval(timer);
      running = null;
      const failed = [...new Set(text.split('\n').filter((l) => /^\s*✖ /.test(l) && !/failing tests/.test(l)).map((l) => l.trim().replace(/ \([\d.]+ms\)$/, '').slice(2)))];
      // Files of the failing tests ("test at test/x.test.ts:…"), or a whole file that failed to run.
      const files = [...new Set([...text.matchAll(/test at (test\/[\w./-]+\.test\.ts)|✖ \S*?(test\/[\w./-]+\.test\.ts)/g)].map((m) => m[1] ?? m[2]))];
      resolve({ ok: code === 0 && !timedOut, timedOut, failed, files, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/**
 * Runs `node args` in the scratch copy (detached, so a timeout can kill its group); resolves to null when it exits 0,
 * else its first output line matching `firstLine` (or the exit code), cut to 200 characters.
 */
function runChild(dir: string, args: string[], firstLine: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running = child.pid!;
    let text = '';
    child.stdout.on('data', (b) => (text += b));
    child.stderr.on('data', (b) => (text += b));
    child.on('close', (code) => {
      running = null;
      resolve(code === 0 ? null : (text.trim().split('\n').find((l) => firstLine.test(l)) ?? `exit code ${code}`).slice(0, 200));
    });
  });
}

/** Runs a build script in the scratch copy; resolves to null when it succeeds, else its first error line. */
function runBuild(dir: string, script: string): Promise<string | null> {
  return runChild(dir, ['--import', 'tsx', script], /error|fail/i, { ...process.env, GMMGEN_QUIET: '1', GMMGEN_MUTATION_SAMPLE: '1' });
}

/** Runs the test files one at a time, in order, and stops at the first that fails (the mutant is caught). */
async function runUntilCaught(dir: string, tests: string[], timeoutS: number): Promise<Awaited<ReturnType<typeof runTests>>> {
  let seconds = 0;
  for (const t of tests) {
    const r = await runTests(dir, [t], timeoutS);
    seconds += r.seconds;
    if (!r.ok) return { ...r, files: r.files.length ? r.files : [t], seconds };
  }
  return { ok: true, timedOut: false, failed: [], files: [], seconds };
}

interface Outcome extends Mutation {
  tests: string[];
  caught: boolean;
  timedOut: boolean;
  failed: string[];
  seconds: number;
  /** The failing test files pass on the unmutated copy (null: not checked). */
  confirmed: boolean | null;
}

function report(results: { seed: number; n: number; candidates: number; date: string; outcomes: Outcome[] }): string {
  const o = results.outcomes;
  const caught = o.filter((x) => x.caught && x.confirmed !== false).length;
  const lines = [
    `${results.date.slice(0, 10)}: ${o.length} of ${results.n} sampled mutants run (seed ${results.seed}, ${results.candidates} candidates), ${caught} caught (${((100 * caught) / Math.max(1, o.length)).toFixed(0)} %)`,
    '',
    '| # | file:line | operator | change | caught by |',
    '|---|---|---|---|---|',
  ];
  o.forEach((x, i) => {
    const change = x.after === '' ? `removed \`${x.before.trim()}\`` : `\`${x.before.trim()}\` → \`${x.after.trim()}\``;
    const by = x.caught ? (x.confirmed === false ? 'flaky (not counted)' : x.timedOut ? 'timeout' : x.failed.slice(0, 2).join('; ') || 'exit code') : '**survived**';
    lines.push(`| ${i + 1} | ${x.file}:${x.line} | ${x.operator} | ${change.replace(/\|/g, '\\|').slice(0, 160)} | ${by.replace(/\|/g, '\\|').slice(0, 120)} |`);
  });
  return lines.join('\n');
}

/**
 * `npm test` type-checks (tsc --noEmit) before it runs the tests: resolves to null when the scratch copy type-checks,
 * else the first error line. Run on survivors only (a mutant of a type annotation changes no behaviour the tests see).
 */
function runTypeCheck(dir: string): Promise<string | null> {
  return runChild(dir, [join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'], /error TS/);
}

async function main(): Promise<void> {
  if (args.report) {
    console.log(report(JSON.parse(readFileSync(outPath, 'utf8'))));
    return;
  }
  const at = args.at;
  if (at !== undefined) {
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `${at}^{commit}`], { cwd: repoRoot, stdio: 'ignore' });
    } catch {
      throw new UsageError(`--at: '${at}' is not a commit of this repository`);
    }
  }
  const listed = at
    ? execFileSync('git', ['ls-tree', '-r', '--name-only', at, 'src'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts') && !f.split('/').includes('public'))
    : srcFiles(join(repoRoot, 'src')).map((f) => relative(repoRoot, f));
  const files = listed.filter((f) => !GENERATED.has(f) && (!args.only || args.only.some((p) => f.startsWith(p)))).sort();
  const source = (f: string) => (at ? execFileSync('git', ['show', `${at}:${f}`], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 }) : readFileSync(join(repoRoot, f), 'utf8'));
  const all = files.flatMap((f) => candidates(f, source(f)));
  const rand = mulberry32(args.seed);
  const picked: Mutation[] = [];
  const pool = all.slice();
  while (picked.length < args.n && pool.length) picked.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  console.error(`${all.length} candidate mutations in ${files.length} files; sampled ${picked.length} (seed ${args.seed})`);
  if (args.list) {
    picked.forEach((m, i) => console.log(`${i + 1}. ${m.file}:${m.line} [${m.operator}]\n  - ${m.before.trim()}\n  + ${m.after.trim() || '(removed)'}`));
    return;
  }
  if (args.pick) {
    const chosen = args.pick.filter((i) => i <= picked.length).map((i) => picked[i - 1]);
    picked.length = 0;
    picked.push(...chosen);
  }
  // Without the shared folder (data, MobileNet, paintings) the server and style tests fail with or without a
  // mutant, so every mutant they see would be reported as "flaky": refuse before running anything.
  if (!sharedDir()) {
    console.error(`mutation-sample: the shared data folder was not found (${join(repoRoot, '..', 'shared')} does not exist): set GMMGEN_SHARED to it, since the tests read it`);
    process.exit(2);
  }
  const tests = testFiles();
  const dir = sandbox();
  const results = { seed: args.seed, n: picked.length, candidates: all.length, date: new Date().toISOString(), command: `npm run mutation-sample -- ${process.argv.slice(2).join(' ')}`, outcomes: [] as Outcome[] };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stopRunning();
      cleanup();
      process.exit(130);
    });
  }
  // Survivors are type-checked as npm test does, when the unmutated copy type-checks (else the step is skipped).
  const baseTypeError = await runTypeCheck(dir);
  const typeChecks = baseTypeError === null;
  if (!typeChecks) console.error(`mutation-sample: the unmutated copy does not type-check (${baseTypeError}); survivors are not type-checked`);
  try {
    for (const [i, m] of picked.entries()) {
      const path = join(dir, m.file);
      if (at && !existsSync(path)) {
        console.error(`[${i + 1}/${picked.length}] ${m.file}: no longer in the working copy — not run`);
        continue;
      }
      const original = readFileSync(path, 'utf8');
      const lines = original.split('\n');
      const line = at ? applicableLine(lines, m) : m.line;
      if (line === null) {
        console.error(`[${i + 1}/${picked.length}] ${m.file}:${m.line}: its line is no longer in the working copy — not run`);
        continue;
      }
      lines[line - 1] = m.after;
      writeFileSync(path, lines.join('\n'));
      const rel = relevantTests(m.file, tests);
      const build = BUILDS.find((b) => m.file.startsWith(b.under));
      const built = build ? build.outputs.map((o) => [o, readFileSync(join(dir, o), 'utf8')] as const) : [];
      let r = { ok: true, timedOut: false, failed: [] as string[], files: [] as string[], seconds: 0 };
      try {
        const buildError = build ? await runBuild(dir, build.script) : null;
        if (buildError !== null) r = { ok: false, timedOut: false, failed: [`${build!.script} fails: ${buildError}`], files: [], seconds: 0 };
        else r = await runUntilCaught(dir, rel, args.timeout);
        if (r.ok && typeChecks) {
          const typeError = await runTypeCheck(dir);
          if (typeError !== null) r = { ok: false, timedOut: false, failed: [`tsc --noEmit (npm test's first step): ${typeError}`], files: [], seconds: 0 };
        }
      } finally {
        writeFileSync(path, original);
        for (const [o, text] of built) writeFileSync(join(dir, o), text);
      }
      const outcome: Outcome = { ...m, tests: rel, caught: !r.ok, timedOut: r.timedOut, failed: r.failed, seconds: r.seconds, confirmed: null };
      if (outcome.caught && !r.timedOut && r.seconds > 0) {
        // The same test files, unmutated: a catch only counts when they pass.
        const again = await runTests(dir, r.files.length ? r.files : rel, args.timeout);
        outcome.confirmed = again.ok;
      }
      results.outcomes.push(outcome);
      writeFileAtomic(outPath, JSON.stringify(results, null, 1));
      const soFar = results.outcomes.filter((x) => x.caught && x.confirmed !== false).length;
      console.error(`[${i + 1}/${picked.length}] ${m.file}:${m.line} ${m.operator}: ${outcome.caught ? (outcome.confirmed === false ? 'flaky' : `caught by ${r.files[0] ?? (r.failed[0] ?? 'the build').slice(0, 80)}`) : 'SURVIVED'} (${r.seconds.toFixed(0)} s; ${soFar}/${i + 1} caught so far)`);
    }
  } finally {
    cleanup();
  }
  console.log(report(results));
}

await main();
