/**
 * The API's one wording for invalid input (src/server/http.ts parseOr400 / describeZodError / intParam / intField):
 * every zod issue kind the routes can raise — each bound of numbers, strings and lists at its exact edge, missing,
 * mistyped, non-finite, repeated, enumerated, patterned, union and unknown fields — gives one exact message and the
 * fields it names. The route tests check that each route answers 400 naming its field; this file checks the words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { HttpError, intField, intParam, parseOr400 } from '../../src/server/http.ts';

/** parseOr400's HttpError as [status, message, fields], or 'ok' when the value passes. */
function outcome(schema: z.ZodType, value: unknown, where = 'body'): 'ok' | [number, string, unknown] {
  try {
    parseOr400(schema, value, where);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof HttpError, `an HttpError, got ${String(e)}`);
    return [e.status, e.message, e.extra.fields];
  }
}
const one = <T extends z.ZodType>(field: string, s: T) => z.object({ [field]: s }).strict();

test('number bounds, inclusive and strict, at the edge and one step past it', () => {
  assert.equal(outcome(one('size', z.number().max(256)), { size: 256 }), 'ok');
  assert.deepEqual(outcome(one('size', z.number().max(256)), { size: 257 }), [400, 'invalid body: size must be ≤ 256, got 257', ['size']]);
  assert.equal(outcome(one('n', z.number().min(1)), { n: 1 }), 'ok');
  assert.deepEqual(outcome(one('n', z.number().min(1)), { n: 0 }), [400, 'invalid body: n must be ≥ 1, got 0', ['n']]);
  assert.deepEqual(outcome(one('r', z.number().lt(1)), { r: 1 }), [400, 'invalid body: r must be < 1, got 1', ['r']]);
  assert.deepEqual(outcome(one('r', z.number().gt(0)), { r: 0 }), [400, 'invalid body: r must be > 0, got 0', ['r']]);
  assert.deepEqual(outcome(one('n', z.number().multipleOf(4)), { n: 6 }), [400, 'invalid body: n must be a multiple of 4, got 6', ['n']]);
});

test('string and list lengths: their own words, singular and plural', () => {
  assert.equal(outcome(one('s', z.string().max(3)), { s: 'abc' }), 'ok');
  assert.deepEqual(outcome(one('s', z.string().max(3)), { s: 'abcd' }), [400, 'invalid body: s must be at most 3 characters long, got "abcd"', ['s']]);
  assert.deepEqual(outcome(one('s', z.string().min(1)), { s: '' }), [400, 'invalid body: s must be non-empty, got ""', ['s']]);
  assert.deepEqual(outcome(one('s', z.string().min(2)), { s: 'a' }), [400, 'invalid body: s must be at least 2 characters long, got "a"', ['s']]);
  assert.equal(outcome(one('a', z.array(z.number()).max(2)), { a: [1, 2] }), 'ok');
  assert.deepEqual(outcome(one('a', z.array(z.number()).max(2)), { a: [1, 2, 3] }), [400, 'invalid body: a must be a list of at most 2 items, got [1,2,3]', ['a']]);
  assert.deepEqual(outcome(one('a', z.array(z.number()).max(1)), { a: [1, 2] }), [400, 'invalid body: a must be a list of at most 1 item, got [1,2]', ['a']]);
  assert.deepEqual(outcome(one('a', z.array(z.number()).min(1)), { a: [] }), [400, 'invalid body: a must be a list of at least 1 item, got []', ['a']]);
  assert.deepEqual(outcome(one('a', z.array(z.number()).min(2)), { a: [1] }), [400, 'invalid body: a must be a list of at least 2 items, got [1]', ['a']]);
});

