/**
 * The API reference (docs/api, `npm run docs:api`) builds from the doc comments without a warning: TypeDoc converts
 * every entry point of the package and checks that each type the public API mentions is exported and that every
 * {@link} resolves (typedoc.json: validation, treatWarningsAsErrors). Nothing is written (--emit none).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../src/util/paths.ts';

test('the API reference builds from the doc comments of every entry point, without warnings', { timeout: 180_000 }, () => {
  const config = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8')) as { entryPoints: string[]; treatWarningsAsErrors: boolean };
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  // Every subpath of the package has its page (the root "." is gmm again).
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json').map((k) => `src/${k.slice(2)}/index.ts`);
  assert.deepEqual([...config.entryPoints].sort(), subpaths.sort());
  assert.equal(config.treatWarningsAsErrors, true);
  const bin = join(createRequire(import.meta.url).resolve('typedoc/package.json'), '..', 'bin', 'typedoc');
  const r = spawnSync(process.execPath, [bin, '--emit', 'none'], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
  assert.equal(r.status, 0, `typedoc failed:\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout + r.stderr, /\[warning\]|\[error\]/);
});
