/**
 * The job of one sliced W_p^p gradient call, shared by wasserstein.ts (sliceTask, which runs one direction of it) and
 * slice-pool.ts (which lays it out on shared memory for the worker threads); it imports neither, so the two do not
 * import each other.
 *
 * Sizes: n points, k components, L directions. Inputs: the projections (L × n), the slice weights (k), means and sds
 * (L × k each), p, exact and the number of quantile levels; outputs per direction: value (L), dW and dM (L × k) and
 * gs (k × L).
 */
export interface SliceJob {
  n: number;
  k: number;
  L: number;
  p: number;
  exact: boolean;
  /** Quantile levels (midpoint only; 0 or >= n: one per point). */
  nLevels: number;
  proj: Float64Array;
  weights: Float64Array;
  means: Float64Array;
  sds: Float64Array;
  value: Float64Array;
  dW: Float64Array;
  dM: Float64Array;
  gs: Float64Array;
}

