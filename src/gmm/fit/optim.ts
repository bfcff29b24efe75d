/**
 * First-order optimisers over a flat Float64Array of parameters (minimisation). `step(params, grad)`
 * updates params in place; state (moments) lives in the optimiser, `reset()` clears it.
 *
 *  - sgd:      v ← μ v + g̃,  θ ← θ − η v                       (g̃ = g + λ θ; μ = momentum, default 0)
 *  - rmsprop:  centered RMSProp with momentum (Graves 2013, Eqs. 38–41; the form of the SW-GMM paper's
 *              supplement, Eq. 15):
 *                m ← ρ m + (1−ρ) g²          (second moment; ρ = decay, default 0.95)
 *                ḡ ← ρ ḡ + (1−ρ) g           (first moment)
 *                Δ ← κ Δ − η g / √(max(m − ḡ², φ m) + ε)   (κ = momentum, default 0.9; ε default 1e-4)
 *                θ ← θ + Δ
 *              φ = varianceFloor (default 0: Graves' form exactly); blockSize > 1 shares one denominator per
 *              block of consecutive parameters (see OptimizerOptions.blockSize). The centred moment m − ḡ² is the variance of
 *              the gradient: for a gradient that barely changes from step to step it tends to 0 and, with the
 *              SW-GMM authors' ε = 1e-10, the step η g / √(m − ḡ² + ε) grows without bound. φ > 0 keeps the
 *              denominator at least √(φ m) ≈ √φ |g|, i.e. caps the step at about η / √φ per coordinate,
 *              while a small ε no longer swamps small gradients (ε = 1e-4 inside the root is 1e-2, often
 *              larger than the gradient itself, which turns the update into plain momentum SGD).
 *  - adam:     m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,  θ ← θ − η m̂/(√v̂ + ε) − η λ θ
 *              (bias-corrected m̂, v̂; decoupled weight decay λ as in AdamW; defaults β1 0.9, β2 0.999, ε 1e-8)
 *  - lion:     c ← β1 m + (1−β1) g,  θ ← θ − η (sign(c) + λ θ),  m ← β2 m + (1−β2) g
 *              (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"; defaults β1 0.9, β2 0.99)
 */
import { GMMOptionError, nonNegativeNumber, oneOf, optional, positiveInt, positiveNumber, rejectUnknown, unitInterval } from './options.ts';

export interface Optimizer {
  /** One minimisation step: params are updated in place from grad (same length as `size`). */
  step(params: Float64Array, grad: Float64Array): void;
  /** Forgets the moment estimates and step count. */
  reset(): void;
  readonly name: OptimizerName;
}

export type OptimizerName = 'sgd' | 'rmsprop' | 'adam' | 'lion';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'rmsprop', 'adam', 'lion'];

export interface OptimizerOptions {
  name: OptimizerName;
  lr: number;
  beta1?: number;
  beta2?: number;
  /** RMSProp moment decay ρ. */
  decay?: number;
  /** SGD heavy-ball momentum / RMSProp momentum κ. */
  momentum?: number;
  eps?: number;
  weightDecay?: number;
  /** RMSProp only: floor φ of the centred second moment as a fraction of the uncentred one (default 0). */
  varianceFloor?: number;
  /**
   * RMSProp only: length of the blocks of consecutive parameters that share one denominator (default 1: every
   * parameter its own). With blocks, the denominator is √(max(mean_b(m − ḡ²), φ mean_b m) + ε) over the block b,
   * so a block (e.g. one component's mean vector or covariance matrix) moves along its gradient direction, scaled
   * as a whole, instead of every entry taking a step of about η whatever its share of the gradient.
   */
  blockSize?: number;
}

const OPTIMIZER_KEYS = ['name', 'lr', 'beta1', 'beta2', 'decay', 'momentum', 'eps', 'weightDecay', 'varianceFloor', 'blockSize'];

