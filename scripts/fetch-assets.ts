/**
 * Downloads the public-domain style paintings (SHA-256 checked).
 *
 *   npm run fetch-assets                        # into <repo>/assets/styles
 *   npm run fetch-assets -- --dest DIR --only starry_night,the_scream --base-url URL --force
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../src/util/paths.ts';
import { STYLE_ASSETS, fetchAssets } from '../src/style/fetch.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dest: { type: 'string' }, 'base-url': { type: 'string' }, only: { type: 'string' }, force: { type: 'boolean' },
      timeout: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`usage: npm run fetch-assets -- [--dest DIR] [--only a,b] [--base-url URL] [--force] [--list]
  --dest      destination folder (default ${join(repoRoot, 'assets', 'styles')})
  --base-url  folder URL to fetch every file from instead of its own source (a mirror)`);
    return;
  }
  if (values.list) {
    for (const a of STYLE_ASSETS) console.log(`${a.name.padEnd(28)} ${a.credit}\n${''.padEnd(28)} ${a.url}`);
    return;
  }
  const dest = resolve(values.dest ?? join(repoRoot, 'assets', 'styles'));
  const files = await fetchAssets({
    dest, baseUrl: values['base-url'], names: values.only?.split(',').map((s) => s.trim()), force: values.force,
    timeoutMs: values.timeout ? Number(values.timeout) : undefined,
    onFile: (f) => console.log(`${f.skipped ? 'kept' : 'got '} ${f.file} (${(f.bytes / 1024).toFixed(0)} KB, SHA-256 ok)`),
  });
  console.log(`${files.length} painting(s) in ${dest}`);
}

main().catch((e) => {
  console.error(`fetch-assets: ${(e as Error).message}`);
  process.exit(1);
});
