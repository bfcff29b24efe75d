/**
 * One wording for every validation message gmmgen prints or sends, whatever checked the value (a command-line
 * flag, an HTTP query or body, a library argument):
 *
 *   <field> must be <what>[, got <value>]      e.g. `count must be ≤ 256, got 300`, `--n must be an integer, got "0x3"`
 *
 * `<what>` is the rule the value breaks: "a number", "an integer", "≥ 1", "≤ 256", "> 0", "one of a, b, c".
 * Lists in messages are capped (listCapped) so that a message never grows with the input.
 */

/** Rules for a number: integer, inclusive bounds (min, max) and exclusive ones (gt, lt). */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  gt?: number;
  lt?: number;
}

/** The first rule `x` breaks, as the words after "must be", or null when it keeps them all. */
export function numberProblem(x: number, rule: NumberRule): string | null {
  if (typeof x !== 'number' || Number.isNaN(x)) return rule.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(x)) return rule.integer ? 'an integer' : 'a finite number';
  if (rule.integer && !Number.isSafeInteger(x)) return Number.isInteger(x) ? `≤ ${Number.MAX_SAFE_INTEGER}` : 'an integer';
  if (rule.min !== undefined && x < rule.min) return `≥ ${rule.min}`;
  if (rule.gt !== undefined && !(x > rule.gt)) return `> ${rule.gt}`;
  if (rule.max !== undefined && x > rule.max) return `≤ ${rule.max}`;
  if (rule.lt !== undefined && !(x < rule.lt)) return `< ${rule.lt}`;
  return null;
}

/** The rule as a phrase for help texts: "an integer in [1, 256]", "a number > 0", "an integer ≥ 0". */
export function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  const lo = rule.min !== undefined ? { v: rule.min, open: false } : rule.gt !== undefined ? { v: rule.gt, open: true } : null;
  const hi = rule.max !== undefined ? { v: rule.max, open: false } : rule.lt !== undefined ? { v: rule.lt, open: true } : null;
  if (lo && hi) return `${kind} in ${lo.open ? '(' : '['}${lo.v}, ${hi.v}${hi.open ? ')' : ']'}`;
  if (lo) return `${kind} ${lo.open ? '>' : '≥'} ${lo.v}`;
  if (hi) return `${kind} ${hi.open ? '<' : '≤'} ${hi.v}`;
  return kind;
}

/** `<field> must be <what>[, got <value>]`. */
export function mustBe(field: string, what: string, got?: unknown): string {
  return `${field} must be ${what}${got === undefined ? '' : `, got ${showValue(got)}`}`;
}

/** "one of a, b, c" (capped). */
export function oneOf(choices: readonly unknown[]): string {
  return `one of ${listCapped(choices.map(String))}`;
}

/** A value for a message: strings quoted and cut to `max` characters, other values as JSON (also cut). */
export function showValue(v: unknown, max = 40): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v);
  else if (typeof v === 'number') s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
    if (s.length > max) s = `${s.slice(0, max)}…`;
  }
  return s;
}

/** "a, b, c" for at most `max` items, then "and N more". */
export function listCapped(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
