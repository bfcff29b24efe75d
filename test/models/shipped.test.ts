/**
 * The trained models shipped in models/ load and meet the quality bars on a slice of the real test set
 * (a quick check; the full-test-set numbers are in models/<name>/summary.json and docs/RESULTS.md (training section)).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '../../src/backend/index.ts';
import { limitSet, loadMnistSplit } from '../../src/data/mnist.ts';
import { accuracy } from '../../src/models/classifier.ts';
import { loadAutoencoder, loadClassifier } from '../../src/models/load.ts';
import { meanAbsError, reconstruct } from '../../src/train/autoencoder.ts';

const N = 1000;
let test10k: ReturnType<typeof loadMnistSplit>;

before(async () => {
  await initBackend({ quiet: true });
  test10k = limitSet(loadMnistSplit('t10k'), N);
});

// The bar for reconstructions: ≥ 97 % (the shipped pair reaches 97.59 % on the full test set, see
// docs/RESULTS.md, training section).
const RECON_ACCURACY_FLOOR = 0.97;

test('shipped autoencoder: test MAE ≤ 0.05; the shipped classifier: ≥ 98% of real and ≥ 97% of reconstructed digits', async () => {
  const ae = await loadAutoencoder();
  const clf = await loadClassifier();
  assert.ok(ae.summary, 'models/autoencoder/summary.json exists');
  assert.ok(clf.summary, 'models/classifier/summary.json exists');
  const recon = reconstruct(ae, test10k.images);
  const mae = meanAbsError(test10k.images, recon);
  assert.ok(mae <= 0.05, `test MAE on ${N} digits: ${mae.toFixed(4)}`);
  const xr = tf.tensor4d(recon, [N, 28, 28, 1]);
  const xo = tf.tensor4d(test10k.images, [N, 28, 28, 1]);
  const accRec = accuracy(clf.model, xr, test10k.labels);
  const accOrig = accuracy(clf.model, xo, test10k.labels);
  tf.dispose([xr, xo]);
  assert.ok(accOrig >= 0.98, `classifier accuracy on ${N} real test digits: ${accOrig}`);
  assert.ok(accRec >= RECON_ACCURACY_FLOOR, `classifier accuracy on ${N} reconstructions: ${accRec}`);
});
