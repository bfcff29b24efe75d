/**
 * Builds gmmgen's WebAssembly kernels from their AssemblyScript sources and writes each module, base64-encoded, into
 * a TypeScript file (so it loads the same way from tsx, from compiled JavaScript and from a bundle):
 *
 *   src/gmm/wasm/assembly/em.ts      →  src/gmm/wasm/em-module.ts
 *   src/gmm/wasm/assembly/sliced.ts  →  src/gmm/wasm/sliced-module.ts
 *
 *   npm run build:wasm                 # rebuild and write
 *   npm run build:wasm -- --check      # rebuild in memory; exit 1 if a shipped file differs
 *
 * The compiler is the assemblyscript devDependency (exact version in package.json), so the build is reproducible:
 * test/gmm/wasm/em-kernels.test.ts and test/gmm/wasm/sliced-kernels.test.ts run the same build and compare it with the
 * shipped files.
 */
import { parseCli } from '../src/cli/args.ts';

const { values } = parseCli({
  name: 'build:wasm',
  usage: 'npm run build:wasm -- [--check]',
  description: 'Compiles the AssemblyScript kernels in src/gmm/wasm/assembly/ into src/gmm/wasm/*-module.ts.',
  flags: { check: { type: 'boolean', help: 'only check that the shipped modules are the builds of their sources' } },
});
const { readFileSync } = await import('node:fs');
const { join } = await import('node:path');
const { repoRoot } = await import('../src/util/paths.ts');
const { writeFileAtomic } = await import('../src/util/output.ts');
const { WASM_MODULES, buildWasm, moduleSource } = await import('../src/gmm/wasm/build.ts');

let stale = 0;
for (const spec of WASM_MODULES) {
  const target = join(repoRoot, spec.target);
  const wasm = await buildWasm(spec);
  const text = moduleSource(spec, wasm);
  if (values.check) {
    let shipped = '';
    try { shipped = readFileSync(target, 'utf8'); } catch { /* missing: stale */ }
    if (shipped !== text) {
      console.error(`build:wasm: ${target} is not the build of ${spec.source}: run npm run build:wasm`);
      stale++;
    } else console.log(`${target} matches a fresh build (${wasm.byteLength} bytes)`);
  } else {
    writeFileAtomic(target, text);
    console.log(`wrote ${target} (${wasm.byteLength}-byte module)`);
  }
}
if (stale) process.exit(1);
