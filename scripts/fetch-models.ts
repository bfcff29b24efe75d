/**
 * Downloads the pretrained feature extractors used by style blending.
 *
 *   npm run fetch-models                       # MobileNet v1 into <repo>/models/mobilenet_v1_1.0_224 (GMMGEN_MODELS overrides <repo>/models)
 *   npm run fetch-models -- --dest DIR --up-to conv_pw_12_relu --base-url URL --force
 *   npm run fetch-models -- --vgg19            # Keras's VGG19 weights (80 MB HDF5, MD5-pinned), converted to <repo>/models/vgg19
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { modelsPath } from '../src/util/paths.ts';
import { MOBILENET_URL, fetchModel } from '../src/style/fetch.ts';
import { MOBILENET_DIR_NAME, VGG19_DIR_NAME } from '../src/style/extractor.ts';
import { VGG19_H5_MD5, VGG19_H5_URL, fetchVgg19 } from '../src/style/vgg19-h5.ts';

const USAGE = `usage: npm run fetch-models -- [--vgg19] [--dest DIR] [--base-url URL] [--up-to LAYER] [--force] [--timeout MS]
  --vgg19     VGG19 instead of MobileNet: download ${VGG19_H5_URL}
              once (MD5 ${VGG19_H5_MD5}, as Keras pins it), convert it to the tfjs layers format
              (default dest ${join(modelsPath(), VGG19_DIR_NAME)}; the HDF5 file is kept beside it in vgg19-keras/)
  --dest      destination folder (default ${join(modelsPath(), MOBILENET_DIR_NAME)})
  --base-url  MobileNet: folder URL holding model.json (default ${MOBILENET_URL}); VGG19: the HDF5 file's URL
  --up-to     MobileNet: only the weight shards of the layers up to this one (e.g. conv_pw_12_relu; style needs conv_pw_11_relu)
  --force     download (and convert) again
  --timeout   download timeout in ms (default 120000; VGG19: 600000)`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        vgg19: { type: 'boolean' }, dest: { type: 'string' }, 'base-url': { type: 'string' }, 'up-to': { type: 'string' }, force: { type: 'boolean' },
        timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`fetch-models: ${(e as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    console.error(`fetch-models: --timeout must be a positive integer (ms), got "${values.timeout}"\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const t0 = Date.now();
  if (values.vgg19) {
    if (values['up-to']) {
      console.error(`fetch-models: --up-to applies to MobileNet only\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    const dest = resolve(values.dest ?? modelsPath(VGG19_DIR_NAME));
    await fetchVgg19({ dest, url: values['base-url'], force: values.force, timeoutMs: timeoutMs ?? 600_000, onStep: (m) => console.log(m) });
    console.log(`VGG19 ready in ${dest} (${((Date.now() - t0) / 1000).toFixed(1)} s); use it with npm run style -- --extractor vgg19`);
    return;
  }
  const dest = resolve(values.dest ?? modelsPath(MOBILENET_DIR_NAME));
  const res = await fetchModel({
    dest, baseUrl: values['base-url'], upTo: values['up-to'], force: values.force, timeoutMs,
    onFile: (f) => console.log(`${f.skipped ? 'kept' : 'got '} ${f.file} (${(f.bytes / 1024).toFixed(0)} KB) [${f.index + 1}/${f.total}]`),
  });
  console.log(`MobileNet in ${dest}: ${res.files.length} shards, ${(res.bytes / 1e6).toFixed(1)} MB downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(`fetch-models: ${(e as Error).message}`);
  process.exit(1);
});