test('missing, mistyped, non-finite and repeated fields; enumerations, patterns and unions', () => {
  assert.deepEqual(outcome(one('a', z.number()), {}), [400, 'invalid body: a is required', ['a']]);
  assert.deepEqual(outcome(one('a', z.number()), { a: 'x' }), [400, 'invalid body: a must be a number, got "x"', ['a']]);
  assert.deepEqual(outcome(one('a', z.number()), { a: Infinity }), [400, 'invalid body: a must be a finite number, got Infinity', ['a']]);
  assert.deepEqual(outcome(one('a', z.string()), { a: ['1', '2'] }, 'query'), [400, 'invalid query: a must be given once', ['a']]);
  assert.deepEqual(outcome(one('a', z.array(z.string())), { a: 'x' }, 'query'), [400, 'invalid query: a must be an array, got "x"', ['a']]);
  assert.deepEqual(outcome(one('m', z.enum(['sw', 'em'])), { m: 'x' }), [400, 'invalid body: m must be one of sw, em, got "x"', ['m']]);
  assert.deepEqual(outcome(one('id', z.string().regex(/^[a-f]+$/)), { id: 'zz' }), [400, 'invalid body: id must be in the form /^[a-f]+$/, got "zz"', ['id']]);
  const source = one('s', z.union([z.object({ painting: z.string() }).strict(), z.object({ upload: z.string() }).strict()]));
  assert.deepEqual(outcome(source, { s: {} }), [400, 'invalid body: s must be {painting} or {upload}, got {}', ['s']]);
});

test('unknown fields at the top and nested, and a long list of problems capped at five', () => {
  assert.deepEqual(outcome(one('a', z.number()), { a: 1, b: 2 }), [400, 'invalid body: unknown field "b"', ['b']]);
  assert.deepEqual(outcome(one('a', one('x', z.number())), { a: { x: 1, y: 2, z: 3 } }), [400, 'invalid body: a has unknown fields "y", "z"', ['a.y', 'a.z']]);
  const seven = z.object(Object.fromEntries('abcdefg'.split('').map((k) => [k, z.number()]))).strict();
  assert.deepEqual(outcome(seven, {}), [400, 'invalid body: a is required; b is required; c is required; d is required; e is required; and 2 more problems', ['a', 'b', 'c', 'd', 'e']]);
  const six = z.object(Object.fromEntries('abcdef'.split('').map((k) => [k, z.number()]))).strict();
  assert.match((outcome(six, {}) as [number, string, unknown])[1], /; and 1 more problem$/);
});

test('intParam (query integers: decimal digits, once, in range) and intField (JSON integers), at their edges', () => {
  const q = one('class', intParam(0, 9));
  assert.equal(outcome(q, { class: '9' }, 'query'), 'ok');
  assert.equal(outcome(q, { class: '0' }, 'query'), 'ok');
  assert.deepEqual(outcome(q, { class: '10' }, 'query'), [400, 'invalid query: class must be ≤ 9, got "10"', ['class']]);
  assert.deepEqual(outcome(q, { class: '-1' }, 'query'), [400, 'invalid query: class must be ≥ 0, got "-1"', ['class']]);
  for (const bad of ['0x3', ' 3', '1e0', '1.5', '']) assert.deepEqual(outcome(q, { class: bad }, 'query'), [400, `invalid query: class must be an integer, got ${JSON.stringify(bad)}`, ['class']], bad);
  assert.deepEqual(outcome(q, { class: ['3', '4'] }, 'query'), [400, 'invalid query: class must be given once', ['class']]);
  const f = one('count', intField(1, 64));
  assert.equal(outcome(f, { count: 64 }), 'ok');
  assert.deepEqual(outcome(f, { count: 65 }), [400, 'invalid body: count must be ≤ 64, got 65', ['count']]);
  assert.deepEqual(outcome(f, { count: 0 }), [400, 'invalid body: count must be ≥ 1, got 0', ['count']]);
  assert.deepEqual(outcome(f, { count: 1.5 }), [400, 'invalid body: count must be an integer, got 1.5', ['count']]);
  assert.deepEqual(outcome(f, { count: '3' }), [400, 'invalid body: count must be a number, got "3"', ['count']]);
});
