/**
 * logMixturePdf (the fixed-basis product's per-axis log density, src/gmm/fit/fixed-basis.ts) against closed forms:
 * near the components, and far in the tails where every component's density underflows to 0 in floating point —
 * the log-sum-exp must still give the exact log density there (its documented purpose), not −∞.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logMixturePdf } from '../../../src/gmm/fit/fixed-basis.ts';
import { mixture1D } from '../../../src/gmm/model/mixture1d.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const logNormal = (x: number, mu: number, s: number) => -0.5 * ((x - mu) / s) ** 2 - Math.log(s) - LOG_SQRT_2PI;
function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('one component: the normal log density, near and 5000 sds away (where exp underflows)', () => {
  const m = mixture1D([1], [2], [1]);
  for (const x of [1, 0, 3.5, -7, 1e4, -2e4]) close(logMixturePdf(m, x), logNormal(x, 1, 2), `x = ${x}`);
  assert.equal(Math.exp(logNormal(1e4, 1, 2)), 0, 'the density itself underflows there');
});

test('two components: log(w₁N₁ + w₂N₂) by hand, the nearer component dominating far away; zero weights skipped', () => {
  const m = mixture1D([-1, 2], [0.5, 1.5], [0.3, 0.7]);
  for (const x of [0, 1, -3]) close(logMixturePdf(m, x), Math.log(0.3 * Math.exp(logNormal(x, -1, 0.5)) + 0.7 * Math.exp(logNormal(x, 2, 1.5))), `x = ${x}`);
  // Far: l₁, l₂ are about −1e8 and −1e7; log(e^l₁ + e^l₂) = max + log1p(e^(min − max)).
  for (const x of [1e4, -5e3]) {
    const l1 = Math.log(0.3) + logNormal(x, -1, 0.5), l2 = Math.log(0.7) + logNormal(x, 2, 1.5);
    const hi = Math.max(l1, l2), lo = Math.min(l1, l2);
    close(logMixturePdf(m, x), hi + Math.log1p(Math.exp(lo - hi)), `x = ${x}`);
  }
  const zero = mixture1D([-1, 2], [0.5, 1.5], [0, 1]);
  close(logMixturePdf(zero, 1e4), logNormal(1e4, 2, 1.5), 'a zero-weight component is skipped');
});
