/**
 * Builds gmmgen's WebAssembly kernels from their AssemblyScript source and writes the module, base64-encoded, into
 * a TypeScript file (so it loads the same way from tsx, from compiled JavaScript and from a bundle):
 *
 *   src/gmm/wasm/assembly/em.ts  →  src/gmm/wasm/em-module.ts
 *
 *   node_modules/.bin/tsx scripts/build-wasm.ts            # rebuild and write (npm run build:wasm)
 *   node_modules/.bin/tsx scripts/build-wasm.ts --check    # rebuild in memory; exit 1 if the shipped file differs
 *
 * The compiler is the assemblyscript devDependency (exact version in package.json), so the build is reproducible:
 * test/gmm/wasm.test.ts runs the same build and compares it with the shipped file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../src/util/paths.ts';
import { buildEmWasm, emModuleSource } from './wasm-build-lib.ts';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } }, strict: true, allowPositionals: false });
const target = join(repoRoot, 'src/gmm/wasm/em-module.ts');
const wasm = await buildEmWasm();
const text = emModuleSource(wasm);
if (values.check) {
  const shipped = readFileSync(target, 'utf8');
  if (shipped !== text) {
    console.error(`${target} is not the build of src/gmm/wasm/assembly/em.ts: run npm run build:wasm`);
    process.exit(1);
  }
  console.log(`${target} matches a fresh build (${wasm.byteLength} bytes)`);
} else {
  writeFileSync(`${target}.tmp`, text);
  renameSync(`${target}.tmp`, target);
  console.log(`wrote ${target} (${wasm.byteLength}-byte module)`);
}
