/** `npm start` flags and environment for the server (src/server/options.ts). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CAPS, defaultServerOptions, parseServeArgs } from '../../src/server/options.ts';
import { repoRoot } from '../../src/util/paths.ts';

it('defaults to 127.0.0.1:3000 and reads PORT/HOST and GMMGEN_* from the environment', () => {
  const d = defaultServerOptions({});
  assert.equal(d.port, 3000);
  assert.equal(d.host, '127.0.0.1');
  const e = defaultServerOptions({ PORT: '8080', HOST: '0.0.0.0', GMMGEN_STYLE_QUEUE: '2', GMMGEN_STYLE_TIMEOUT: '30', GMMGEN_MODELS: '/tmp/m' });
  assert.deepEqual([e.port, e.host, e.styleQueueSize, e.styleTimeoutMs, e.modelsDir], [8080, '0.0.0.0', 2, 30_000, '/tmp/m']);
  assert.equal(defaultServerOptions({ PORT: '1', GMMGEN_PORT: '2' }).port, 2);
  assert.throws(() => defaultServerOptions({ PORT: 'eighty' }), /PORT must be a number, got "eighty"/);
});

it("README's \"Web app settings and limits\" are the server's defaults: every cap of its table, and the flags' defaults", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf('## Web app settings and limits');
  assert.ok(at >= 0, 'README.md has the section');
  const section = readme.slice(at, readme.indexOf('\n## ', at + 1));
  const table = Object.fromEntries([...section.matchAll(/^\| `(\w+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(table, { ...DEFAULT_CAPS });
  const flag = (env: string) => section.match(new RegExp('\\(`' + env + '`, ([^)]+)\\)'))?.[1];
  const d = defaultServerOptions({});
  assert.deepEqual(
    [Number(flag('PORT')), flag('HOST'), Number(flag('GMMGEN_STYLE_TIMEOUT')) * 1000, Number(flag('GMMGEN_STYLE_QUEUE'))],
    [d.port, d.host, d.styleTimeoutMs, d.styleQueueSize],
  );
  assert.deepEqual(d.caps, DEFAULT_CAPS);
  // The two defaults documented on their fields (ServerOptions.keepFinishedJobs, DownloadSettings.timeoutMs).
  assert.deepEqual([d.keepFinishedJobs, d.download.timeoutMs], [20, 120_000]);
});

it('parses flags over the environment and names a bad flag', () => {
  const o = parseServeArgs(['--port', '4000', '--host=::1', '--models', '/tmp/x', '--style-queue', '3', '--style-timeout', '9', '--quiet'], { PORT: '8080' });
  assert.deepEqual([o.port, o.host, o.modelsDir, o.styleQueueSize, o.styleTimeoutMs, o.log], [4000, '::1', '/tmp/x', 3, 9000, false]);
  assert.throws(() => parseServeArgs(['--port', '70000'], {}), /^UsageError: --port must be ≤ 65535, got "70000"$/);
  assert.throws(() => parseServeArgs(['--port', '65536'], {}), /--port must be ≤ 65535/);
  assert.equal(parseServeArgs(['--port', '65535'], {}).port, 65535);
  assert.equal(parseServeArgs(['-p', '0'], {}).port, 0);
  assert.throws(() => parseServeArgs(['--port', '-1'], {}), /--port must be ≥ 0, got "-1"/);
  assert.throws(() => parseServeArgs(['--port'], {}), /--port needs a value/);
  assert.throws(() => parseServeArgs(['--colour', 'red'], {}), /unknown flag --colour/);
  assert.throws(() => parseServeArgs(['--style-queue', '0'], {}), /--style-queue must be ≥ 1, got "0"/);
  assert.equal(parseServeArgs(['--style-queue', '100'], {}).styleQueueSize, 100);
  assert.throws(() => parseServeArgs(['--style-queue', '101'], {}), /--style-queue must be ≤ 100/);
  assert.equal(parseServeArgs(['--style-timeout', '1'], {}).styleTimeoutMs, 1000);
  assert.equal(parseServeArgs(['--style-timeout', '86400'], {}).styleTimeoutMs, 86_400_000);
  assert.throws(() => parseServeArgs(['--style-timeout', '0'], {}), /--style-timeout must be ≥ 1, got "0"/);
  assert.throws(() => parseServeArgs(['--style-timeout', '86401'], {}), /--style-timeout must be ≤ 86400, got "86401"/);
});

it('npm start -- help lists the serve and backend commands; a bad flag exits with a message', () => {
  const env = { ...process.env, GMMGEN_QUIET: '1' };
  const help = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'help'], { encoding: 'utf8', env });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /serve\s+start the web app/);
  assert.match(help.stdout, /backend\s+print the tfjs backend/);
  // help names the backend once, on stdout: without GMMGEN_QUIET it still writes no backend log line to stderr
  const plain = { ...process.env };
  delete plain.GMMGEN_QUIET;
  const loud = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'help'], { encoding: 'utf8', env: plain });
  assert.equal(loud.status, 0, loud.stderr);
  assert.equal(loud.stderr, '');
  assert.match(loud.stdout, /^gmmgen — Gaussian-mixture generative modelling\n\ntfjs backend: \S+/);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--port', 'x'], { encoding: 'utf8', env });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^serve: --port must be an integer, got "x"\nusage: npm start/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
