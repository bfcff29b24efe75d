/**
 * The one flag parser of every gmmgen script and command (on Node's util.parseArgs, strict).
 *
 * A command declares its flags once, with types and ranges; `parseCli` returns typed values or, on any
 * unknown, repeated, missing or bad flag, prints the problem and the usage line to stderr and exits with code 2
 * before the command does any work (scripts call it before importing anything heavy). `--help` / `-h` prints
 * the usage and exits 0. Messages use the wording of src/util/wording.ts:
 *
 *   study:ring: unknown flag --bogus (did you mean --inits?)
 *   generate: --n must be ≥ 1, got "-5"
 *
 * Negative numbers are values (`--shift -5`), not flags. Flag types:
 *   boolean                        --force
 *   string                         --out FILE
 *   int / number                   --n 64   (decimal only: "0x3", " 3", "1,5", "Infinity" are rejected)
 *   choice                         --cov diag|full
 *   list (comma-separated)         --methods em,sw   (elements typed as of: string | int | number, optional choices)
 *   strings (repeatable)           --opt L=64 --opt lr=0.01
 */
import { parseArgs } from 'node:util';
import { describeRule, listCapped, mustBe, numberProblem, oneOf, showValue, type NumberRule } from '../util/wording.ts';
import { editDistance } from '../gmm/fit/options.ts';

interface Common {
  help?: string;
  /** One-letter alias (`-p`). */
  short?: string;
  /** Placeholder of the value in the help ("FILE"). */
  meta?: string;
}
export interface BooleanFlag extends Common {
  type: 'boolean';
}
export interface StringFlag extends Common {
  type: 'string';
  default?: string;
  required?: boolean;
}
export interface IntFlag extends Common, Omit<NumberRule, 'integer'> {
  type: 'int';
  default?: number;
  required?: boolean;
}
export interface NumberFlag extends Common, Omit<NumberRule, 'integer'> {
  type: 'number';
  default?: number;
  required?: boolean;
}
export interface ChoiceFlag<C extends string = string> extends Common {
  type: 'choice';
  choices: readonly C[];
  default?: C;
  required?: boolean;
}
export interface ListFlag<E extends 'string' | 'int' | 'number' = 'string' | 'int' | 'number'> extends Common, Omit<NumberRule, 'integer'> {
  type: 'list';
  of?: E;
  /** Allowed elements (strings). */
  choices?: readonly string[];
  default?: readonly (E extends 'string' ? string : number)[];
  required?: boolean;
  /** Elements may repeat (default: no). */
  repeats?: boolean;
  /** int lists: "a-b" stands for a, a+1, ..., b ("0-9"). */
  ranges?: boolean;
}
export interface StringsFlag extends Common {
  type: 'strings';
}
export type FlagSpec = BooleanFlag | StringFlag | IntFlag | NumberFlag | ChoiceFlag | ListFlag | StringsFlag;
export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<S> = S extends BooleanFlag
  ? boolean
  : S extends IntFlag | NumberFlag
    ? number
    : S extends ChoiceFlag<infer C>
      ? C
      : S extends { type: 'list'; choices: readonly (infer C)[] }
        ? C[]
        : S extends { type: 'list'; of: 'int' | 'number' }
          ? number[]
          : S extends ListFlag
            ? string[]
            : S extends StringsFlag
              ? string[]
              : string;
type Always<S> = S extends BooleanFlag | StringsFlag ? true : S extends { default: unknown } | { required: true } ? true : false;
export type FlagValues<F extends FlagSpecs> = { -readonly [K in keyof F]: Always<F[K]> extends true ? ValueOf<F[K]> : ValueOf<F[K]> | undefined };

export interface CommandSpec<F extends FlagSpecs> {
  /** Name used in messages ("study:ring"). */
  name: string;
  /** The usage line(s) without "usage: " ("npm run study:ring -- [flags]"). */
  usage: string;
  /** A sentence or two shown under the usage by --help. */
  description?: string;
  flags: F;
  /** Positional arguments allowed (default none). */
  positionals?: { min?: number; max?: number; meta?: string };
}

