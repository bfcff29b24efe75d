/**
 * Where gmmgen finds things. Data that is not ours (papers' data, pretrained weights, paintings)
 * is read from the shared folder, configurable with GMMGEN_SHARED (default: `../shared` beside the
 * repository when it exists). Nothing from there is ever copied into the repository.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (the folder holding package.json). */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data folder, or null when it is not configured and `../shared` does not exist. */
export function sharedDir(): string | null {
  const env = process.env.GMMGEN_SHARED;
  if (env) return resolve(env);
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
