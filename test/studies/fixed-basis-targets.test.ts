/**
 * The fixed-basis studies' target mixtures (src/studies/fixed-basis-targets.ts): the special functions against
 * closed forms (log Γ, the regularised incomplete beta, Student's t CDF), the component and mixture CDFs, the
 * seeded generator and sampler replayed from the same stream, the loss L (Eq. 9) and the empirical CDF by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { betacf, compCdf, empiricalCdf, ibeta, lgamma, lossL, randomTarget, sampleTarget, targetCdf, tCdf, type Target } from '../../src/studies/fixed-basis-targets.ts';
import { mixture1D, normCdf } from '../../src/gmm/model/mixture1d.ts';
import { Rng } from '../../src/util/rng.ts';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('lgamma, ibeta and tCdf against closed forms', () => {
  near(lgamma(1), 0, 1e-10, 'log Γ(1)');
  near(lgamma(2), 0, 1e-10, 'log Γ(2)');
  near(lgamma(5), Math.log(24), 1e-10, 'log Γ(5)');
  near(lgamma(0.5), 0.5 * Math.log(Math.PI), 1e-10, 'log Γ(1/2)');
  near(lgamma(10.5), Math.log(1133278.3889487855), 1e-9, 'log Γ(10.5)');
  assert.equal(ibeta(0, 2, 3), 0);
  assert.equal(ibeta(-1, 2, 3), 0);
  assert.equal(ibeta(1, 2, 3), 1);
  assert.equal(ibeta(2, 2, 3), 1);
  for (const x of [0.1, 0.3, 0.5, 0.8, 0.95]) {
    near(ibeta(x, 1, 1), x, 1e-12, `I_${x}(1, 1)`);
    near(ibeta(x, 3, 1), x ** 3, 1e-12, `I_${x}(3, 1)`);
    near(ibeta(x, 1, 4), 1 - (1 - x) ** 4, 1e-12, `I_${x}(1, 4)`);
    // I_x(2, 2) = 3x² − 2x³ (both branches of the continued fraction are used across these x).
    near(ibeta(x, 2, 2), 3 * x * x - 2 * x ** 3, 1e-12, `I_${x}(2, 2)`);
    near(ibeta(x, 2.5, 0.5) + ibeta(1 - x, 0.5, 2.5), 1, 1e-12, `symmetry at ${x}`);
  }
  // The continued fraction alone: I_x(1, 1) = x = x(1 − x)·betacf / 1 on the direct branch.
  near(betacf(1, 1, 0.2) * 0.2 * 0.8, 0.2, 1e-12, 'betacf(1, 1, 0.2)');
  for (const t of [-3, -1, 0, 0.5, 1, 3]) {
    near(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12, `Cauchy F(${t})`);
    near(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12, `t₂ F(${t})`);
  }
  assert.equal(tCdf(0, 5), 0.5);
  near(tCdf(2.015048373, 5), 0.95, 1e-9, 't₅ 95 % quantile');
});

test('component and mixture CDFs', () => {
  near(compCdf({ kind: 'normal', m: 1, s: 2 }, 2), normCdf(0.5), 1e-15, 'normal');
  near(compCdf({ kind: 't', m: 1, s: 2, nu: 1 }, 3), 0.75, 1e-12, 't');
  const u = { kind: 'uniform', a: -1, b: 3 } as const;
  assert.deepEqual([-2, -1, 0, 3, 4].map((x) => compCdf(u, x)), [0, 0, 0.25, 1, 1]);
  const T: Target = { w: [0.25, 0.75], comps: [u, { kind: 'normal', m: 0, s: 1 }] };
  near(targetCdf(T, 0), 0.25 * 0.25 + 0.75 * 0.5, 1e-15, 'mixture at 0');
  near(targetCdf(T, 1), 0.25 * 0.5 + 0.75 * normCdf(1), 1e-15, 'mixture at 1');
});

test('randomTarget and sampleTarget: the documented draws, replayed from the same stream', () => {
  for (const mixed of [false, true]) {
    const T = randomTarget(new Rng(4), mixed, mixed ? [0.5, 2] : [1, 3]);
    const rng = new Rng(4);
    const w = Array.from({ length: 8 }, () => rng.range(0.2, 1));
    const sw = w.reduce((a, b) => a + b, 0);
    assert.equal(T.comps.length, 8);
    T.w.forEach((v, i) => near(v, w[i] / sw, 1e-15, `w${i}`));
    const kinds = new Set<string>();
    for (const c of T.comps) {
      const m = rng.range(-10, 10), s = mixed ? rng.range(0.5, 2) : rng.range(1, 3);
      const kind = mixed ? rng.int(3) : 0;
      kinds.add(c.kind);
      if (kind === 0) assert.deepEqual(c, { kind: 'normal', m, s });
      else if (kind === 1) assert.deepEqual(c, { kind: 't', m, s, nu: 2 + rng.int(9) });
      else {
        const width = rng.range(1, 4);
        assert.deepEqual(c, { kind: 'uniform', a: m - width / 2, b: m + width / 2 });
      }
    }
    if (!mixed) assert.deepEqual([...kinds], ['normal']);
  }
  assert.deepEqual(randomTarget(new Rng(4), false), randomTarget(new Rng(4), false, [0.5, 2]), 'scales 0.5–2 by default');
  // The sampler: one categorical draw, then the component's own draws.
  const T: Target = { w: [0.2, 0.3, 0.5], comps: [{ kind: 'normal', m: 5, s: 2 }, { kind: 'uniform', a: -2, b: -1 }, { kind: 't', m: 1, s: 0.5, nu: 3 }] };
  const used = new Rng(8);
  const x = sampleTarget(T, 50, used);
  const rng = new Rng(8);
  for (let i = 0; i < 50; i++) {
    const c = T.comps[rng.categorical(T.w)];
    let want: number;
    if (c.kind === 'normal') want = c.m + c.s * rng.normal();
    else if (c.kind === 'uniform') want = rng.range(c.a, c.b);
    else {
      let chi = 0;
      for (let j = 0; j < c.nu; j++) { const z = rng.normal(); chi += z * z; }
      want = c.m + c.s * (rng.normal() / Math.sqrt(chi / c.nu));
    }
    assert.equal(x[i], want, `sample ${i}`);
  }
  assert.equal(x.length, 50);
  assert.equal(used.uniform(), rng.uniform(), 'the caller\'s stream continues where the 50 draws end');
});

test('lossL (Eq. 9) by hand: a uniform target against a point mass; 0 for identical CDFs', () => {
  // F_t = U(−1, 2), G = δ₀, centres 0 and 1, d = ½: ⅙ (lower tail) + |⅓ − 1| + |⅓ − 0| + ⅙ (upper tail) = 4/3.
  const Ft = (x: number) => Math.min(1, Math.max(0, (x + 1) / 3));
  const g = mixture1D([0], 0);
  near(lossL(Ft, g, Float64Array.of(0, 1), 0.5), 4 / 3, 1e-15, 'L');
  const h = mixture1D([0, 2], [1, 0.5], [0.4, 0.6]);
  near(lossL((x) => 0.4 * normCdf(x) + 0.6 * normCdf((x - 2) / 0.5), h, Float64Array.of(-1, 0, 1, 2, 3), 0.5), 0, 1e-15, 'same CDF');
});

test('empiricalCdf: the share of values ≤ v', () => {
  const F = empiricalCdf(Float64Array.of(3, 1, 2, 2));
  assert.deepEqual([0, 1, 1.5, 2, 2.5, 3, 4].map(F), [0, 0.25, 0.25, 0.75, 0.75, 1, 1]);
});
