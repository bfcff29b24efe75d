/**
 * Without WebAssembly (a Node started with --jitless has none) the fitters fall back to the JavaScript kernels:
 * GMMGEN_KERNELS unset (auto) gives exactly the fits of GMMGEN_KERNELS=js and names the reason, while
 * GMMGEN_KERNELS=wasm refuses with a message saying so (src/gmm/wasm/engine.ts, sliced.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { noWasmFits } from './_no-wasm-child.ts';
import { withEnv } from '../../_env.ts';

const CHILD = fileURLToPath(new URL('./_no-wasm-child.ts', import.meta.url));

function runWithoutWasm(kernels: string | undefined, only: string[] = []): Record<string, unknown> {
  const env = { ...process.env };
  delete env.GMMGEN_KERNELS;
  if (kernels !== undefined) env.GMMGEN_KERNELS = kernels;
  const r = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', CHILD, 'run', ...only], { env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('no WebAssembly, kernels auto: EM, NLL and SW give exactly the JavaScript kernels\' fits, and the reason is told', () => {
  const child = runWithoutWasm(undefined);
  assert.equal(child.error, undefined, String(child.error));
  assert.match(String(child.reason), /WebAssembly is not defined/);
  const js = withEnv({ GMMGEN_KERNELS: 'js' }, () => noWasmFits());
  assert.deepEqual(child.fits, JSON.parse(JSON.stringify(js)));
});

test('no WebAssembly, GMMGEN_KERNELS=wasm: the fit refuses, naming the setting and the reason', () => {
  const child = runWithoutWasm('wasm');
  assert.equal(child.error, 'GMMGEN_KERNELS=wasm but the WebAssembly kernels cannot load: WebAssembly is not defined');
  // SW alone runs on the sliced kernels, which refuse the same way.
  const sw = runWithoutWasm('wasm', ['sw']);
  assert.equal(sw.error, 'GMMGEN_KERNELS=wasm but the sliced WebAssembly kernels cannot load: WebAssembly is not defined');
});
