/** Small flag parsers shared by the latent scripts (fit-latent, generate, latent-eval). Errors name the flag. */

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export function intFlag(name: string, v: string | undefined, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer in [${min}, ${max}], got "${v}"`);
  return n;
}

export function numberFlag(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${name} must be a number, got "${v}"`);
  return n;
}

/** "0,3,8" or "0-9" → class list. */
export function classList(name: string, v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const out: number[] = [];
  for (const part of v.split(',').map((s) => s.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const a = Number(range[1]), b = Number(range[2]);
      if (a > b) throw new CliError(`--${name}: empty range "${part}"`);
      for (let c = a; c <= b; c++) out.push(c);
    } else if (/^\d+$/.test(part)) out.push(Number(part));
    else throw new CliError(`--${name} must list class labels like "0,3,8" or "0-9", got "${v}"`);
  }
  if (new Set(out).size !== out.length) throw new CliError(`--${name} lists a class twice: "${v}"`);
  return out;
}

/** Repeated --opt key=value → options object; values parsed as JSON when they parse (numbers, booleans, arrays). */
export function keyValueOptions(name: string, list: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliError(`--${name} expects key=value, got "${item}"`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* keep the string */
    }
    out[key] = value;
  }
  return out;
}
