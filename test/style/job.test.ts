/**
 * runStyleJob end to end at a tiny size: PNG buffers out, monotone progress with previews, blending
 * modes, option validation, and cancellation through an AbortSignal.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { initBackend, tf } from '../../src/backend/index.ts';
import { runStyleJob, type StyleJobProgress } from '../../src/style/job.ts';
import { sharedPath } from '../../src/util/paths.ts';

const A = sharedPath('assets', 'styles', 'starry_night.jpg');
const B = sharedPath('assets', 'styles', 'the_scream.jpg');
const C = sharedPath('assets', 'styles', 'shipwreck.jpg');
const small = { size: 48, iterations: 3, crops: 4, styleSize: 96, styleLayers: ['conv_pw_1_relu', 'conv_pw_3_relu', 'conv_pw_5_relu'], contentLayer: 'conv_pw_5_relu' };

before(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

test('two styles + content → PNG buffers, progress from 0 to 1 with previews', async () => {
  const seen: StyleJobProgress[] = [];
  const res = await runStyleJob(
    { ...small, styles: [A, readFileSync(B)], ratio: 0.25, content: C, samples: 2, previewEvery: 2, seed: 3 },
    { onProgress: (p) => void seen.push(p) },
  );
  assert.equal(res.images.length, 2);
  for (const png of res.images) {
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 48);
    assert.equal(meta.height, Math.round((662 * 48) / 960));
  }
  assert.notDeepEqual(res.raw[0].data, res.raw[1].data, 'two samples differ');
  assert.equal(res.method, 'fixed-basis');
  assert.equal(res.targets.length, 2);
  assert.ok(Number.isFinite(res.secondsPerIteration) && res.secondsPerIteration > 0);
  const fr = seen.map((p) => p.fraction);
  for (let i = 1; i < fr.length; i++) assert.ok(fr[i] >= fr[i - 1] - 1e-12, `progress went back at ${i}`);
  assert.equal(fr.at(-1), 1);
  assert.deepEqual([...new Set(seen.map((p) => p.stage))], ['load', 'features', 'fit', 'sample', 'synth', 'done']);
  const previews = seen.filter((p) => p.preview);
  assert.equal(previews.length, 2, 'one preview per image at iteration 2 (the final image is the result)');
  assert.equal((await sharp(previews[0].preview!).metadata()).format, 'png');
});

test('mean mode and mixture-weight blending with a PCA model; texture mode without content', async () => {
  const mean = await runStyleJob({ ...small, styles: [A, B], ratio: 0.5, mode: 'mean', samples: 2 });
  assert.equal(mean.method, 'mean');
  assert.deepEqual(mean.targets[0], mean.targets[1], 'the mean Gram is deterministic');
  assert.equal(mean.width, 48);
  assert.equal(mean.height, 48);
  const w = await runStyleJob({ ...small, styles: [A, B], ratio: 0.5, blend: 'weights', method: 'pca-sw', k: 2, pcaDim: 2, crops: 6 });
  assert.equal(w.method, 'pca-sw');
  assert.equal(w.fitter, 'sw');
  const one = await runStyleJob({ ...small, styles: [A], samples: 1 });
  assert.equal(one.images.length, 1);
});

test('bad options and bad files are reported clearly; abort cancels and frees tensors', async () => {
  await assert.rejects(runStyleJob({ styles: [] }), /one or two style images/);
  await assert.rejects(runStyleJob({ styles: [A, B], ratio: 2 }), /ratio must be in \[0, 1\]/);
  await assert.rejects(runStyleJob({ styles: [A], init: 'content' }), /needs a content image/);
  await assert.rejects(runStyleJob({ ...small, styles: ['/nonexistent/painting.jpg'] }), /image file not found: \/nonexistent\/painting.jpg/);
  await assert.rejects(runStyleJob({ ...small, styles: [A], modelDir: '/nonexistent/mobilenet' }), /\/nonexistent\/mobilenet/);
  const before = tf.memory().numTensors;
  const ac = new AbortController();
  await assert.rejects(
    runStyleJob({ ...small, styles: [A, B], ratio: 0.5, iterations: 100 }, {
      signal: ac.signal,
      onProgress: (p) => { if (p.stage === 'synth' && p.iteration === 2) ac.abort(); },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.equal(tf.memory().numTensors, before);
});
