/**
 * Reads a latent-codes file (src/latent/codes.ts `readCodes`: <path>.json header + <path>.f32 values) and
 * checks it has what fitting needs; returns the codes and a compact description of the file for manifests
 * (the header without its per-code labels).
 */
import { existsSync } from 'node:fs';
import { codesBase, readCodes, type Codes } from './codes.ts';
import { LatentSetError } from './model-set.ts';
import { checkCodes } from './fit.ts';

export function loadCodesFile(path: string): Codes & { summary: Record<string, unknown> } {
  const base = codesBase(path);
  if (!existsSync(`${base}.json`)) {
    throw new LatentSetError(`no latent codes at ${path}: ${base}.json is missing (write them with: npm run encode)`);
  }
  const codes = readCodes(path);
  checkCodes(codes);
  const { labels: _labels, ...rest } = codes.header;
  return { ...codes, summary: rest };
}
