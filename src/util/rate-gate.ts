/**
 * A rate gate for progress messages: `ready()` answers true at most once per `intervalMs` (milliseconds of `now`,
 * default `performance.now`), the first call always, and `ready(true)` always (a final or state-changing message)
 * while restarting the interval. Used where every step reports but a listener should see a few updates a second
 * (the latent fit workers, the style-asset download).
 * @throws RangeError when intervalMs is not a finite number ≥ 0.
 */
export class RateGate {
  private last = -Infinity;

  constructor(
    readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(Number.isFinite(intervalMs) && intervalMs >= 0)) throw new RangeError(`RateGate: intervalMs must be a finite number >= 0, got ${intervalMs}`);
  }

  ready(force = false): boolean {
    const t = this.now();
    if (!force && t - this.last < this.intervalMs) return false;
    this.last = t;
    return true;
  }
}