export interface ParsedCli<F extends FlagSpecs> {
  values: FlagValues<F>;
  /** Flags given on the command line (not defaulted). */
  given: ReadonlySet<keyof F & string>;
  positionals: string[];
}

/** A bad command line; the message names the flag. Commands exit with code 2 on it. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity)/;
const INT_TEXT = /^[+-]?\d+(e\+?\d+)?$/i;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

const HELP_FLAG: BooleanFlag = { type: 'boolean', short: 'h', help: 'print this help' };

function takesValue(s: FlagSpec): boolean {
  return s.type !== 'boolean';
}

/** Levenshtein distance (small strings only). */

function suggestion(name: string, names: string[]): string {
  let best: string | null = null;
  let bestD = Infinity;
  for (const n of names) {
    const d = n.startsWith(name) || name.startsWith(n) ? 1 : editDistance(name, n);
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(name.length / 3)) ? ` (did you mean --${best}?)` : '';
}

function parseNumber(flag: string, text: string, rule: NumberRule): number {
  const integer = !!rule.integer;
  if (!(integer ? INT_TEXT : NUMBER_TEXT).test(text)) throw new UsageError(mustBe(flag, integer ? 'an integer' : 'a number', text));
  const x = Number(text);
  const problem = numberProblem(x, rule);
  if (problem) throw new UsageError(mustBe(flag, problem, text));
  return x;
}

function convert(flag: string, spec: FlagSpec, raw: string | string[] | boolean): unknown {
  switch (spec.type) {
    case 'boolean':
      return raw === true;
    case 'strings':
      return raw as string[];
    case 'string':
      if (raw === '') throw new UsageError(`${flag} needs a value`);
      return raw;
    case 'int':
    case 'number':
      return parseNumber(flag, raw as string, { ...spec, integer: spec.type === 'int' });
    case 'choice':
      if (!spec.choices.includes(raw as string)) throw new UsageError(mustBe(flag, oneOf(spec.choices), raw));
      return raw;
    case 'list': {
      const parts = (raw as string).split(',').map((p) => p.trim());
      if (parts.some((p) => p === '')) throw new UsageError(mustBe(flag, 'a comma-separated list without empty items', raw));
      const of = spec.of ?? 'string';
      const out: unknown[] = [];
      for (const p of parts) {
        const range = spec.ranges && of === 'int' ? /^(\d+)-(\d+)$/.exec(p) : null;
        if (range) {
          const a = parseNumber(`${flag} items`, range[1], { ...spec, integer: true });
          const b = parseNumber(`${flag} items`, range[2], { ...spec, integer: true });
          if (a > b) throw new UsageError(`${flag}: the range ${showValue(p)} is empty`);
          for (let v = a; v <= b; v++) out.push(v);
          continue;
        }
        if (spec.choices && !spec.choices.includes(p)) throw new UsageError(mustBe(`${flag} items`, oneOf(spec.choices), p));
        out.push(of === 'string' ? p : parseNumber(`${flag} items`, p, { ...spec, integer: of === 'int' }));
      }
      if (!spec.repeats) {
        const seen = new Set<unknown>();
        for (const v of out) {
          if (seen.has(v)) throw new UsageError(`${flag} lists ${showValue(v)} twice`);
          seen.add(v);
        }
      }
      return out;
    }
  }
}

