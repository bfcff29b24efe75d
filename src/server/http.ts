/**
 * HTTP plumbing shared by the routes: an error type carrying a status, zod validation that names the
 * offending field, the 404 and error handlers (JSON under /api, a small page elsewhere; never a stack
 * trace), and server-sent events.
 */
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { mustBe, numberProblem, oneOf, showValue } from '../util/wording.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Most fields an error names (a body with 100 000 unknown keys gets a short answer, not a 2 MB one). */
const MAX_FIELDS = 20;

type Issue = z.core.$ZodIssue & { input?: unknown };
type RawIssue = z.core.$ZodRawIssue & { input?: unknown };

const TYPE_WORDS: Record<string, string> = {
  number: 'a number', int: 'an integer', string: 'a string', boolean: 'true or false', object: 'an object', array: 'an array',
  bigint: 'an integer', null: 'null',
};

/** The wording of src/util/wording.ts for one zod issue: the words after the field name ("must be ≤ 256, got 300"). */
function issuePhrase(iss: RawIssue, where: string): string {
  const got = iss.input;
  const with_ = (what: string) => (got === undefined ? `must be ${what}` : mustBe('', what, got).trimStart());
  switch (iss.code) {
    case 'invalid_type': {
      if (got === undefined) return 'is required';
      if (where === 'query' && Array.isArray(got) && iss.expected !== 'array') return 'must be given once';
      const word = Object.hasOwn(TYPE_WORDS, iss.expected) ? TYPE_WORDS[iss.expected] : `of type ${iss.expected}`;
      return with_(iss.expected === 'number' && typeof got === 'number' ? 'a finite number' : word);
    }
    case 'too_big':
    case 'too_small': {
      const big = iss.code === 'too_big';
      const bound = Number(big ? (iss as { maximum: number | bigint }).maximum : (iss as { minimum: number | bigint }).minimum);
      const incl = (iss as { inclusive?: boolean }).inclusive !== false;
      if (iss.origin === 'string') return with_(big ? `at most ${bound} characters long` : bound === 1 ? 'non-empty' : `at least ${bound} characters long`);
      if (iss.origin === 'array' || iss.origin === 'set') return with_(`a list of at ${big ? 'most' : 'least'} ${bound} item${bound === 1 ? '' : 's'}`);
      return with_(big ? (incl ? `≤ ${bound}` : `< ${bound}`) : incl ? `≥ ${bound}` : `> ${bound}`);
    }
    case 'invalid_value':
      return got === undefined ? 'is required' : with_(oneOf(iss.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))));
    case 'invalid_format':
      return with_(iss.format === 'regex' ? `in the form ${(iss as { pattern?: string }).pattern ?? ''}` : `a valid ${iss.format}`);
    case 'not_multiple_of':
      return with_(`a multiple of ${iss.divisor}`);
    case 'invalid_union': {
      // One object form per alternative, named by the fields it requires: "must be {painting} or {upload}".
      const forms = iss.errors.map((alt) => alt.filter((i) => i.code === 'invalid_type' && i.path.length === 1 && i.input === undefined).map((i) => String(i.path[0])));
      if (got === undefined) return 'is required';
      if (forms.every((f) => f.length > 0)) return with_(forms.map((f) => `{${f.join(', ')}}`).join(' or '));
      return with_('one of the allowed forms');
    }
    case 'invalid_key':
      return iss.issues[0]?.message ?? 'is not an allowed key';
    case 'unrecognized_keys': {
      const shown = iss.keys.slice(0, 8).map((k) => showValue(k));
      return `has unknown field${iss.keys.length > 1 ? 's' : ''} ${shown.join(', ')}${iss.keys.length > 8 ? ` and ${iss.keys.length - 8} more` : ''}`;
    }
    default:
      return iss.message ?? 'is not valid';
  }
}

/** "<where>: <field> must be …; <field> …" for the zod issues (capped), the field paths dotted ("weights.3"). */
export function describeZodError(err: z.ZodError, where: string): { message: string; fields: string[] } {
  const fields: string[] = [];
  const parts: string[] = [];
  for (const iss of err.issues as Issue[]) {
    const field = iss.path.length ? iss.path.map(String).join('.') : where;
    if (iss.code === 'unrecognized_keys') {
      const prefix = iss.path.length ? `${field}.` : '';
      for (const k of iss.keys.slice(0, MAX_FIELDS)) if (fields.length < MAX_FIELDS) fields.push(prefix + k);
      parts.push(iss.path.length ? `${field} ${iss.message}` : iss.message.replace(/^has /, ''));
    } else {
      if (fields.length < MAX_FIELDS) fields.push(field);
      parts.push(`${field} ${iss.message}`);
    }
    if (parts.length >= 5) break;
  }
  const more = err.issues.length > parts.length ? `; and ${err.issues.length - parts.length} more problem${err.issues.length - parts.length > 1 ? 's' : ''}` : '';
  return { message: `invalid ${where}: ${parts.join('; ')}${more}`, fields };
}

