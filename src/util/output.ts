/**
 * Writing result files safely: nothing half-written, nothing overwritten by accident.
 *
 *  - writeFileAtomic: the bytes go to a temporary file beside the target, then are renamed over it, so a
 *    reader (or a crash) sees the old file or the new one, never a mix; a folder given as the file path is a
 *    clear OutputError, not EISDIR from rename.
 *  - claimOutput: called by a script before any work, for each result file it will write. An existing file is
 *    only replaced when the user said so (an explicit --out naming it, --force, or a mode that updates the
 *    file such as --resume); otherwise the script stops with a message saying how to proceed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** A result path that cannot or may not be written. Scripts exit with code 2 on it, before any work. */
export class OutputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** Throws OutputError when `path` cannot be a file: it is a folder, or a parent is a file. */
export function checkFilePath(path: string, what = 'output'): void {
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new OutputError(`${what}: ${path} is a folder; give a file path${/\.\w+$/.test(basename(path)) ? '' : ' (e.g. a file inside it)'}`);
  }
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new OutputError(`${what}: ${dir} is a file, so ${path} cannot be created`);
      break;
    }
    if (dirname(dir) === dir) break;
  }
}

/** Writes bytes atomically (temporary file beside `path`, then rename); creates the folder. */
export function writeFileAtomic(path: string, data: Buffer | Uint8Array | string): void {
  checkFilePath(path);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`; // unique: concurrent writers never share one
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never written */
    }
    throw e;
  }
}

export interface ClaimOptions {
  /** The flag that names this path, for messages ("--out"). */
  flag?: string;
  /** The user named this path (an explicit --out): replacing it is what they asked for. */
  explicit?: boolean;
  /** --force was given. */
  force?: boolean;
  /** The run continues or updates this file (--resume, --append). */
  update?: boolean;
  /** Placeholder in the message ("FILE", "DIR"). */
  meta?: string;
}

/**
 * Checks, before a script does any work, that it may write `path`: not a folder, and not an existing file
 * unless `explicit`, `force` or `update`. Returns the absolute path; throws OutputError otherwise.
 */
export function claimOutput(path: string, o: ClaimOptions = {}): string {
  const abs = resolve(path);
  const flag = o.flag ?? '--out';
  checkFilePath(abs, flag);
  if (existsSync(abs) && !o.explicit && !o.force && !o.update) {
    throw new OutputError(`${abs} already exists and may be a committed result: pass --force to replace it, or ${flag} ${o.meta ?? 'FILE'} to write elsewhere`);
  }
  return abs;
}

/** claimOutput for a folder of results: refuses when any of `files` in it exists (same rules). */
export function claimOutputDir(dir: string, files: readonly string[], o: ClaimOptions = {}): string {
  const abs = resolve(dir);
  const flag = o.flag ?? '--out';
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new OutputError(`${flag}: ${abs} is a file; give a folder`);
  for (const f of files) claimOutput(resolve(abs, f), { meta: 'DIR', ...o, flag });
  return abs;
}
