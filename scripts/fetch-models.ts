/**
 * Downloads the MobileNet v1 weights (tfjs layers format) used by style blending.
 *
 *   npm run fetch-models                       # into <repo>/models/mobilenet_v1_1.0_224 (GMMGEN_MODELS overrides <repo>/models)
 *   npm run fetch-models -- --dest DIR --up-to conv_pw_12_relu --base-url URL --force
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { modelsPath } from '../src/util/paths.ts';
import { MOBILENET_URL, fetchModel } from '../src/style/fetch.ts';
import { MOBILENET_DIR_NAME } from '../src/style/extractor.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dest: { type: 'string' }, 'base-url': { type: 'string' }, 'up-to': { type: 'string' }, force: { type: 'boolean' },
      timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`usage: npm run fetch-models -- [--dest DIR] [--base-url URL] [--up-to LAYER] [--force] [--timeout MS]
  --dest      destination folder (default ${join(modelsPath(), MOBILENET_DIR_NAME)})
  --base-url  folder URL holding model.json (default ${MOBILENET_URL})
  --up-to     only the weight shards of the layers up to this one (e.g. conv_pw_12_relu; style needs conv_pw_11_relu)
  --force     re-download files that exist`);
    return;
  }
  const dest = resolve(values.dest ?? modelsPath(MOBILENET_DIR_NAME));
  const t0 = Date.now();
  const res = await fetchModel({
    dest, baseUrl: values['base-url'], upTo: values['up-to'], force: values.force,
    timeoutMs: values.timeout ? Number(values.timeout) : undefined,
    onFile: (f) => console.log(`${f.skipped ? 'kept' : 'got '} ${f.file} (${(f.bytes / 1024).toFixed(0)} KB) [${f.index + 1}/${f.total}]`),
  });
  console.log(`MobileNet in ${dest}: ${res.files.length} shards, ${(res.bytes / 1e6).toFixed(1)} MB downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(`fetch-models: ${(e as Error).message}`);
  process.exit(1);
});
