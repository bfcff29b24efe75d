/**
 * Where gmmgen finds things. Data that is not ours (papers' data, pretrained weights, paintings)
 * is read from the shared folder, configurable with GMMGEN_SHARED (default: `../shared` beside the
 * repository when it exists). Nothing from there is ever copied into the repository.
 *
 * Without a shared folder, public files are downloaded on first use into the download cache,
 * GMMGEN_CACHE (default `<repo>/.cache`, gitignored): `styles/` (the paintings) and
 * `mobilenet_v1_1.0_224/` (the weights). The repository's own small assets (content presets, icons)
 * are in `<repo>/assets/` (assetsPath).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (the folder holding package.json). */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data folder, or null when it is not configured and `../shared` does not exist. */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.GMMGEN_SHARED) return resolve(env.GMMGEN_SHARED);
  const guess = resolve(repoRoot, '..', 'shared');
  return existsSync(guess) ? guess : null;
}

/**
 * A path inside the shared folder. Throws a clear error when the folder is not there, naming the
 * env var that configures it.
 */
export function sharedPath(...parts: string[]): string {
  const dir = sharedDir();
  if (!dir) {
    throw new Error(
      `shared data folder not found: set GMMGEN_SHARED to the folder holding ${join(...parts)} ` +
        `(default is ../shared beside the repository)`,
    );
  }
  return join(dir, ...parts);
}

/** Path inside the repository's shipped models folder (override with GMMGEN_MODELS). */
export function modelsPath(...parts: string[]): string {
  return join(process.env.GMMGEN_MODELS ? resolve(process.env.GMMGEN_MODELS) : join(repoRoot, 'models'), ...parts);
}

/** The download cache folder (GMMGEN_CACHE, default `<repo>/.cache`): first-use downloads of public files. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GMMGEN_CACHE ? resolve(env.GMMGEN_CACHE) : join(repoRoot, '.cache');
}

/** A path inside the download cache. */
export function cachePath(...parts: string[]): string {
  return join(cacheDir(), ...parts);
}

/** A path inside the repository's own assets folder (content presets, icons). */
export function assetsPath(...parts: string[]): string {
  return join(repoRoot, 'assets', ...parts);
}
