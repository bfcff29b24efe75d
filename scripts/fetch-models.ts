/**
 * Downloads the pretrained feature extractors used by style blending.
 *
 *   npm run fetch-models                       # MobileNet v1 up to conv_pw_12_relu (SHA-256-pinned) into the download
 *                                              # cache, <repo>/.cache/mobilenet_v1_1.0_224 (GMMGEN_CACHE overrides <repo>/.cache)
 *   npm run fetch-models -- --dest DIR --base-url URL --force
 *   npm run fetch-models -- --up-to LAYER | --all   # other layers (sizes checked; only the default set is pinned)
 *   npm run fetch-models -- --vgg19            # Keras's VGG19 weights (80 MB HDF5, MD5-pinned), converted to <repo>/models/vgg19
 */
import { join, resolve } from 'node:path';
import { parseCli, UsageError } from '../src/cli/args.ts';
import { cachePath, modelsPath } from '../src/util/paths.ts';

// The folder names and URLs live in src/style (extractor.ts, fetch.ts, vgg19-h5.ts), which load tfjs: help shows placeholders.
const { values } = parseCli({
  name: 'fetch-models',
  usage: 'npm run fetch-models -- [--vgg19] [--dest DIR] [--base-url URL] [--up-to LAYER | --all] [--force] [--timeout MS]',
  description:
    'Downloads the MobileNet v1 weights (tfjs layers format) used by style blending (the web app does this itself on first\n' +
    'use); with --vgg19, Keras\'s no-top VGG19\n' +
    'ImageNet weights (HDF5, once, MD5 as Keras pins it), converted to the tfjs layers format for --extractor vgg19.',
  flags: {
    vgg19: { type: 'boolean', help: `VGG19 instead of MobileNet (default dest ${modelsPath('vgg19')}; the HDF5 file is kept in vgg19-keras/ beside it)` },
    dest: { type: 'string', meta: 'DIR', help: `destination folder (default ${cachePath('<mobilenet>')}, where the web app and scripts look)` },
    'base-url': { type: 'string', meta: 'URL', help: 'MobileNet: folder URL holding model.json; VGG19: the HDF5 file URL (default: the public ones)' },
    'up-to': { type: 'string', meta: 'LAYER', help: 'MobileNet: only the weight shards of the layers up to this one (default conv_pw_12_relu, every shard SHA-256-pinned; style needs conv_pw_11_relu)' },
    all: { type: 'boolean', help: 'MobileNet: every shard, the classifier head too (sizes checked, not pinned)' },
    force: { type: 'boolean', help: 'download (and convert) again' },
    timeout: { type: 'int', min: 1000, max: 3_600_000, meta: 'MS', help: 'per-file timeout in milliseconds (default 120000; VGG19 600000)' },
  },
});
if (values.vgg19 && (values['up-to'] || values.all)) throw new UsageError('--up-to and --all apply to MobileNet only, not with --vgg19');
if (values.all && values['up-to']) throw new UsageError('give --up-to LAYER or --all, not both');

const { fetchModel, MOBILENET_SHARDS, MOBILENET_UP_TO } = await import('../src/style/fetch.ts');
const { MOBILENET_DIR_NAME, VGG19_DIR_NAME } = await import('../src/style/extractor.ts');
const { fetchVgg19 } = await import('../src/style/vgg19-h5.ts');

async function main(): Promise<void> {
  const t0 = Date.now();
  if (values.vgg19) {
    const dest = resolve(values.dest ?? join(modelsPath(), VGG19_DIR_NAME));
    await fetchVgg19({ dest, url: values['base-url'], force: values.force, timeoutMs: values.timeout ?? 600_000, onStep: (m) => console.log(m) });
    console.log(`VGG19 ready in ${dest} (${((Date.now() - t0) / 1000).toFixed(1)} s); use it with npm run style -- --extractor vgg19`);
    return;
  }
  const dest = resolve(values.dest ?? cachePath(MOBILENET_DIR_NAME));
  const upTo = values.all ? undefined : values['up-to'] ?? MOBILENET_UP_TO;
  const res = await fetchModel({
    dest, baseUrl: values['base-url'], upTo, pins: upTo === MOBILENET_UP_TO ? MOBILENET_SHARDS : undefined, force: values.force,
    timeoutMs: values.timeout,
    onFile: (f) => console.log(`${f.skipped ? 'kept' : 'got '} ${f.file} (${(f.bytes / 1024).toFixed(0)} KB) [${f.index + 1}/${f.total}]`),
  });
  console.log(`MobileNet in ${dest}: ${res.files.length} shards, ${(res.bytes / 1e6).toFixed(1)} MB downloaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