/** The flag table of --help. */
export function helpText<F extends FlagSpecs>(cmd: CommandSpec<F>): string {
  const rows: [string, string][] = [];
  for (const [name, spec] of Object.entries({ ...cmd.flags, help: HELP_FLAG })) {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${takesValue(spec) ? ` ${spec.meta ?? metaOf(spec)}` : ''}`;
    const notes: string[] = [];
    if (spec.type === 'int' || spec.type === 'number') notes.push(describeRule({ ...spec, integer: spec.type === 'int' }));
    if (spec.type === 'choice') notes.push(spec.choices.join(' | '));
    if (spec.type === 'list' && spec.choices) notes.push(`from ${spec.choices.join(', ')}`);
    if (spec.type === 'list' && (spec.of === 'int' || spec.of === 'number')) notes.push(`each ${describeRule({ ...spec, integer: spec.of === 'int' })}${spec.ranges ? '; a-b for a range' : ''}`);
    if (spec.type === 'strings') notes.push('repeatable');
    if ('required' in spec && spec.required) notes.push('required');
    if ('default' in spec && spec.default !== undefined) notes.push(`default ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)}`);
    rows.push([left, [spec.help ?? '', notes.length ? `(${notes.join('; ')})` : ''].filter(Boolean).join(' ')]);
  }
  const w = Math.min(34, Math.max(...rows.map((r) => r[0].length)) + 2);
  const lines = rows.map(([l, r]) => (l.length + 2 > w ? `  ${l}\n  ${''.padEnd(w)}${r}` : `  ${l.padEnd(w)}${r}`));
  return `usage: ${cmd.usage}\n${cmd.description ? `\n${cmd.description}\n` : ''}\nflags:\n${lines.join('\n')}\n`;
}

function metaOf(spec: FlagSpec): string {
  switch (spec.type) {
    case 'int':
      return 'N';
    case 'number':
      return 'X';
    case 'choice':
      return spec.choices.length <= 4 ? spec.choices.join('|') : 'NAME';
    case 'list':
      return spec.of === 'int' || spec.of === 'number' ? 'N,N,...' : 'A,B,...';
    case 'strings':
      return 'VALUE';
    default:
      return 'VALUE';
  }
}

/**
 * Parses `argv` against the command's flags. Throws UsageError on anything wrong; returns { help: true }
 * values when --help was asked (the caller prints helpText).
 */
export function parseFlags<const F extends FlagSpecs>(cmd: CommandSpec<F>, argv: readonly string[]): ParsedCli<F> & { help: boolean } {
  const specs: FlagSpecs = { ...cmd.flags, help: HELP_FLAG };
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(specs)) if (s.short) byShort.set(s.short, name);
  // `--n -5`: a negative number after a flag that takes a value is that value.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2) : a.length === 2 && a[0] === '-' ? byShort.get(a[1]) : undefined;
    const spec = name !== undefined && !a.includes('=') ? Object.hasOwn(specs, name) ? specs[name] : undefined : undefined;
    if (spec && takesValue(spec) && i + 1 < argv.length && NEGATIVE_NUMBER.test(argv[i + 1])) {
      args.push(`--${name}=${argv[i + 1]}`);
      i++;
    } else args.push(a);
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries(specs)) options[name] = { type: takesValue(s) ? 'string' : 'boolean', ...(s.short ? { short: s.short } : {}), ...(s.type === 'strings' ? { multiple: true } : {}) };

  // First pass, lenient, to word every problem ourselves; the strict pass below then cannot fail.
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  const positionals: string[] = [];
  let afterTerminator = false;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') {
      afterTerminator = true;
      continue;
    }
    if (t.kind === 'positional') {
      positionals.push(t.value);
      if (!cmd.positionals || (cmd.positionals.max !== undefined && positionals.length > cmd.positionals.max)) {
        const hint = !afterTerminator && t.value.startsWith('-') ? ' (a flag needs --)' : '';
        throw new UsageError(`unexpected argument ${showValue(t.value)}${hint}${cmd.positionals ? '' : ': this command takes only flags'}`);
      }
      continue;
    }
    const flag = t.rawName.startsWith('--') ? t.rawName : `-${t.rawName.replace(/^-/, '')}`;
    if (!Object.hasOwn(specs, t.name)) throw new UsageError(`unknown flag ${flag}${t.rawName.startsWith('--') ? suggestion(t.name, Object.keys(specs)) : ''}`);
    const spec = specs[t.name];
    if (spec.type !== 'strings' && seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once`);
    seen.add(t.name);
    if (!takesValue(spec)) {
      if (t.inlineValue) throw new UsageError(`--${t.name} takes no value, got ${showValue(t.value)}`);
      continue;
    }
    if (t.value === undefined) throw new UsageError(`--${t.name} needs a value`);
    if (!t.inlineValue && t.value.startsWith('-') && !NEGATIVE_NUMBER.test(t.value)) {
      throw new UsageError(`--${t.name} needs a value, got the flag ${t.value} (write --${t.name}=${t.value} if that is the value)`);
    }
  }
  const min = cmd.positionals?.min ?? 0;
  if (positionals.length < min) throw new UsageError(`missing argument${min > 1 ? 's' : ''}: ${cmd.positionals?.meta ?? `${min} expected`}`);

  const { values: raw } = parseArgs({ args, options, strict: true, allowPositionals: !!cmd.positionals, tokens: false });
  const rawValues = raw as Record<string, string | string[] | boolean | undefined>;
  if (rawValues.help) return { values: {} as FlagValues<F>, given: new Set(), positionals, help: true };
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(cmd.flags)) {
    const r = rawValues[name];
    if (r === undefined) {
      if ('required' in spec && spec.required) throw new UsageError(`--${name} is required`);
      values[name] = spec.type === 'boolean' ? false : spec.type === 'strings' ? [] : 'default' in spec ? spec.default : undefined;
      continue;
    }
    values[name] = convert(`--${name}`, spec, r);
  }
  return { values: values as FlagValues<F>, given: seen as Set<keyof F & string>, positionals, help: false };
}

