/**
 * parseManifest (src/latent/model-set.ts), the check of a latent set's index.json: every field fed the value just
 * past its edge, with the exact message naming the file and the field, and the edge itself accepted (d = 1, label 0,
 * one class).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATENT_SET_FORMAT, LATENT_SET_VERSION, parseManifest } from '../../src/latent/model-set.ts';
import { throwsExactly } from '../_assert.ts';

const ok = () => ({ format: LATENT_SET_FORMAT, version: LATENT_SET_VERSION, method: 'em', d: 1, classes: [{ label: 0, file: 'class-0.json' }] });
const bad = (edit: (m: Record<string, any>) => void, message: string) => {
  const m: Record<string, any> = ok();
  edit(m);
  throwsExactly(() => parseManifest(m, 'x/index.json'), `LatentSetError: x/index.json: ${message}`);
};

test('parseManifest: the smallest valid manifest (d = 1, one class labelled 0) is accepted as it is', () => {
  const m = ok();
  assert.equal(parseManifest(m, 'x/index.json'), m);
  assert.equal(parseManifest({ ...m, classes: [{ label: 0, file: 'a.json' }, { label: 9, file: 'b.json' }] }, 'x').classes.length, 2);
});

test('parseManifest: object, format, version, method and d at their edges', () => {
  for (const j of [null, 3, [ok()]]) throwsExactly(() => parseManifest(j, 'x/index.json'), 'LatentSetError: x/index.json: expected a JSON object');
  bad((m) => (m.format = 'gmmgen-latent-gmm-sets'), `field 'format' must be '${LATENT_SET_FORMAT}', got "gmmgen-latent-gmm-sets"`);
  bad((m) => (m.version = LATENT_SET_VERSION + 1), `unsupported version ${LATENT_SET_VERSION + 1} (this build reads version ${LATENT_SET_VERSION})`);
  bad((m) => (m.method = 3), "field 'method' must be a string");
  bad((m) => (m.d = 0), "field 'd' must be a positive integer, got 0");
  bad((m) => (m.d = 1.5), "field 'd' must be a positive integer, got 1.5");
  bad((m) => (m.d = '2'), `field 'd' must be a positive integer, got "2"`);
});

test('parseManifest: classes — non-empty, objects, labels non-negative integers listed once, plain file names', () => {
  bad((m) => (m.classes = []), "field 'classes' must be a non-empty array");
  bad((m) => (m.classes = { label: 0 }), "field 'classes' must be a non-empty array");
  bad((m) => (m.classes = [null]), 'classes[0] must be an object');
  bad((m) => (m.classes = [{ label: 0, file: 'a.json' }, 7]), 'classes[1] must be an object');
  for (const label of [-1, 1.5, '3', null]) bad((m) => (m.classes[0].label = label), `classes[0].label must be a non-negative integer, got ${JSON.stringify(label)}`);
  bad((m) => m.classes.push({ label: 0, file: 'b.json' }), 'class 0 is listed twice');
  for (const file of ['sub/a.json', 'sub\\a.json', '.a.json', '../a.json', 5]) bad((m) => (m.classes[0].file = file), `classes[0].file must be a plain file name, got ${JSON.stringify(file)}`);
});
