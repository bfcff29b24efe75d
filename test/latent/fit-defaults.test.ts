/**
 * fitLatentSet's documented defaults (src/latent/fit.ts): seed 0, precision 7 significant digits in the class files,
 * workers 2 — each run without the option gives the same set and manifest as the value written out; seed 1 and
 * precision 8 give other class files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitLatentSet, LatentModelSet, type FitLatentOptions } from '../../src/latent/index.ts';
import { blobCodes } from './_synthetic.ts';

const codes = blobCodes([0, 1], 40, 3);
const dirs: string[] = [];

async function fit(extra: Partial<FitLatentOptions>) {
  const outDir = mkdtempSync(join(tmpdir(), 'gmmgen-latent-defaults-'));
  dirs.push(outDir);
  const m = await fitLatentSet({ codes, method: 'em', k: 2, outDir, limit: 25, fitOptions: { maxIter: 20 }, ...extra });
  const set = LatentModelSet.load(outDir);
  const params = [0, 1].map((c) => set.gmm(c).params());
  const texts = [0, 1].map((c) => readFileSync(join(outDir, `class-${c}.json`), 'utf8'));
  return { m, params, texts };
}

test('fitLatentSet defaults: seed 0, precision 7, workers 2 (the same set as the values written out; seed 1 and precision 8 differ)', async () => {
  try {
    const byDefault = await fit({});
    assert.deepEqual([byDefault.m.seed, byDefault.m.precision, byDefault.m.workers], [0, 7, 2]);
    assert.deepEqual(byDefault.m.classes.map((c) => c.seed), [0, 1009], 'class seeds seed + 1009·label from seed 0');
    const explicit = await fit({ seed: 0, precision: 7, workers: 2 });
    assert.deepEqual(byDefault.params, explicit.params, 'seed 0, precision 7 written out');
    // Every non-integer mean in the class files has at most 7 significant digits, and some need all 7.
    const means = byDefault.params.flatMap((p) => Array.from(p.means));
    for (const v of means) assert.equal(Number(v.toPrecision(7)), v, `${v} has more than 7 significant digits`);
    assert.ok(means.some((v) => Number(v.toPrecision(6)) !== v), 'some mean uses the 7th digit');
    const seed1 = await fit({ seed: 1, workers: 0 });
    assert.notDeepEqual(byDefault.params, seed1.params, 'seed 1 draws other subsets');
    const p8 = await fit({ precision: 8, workers: 0 });
    assert.notDeepEqual(byDefault.params, p8.params, 'precision 8 keeps another digit');
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
