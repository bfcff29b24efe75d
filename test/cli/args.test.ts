/** The shared flag parser (src/cli/args.ts) and the safe result writer (src/util/output.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exclusive, helpText, keyValues, parseFlags, UsageError } from '../../src/cli/args.ts';
import { claimOutput, claimOutputDir, OutputError, writeFileAtomic } from '../../src/util/output.ts';
import { describeRule, listCapped, mustBe, numberProblem } from '../../src/util/wording.ts';

const CMD = {
  name: 'demo',
  usage: 'demo [flags]',
  flags: {
    n: { type: 'int', min: 1, max: 256, default: 16 },
    shift: { type: 'number', min: -10, max: 10 },
    lr: { type: 'number', gt: 0, lt: 1 },
    cov: { type: 'choice', choices: ['diag', 'full'], default: 'diag' },
    classes: { type: 'list', of: 'int', min: 0, max: 9, ranges: true },
    methods: { type: 'list', choices: ['em', 'sw'] },
    out: { type: 'string' },
    force: { type: 'boolean' },
    opt: { type: 'strings' },
  },
} as const;
const parse = (...argv: string[]) => parseFlags(CMD, argv);
const fails = (argv: string[], message: RegExp) => assert.throws(() => parseFlags(CMD, argv), (e: Error) => e instanceof UsageError && message.test(e.message), `${argv.join(' ')} → ${message}`);

test('typed values and defaults; given lists only the flags on the command line', () => {
  const r = parse('--n', '256', '--shift', '-2.5', '--cov=full', '--classes', '0-2,7', '--force', '--opt', 'a=1', '--opt', 'b=x');
  assert.deepEqual(r.values, { n: 256, shift: -2.5, lr: undefined, cov: 'full', classes: [0, 1, 2, 7], methods: undefined, out: undefined, force: true, opt: ['a=1', 'b=x'] });
  assert.deepEqual([...r.given].sort(), ['classes', 'cov', 'force', 'n', 'opt', 'shift']);
  const d = parse();
  assert.deepEqual([d.values.n, d.values.cov, d.values.force, d.values.opt], [16, 'diag', false, []]);
  assert.equal(d.given.size, 0);
  assert.equal(parse('--help').help, true);
  assert.equal(parse('-h').help, true);
});

test('integer and number ranges are checked at their exact edges', () => {
  assert.equal(parse('--n', '1').values.n, 1);
  assert.equal(parse('--n', '256').values.n, 256);
  fails(['--n', '0'], /^--n must be ≥ 1, got "0"$/);
  fails(['--n', '257'], /^--n must be ≤ 256, got "257"$/);
  assert.equal(parse('--shift', '-10').values.shift, -10);
  assert.equal(parse('--shift', '10').values.shift, 10);
  fails(['--shift', '-10.001'], /^--shift must be ≥ -10/);
  fails(['--shift', '10.5'], /^--shift must be ≤ 10/);
  fails(['--lr', '0'], /^--lr must be > 0, got "0"$/);
  fails(['--lr', '1'], /^--lr must be < 1, got "1"$/);
  assert.equal(parse('--lr', '1e-9').values.lr, 1e-9);
  assert.equal(parse('--lr', '0.999').values.lr, 0.999);
});

test('numbers are decimal text only: hex, blanks, commas, Infinity, NaN and fractions for ints are refused', () => {
  for (const bad of ['0x3', ' 3', '3 ', '%203', '1,5', '', 'Infinity', 'NaN', '3abc', '1e999'])
    fails(['--n', bad], bad === '' ? /^--n (needs a value|must be an integer)/ : bad === '1e999' ? /^--n must be an integer/ : /^--n must be an integer, got/);
  fails(['--n', '2.5'], /^--n must be an integer, got "2.5"$/);
  fails(['--shift', 'Infinity'], /^--shift must be a number, got "Infinity"$/);
  fails(['--shift', '1e400'], /^--shift must be a finite number/);
  assert.equal(parse('--n', '1e2').values.n, 100);
  assert.equal(parse('--n=+5').values.n, 5);
});

test('negative numbers are values, not flags', () => {
  assert.equal(parse('--shift', '-5').values.shift, -5);
  assert.equal(parse('--shift', '-.5').values.shift, -0.5);
  fails(['--n', '-5'], /^--n must be ≥ 1, got "-5"$/);
  fails(['--out', '--force'], /^--out needs a value, got the flag --force/);
  assert.equal(parse('--out=--force').values.out, '--force');
});

test('unknown, repeated, valueless and positional arguments are refused, with a suggestion for typos', () => {
  fails(['--bogus'], /^unknown flag --bogus$/);
  fails(['--forse'], /^unknown flag --forse \(did you mean --force\?\)$/);
  fails(['--method', 'em'], /^unknown flag --method \(did you mean --methods\?\)$/);
  fails(['-x'], /^unknown flag -x$/);
  fails(['--n', '3', '--n', '4'], /^--n is given more than once$/);
  fails(['--n'], /^--n needs a value$/);
  fails(['--force=yes'], /^--force takes no value, got "yes"$/);
  fails(['stray'], /^unexpected argument "stray": this command takes only flags$/);
  fails(['--constructor'], /^unknown flag --constructor$/);
  fails(['--__proto__'], /^unknown flag --__proto__$/);
  fails(['--toString', '1'], /^unknown flag --toString$/);
});

test('choices and lists name what is allowed', () => {
  fails(['--cov', 'spherical'], /^--cov must be one of diag, full, got "spherical"$/);
  fails(['--methods', 'em,foo'], /^--methods items must be one of em, sw, got "foo"$/);
  fails(['--methods', 'em,,sw'], /^--methods must be a comma-separated list without empty items/);
  fails(['--methods', 'em,em'], /^--methods lists "em" twice$/);
  fails(['--classes', '3-1'], /^--classes: the range "3-1" is empty$/);
  fails(['--classes', '0-10'], /^--classes items must be ≤ 9, got "10"$/);
  fails(['--classes', '0x3'], /^--classes items must be an integer, got "0x3"$/);
  assert.deepEqual(parse('--classes', '9').values.classes, [9]);
});

test('required flags, positionals, key=value options', () => {
  const cmd = { name: 'r', usage: 'r RUN', flags: { k: { type: 'int', required: true, min: 1 } }, positionals: { min: 1, max: 1, meta: 'the run folder' } } as const;
  assert.throws(() => parseFlags(cmd, ['x']), /^UsageError: --k is required$/);
  assert.throws(() => parseFlags(cmd, ['--k', '2']), /missing argument: the run folder/);
  assert.throws(() => parseFlags(cmd, ['--k', '2', 'a', 'b']), /unexpected argument "b"/);
  assert.deepEqual(parseFlags(cmd, ['--k', '2', 'a']).positionals, ['a']);
  assert.deepEqual(keyValues('--opt', ['L=64', 'lr=0.01', 'name=sw', 'list=[1,2]']), { L: 64, lr: 0.01, name: 'sw', list: [1, 2] });
  assert.throws(() => keyValues('--opt', ['L']), /^UsageError: --opt must be key=value, got "L"$/);
  assert.throws(() => keyValues('--opt', ['L=1', 'L=2']), /--opt gives "L" twice/);
  const proto = keyValues('--opt', ['__proto__=1']);
  assert.equal(Object.getPrototypeOf(proto), Object.prototype, 'a __proto__ key does not replace the prototype');
});

test('help lists every flag with its range and default', () => {
  const h = helpText(CMD);
  assert.match(h, /^usage: demo \[flags\]\n/);
  assert.match(h, /--n N\s+\(an integer in \[1, 256\]; default 16\)/);
  assert.match(h, /--lr X\s+\(a number in \(0, 1\)\)/);
  assert.match(h, /--cov diag\|full\s+\(diag \| full; default diag\)/);
  assert.match(h, /-h, --help\s+print this help/);
});

test('wording: one sentence shape for every rule', () => {
  assert.equal(numberProblem(3, { integer: true, min: 1, max: 3 }), null);
  assert.equal(numberProblem(4, { integer: true, min: 1, max: 3 }), '≤ 3');
  assert.equal(numberProblem(0, { min: 1 }), '≥ 1');
  assert.equal(numberProblem(0, { gt: 0 }), '> 0');
  assert.equal(numberProblem(1, { lt: 1 }), '< 1');
  assert.equal(numberProblem(NaN, {}), 'a number');
  assert.equal(numberProblem(Infinity, {}), 'a finite number');
  assert.equal(numberProblem(1.5, { integer: true }), 'an integer');
  assert.equal(numberProblem(2 ** 60, { integer: true }), `≤ ${Number.MAX_SAFE_INTEGER}`);
  assert.equal(mustBe('count', '≤ 256', 300), 'count must be ≤ 256, got 300');
  assert.equal(mustBe('name', 'short', 'x'.repeat(100)), `name must be short, got "${'x'.repeat(40)}…"`);
  assert.equal(describeRule({ integer: true, min: 0 }), 'an integer ≥ 0');
  assert.equal(describeRule({ gt: 0, max: 1 }), 'a number in (0, 1]');
  assert.equal(listCapped(['a', 'b', 'c'], 3), 'a, b, c');
  assert.equal(listCapped(Array.from({ length: 100_000 }, (_, i) => String(i)), 3), '0, 1, 2 and 99997 more');
});

test('claimOutput: an existing result is replaced only when asked; folders and file parents are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-out-'));
  try {
    const f = join(dir, 'r.json');
    assert.equal(claimOutput(f), f, 'a new file may be written');
    writeFileSync(f, 'old');
    assert.throws(() => claimOutput(f), (e: Error) => e instanceof OutputError && /r\.json already exists .*pass --force to replace it, or --out FILE/.test(e.message));
    assert.equal(claimOutput(f, { force: true }), f);
    assert.equal(claimOutput(f, { explicit: true }), f);
    assert.equal(claimOutput(f, { update: true }), f);
    assert.throws(() => claimOutput(dir, { explicit: true }), /is a folder; give a file path/);
    assert.throws(() => claimOutput(join(f, 'x.json'), { explicit: true }), /r\.json is a file, so .* cannot be created/);
    mkdirSync(join(dir, 'set'));
    assert.equal(claimOutputDir(join(dir, 'set'), ['index.json']), join(dir, 'set'));
    writeFileSync(join(dir, 'set', 'index.json'), '{}');
    assert.throws(() => claimOutputDir(join(dir, 'set'), ['index.json']), /index\.json already exists .*--out DIR/);
    assert.throws(() => claimOutputDir(f, ['index.json']), /r\.json is a file; give a folder/);
    assert.equal(readFileSync(f, 'utf8'), 'old', 'nothing was written by the checks');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeFileAtomic replaces the whole file, leaves no temporary file, and names a folder given as the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmmgen-atomic-'));
  try {
    const f = join(dir, 'a', 'b', 'r.json');
    writeFileAtomic(f, 'first');
    writeFileAtomic(f, 'second');
    assert.equal(readFileSync(f, 'utf8'), 'second');
    assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['r.json']);
    assert.throws(() => writeFileAtomic(join(dir, 'a'), 'x'), (e: Error) => e instanceof OutputError && /a is a folder; give a file path/.test(e.message));
    assert.deepEqual(readdirSync(join(dir, 'a')), ['b'], 'no temporary file left beside the folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exclusive: any two or more of the named flags given together are refused, naming them; one or none passes', () => {
  const refused = (argv: string[], message: string) =>
    assert.throws(() => exclusive(parse(...argv), 'force', 'out', 'n'), (e: Error) => e instanceof UsageError && e.message === message, argv.join(' '));
  refused(['--force', '--out', 'x'], '--force, --out cannot be given together');
  refused(['--n', '3', '--force'], '--force, --n cannot be given together');
  refused(['--n', '3', '--out', 'x', '--force'], '--force, --out, --n cannot be given together');
  for (const argv of [[], ['--force'], ['--out', 'x'], ['--n', '3', '--cov', 'full']]) assert.doesNotThrow(() => exclusive(parse(...argv), 'force', 'out', 'n'), argv.join(' '));
  assert.doesNotThrow(() => exclusive(parse('--n', '16'), 'force', 'out'), 'a flag outside the group does not count, even at its default value');
});
