import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { initBackend } from '../../src/backend/index.ts';
import { writeCodes } from '../../src/latent/codes.ts';
import { buildDecoder, buildEncoder, LATENT_DIM } from '../../src/models/autoencoder.ts';
import { saveModel } from '../../src/train/model-io.ts';
import { repoRoot } from '../../src/util/paths.ts';
import { blobCodes } from './_synthetic.ts';

const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
function run(script: string, args: string[]) {
  const r = spawnSync(tsx, [join(repoRoot, 'scripts', script), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, GMMGEN_QUIET: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('fit-latent and generate CLIs: codes file → class set → PNG grid; bad input fails clearly', async () => {
  await initBackend({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-cli-'));
  try {
    const codes = blobCodes([0, 1, 2], 60, LATENT_DIM, 4);
    writeCodes(join(dir, 'codes', 'train'), { data: codes.data, n: codes.n, d: codes.d, labels: codes.labels, sourceModel: 'test' });
    const fit = run('fit-latent.ts', ['--method', 'em', '--k', '2', '--codes', join(dir, 'codes', 'train'), '--out', join(dir, 'set'), '--workers', '0', '--classes', '0-2']);
    assert.equal(fit.code, 0, fit.err);
    assert.match(fit.out, /saved 3 class GMMs/);
    const manifest = JSON.parse(readFileSync(join(dir, 'set', 'index.json'), 'utf8'));
    assert.equal(manifest.method, 'em');
    assert.equal(manifest.codes.header.n, 180);
    assert.equal(manifest.codes.header.labels, undefined, 'the manifest does not copy the per-code labels');
    await saveModel(buildEncoder({ seed: 1 }), join(dir, 'ae', 'encoder'));
    await saveModel(buildDecoder({ seed: 2 }), join(dir, 'ae', 'decoder'));
    const common = ['--set', join(dir, 'set'), '--autoencoder', join(dir, 'ae'), '--backend', 'cpu'];
    const mix = run('generate.ts', [...common, '--mix', 'interpolate', '--weights', '0:1,2:3', '--n', '6', '--cols', '3', '--scale', '1', '--out', join(dir, 'm.png')]);
    assert.equal(mix.code, 0, mix.err);
    assert.match(mix.out, /6 interpolate samples of classes 0:0\.250, 2:0\.750/);
    const meta = await sharp(join(dir, 'm.png')).metadata();
    assert.deepEqual([meta.width, meta.height], [3 * 28 + 4, 2 * 28 + 3]);
    const bad = run('generate.ts', [...common, '--mix', 'blend', '--weights', '0:-1,2:1', '--out', join(dir, 'x.png')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /weight of class 0 is negative/);
    assert.ok(!existsSync(join(dir, 'x.png')));
    const noCodes = run('fit-latent.ts', ['--method', 'em', '--k', '2', '--codes', join(dir, 'nothing', 'train'), '--out', join(dir, 'set2')]);
    assert.equal(noCodes.code, 1);
    assert.match(noCodes.err, /no latent codes at .*train\.json is missing \(write them with: npm run encode\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
