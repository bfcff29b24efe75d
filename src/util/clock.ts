/**
 * Wall-clock seconds from millisecond readings: every "elapsed", "wallTime" and "seconds" that gmmgen reports is
 * `secondsSince(t0)` of a `performance.now()` (or `Date.now()`) reading t0, so the unit conversion lives here once.
 */

/** Seconds from `t0` to `t1` (milliseconds of the same clock; t1 defaults to performance.now()). */
export function secondsSince(t0: number, t1: number = performance.now()): number {
  return (t1 - t0) / 1000;
}
