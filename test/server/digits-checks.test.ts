/**
 * DigitService's load check with its exact message: a latent set whose code dimension differs from the
 * decoder's input is refused (503, naming the set, both dimensions and the decoder folder); equal dimensions
 * load. Tiny hand-made models (a 1-component 2-d GMM, a dense decoder) keep it fast.
 * (The "no latent GMM set could be loaded" branch cannot be reached: missing() accepts exactly the folders
 * loadAllLatentSets loads, and a set that fails to load throws its own error first.)
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.ts';
import { GMM } from '../../src/gmm/model/gmm.ts';
import { saveModel } from '../../src/train/model-io.ts';
import { DigitService } from '../../src/server/digits.ts';
import { HttpError } from '../../src/server/http.ts';

before(async () => {
  await initBackend({ prefer: 'cpu', quiet: true });
});

/** A models folder: a decoder taking `decoderD`-d codes, and gmm/em holding one 2-d class. */
async function modelsDir(decoderD: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-digits-checks-'));
  const decoder = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [decoderD], units: 4 }), tfl.layers.reshape({ targetShape: [2, 2, 1] })] });
  await saveModel(decoder, join(dir, 'autoencoder', 'decoder'));
  decoder.dispose();
  const set = join(dir, 'gmm', 'em');
  mkdirSync(set, { recursive: true });
  const g = new GMM({ k: 1, d: 2, covarianceType: 'diag', weights: Float64Array.of(1), means: Float64Array.of(0, 1), covariances: Float64Array.of(1, 1) });
  writeFileSync(join(set, 'class-3.json'), JSON.stringify(g.toJSON()));
  writeFileSync(join(set, 'index.json'), JSON.stringify({ format: 'gmmgen-latent-gmm-set', version: 1, method: 'em', d: 2, classes: [{ label: 3, file: 'class-3.json' }] }));
  return dir;
}

test('a set of another dimension than the decoder input is a 503 naming both; equal dimensions load', async () => {
  const bad = await modelsDir(3);
  const good = await modelsDir(2);
  try {
    await assert.rejects(new DigitService(bad).get(), (e: Error) => {
      assert.ok(e instanceof HttpError && e.status === 503, String(e));
      assert.equal(e.message, `digit models failed to load: latent set 'em' has 2-d codes but the decoder in ${join(bad, 'autoencoder', 'decoder')} takes 3-d codes`);
      return true;
    });
    const m = await new DigitService(good).get();
    assert.deepEqual([[...m.sets.keys()], m.sets.get('em')!.classes, m.decoderDir], [['em'], [3], join(good, 'autoencoder', 'decoder')]);
    m.decoder.dispose();
  } finally {
    rmSync(bad, { recursive: true, force: true });
    rmSync(good, { recursive: true, force: true });
  }
});
