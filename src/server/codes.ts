/**
 * The encoder's codes for the Explore tab's latent view: the codes file a latent set was fitted on (its
 * manifest's `codes.path`, read with src/latent/codes.ts readCodes). Returns null when the set names no
 * codes file or the file is not there; the view then uses samples of the class GMMs and says so.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { codesBase, readCodes } from '../latent/codes.ts';
import type { LatentModelSet } from '../latent/index.ts';
import { repoRoot } from '../util/paths.ts';
import type { LabeledRows } from './latent-explore.ts';

export function loadCodesForExplore(set: LatentModelSet): { rows: LabeledRows; path: string } | null {
  const p = set.manifest?.codes?.path;
  if (!p) return null;
  const candidates = isAbsolute(p) ? [p] : [resolve(repoRoot, p), ...(set.dir ? [resolve(set.dir, p)] : [])];
  for (const c of candidates) {
    if (!existsSync(`${codesBase(c)}.json`)) continue;
    try {
      const codes = readCodes(c);
      if (codes.d !== set.d) return null;
      return { rows: { n: codes.n, d: codes.d, data: codes.data, labels: codes.labels }, path: p };
    } catch (e) {
      console.error(`[server] cannot read the codes file ${c}: ${(e as Error).message}`);
      return null;
    }
  }
  return null;
}
