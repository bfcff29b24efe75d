/**
 * The full-covariance kernels of src/gmm/wasm/sliced.ts each allocate their output in the kernels' arena, which grows
 * the WebAssembly memory to just what was asked. Called first in a fresh process and each larger than the one before,
 * a kernel whose output region were allocated too small would write past the memory's end (a trap) or read a view
 * beyond it; each result is also checked against the products written out here with plain loops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factorGradFullWasm, fisherFullWasm, gramFullWasm, slicedKernelsInUse } from '../../../src/gmm/wasm/sliced.ts';
import { Rng } from '../../../src/util/rng.ts';

const rng = new Rng(9);
const randn = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
/** C = A B for d×d row-major blocks (with optional transposes). */
function mm(A: Float64Array, B: Float64Array, d: number, tA = false, tB = false): Float64Array {
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let p = 0; p < d; p++) s += (tA ? A[p * d + i] : A[i * d + p]) * (tB ? B[j * d + p] : B[p * d + j]);
    C[i * d + j] = s;
  }
  return C;
}
function close(got: Float64Array, want: Float64Array, what: string): void {
  let err = 0, scale = 0;
  for (let i = 0; i < want.length; i++) { err = Math.max(err, Math.abs(got[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
  assert.ok(err <= 1e-10 * scale, `${what}: max error ${err} (scale ${scale})`);
}

test('full-covariance kernels at growing sizes as the first calls of a process', (t) => {
  if (!slicedKernelsInUse()) { t.skip('the sliced kernels are not in use'); return; }
  const k = 3;
  // gramFullWasm: out_c = S_cᵀ S_c.
  {
    const d = 96, S = randn(k * d * d), out = new Float64Array(k * d * d);
    assert.equal(gramFullWasm(k, d, S, out), true);
    for (let c = 0; c < k; c++) {
      const Sc = S.subarray(c * d * d, (c + 1) * d * d);
      close(out.subarray(c * d * d, (c + 1) * d * d), mm(Sc, Sc, d, true, false), `gram ${c}`);
    }
  }
  // factorGradFullWasm: out_c = S_c (G_c + G_cᵀ).
  {
    const d = 112, S = randn(k * d * d), G = randn(k * d * d), out = new Float64Array(k * d * d);
    assert.equal(factorGradFullWasm(k, d, S, G, out), true);
    for (let c = 0; c < k; c++) {
      const o = c * d * d, Sc = S.subarray(o, o + d * d), Gc = G.subarray(o, o + d * d);
      const Gs = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Gs[i * d + j] = Gc[i * d + j] + Gc[j * d + i];
      close(out.subarray(o, o + d * d), mm(Sc, Gs, d), `factor gradient ${c}`);
    }
  }
  // fisherFullWasm: g_c ← S_c g_c, G_c ← S_c G_c S_c.
  {
    const d = 128, S = randn(k * d * d), g = randn(k * d), G = randn(k * d * d);
    const g0 = g.slice(), G0 = G.slice();
    assert.equal(fisherFullWasm(k, d, S, g, G), true);
    for (let c = 0; c < k; c++) {
      const o = c * d * d, Sc = S.subarray(o, o + d * d);
      const v = new Float64Array(d);
      for (let i = 0; i < d; i++) { let s = 0; for (let p = 0; p < d; p++) s += Sc[i * d + p] * g0[c * d + p]; v[i] = s; }
      close(g.subarray(c * d, (c + 1) * d), v, `fisher means ${c}`);
      close(G.subarray(o, o + d * d), mm(Sc, mm(G0.subarray(o, o + d * d), Sc, d), d), `fisher covariances ${c}`);
    }
  }
});
