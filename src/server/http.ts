/**
 * HTTP plumbing shared by the routes: an error type carrying a status, zod validation that names the
 * offending field, the 404 and error handlers (JSON under /api, a small page elsewhere; never a stack
 * trace), and server-sent events.
 */
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

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

/** "field: message" for each zod issue, the field path dotted ("weights.3"). */
export function describeZodError(err: z.ZodError, where: string): { message: string; fields: string[] } {
  const fields: string[] = [];
  const parts = err.issues.map((iss) => {
    const field = iss.path.length ? iss.path.map(String).join('.') : where;
    fields.push(field);
    if (iss.code === 'unrecognized_keys') {
      const keys = (iss as unknown as { keys: string[] }).keys;
      fields.push(...keys);
      return `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${field}: ${iss.message}`;
  });
  return { message: `invalid ${where}: ${parts.join('; ')}`, fields };
}

/** Parses `value` with `schema`; throws HttpError 400 naming the field(s) on failure. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const { message, fields } = describeZodError(r.error, where);
    throw new HttpError(400, message, { fields });
  }
  return r.data;
}

/** Integer query parameter (strings from the query string are coerced; "", "1.5", "abc" are rejected). */
export function intParam(min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number({ message: 'must be a number' }).int('must be an integer').min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`),
  );
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
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
      extra = err.extra;
    } else if (err && typeof err === 'object' && 'type' in err && typeof (err as { status?: unknown }).status === 'number') {
      // body-parser errors
      const e = err as { status: number; type: string; message: string; limit?: number };
      status = e.status;
      if (e.type === 'entity.too.large') message = `request body too large (limit ${e.limit} bytes)`;
      else if (e.type === 'entity.parse.failed') message = `request body is not valid JSON: ${e.message}`;
      else message = e.message;
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
    else res.status(status).type('html').send(page(status, status >= 500 ? 'Server error' : 'Bad request', message));
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