export function createOptimizer(opts: OptimizerOptions, size: number): Optimizer {
  if (opts === null || typeof opts !== 'object') throw new GMMOptionError(`createOptimizer: options must be an object, got ${String(opts)}`);
  rejectUnknown(opts as unknown as Record<string, unknown>, OPTIMIZER_KEYS, 'createOptimizer');
  const name = oneOf('optimizer', opts.name, OPTIMIZER_NAMES);
  const lr = positiveNumber('lr', opts.lr);
  positiveInt('size', size);
  const wd = optional('weightDecay', opts.weightDecay, 0, nonNegativeNumber);
  const phi = optional('varianceFloor', opts.varianceFloor, 0, unitInterval);
  if (phi > 0 && name !== 'rmsprop') throw new GMMOptionError(`createOptimizer: option varianceFloor applies to 'rmsprop' only, got optimizer '${name}'`);
  const block = optional('blockSize', opts.blockSize, 1, positiveInt);
  if (block > 1 && name !== 'rmsprop') throw new GMMOptionError(`createOptimizer: option blockSize applies to 'rmsprop' only, got optimizer '${name}'`);
  if (size % block !== 0) throw new GMMOptionError(`createOptimizer: blockSize ${block} does not divide the parameter count ${size}`);
  /** The optimiser from its update (run after the length check) and its state reset. */
  const make = (update: (p: Float64Array, g: Float64Array) => void, reset: () => void): Optimizer => ({
    name,
    step(p, g) {
      if (p.length !== size || g.length !== size) throw new RangeError(`${name}.step: params and grad must have length ${size}, got ${p.length} and ${g.length}`);
      update(p, g);
    },
    reset,
  });
  switch (name) {
    case 'sgd': {
      const mu = optional('momentum', opts.momentum, 0, unitInterval);
      const v = new Float64Array(size);
      return make(
        (p, g) => {
          for (let i = 0; i < size; i++) {
            const gi = g[i] + wd * p[i];
            const vi = mu * v[i] + gi;
            v[i] = vi;
            p[i] -= lr * vi;
          }
        },
        () => { v.fill(0); },
      );
    }
    case 'rmsprop': {
      const rho = optional('decay', opts.decay, 0.95, unitInterval);
      const kappa = optional('momentum', opts.momentum, 0.9, unitInterval);
      const eps = optional('eps', opts.eps, 1e-4, positiveNumber);
      const m = new Float64Array(size), gbar = new Float64Array(size), delta = new Float64Array(size);
      return make(
        (p, g) => {
          if (block === 1) {
            for (let i = 0; i < size; i++) {
              const gi = g[i] + wd * p[i];
              const mi = rho * m[i] + (1 - rho) * gi * gi;
              const bi = rho * gbar[i] + (1 - rho) * gi;
              m[i] = mi;
              gbar[i] = bi;
              // m − ḡ² ≥ 0 in exact arithmetic (a variance); clamp rounding, and floor it at φ m.
              const di = kappa * delta[i] - (lr * gi) / Math.sqrt(Math.max(mi - bi * bi, phi * mi) + eps);
              delta[i] = di;
              p[i] += di;
            }
            return;
          }
          for (let b0 = 0; b0 < size; b0 += block) {
            let sm = 0, sv = 0;
            for (let i = b0; i < b0 + block; i++) {
              const gi = g[i] + wd * p[i];
              const mi = rho * m[i] + (1 - rho) * gi * gi;
              const bi = rho * gbar[i] + (1 - rho) * gi;
              m[i] = mi;
              gbar[i] = bi;
              sm += mi;
              sv += mi - bi * bi;
            }
            const inv = 1 / Math.sqrt(Math.max(sv / block, (phi * sm) / block, 0) + eps);
            for (let i = b0; i < b0 + block; i++) {
              const di = kappa * delta[i] - lr * (g[i] + wd * p[i]) * inv;
              delta[i] = di;
              p[i] += di;
            }
          }
        },
        () => { m.fill(0); gbar.fill(0); delta.fill(0); },
      );
    }
    case 'adam': {
      const b1 = optional('beta1', opts.beta1, 0.9, unitInterval);
      const b2 = optional('beta2', opts.beta2, 0.999, unitInterval);
      const eps = optional('eps', opts.eps, 1e-8, positiveNumber);
      const m = new Float64Array(size), v = new Float64Array(size);
      let t = 0;
      return make(
        (p, g) => {
          t++;
          const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
          for (let i = 0; i < size; i++) {
            const gi = g[i];
            const mi = b1 * m[i] + (1 - b1) * gi;
            const vi = b2 * v[i] + (1 - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= lr * ((mi * c1) / (Math.sqrt(vi * c2) + eps) + wd * p[i]);
          }
        },
        () => { m.fill(0); v.fill(0); t = 0; },
      );
    }
    case 'lion': {
      const b1 = optional('beta1', opts.beta1, 0.9, unitInterval);
      const b2 = optional('beta2', opts.beta2, 0.99, unitInterval);
      const m = new Float64Array(size);
      return make(
        (p, g) => {
          for (let i = 0; i < size; i++) {
            const gi = g[i];
            const c = b1 * m[i] + (1 - b1) * gi;
            p[i] -= lr * (Math.sign(c) + wd * p[i]);
            m[i] = b2 * m[i] + (1 - b2) * gi;
          }
        },
        () => { m.fill(0); },
      );
    }
  }
}
