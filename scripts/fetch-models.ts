/**
 * Downloads the MobileNet v1 weights (tfjs layers format) used by style blending.
 *
 *   npm run fetch-models                       # into <repo>/models/mobilenet_v1_1.0_224 (GMMGEN_MODELS overrides <repo>/models)
 *   npm run fetch-models -- --dest DIR --up-to conv_pw_12_relu --base-url URL --force
 */
import { join, resolve } from 'node:path';
import { parseCli } from '../src/cli/args.ts';
import { modelsPath } from '../src/util/paths.ts';

// The MobileNet folder name and URL live in src/style (extractor.ts, fetch.ts), which load tfjs: help shows placeholders.
const { values } = parseCli({
  name: 'fetch-models',
  usage: 'npm run fetch-models -- [--dest DIR] [--base-url URL] [--up-to LAYER] [--force] [--timeout MS]',
  description: 'Downloads the MobileNet v1 weights (tfjs layers format) used by style blending.',
  flags: {
    dest: { type: 'string', meta: 'DIR', help: `destination folder (default ${modelsPath('<mobilenet>')})` },
    'base-url': { type: 'string', meta: 'URL', help: 'folder URL holding model.json (default: the public MobileNet URL)' },
    'up-to': { type: 'string', meta: 'LAYER', help: 'only the weight shards of the layers up to this one (e.g. conv_pw_12_relu; style needs conv_pw_11_relu)' },
    force: { type: 'boolean', help: 're-download files that exist' },
    timeout: { type: 'int', min: 1000, max: 3_600_000, meta: 'MS', help: 'per-file timeout in milliseconds (default 120000)' },
  },
});

const { fetchModel } = await import('../src/style/fetch.ts');
const { MOBILENET_DIR_NAME } = await import('../src/style/extractor.ts');

async function main(): Promise<void> {
  const dest = resolve(values.dest ?? join(modelsPath(), MOBILENET_DIR_NAME));
  const t0 = Date.now();
  const res = await fetchModel({
    dest, baseUrl: values['base-url'], upTo: values['up-to'], force: values.force,
    timeoutMs: values.timeout,
    onFile: (f) => console.log(`${f.skipped ? 'kept' : 'got '} ${f.file} (${(f.bytes / 1024).toFixed(0)} KB) [${f.index + 1}/${f.total}]`),
  });
  console.log(`MobileNet in ${dest}: ${res.files.length} shards, ${(res.bytes / 1e6).toFixed(1)} MB downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
