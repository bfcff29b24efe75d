/**
 * Builds the npm package's JavaScript: compiles src/ with tsc (tsconfig.build.json: ES modules + .d.ts, the `.ts`
 * import specifiers rewritten to `.js`) into a fresh dist/, and copies what tsc does not (the web page's static
 * files, and the plain-JavaScript .mjs modules such as the plot renderer's worker). Run by `npm run build`, and by
 * `npm pack` / `npm publish` through the prepack script.
 *
 *   npm run build
 *
 * Checks the output before it finishes: every relative import specifier in dist/ ends in `.js` (or `.mjs`), and the files the
 * package's `exports` map names exist.
 */
import { parseCli } from '../src/cli/args.ts';

parseCli({
  name: 'build',
  usage: 'npm run build',
  description: 'Compiles src/ into dist/ (ES modules and .d.ts declarations) for the npm package.',
  flags: {},
});
const { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } = await import('node:fs');
const { join, relative } = await import('node:path');
const { spawnSync } = await import('node:child_process');
const { createRequire } = await import('node:module');
const { repoRoot } = await import('../src/util/paths.ts');

const dist = join(repoRoot, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`build: tsc failed (exit code ${r.status ?? r.signal})`);
  process.exit(1);
}
cpSync(join(repoRoot, 'src/server/public'), join(dist, 'server/public'), { recursive: true });

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
// worker-boot.mjs only starts TypeScript workers through tsx (a development tool): the compiled package never needs it.
const mjs = walk(join(repoRoot, 'src')).filter((x) => x.endsWith('.mjs') && !x.endsWith('worker-boot.mjs'));
for (const f of mjs) cpSync(f, join(dist, relative(join(repoRoot, 'src'), f)));
const files = walk(dist);
const bad: string[] = [];
const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\1/g;
for (const f of files.filter((x) => x.endsWith('.js') || x.endsWith('.mjs'))) {
  for (const m of readFileSync(f, 'utf8').matchAll(specifier)) if (!/\.m?js$/.test(m[2])) bad.push(`${relative(repoRoot, f)}: '${m[2]}'`);
}
if (bad.length) {
  console.error(`build: relative imports that do not end in .js:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
const missing = Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))).filter((p) => !existsSync(join(repoRoot, p)));
if (missing.length) {
  console.error(`build: files named in package.json exports are missing: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`build: dist/ holds ${files.length} files`);
