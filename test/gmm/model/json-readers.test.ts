/**
 * The two readers of saved mixtures — GMM.fromJSON and FixedBasisProduct.fromJSON — walked field by field: starting
 * from a valid file (a model's own toJSON, every covariance type and both frames), each field in turn is removed or
 * replaced by a value of every wrong JSON type (null, true, a string, a number, an array, an object). Each such
 * file must be refused with the reader's own error naming that field (or the file as a whole), never accepted and
 * never a TypeError from deeper code. The valid file itself must load to the same model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GMM, GMMValidationError } from '../../../src/gmm/model/gmm.ts';
import { FixedBasisProduct } from '../../../src/gmm/fit/fixed-basis.ts';
import { mixture1D } from '../../../src/gmm/model/mixture1d.ts';
import type { CovarianceType } from '../../../src/gmm/model/types.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const WRONG: Json[] = [null, true, 'x', 7, [], [1, 'x'], { a: 1 }];

/** Every path to a value in the JSON tree (objects by key, arrays by index), leaves and inner nodes. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length ? [at] : [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) out.push(...paths(v[k], [...at, k]));
  return out;
}
/** A deep copy with the value at `path` replaced (`undefined`: the key removed, or the array entry dropped). */
function patched(v: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(v);
  let node: any = copy;
  for (const p of path.slice(0, -1)) node = node[p];
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}
/** Whether `value` may stand at `path` as well as the original (then the reader may accept it). */
const sameKind = (orig: Json, value: Json) => typeof orig === typeof value && Array.isArray(orig) === Array.isArray(value) && (orig === null) === (value === null);

function walk(name: string, valid: Json, read: (j: unknown) => unknown, isOwnError: (e: unknown) => boolean, optional: string[]): number {
  let refused = 0;
  for (const path of paths(valid)) {
    const orig = path.reduce((n: any, p) => n[p], valid) as Json;
    const field = String(path[0]);
    const values: (Json | undefined)[] = [...WRONG.filter((w) => !sameKind(orig, w))];
    if (!optional.includes(field) || path.length > 1) values.push(undefined);
    for (const value of values) {
      const file = patched(valid, path, value);
      const what = `${name}: ${path.join('.')} = ${value === undefined ? '(removed)' : JSON.stringify(value)}`;
      let threw: unknown = null;
      try {
        read(file);
      } catch (e) {
        threw = e;
      }
      assert.ok(threw !== null, `${what} was accepted`);
      assert.ok(isOwnError(threw), `${what}: ${String(threw)} is not the reader's own error`);
      refused++;
    }
  }
  return refused;
}

test('GMM.fromJSON refuses every field of a wrong JSON type, removed, or an array entry too few (every covariance type); both readers refuse a whole file of a wrong type', () => {
  const types: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
  const cov: Record<CovarianceType, number[]> = {
    full: [2, 0.5, 0.5, 1, 1, 0, 0, 3], tied: [2, 0.3, 0.3, 1], diag: [2, 1, 0.5, 3], spherical: [2, 0.5],
  };
  let n = 0;
  for (const covarianceType of types) {
    const g = new GMM({ k: 2, d: 2, covarianceType, weights: Float64Array.of(0.3, 0.7), means: Float64Array.of(0, 1, -1, 2), covariances: Float64Array.from(cov[covarianceType]) }, { method: 'em', seed: 3 });
    const valid = JSON.parse(JSON.stringify(g.toJSON())) as Json;
    assert.deepEqual(GMM.fromJSON(valid).toJSON(), g.toJSON(), `${covarianceType}: the valid file loads`);
    // meta's entries are free-form; only meta itself is checked.
    const { meta, ...rest } = valid as Record<string, Json>;
    n += walk(`GMM ${covarianceType}`, rest as Json, (j) => GMM.fromJSON({ ...(j as object), meta }), (e) => e instanceof GMMValidationError && /^GMM JSON: /.test((e as Error).message), []);
    for (const bad of [null, true, 'x', 7, [1]]) {
      assert.throws(() => GMM.fromJSON({ ...(rest as object), meta: bad }), (e: unknown) => e instanceof GMMValidationError && (e as Error).message === `GMM JSON: field 'meta' must be an object, got ${bad === null ? 'null' : Array.isArray(bad) ? 'an array of length 1' : typeof bad === 'string' ? '"x"' : String(bad)}`, `meta = ${JSON.stringify(bad)}`);
    }
    assert.equal(GMM.fromJSON(rest).meta, undefined, 'meta may be left out');
  }
  assert.ok(n > 150, `${n} malformed files tried`);
  // The file as a whole of a wrong JSON type.
  for (const bad of [null, true, 'x', 7, [], [1, 'x']]) {
    assert.throws(() => GMM.fromJSON(bad), (e: unknown) => e instanceof GMMValidationError && /^GMM JSON: expected an object, got /.test((e as Error).message), `file = ${JSON.stringify(bad)}`);
    assert.throws(() => FixedBasisProduct.fromJSON(bad), (e: unknown) => e instanceof RangeError && (e as Error).message === 'fixed-basis model JSON: expected an object', `fixed-basis file = ${JSON.stringify(bad)}`);
  }
});

