/**
 * parseFlags' positional-count check with its exact message at the edge: min − 1 arguments refused (singular
 * "argument" for min 1, plural for min 2, the meta text or "<min> expected"), min accepted.
 * (exclusive's message is asserted exactly in args.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from '../../src/cli/args.ts';
import { throwsExactly } from '../_assert.ts';

test('positionals: min − 1 refused naming what is missing, min accepted', () => {
  const one = { name: 'one', usage: 'one RUN', flags: {}, positionals: { min: 1, max: 2, meta: 'the run folder' } } as const;
  throwsExactly(() => parseFlags(one, []), 'UsageError: missing argument: the run folder');
  assert.deepEqual(parseFlags(one, ['a']).positionals, ['a']);
  const two = { name: 'two', usage: 'two A B', flags: {}, positionals: { min: 2 } } as const;
  throwsExactly(() => parseFlags(two, ['a']), 'UsageError: missing arguments: 2 expected');
  throwsExactly(() => parseFlags(two, []), 'UsageError: missing arguments: 2 expected');
  assert.deepEqual(parseFlags(two, ['a', 'b']).positionals, ['a', 'b']);
  assert.deepEqual(parseFlags(two, ['a', '--', '-b']).positionals, ['a', '-b']);
  const none = { name: 'none', usage: 'none', flags: {}, positionals: { max: 1 } } as const;
  assert.deepEqual(parseFlags(none, []).positionals, [], 'no min: none required');
});
