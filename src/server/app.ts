/**
 * The gmmgen web app: an express 5 server with a JSON/PNG API and a static front end (src/server/public).
 *
 *   GET  /api/status                          what is loaded, what is missing, caps
 *   GET  /api/digits?method&class&count&seed  PNG grid of generated digits of one class
 *   POST /api/digits/mix                      PNG grid of class mixes {method, mode, weights, count, seed}
 *   GET  /api/explore/ring                    the ring–square–line points and the fit methods
 *   GET  /api/explore/fit?method&k&seed&steps SSE: frames of a GMM fit to them (frame…, done | error)
 *   GET  /api/explore/latent?method           latent codes and class GMMs projected to 2-D (PCA)
 *   GET  /api/style/paintings                 the paintings; /api/style/paintings/:name?size → JPEG
 *   GET  /api/style/contents                  content presets; /api/style/contents/:name → PNG
 *   GET  /api/style/setup                     first-use downloads: what is missing, progress, errors
 *   POST /api/style/setup                     start (or join) the download of what is missing (202)
 *   GET  /api/style/setup/events              SSE: setup (status on every change) until ready or failed
 *   POST /api/uploads                         an image (raw body image/*, or JSON {name, data: base64})
 *   GET  /api/uploads/:id                     the uploaded image
 *   POST /api/style/jobs                      queue a style job (202; 429 when the queue is full)
 *   GET  /api/style/jobs[/:id]                job status
 *   GET  /api/style/jobs/:id/events           SSE: status, progress (with preview images), result
 *   GET  /api/style/jobs/:id/preview.png, /api/style/jobs/:id/results/:i.png
 *   DELETE /api/style/jobs/:id  (or POST /api/style/jobs/:id/cancel)   cancel
 *
 * Bad input → 400 naming the field, in one wording ("count must be ≤ 256, got 300"; src/util/wording.ts);
 * a non-JSON body on a JSON route → 415; a body or an upload over its cap → 413 naming the cap; a malformed
 * %-escape anywhere in the URL → 400; unknown routes and names (also 'constructor', '__proto__') → 404;
 * anything else → 500 without message or stack trace.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { backendInfo, initBackend } from '../backend/index.ts';
import { FIT_METHODS, type FitMethod } from '../gmm/index.ts';
import { MIX_MODES } from '../latent/index.ts';
import { DigitService } from './digits.ts';
import { RingExplorer } from './explore.ts';
import { errorHandler, HttpError, intField, intParam, notFound, parseOr400, requireJson, SseStream } from './http.ts';
import { FINAL_STATUSES, JobQueue, QueueFullError, type JobEvent, type JobView } from './jobs.ts';
import { projectLatentSet, type LatentProjection } from './latent-explore.ts';
import { defaultServerOptions, type ServerOptions } from './options.ts';
import { StyleAssets } from './style-assets.ts';
import { setupRoutes, StyleSetup, waitForSetup } from './style-setup.ts';
import { styleJobSchema, styleRunner, type StyleJobParams } from './style-jobs.ts';
import { UploadStore, uploadJsonLimit } from './uploads.ts';
import { loadCodesForExplore } from './codes.ts';
import { showValue } from '../util/wording.ts';
import { assetsPath } from '../util/paths.ts';

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface AppContext {
  options: ServerOptions;
  digits: DigitService;
  ring: RingExplorer;
  style: StyleAssets;
  /** First-use downloads of the style files. */
  setup: StyleSetup;
  uploads: UploadStore;
  jobs: JobQueue;
}

export function createContext(options: ServerOptions): AppContext {
  const style = new StyleAssets(options.stylesDir, options.mobilenetDir);
  return {
    options,
    digits: new DigitService(options.modelsDir),
    ring: new RingExplorer(options.ringDataPath),
    style,
    setup: new StyleSetup(style, options.download),
    uploads: new UploadStore(options.caps),
    jobs: new JobQueue({ capacity: options.styleQueueSize, timeoutMs: options.styleTimeoutMs, keepFinished: options.keepFinishedJobs }),
  };
}

