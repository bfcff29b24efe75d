/** Environment switches shared by the test files (e.g. GMMGEN_KERNELS=js|wasm to pick a kernel path). */

/** Runs f with the given environment variables set, and restores their earlier values (or absence) afterwards. */
export function withEnv<T>(vars: Record<string, string>, f: () => T): T {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return f();
  } finally {
    for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}