/** Parses `value` with `schema`; throws HttpError 400 naming the field(s) on failure, in the shared wording. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value, { reportInput: true, error: (iss) => issuePhrase(iss as RawIssue, where) });
  if (!r.success) {
    const { message, fields } = describeZodError(r.error, where);
    throw new HttpError(400, message, { fields });
  }
  return r.data;
}

const DECIMAL_INT = /^[+-]?\d+$/;

/**
 * Integer query parameter: decimal digits only ("0x3", " 3", "%20%203", "1e3", "1.5" are refused), given once
 * (`class=3&class=4` is refused), within [min, max]. Numbers (from JSON) pass through the same checks.
 */
export function intParam(min: number, max: number) {
  return z.unknown().transform((v, ctx) => {
    if (Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: 'must be given once', input: v });
      return z.NEVER;
    }
    const x = typeof v === 'number' ? v : typeof v === 'string' && DECIMAL_INT.test(v) ? Number(v) + 0 : NaN; // + 0: "-0" is 0
    const problem = Number.isNaN(x) ? 'an integer' : numberProblem(x, { integer: true, min, max });
    if (problem) {
      ctx.addIssue({ code: 'custom', message: mustBe('', problem, v).trimStart(), input: v });
      return z.NEVER;
    }
    return x;
  });
}

/** Integer field of a JSON body: a JSON number (not a string), integral, within [min, max]. */
export function intField(min: number, max: number) {
  return z.number().int().min(min).max(max);
}

/** 415 unless a request that has a body sends it as application/json (JSON routes; before express.json). */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (hasBody && !req.is('application/json')) {
    next(new HttpError(415, `Content-Type must be application/json, got ${showValue(req.headers['content-type'] ?? 'none')}`, { fields: ['Content-Type'] }));
    return;
  }
  next();
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(status: number, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} ${escapeHtml(title)} · gmmgen</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#223}a{color:#3056d3}</style></head>
<body><h1>${status} · ${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><p><a href="/">Back to the app</a></p></body></html>`;
}

/** 404 for anything no route answered: JSON under /api, a small page otherwise. */
export function notFound(req: Request, res: Response): void {
  if (req.path.startsWith('/api')) {
    res.status(404).json({ error: `no route ${req.method} ${req.path}` });
  } else {
    res.status(404).type('html').send(page(404, 'Not found', `There is nothing at ${req.path}.`));
  }
}

/**
 * Final error handler. HttpError keeps its status and message; body-parser errors (bad JSON, too
 * large, wrong type) keep theirs; anything else is a 500 whose message is logged, not sent.
 */
export function errorHandler(log: boolean) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let status = 500;
    let message = 'internal server error';
    let extra: Record<string, unknown> = {};
    const e = (err && typeof err === 'object' ? err : {}) as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown; limit?: unknown; expose?: unknown };
    const declared = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
      extra = err.extra;
    } else if (declared !== null && declared >= 400 && declared < 500) {
      // A client error from any middleware (body parser, router, static files) keeps its status.
      status = declared;
      if (e.type === 'entity.too.large') message = `request body too large (limit ${e.limit} bytes)`;
      else if (e.type === 'entity.parse.failed') message = `request body is not valid JSON: ${String(e.message)}`;
      else if (err instanceof URIError || /decode/i.test(String(e.message))) message = `URL: malformed %-escape in ${showValue(req.originalUrl, 80)}`;
      else if (e.expose !== false && typeof e.message === 'string' && e.message) message = e.message;
      else message = `request refused (${status})`;
    }
    if (status >= 500 && !(err instanceof HttpError)) {
      console.error(`[server] ${req.method} ${req.originalUrl} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } else if (log) {
      console.error(`[server] ${req.method} ${req.originalUrl} → ${status}: ${message}`);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (req.path.startsWith('/api')) res.status(status).json({ error: message, ...extra });
    else res.status(status).type('html').send(page(status, status >= 500 ? 'Server error' : status === 404 ? 'Not found' : 'Bad request', message));
  };
}

/** A server-sent-events stream on `res`. */
export class SseStream {
  private closed = false;
  private readonly ping: NodeJS.Timeout;
  constructor(
    private readonly req: Request,
    private readonly res: Response,
    onClose: () => void,
  ) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(': stream open\n\n');
    this.ping = setInterval(() => this.comment('ping'), 15_000);
    this.ping.unref();
    req.on('close', () => {
      this.closed = true;
      clearInterval(this.ping);
      onClose();
    });
  }
  get isClosed(): boolean {
    return this.closed;
  }
  send(event: string, data: unknown): void {
    if (this.closed) return;
    this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
  comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }
  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ping);
    this.res.end();
  }
}
