/**
 * GMM checks of src/gmm/model/gmm.ts with their exact messages: a non-finite entry of a full or tied covariance
 * names the entry (row, column; the component for 'full'), and GMM.fromJSONString refuses text that is not JSON,
 * quoting the parser's message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsExactly } from '../../_assert.ts';
import { GMM } from '../../../src/gmm/model/gmm.ts';

const base = { d: 2, means: Float64Array.of(0, 0, 1, 1) };

test('GMM: a non-finite full or tied covariance entry is named', () => {
  const full = (cov: number[]) => () => new GMM({ ...base, k: 2, covarianceType: 'full', weights: Float64Array.of(0.5, 0.5), covariances: Float64Array.from(cov) });
  throwsExactly(full([1, 0, 0, 1, 1, 0, NaN, 1]), 'GMMValidationError: GMM: covariances[1][1][0] (component 1) is not finite: NaN');
  throwsExactly(full([Infinity, 0, 0, 1, 1, 0, 0, 1]), 'GMMValidationError: GMM: covariances[0][0][0] (component 0) is not finite: Infinity');
  // Large but finite entries pass this check (and the matrix is positive-definite).
  assert.equal(full([1e300, 0, 0, 1, 1, 0, 0, 1])().covariances[0], 1e300);
  const tied = (cov: number[]) => () => new GMM({ ...base, k: 2, covarianceType: 'tied', weights: Float64Array.of(0.5, 0.5), covariances: Float64Array.from(cov) });
  throwsExactly(tied([1, 0, -Infinity, 1]), 'GMMValidationError: GMM: covariances[1][0] is not finite: -Infinity');
  throwsExactly(tied([1, 0, 0, NaN]), 'GMMValidationError: GMM: covariances[1][1] is not finite: NaN');
  assert.deepEqual([...tied([2, 1, 1, 2])().covariances], [2, 1, 1, 2]);
});

test('GMM.fromJSONString: not valid JSON', () => {
  const g = new GMM({ ...base, k: 2, covarianceType: 'diag', weights: Float64Array.of(0.25, 0.75), covariances: Float64Array.of(1, 2, 3, 4) });
  const s = JSON.stringify(g.toJSON());
  assert.deepEqual([...GMM.fromJSONString(s).weights], [0.25, 0.75]);
  for (const bad of [s.slice(0, -1), '', '{k: 1}']) {
    let parserMessage = '';
    try {
      JSON.parse(bad);
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    assert.ok(parserMessage);
    throwsExactly(() => GMM.fromJSONString(bad), `GMMValidationError: GMM JSON: not valid JSON (${parserMessage})`);
  }
});