test('FixedBasisProduct.fromJSON refuses every field of a wrong JSON type, removed, or an array entry too few (both frames)', () => {
  const marg = [mixture1D([0, 1], [0.5, 0.5], [0.5, 0.5]), mixture1D([-1, 1], [1, 1], [0.25, 0.75])];
  let n = 0;
  for (const axes of [null, Float64Array.of(0.6, 0.8, -0.8, 0.6)]) {
    const p = new FixedBasisProduct(2, Float64Array.of(1, -1), axes, marg, { method: 'fixed-basis' });
    const valid = JSON.parse(JSON.stringify(p.toJSON())) as Json;
    assert.deepEqual(FixedBasisProduct.fromJSON(valid).toJSON(), p.toJSON(), `${p.frame}: the valid file loads`);
    const { meta, ...rest } = valid as Record<string, Json>;
    // 'axes' may be null or absent in the coordinates frame.
    n += walk(`product ${p.frame}`, rest as Json, (j) => FixedBasisProduct.fromJSON({ ...(j as object), meta }), (e) => e instanceof RangeError && /^fixed-basis model JSON: /.test((e as Error).message), axes === null ? ['axes'] : []);
    for (const bad of [null, true, 'x', 7, [1]]) {
      assert.throws(() => FixedBasisProduct.fromJSON({ ...(rest as object), meta: bad }), /^RangeError: fixed-basis model JSON: field 'meta' must be an object$/, `meta = ${JSON.stringify(bad)}`);
    }
    assert.equal(FixedBasisProduct.fromJSON(rest).meta, undefined);
  }
  assert.ok(n > 100, `${n} malformed files tried`);
});

test('both readers refuse every array field emptied, with a message naming the field and its expected length', () => {
  const g = new GMM({ k: 2, d: 2, covarianceType: 'full', weights: Float64Array.of(0.3, 0.7), means: Float64Array.of(0, 1, -1, 2), covariances: Float64Array.of(2, 0.5, 0.5, 1, 1, 0, 0, 3) });
  const marg = [mixture1D([0, 1], [0.5, 0.5], [0.5, 0.5]), mixture1D([-1, 1], [1, 1], [0.25, 0.75])];
  const p = new FixedBasisProduct(2, Float64Array.of(1, -1), Float64Array.of(0.6, 0.8, -0.8, 0.6), marg);
  const readers: [string, Json, (j: unknown) => unknown][] = [
    ['GMM', JSON.parse(JSON.stringify(g.toJSON())), (j) => GMM.fromJSON(j)],
    ['product', JSON.parse(JSON.stringify(p.toJSON())), (j) => FixedBasisProduct.fromJSON(j)],
  ];
  let n = 0;
  for (const [name, valid, read] of readers) {
    for (const path of paths(valid)) {
      if (!Array.isArray(path.reduce((v: any, q) => v[q], valid))) continue;
      // The path as the messages write it: weights, means[0], covariances[0][1], marginals[0].weights.
      const field = path.map((q, i) => (typeof q === 'number' ? `[${q}]` : i ? `.${q}` : q)).join('');
      assert.throws(() => read(patched(valid, path, [])), (e: unknown) => {
        const msg = (e as Error).message;
        return msg.includes(field) && /must (have \d+ entries|be an array of \d+|be \d+ (rows|\d+×\d+ matrices)|be a \d+×\d+ matrix|be a non-empty array)/.test(msg);
      }, `${name}: ${field} = []`);
      n++;
    }
  }
  assert.equal(n, 18);
});
