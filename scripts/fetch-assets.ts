/**
 * Downloads the public-domain style paintings (SHA-256 checked).
 *
 *   npm run fetch-assets                        # into the download cache, <repo>/.cache/styles (GMMGEN_CACHE overrides <repo>/.cache)
 *   npm run fetch-assets -- --dest DIR --only starry_night,the_scream --base-url URL --force
 */
import { resolve } from 'node:path';
import { parseCli, UsageError } from '../src/cli/args.ts';
import { cachePath } from '../src/util/paths.ts';

const { values } = parseCli({
  name: 'fetch-assets',
  usage: 'npm run fetch-assets -- [--dest DIR] [--only a,b] [--base-url URL] [--force] [--list] [--timeout MS]',
  description: 'Downloads the public-domain style paintings (SHA-256 checked).',
  flags: {
    dest: { type: 'string', meta: 'DIR', help: `destination folder (default ${cachePath('styles')}, where the web app looks)` },
    'base-url': { type: 'string', meta: 'URL', help: 'folder URL to fetch every file from instead of its own source (a mirror)' },
    only: { type: 'list', help: 'only these paintings (names from --list)' },
    force: { type: 'boolean', help: 're-download files that exist' },
    timeout: { type: 'int', min: 1000, max: 3_600_000, meta: 'MS', help: 'per-file timeout in milliseconds (default 120000)' },
    list: { type: 'boolean', help: 'list the paintings and their sources' },
  },
});

// src/style/fetch.ts loads tfjs (model-io): imported after the flags are checked.
const { STYLE_ASSETS, fetchAssets } = await import('../src/style/fetch.ts');
for (const n of values.only ?? []) {
  if (!STYLE_ASSETS.some((a) => a.name === n)) throw new UsageError(`--only items must be one of ${STYLE_ASSETS.map((a) => a.name).join(', ')}, got "${n}"`);
}

async function main(): Promise<void> {
  if (values.list) {
    for (const a of STYLE_ASSETS) console.log(`${a.name.padEnd(28)} ${a.credit}\n${''.padEnd(28)} ${a.url}`);
    return;
  }
  const dest = resolve(values.dest ?? cachePath('styles'));
  const files = await fetchAssets({
    dest, baseUrl: values['base-url'], names: values.only, force: values.force,
    timeoutMs: values.timeout,
    onFile: (f) => console.log(`${f.skipped ? 'kept' : 'got '} ${f.file} (${(f.bytes / 1024).toFixed(0)} KB, SHA-256 ok)`),
  });
  console.log(`${files.length} painting(s) in ${dest}`);
}

await main();