const sendPng = (res: Response, png: Buffer, extra: Record<string, string> = {}) => {
  res.setHeader('Content-Type', 'image/png');
  res.setHeader('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.send(png);
};

export function createApp(ctx: AppContext): express.Express {
  const { options, digits, ring, style, setup, uploads, jobs } = ctx;
  const caps = options.caps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  if (options.log) {
    app.use((req, res, next) => {
      const t0 = performance.now();
      res.on('finish', () => {
        if (!req.path.startsWith('/api')) return;
        console.error(`[server] ${req.method} ${req.originalUrl} ${res.statusCode} ${(performance.now() - t0).toFixed(0)} ms`);
      });
      next();
    });
  }

  // JSON routes: 415 for another Content-Type (instead of zod errors about missing fields), then the parser.
  const parseJson = express.json({ limit: '64kb', strict: false }); // any JSON value; the schemas say what is wrong
  const json: express.RequestHandler = (req, res, next) => requireJson(req, res, (err?: unknown) => (err ? next(err) : parseJson(req, res, next)));

  // ------------------------------------------------------------------ status
  app.get('/api/status', (_req, res) => {
    res.json({
      backend: backendInfo()?.choice ?? null,
      digits: digits.status(),
      explore: { ring: ring.missing() === null, ringMissing: ring.missing(), methods: ring.methods() },
      style: {
        ready: style.canRun(),
        missing: style.missing(setup.items()),
        setup: setup.status(),
        paintings: style.paintings().length,
        queue: { active: jobs.active, capacity: jobs.capacity, timeoutSeconds: Math.round(options.styleTimeoutMs / 1000) },
      },
      caps,
      mixModes: MIX_MODES,
    });
  });

  // ------------------------------------------------------------------ digits
  const seedSchema = intParam(0, 2 ** 31 - 1);
  const digitsQuery = z
    .object({
      method: z.string().min(1).max(40).optional(),
      class: intParam(0, 1000),
      count: intParam(1, caps.maxSamples).optional(),
      seed: seedSchema.optional(),
      cols: intParam(1, 64).optional(),
    })
    .strict();
  const pickMethod = async (m: string | undefined): Promise<string> => {
    if (m) return m;
    const models = await digits.get();
    return models.sets.has('sw') ? 'sw' : [...models.sets.keys()][0];
  };
  app.get('/api/digits', async (req, res) => {
    const q = parseOr400(digitsQuery, req.query, 'query');
    const method = await pickMethod(q.method);
    const t0 = performance.now();
    const g = await digits.sample(method, q.class, q.count ?? 16, q.seed ?? 0, q.cols);
    sendPng(res, g.png, { 'X-Method': method, 'X-Count': String(g.n), 'X-Cols': String(g.cols), 'X-Elapsed-Ms': (performance.now() - t0).toFixed(1) });
  });

  const mixBody = z
    .object({
      method: z.string().min(1).max(40).optional(),
      mode: z.enum(MIX_MODES as unknown as [string, ...string[]]),
      weights: z.record(z.string().regex(/^\d+$/, 'must be a class label (digits)'), z.number().min(0)),
      count: intField(1, caps.maxSamples).optional(),
      seed: intField(0, 2 ** 31 - 1).optional(),
      cols: intField(1, 64).optional(),
    })
    .strict();
  app.post('/api/digits/mix', json, async (req, res) => {
    const b = parseOr400(mixBody, req.body === undefined ? {} : req.body, 'body');
    const method = await pickMethod(b.method);
    const g = await digits.mix(method, b.mode as (typeof MIX_MODES)[number], b.weights, b.count ?? 16, b.seed ?? 0, b.cols);
    sendPng(res, g.png, { 'X-Method': method, 'X-Count': String(g.n), 'X-Cols': String(g.cols), ...(g.labels ? { 'X-Labels': g.labels.join(',') } : {}) });
  });

  // ------------------------------------------------------------------ explore
  app.get('/api/explore/ring', (_req, res) => {
    const p = ring.points();
    res.setHeader('Cache-Control', 'max-age=3600');
    res.json({ n: p.n, points: Array.from(p.data), methods: ring.methods() });
  });

  const fitQuery = z
    .object({
      method: z.enum(FIT_METHODS as unknown as [string, ...string[]]),
      k: intParam(1, caps.maxFitK).optional(),
      seed: seedSchema.optional(),
      steps: intParam(1, caps.maxFitIter).optional(),
    })
    .strict();
  app.get('/api/explore/fit', async (req, res) => {
    const q = parseOr400(fitQuery, req.query, 'query');
    const method = q.method as FitMethod;
    const steps = q.steps ?? (method === 'em' ? 100 : 80);
    const k = q.k ?? 10, seed = q.seed ?? 0;
    // A page that replaces its fits closes the old streams just before opening new ones: give their slots a moment.
    for (let i = 0; i < 3 && !ring.canServe(method, k, seed, steps) && !req.socket.destroyed; i++) await ring.whenSlotFrees(700);
    let sse: SseStream | null = null;
    const buffered: unknown[] = [];
    let unsub = () => {};
    // subscribe() replays cached frames synchronously, before the stream exists; buffer those.
    unsub = ring.subscribe(method, k, seed, steps, (ev) => {
      if (!sse) {
        buffered.push(ev);
        return;
      }
      send(ev);
    });
    sse = new SseStream(req, res, () => unsub());
    const send = (ev: any) => {
      if (ev.type === 'frame') sse!.send('frame', ev.frame);
      else if (ev.type === 'done') {
        sse!.send('done', ev.summary);
        sse!.end();
      } else {
        sse!.send('fail', { error: ev.message });
        sse!.end();
      }
    };
    sse.send('start', { method, k, seed, steps });
    for (const ev of buffered) send(ev);
  });

  const latentCache = new Map<string, LatentProjection>();
  app.get('/api/explore/latent', async (req, res) => {
    const q = parseOr400(z.object({ method: z.string().min(1).max(40).optional() }).strict(), req.query, 'query');
    const models = await digits.get();
    const method = q.method ?? (models.sets.has('sw') ? 'sw' : [...models.sets.keys()][0]);
    const set = models.sets.get(method);
    if (!set) throw new HttpError(400, `method: unknown method '${method}' (available: ${[...models.sets.keys()].join(', ')})`, { fields: ['method'] });
    let proj = latentCache.get(method);
    if (!proj) {
      const codes = loadCodesForExplore(set);
      proj = projectLatentSet(set, codes?.rows ?? null, { sourcePath: codes?.path ?? null });
      latentCache.set(method, proj);
    }
    res.json(proj);
  });

  // ------------------------------------------------------------------ style assets
  app.get('/api/style/paintings', (_req, res) => {
    res.json({
      paintings: style.paintings().map((p) => ({ name: p.name, title: p.title, url: `/api/style/paintings/${encodeURIComponent(p.name)}` })),
      missing: style.missing(setup.items()),
    });
  });
  app.get('/api/style/paintings/:name', async (req, res) => {
    const q = parseOr400(z.object({ size: intParam(16, 1024).optional() }).strict(), req.query, 'query');
    const jpg = await style.thumbnail(String(req.params.name), q.size ?? 256);
    res.setHeader('Cache-Control', 'max-age=3600');
    res.type('image/jpeg').send(jpg);
  });
  app.get('/api/style/contents', (_req, res) => {
    res.json({ presets: style.presets().map((p) => ({ ...p, url: `/api/style/contents/${p.name}` })) });
  });
  app.get('/api/style/contents/:name', async (req, res) => {
    const png = await style.presetBytes(String(req.params.name), 'name');
    res.setHeader('Cache-Control', 'max-age=3600');
    res.type('image/png').send(png);
  });
  setupRoutes(app, setup);

  // ------------------------------------------------------------------ uploads
  const rawImage = express.raw({ type: (req) => !String(req.headers['content-type'] ?? '').startsWith('application/json'), limit: caps.maxUploadBytes });
  const bigJson = express.json({ limit: uploadJsonLimit(caps.maxUploadBytes), strict: false });
  const uploadJson = z.object({ name: z.string().max(200).optional(), data: z.string().min(1, 'must not be empty') }).strict();
  app.post('/api/uploads', rawImage, bigJson, async (req, res) => {
    let bytes: Buffer;
    let name: string;
    if (Buffer.isBuffer(req.body)) {
      const ct = String(req.headers['content-type'] ?? '');
      if (ct && !ct.startsWith('image/') && ct !== 'application/octet-stream') {
        throw new HttpError(415, `Content-Type: send an image (image/png, image/jpeg, ...) or JSON {name, data: base64}, got '${ct}'`, { fields: ['Content-Type'] });
      }
      bytes = req.body;
      name = String(req.headers['x-filename'] ?? 'upload');
    } else {
      const b = parseOr400(uploadJson, req.body === undefined ? {} : req.body, 'body');
      const m = /^data:[\w/+.-]+;base64,(.*)$/s.exec(b.data);
      const b64 = (m ? m[1] : b.data).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new HttpError(400, 'data: not valid base64', { fields: ['data'] });
      bytes = Buffer.from(b64, 'base64');
      name = b.name ?? 'upload';
    }
    const up = await uploads.add(bytes, name);
    res.status(201).json({ id: up.id, name: up.name, width: up.width, height: up.height, format: up.format, bytes: up.bytes.length, url: `/api/uploads/${up.id}` });
  });
  app.get('/api/uploads/:id', (req, res) => {
    const up = uploads.get(String(req.params.id));
    if (!up) throw new HttpError(404, `no upload with id ${showValue(req.params.id)} (uploads are kept in memory; the server may have restarted)`);
    res.type(`image/${up.format}`).send(up.bytes);
  });

  // ------------------------------------------------------------------ style jobs
  app.post('/api/style/jobs', json, async (req, res) => {
    const params = parseOr400(styleJobSchema(caps), req.body === undefined ? {} : req.body, 'body') as StyleJobParams;
    // First use: weights still to download → the job waits for them (its progress shows the download).
    const fetching = setup.items().map((i) => i.name);
    if (!style.canRun() && !fetching.includes('mobilenet')) throw new HttpError(503, `style jobs cannot run: ${style.missing().join('; ')}`, { missing: style.missing() });
    if (fetching.length) setup.start().catch(() => {}); // the failure is in setup.status() and fails the waiting job
    if (params.styles.some((s) => 'painting' in s) && fetching.includes('paintings')) {
      await setup.paintingsReady().catch((e: Error) => {
        throw new HttpError(503, e.message, { setup: setup.status() });
      });
    }
    // Resolve every image now, so a bad name is a 400 and the job gets bytes, not names.
    const resolve = async (src: { painting: string } | { upload: string } | { preset: string }, field: string): Promise<{ name: string; bytes: Buffer }> => {
      if ('painting' in src) return { name: src.painting, bytes: style.paintingBytes(src.painting, `${field}.painting`) };
      if ('upload' in src) {
        const up = uploads.get(src.upload);
        if (!up) throw new HttpError(400, `${field}.upload: no upload with id '${src.upload}'`, { fields: [`${field}.upload`] });
        return { name: up.name, bytes: up.bytes };
      }
      return { name: src.preset, bytes: await style.presetBytes(src.preset, `${field}.preset`) };
    };
    const styles = await Promise.all(params.styles.map((s, i) => resolve(s, `styles.${i}`)));
    const content = params.content ? await resolve(params.content, 'content') : null;
    let view;
    try {
      const runner = styleRunner({ styles, content, params, mobilenetDir: style.mobilenetDir!, crops: options.styleCrops });
      view = jobs.submit('style', params, style.canRun() ? runner : waitForSetup(setup, runner));
    } catch (e) {
      if (e instanceof QueueFullError) throw new HttpError(429, e.message, { capacity: e.capacity });
      throw e;
    }
    res.status(202).location(`/api/style/jobs/${view.id}`).json(jobJson(view));
  });
  const jobJson = (v: ReturnType<JobQueue['get']> & {}) => ({
    ...v,
    events: `/api/style/jobs/${v.id}/events`,
    preview: v.hasPreview ? `/api/style/jobs/${v.id}/preview.png` : null,
    images: Array.from({ length: v.results }, (_, i) => `/api/style/jobs/${v.id}/results/${i}.png`),
  });
  const findJob = (req: Request) => {
    const v = jobs.get(String(req.params.id));
    if (!v) throw new HttpError(404, `no style job with id ${showValue(req.params.id)}`);
    return v;
  };
  app.get('/api/style/jobs', (_req, res) => {
    res.json({ jobs: jobs.list().map(jobJson), active: jobs.active, capacity: jobs.capacity });
  });
  app.get('/api/style/jobs/:id', (req, res) => {
    res.json(jobJson(findJob(req)));
  });
  const cancel = (req: Request, res: Response) => {
    findJob(req);
    res.json(jobJson(jobs.cancel(String(req.params.id))!));
  };
  app.delete('/api/style/jobs/:id', cancel);
  app.post('/api/style/jobs/:id/cancel', cancel);
  app.get('/api/style/jobs/:id/preview.png', (req, res) => {
    findJob(req);
    const png = jobs.preview(String(req.params.id));
    if (!png) throw new HttpError(404, `style job '${req.params.id}' has no preview yet`);
    sendPng(res, png);
  });
  app.get('/api/style/jobs/:id/results/:index.png', (req, res) => {
    const v = findJob(req);
    const i = parseOr400(z.object({ index: intParam(0, 10_000) }), { index: req.params.index }, 'path');
    const png = jobs.result(v.id, i.index);
    if (!png) throw new HttpError(404, `style job '${v.id}' has no image ${i.index} (it has ${v.results})`);
    res.setHeader('Content-Disposition', `inline; filename="style-${v.id}-${i.index}.png"`);
    sendPng(res, png);
  });
  app.get('/api/style/jobs/:id/events', (req, res) => {
    const v = findJob(req);
    let unsub = () => {};
    const sse = new SseStream(req, res, () => unsub());
    const send = (ev: JobEvent) => {
      const j = jobJson(ev.job);
      if (ev.type === 'status') sse.send('status', j);
      else if (ev.type === 'progress') sse.send('progress', { id: j.id, status: j.status, progress: j.progress });
      else if (ev.type === 'preview') sse.send('preview', { id: j.id, progress: j.progress, image: `data:image/png;base64,${ev.png!.toString('base64')}` });
      else if (ev.type === 'result') sse.send('result', { id: j.id, index: ev.index, url: `/api/style/jobs/${j.id}/results/${ev.index}.png` });
      if (ev.type === 'status' && FINAL_STATUSES.includes(ev.job.status)) sse.end();
    };
    sse.send('status', jobJson(v));
    if (FINAL_STATUSES.includes(v.status)) {
      sse.end();
      return;
    }
    unsub = jobs.subscribe(v.id, send);
  });

  // ------------------------------------------------------------------ page, 404, errors
  app.all('/api/{*rest}', notFound);
  if (existsSync(PUBLIC_DIR)) app.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: 0 }));
  app.use('/icons', express.static(assetsPath('icons'), { maxAge: '1h' }));
  app.use(notFound);
  app.use(errorHandler(options.log));
  return app;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  ctx: AppContext;
  /** Stops the server; style jobs still waiting or running end as 'stopped' (returned, and logged). */
  close(): Promise<JobView[]>;
}

/** Starts the server (backend initialised first); resolves once it listens. */
export async function startServer(partial: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const options: ServerOptions = { ...defaultServerOptions(), ...partial, caps: { ...defaultServerOptions().caps, ...(partial.caps ?? {}) } };
  await initBackend({ quiet: !options.log });
  const ctx = createContext(options);
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    ctx,
    close: async () => {
      const stopped = ctx.jobs.close();
      ctx.setup.close();
      if (stopped.length && options.log) {
        console.error(`[server] shutting down: stopped ${stopped.length} style job${stopped.length === 1 ? '' : 's'} (${stopped.map((j) => j.id).join(', ')}); their pages are told to start them again`);
      }
      // Let the 'stopped' events reach the open event streams before the connections are cut.
      if (stopped.length) await new Promise((r) => setTimeout(r, 50));
      await ctx.ring.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      return stopped;
    },
  };
}
