/**
 * errorHandler (src/server/http.ts), called directly: an HttpError keeps its status, message and extra fields; a
 * client error (4xx) from any middleware keeps its status with the body parser's, the URL decoder's or its own
 * message — its own only when it is a non-empty string the error does not mark `expose: false`, else a neutral
 * "request refused (status)"; everything else (5xx included) is a 500 whose message is logged, never sent; /api paths
 * get JSON, other paths a small HTML page; a reply already started is only ended.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { NextFunction, Request, Response } from 'express';
import { errorHandler, HttpError } from '../../src/server/http.ts';

interface Reply { status?: number; json?: any; html?: string; ended?: boolean }

function handle(err: unknown, path = '/api/thing', opts: { headersSent?: boolean; log?: boolean } = {}): { reply: Reply; logged: string[] } {
  const reply: Reply = {};
  const res = {
    headersSent: opts.headersSent ?? false,
    status(code: number) { reply.status = code; return this; },
    json(body: unknown) { reply.json = body; return this; },
    type(t: string) { assert.equal(t, 'html'); return this; },
    send(body: string) { reply.html = body; return this; },
    end() { reply.ended = true; return this; },
  } as unknown as Response;
  const req = { path, method: 'GET', originalUrl: `${path}?q=1` } as unknown as Request;
  const logged: string[] = [];
  const spy = mock.method(console, 'error', (...a: unknown[]) => void logged.push(a.join(' ')));
  try {
    errorHandler(opts.log ?? false)(err, req, res, (() => {}) as NextFunction);
  } finally {
    spy.mock.restore();
  }
  return { reply, logged };
}

const clientError = (fields: Record<string, unknown>) => Object.assign(new Error(typeof fields.message === 'string' ? fields.message : ''), fields);

test('HttpError and the middlewares\' client errors keep their status, with the message each deserves', () => {
  const cases: [unknown, number, Record<string, unknown>][] = [
    [new HttpError(404, 'no painting "x"', { fields: ['painting'] }), 404, { error: 'no painting "x"', fields: ['painting'] }],
    [clientError({ status: 413, type: 'entity.too.large', limit: 1000, message: 'request entity too large' }), 413, { error: 'request body too large (limit 1000 bytes)' }],
    [clientError({ status: 400, type: 'entity.parse.failed', message: 'Unexpected token } in JSON' }), 400, { error: 'request body is not valid JSON: Unexpected token } in JSON' }],
    [Object.assign(new URIError('URI malformed'), { status: 400 }), 400, { error: 'URL: malformed %-escape in "/api/thing?q=1"' }],
    [clientError({ status: 403, message: 'Forbidden' }), 403, { error: 'Forbidden' }],
    [clientError({ status: 403, message: 'Forbidden', expose: true }), 403, { error: 'Forbidden' }],
    [clientError({ status: 403, message: 'secret path /srv/x', expose: false }), 403, { error: 'request refused (403)' }],
    [clientError({ status: 400, message: '' }), 400, { error: 'request refused (400)' }],
    [{ status: 400, message: 42 }, 400, { error: 'request refused (400)' }],
    [clientError({ statusCode: 416, message: 'Range Not Satisfiable' }), 416, { error: 'Range Not Satisfiable' }],
    [clientError({ status: 499, message: 'edge' }), 499, { error: 'edge' }],
  ];
  for (const [err, status, body] of cases) {
    const { reply, logged } = handle(err);
    assert.equal(reply.status, status, JSON.stringify(body));
    assert.deepEqual(reply.json, body);
    assert.deepEqual(logged, [], 'a client error is not logged unless asked');
  }
  const { logged } = handle(clientError({ status: 403, message: 'Forbidden' }), '/api/thing', { log: true });
  assert.deepEqual(logged, ['[server] GET /api/thing?q=1 → 403: Forbidden']);
});

test('anything else is a 500 whose message is logged and not sent; 5xx statuses and 399 are not kept', () => {
  for (const err of [new Error('boom at /srv/secret'), clientError({ status: 500, message: 'db password wrong' }), clientError({ status: 503, message: 'upstream' }), clientError({ status: 399, message: 'odd' }), 'a string', null]) {
    const { reply, logged } = handle(err);
    assert.equal(reply.status, 500);
    assert.deepEqual(reply.json, { error: 'internal server error' });
    assert.equal(logged.length, 1);
    assert.match(logged[0], /^\[server\] GET \/api\/thing\?q=1 failed: /);
  }
  assert.match(handle(new Error('boom at /srv/secret')).logged[0], /boom at \/srv\/secret/);
});

test('pages outside /api get HTML with the status and the escaped message; a started reply is only ended', () => {
  const { reply } = handle(new HttpError(400, 'bad <size>'), '/styles');
  assert.equal(reply.status, 400);
  assert.equal(reply.json, undefined);
  assert.match(reply.html!, /<h1>400 · Bad request<\/h1><p>bad &lt;size&gt;<\/p>/);
  assert.match(handle(new HttpError(404, 'gone'), '/x').reply.html!, /<h1>404 · Not found<\/h1>/);
  assert.match(handle(new Error('boom'), '/x').reply.html!, /<h1>500 · Server error<\/h1><p>internal server error<\/p>/);
  const started = handle(new HttpError(400, 'late'), '/api/thing', { headersSent: true }).reply;
  assert.deepEqual(started, { ended: true });
});
