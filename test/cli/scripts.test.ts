/**
 * Every script in scripts/ and every `npm start` command, started with an unknown flag, exits with code 2
 * within a second of Node's own start-up, says which flag, prints no stack trace and writes nothing.
 * New scripts are picked up automatically (every scripts/**\/*.ts except helper modules named _*.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../../src/util/paths.ts';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !n.startsWith('_') ? [p] : [];
  });
}

/** path → mtime and size of every file under the folders scripts write to by default. */
function snapshot(): Map<string, string> {
  const m = new Map<string, string>();
  const visit = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      const s = statSync(p);
      if (s.isDirectory()) visit(p);
      else m.set(p, `${s.mtimeMs}:${s.size}`);
    }
  };
  // (artifacts/screenshots is left out: the Chromium test writes there and may run alongside on a larger machine)
  for (const d of ['docs', 'models', 'artifacts/codes', 'runs', 'out', 'assets']) visit(join(repoRoot, d));
  return m;
}

const TSX = import.meta.resolve('tsx'); // absolute, so that the scripts can run from another folder
function run(args: string[], cwd: string) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', TSX, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GMMGEN_QUIET: '1' }, timeout: 60_000 });
  return { ...r, ms: performance.now() - t0 };
}

test('every script and command refuses an unknown flag at once, with exit code 2, and writes nothing', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'gmmgen-flags-'));
  try {
    // The budget is one second on top of Node + tsx start-up, measured next to each run (this machine is shared:
    // a slow run is retried twice, with a fresh start-up time, before it counts as slow).
    writeFileSync(join(cwd, 'noop.ts'), 'export {};\n');
    const startup = () => run([join(cwd, 'noop.ts')], cwd).ms;
    const targets: { name: string; args: string[] }[] = [
      ...walk(join(repoRoot, 'scripts')).map((f) => ({ name: relative(repoRoot, f), args: [f] })),
      { name: 'npm start', args: [join(repoRoot, 'src/cli/main.ts')] },
      { name: 'npm start -- serve', args: [join(repoRoot, 'src/cli/main.ts'), 'serve'] },
      { name: 'npm start -- backend', args: [join(repoRoot, 'src/cli/main.ts'), 'backend'] },
    ];
    assert.ok(targets.length >= 18, `found ${targets.length} scripts`);
    const before = snapshot();
    const slow: string[] = [];
    for (const t of targets) {
      const r = run([...t.args, '--bogus-flag', '1'], cwd);
      assert.equal(r.status, 2, `${t.name}: exit code ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, /unknown flag --bogus-flag/, `${t.name}: ${r.stderr}`);
      assert.match(r.stderr, /\nusage: /, `${t.name} prints its usage`);
      assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${t.name} prints no stack trace`);
      assert.equal(r.stdout, '', `${t.name} printed on stdout: ${r.stdout}`);
      let over = r.ms - startup();
      for (let retry = 0; retry < 2 && over > 1000; retry++) over = Math.min(over, run([...t.args, '--bogus-flag', '1'], cwd).ms - startup());
      if (over > 1000) slow.push(`${t.name}: ${(over / 1000).toFixed(2)} s after start-up`);
    }
    assert.deepEqual(slow, [], 'scripts parse their flags before loading anything heavy');
    const after = snapshot();
    const changed = [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => relative(repoRoot, p));
    assert.deepEqual(changed, [], 'no file was written');
    assert.deepEqual(readdirSync(cwd), ['noop.ts'], 'nothing was written in the working folder');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('mutation-sample --at refuses a name that is not a commit, with exit code 2 and no stack trace', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'gmmgen-at-'));
  try {
    const r = run([join(repoRoot, 'scripts/mutation-sample.ts'), '--at', 'no-such-commit-name', '--list'], cwd);
    assert.equal(r.status, 2, `exit code ${r.status}; stderr: ${r.stderr}`);
    assert.match(r.stderr, /--at: 'no-such-commit-name' is not a commit of this repository/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a study whose committed result exists stops before any work, with exit code 2 and how to proceed, and writes nothing', () => {
  // study:ring's default --out is the committed docs/results/gmm-ring.json (issue 17: a mistyped flag overwrote it)
  const cwd = mkdtempSync(join(tmpdir(), 'gmmgen-claim-'));
  try {
    const before = snapshot();
    const r = run([join(repoRoot, 'scripts/studies/ring.ts')], cwd);
    assert.equal(r.status, 2, `exit code ${r.status}; stderr: ${r.stderr}`);
    assert.equal(r.stderr, `study:ring: ${join(repoRoot, 'docs/results/gmm-ring.json')} already exists and may be a committed result: pass --force to replace it, or --out FILE to write elsewhere\n`);
    assert.equal(r.stdout, '');
    assert.deepEqual([...snapshot()].filter(([p, v]) => before.get(p) !== v), [], 'no file was written');
    assert.deepEqual(readdirSync(cwd), []);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
