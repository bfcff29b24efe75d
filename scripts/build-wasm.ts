/**
 * Builds gmmgen's WebAssembly kernels from their AssemblyScript source and writes the module, base64-encoded, into
 * a TypeScript file (so it loads the same way from tsx, from compiled JavaScript and from a bundle):
 *
 *   src/gmm/wasm/assembly/em.ts  →  src/gmm/wasm/em-module.ts
 *
 *   npm run build:wasm                 # rebuild and write
 *   npm run build:wasm -- --check      # rebuild in memory; exit 1 if the shipped file differs
 *
 * The compiler is the assemblyscript devDependency (exact version in package.json), so the build is reproducible:
 * test/gmm/em-kernels.test.ts runs the same build and compares it with the shipped file.
 */
import { parseCli } from '../src/cli/args.ts';

const { values } = parseCli({
  name: 'build:wasm',
  usage: 'npm run build:wasm -- [--check]',
  description: 'Compiles src/gmm/wasm/assembly/em.ts (AssemblyScript) into src/gmm/wasm/em-module.ts.',
  flags: { check: { type: 'boolean', help: 'only check that the shipped module is the build of the source' } },
});
const { readFileSync } = await import('node:fs');
const { join } = await import('node:path');
const { repoRoot } = await import('../src/util/paths.ts');
const { writeFileAtomic } = await import('../src/util/output.ts');
const { buildEmWasm, emModuleSource } = await import('../src/gmm/wasm/build.ts');

const target = join(repoRoot, 'src/gmm/wasm/em-module.ts');
const wasm = await buildEmWasm();
const text = emModuleSource(wasm);
if (values.check) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error(`build:wasm: ${target} is not the build of src/gmm/wasm/assembly/em.ts: run npm run build:wasm`);
    process.exit(1);
  }
  console.log(`${target} matches a fresh build (${wasm.byteLength} bytes)`);
} else {
  writeFileAtomic(target, text);
  console.log(`wrote ${target} (${wasm.byteLength}-byte module)`);
}
