/**
 * The sliced module's kernels (src/gmm/wasm/assembly/sliced.ts) called directly on a fresh instance: each writes
 * exactly its output region — every other byte of the memory, filled with a random pattern beforehand, is left bit for
 * bit — and the region holds its documented sums (in order, so the same bits as a plain loop). Sizes 1…9 reach every
 * tail of the blocked loops (four rows × four columns in gemm, two × eight in outerSum and project); a blocked loop
 * that ran one row or column too far would write just past its output, where the callers' next array usually starts,
 * so the callers' own tests can miss it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLICED_WASM_BASE64 } from '../../../src/gmm/wasm/sliced-module.ts';
import { instantiateKernels } from '../../../src/gmm/wasm/instance.ts';
import type { SlicedExports } from '../../../src/gmm/wasm/sliced.ts';
import { Rng } from '../../../src/util/rng.ts';

const { exports: ex, memory, heapBase } = instantiateKernels<SlicedExports>(SLICED_WASM_BASE64);
const f64 = new Float64Array(memory.buffer as unknown as ArrayBuffer);
const u32 = new Uint32Array(memory.buffer as unknown as ArrayBuffer);
const rng = new Rng(5);
const base = Math.ceil(heapBase / 16) * 2; // first 16-byte aligned double at or after the heap base
/** Gap (doubles) left between arrays: a write one row past an array lands in its gap. */
const GAP = 18;

/** Lays out arrays of the given lengths from `base`, GAP doubles apart; returns their byte offsets. */
function layout(lengths: number[]): number[] {
  let at = base + GAP;
  return lengths.map((len) => {
    const o = at * 8;
    at += len + GAP + ((len + GAP) & 1);
    return o;
  });
}

/** Fills the whole memory above the heap base with a random pattern, puts the inputs in, runs `call`, and checks. */
function check(what: string, inputs: [number, Float64Array][], out: [number, number], want: Float64Array, call: () => void): void {
  for (let i = base; i < f64.length; i++) f64[i] = rng.normal();
  for (const [at, a] of inputs) f64.set(a, at >> 3);
  const before = u32.slice();
  call();
  const [o, len] = out;
  const lo = (o >> 2), hi = lo + 2 * len;
  for (let i = 0; i < u32.length; i++) {
    if (i >= lo && i < hi) continue;
    if (u32[i] !== before[i]) assert.fail(`${what}: byte ${4 * i} outside the output [${o}, ${o + 8 * len}) was written`);
  }
  for (let i = 0; i < len; i++) {
    if (!Object.is(f64[(o >> 3) + i], want[i])) assert.fail(`${what}: output ${i} is ${f64[(o >> 3) + i]}, the sum in order is ${want[i]}`);
  }
}

const randoms = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

test('gemm writes exactly C (m × n) = A B, A row-major or transposed, at every tail of its 4 × 4 blocks', () => {
  for (let m = 1; m <= 9; m++) {
    for (let n = 1; n <= 9; n++) {
      for (const kk of [1, 3]) {
        for (const transposed of [false, true]) {
          const A = randoms(m * kk), B = randoms(kk * n);
          const [ra, ta] = transposed ? [1, m] : [kk, 1];
          const want = new Float64Array(m * n);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let t = 0; t < kk; t++) s += A[i * ra + t * ta] * B[t * n + j];
              want[i * n + j] = s;
            }
          }
          const [pa, pb, pc] = layout([m * kk, kk * n, m * n]);
          check(`gemm m ${m} n ${n} kk ${kk}${transposed ? ' (Aᵀ)' : ''}`, [[pa, A], [pb, B]], [pc, m * n], want, () => ex.gemm(pa, ra, ta, pb, pc, m, kk, n));
        }
      }
    }
  }
});

test('outerSum writes exactly the d × d block Σ_l (g_l θ_la) θ_lb, at every tail of its 2 × 8 blocks; rowDots and addTranspose their outputs', () => {
  for (let d = 1; d <= 19; d++) {
    for (const [L, gs] of [[1, 1], [3, 2]]) {
      const T = randoms(L * d), g = randoms(L * gs);
      const want = new Float64Array(d * d);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let l = 0; l < L; l++) s += g[l * gs] * T[l * d + a] * T[l * d + b];
          want[a * d + b] = s;
        }
      }
      const [pt, pg, pc] = layout([L * d, L * gs, d * d]);
      check(`outerSum d ${d} L ${L} gs ${gs}`, [[pt, T], [pg, g]], [pc, d * d], want, () => ex.outerSum(pc, d, pt, L, pg, gs));
    }
    const L = 3, T = randoms(L * d), V = randoms(L * d);
    const dots = Float64Array.from({ length: L }, (_, l) => {
      let s = 0;
      for (let a = 0; a < d; a++) s += T[l * d + a] * V[l * d + a];
      return s;
    });
    const [pt, pv, ps] = layout([L * d, L * d, L]);
    check(`rowDots d ${d}`, [[pt, T], [pv, V]], [ps, L], dots, () => ex.rowDots(pt, pv, L, d, ps));
    const G = randoms(d * d);
    const H = Float64Array.from({ length: d * d }, (_, i) => G[i] + G[(i % d) * d + Math.floor(i / d)]);
    const [pg, ph] = layout([d * d, d * d]);
    check(`addTranspose d ${d}`, [[pg, G]], [ph, d * d], H, () => ex.addTranspose(pg, ph, d));
  }
});

test('project writes exactly out (L × n) = projections of the n points on the L directions, at every tail of its 2 × 8 blocks', () => {
  for (let n = 1; n <= 5; n++) {
    for (let L = 1; L <= 19; L++) {
      const d = 3, X = randoms(n * d), Tt = randoms(d * L);
      const want = new Float64Array(L * n);
      for (let l = 0; l < L; l++) {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += X[i * d + j] * Tt[j * L + l];
          want[l * n + i] = s;
        }
      }
      const [px, pt, po] = layout([n * d, d * L, L * n]);
      check(`project n ${n} L ${L}`, [[px, X], [pt, Tt]], [po, L * n], want, () => ex.project(px, n, d, pt, L, po));
    }
  }
});