/**
 * parseFlags for a script's main: on --help prints the help to stdout and exits 0; on a UsageError prints
 * "<name>: <problem>" and the help to stderr and exits 2. Call it before any work or heavy import.
 */
export function parseCli<const F extends FlagSpecs>(cmd: CommandSpec<F>, argv: readonly string[] = process.argv.slice(2)): ParsedCli<F> {
  let r: ReturnType<typeof parseFlags<F>>;
  try {
    r = parseFlags(cmd, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    failUsage(cmd, e.message);
  }
  if (r.help) {
    process.stdout.write(helpText(cmd));
    process.exit(0);
  }
  reportUncaught(cmd.name);
  return r;
}

/**
 * From now on an uncaught error ends the process with one line, "<name>: <message>", and exit code 1 (2 for
 * a UsageError or any error carrying exitCode 2, e.g. an OutputError) — no stack trace unless GMMGEN_DEBUG=1.
 * parseCli installs it; a script's own catch still runs first.
 */
export function reportUncaught(name: string): void {
  process.on('uncaughtException', (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0); // the reader went away (`| head`)
    const code = typeof (err as { exitCode?: unknown }).exitCode === 'number' ? (err as unknown as { exitCode: number }).exitCode : 1;
    const hint = err instanceof UsageError ? ' (--help lists the flags)' : '';
    process.stderr.write(`${name}: ${process.env.GMMGEN_DEBUG === '1' ? (err.stack ?? err.message) : err.message}${hint}\n`);
    process.exit(code);
  });
}

/** `--opt key=value` items → an object; values parsed as JSON when they parse (numbers, booleans, arrays). */
export function keyValues(flag: string, items: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(mustBe(flag, 'key=value', item));
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    if (Object.hasOwn(out, key)) throw new UsageError(`${flag} gives ${showValue(key)} twice`);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* keep the string */
    }
    out[key] = value;
  }
  return { ...out };
}

/** "--a and --b cannot be given together" when more than one of `names` was given. */
export function exclusive<F extends FlagSpecs>(parsed: ParsedCli<F>, ...names: (keyof F & string)[]): void {
  const on = names.filter((n) => parsed.given.has(n));
  if (on.length > 1) throw new UsageError(`${listCapped(on.map((n) => `--${n}`))} cannot be given together`);
}

/** Prints "<name>: <message>" and the usage line to stderr and exits 2 (what parseCli does on a bad flag). */
export function failUsage<F extends FlagSpecs>(cmd: CommandSpec<F>, message: string): never {
  process.stderr.write(`${cmd.name}: ${message}\nusage: ${cmd.usage}\n(--help lists every flag)\n`);
  process.exit(2);
}
