/**
 * First-use downloads for the Styles tab: when the MobileNet weights or the paintings are missing from the
 * download cache (ServerOptions.download.cacheDir, default <repo>/.cache), the server fetches them the first
 * time they are needed (the page opens the Styles tab, or a style job is submitted) instead of asking the
 * user to run `npm run fetch-models` / `npm run fetch-assets` first.
 *
 * - What is fetched: the four paintings (0.8 MB, each SHA-256-pinned) first, so the painting pickers fill
 *   within a second, then MobileNet v1 up to conv_pw_12_relu (8.7 MB, every shard SHA-256-pinned).
 * - Files are verified and renamed into place whole (src/style/fetch.ts), model.json last: a reader never
 *   sees a half-written file, and a folder with a model.json holds the whole model.
 * - One download at a time: concurrent first requests share it (start() returns the running promise).
 * - Only folders inside the cache are written, and only when they are the configured ones: a folder given
 *   with --mobilenet / --styles, or the shared folder, is never touched. With --offline / GMMGEN_OFFLINE=1
 *   nothing is downloaded.
 * - Progress (fraction, bytes, what is being fetched) goes to subscribers: the route
 *   GET /api/style/setup/events streams it to the page, and a waiting style job shows it as its progress.
 * - A failure (offline, HTTP error, checksum mismatch) leaves state 'failed' with a message naming the host
 *   and what went wrong, and the commands that fetch the files by hand; start() again retries.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Express } from 'express';
import { DownloadError, fetchAssets, fetchModel, mobilenetDownloadBytes, MOBILENET_SHARDS, MOBILENET_UP_TO, MOBILENET_URL, STYLE_ASSETS } from '../style/fetch.ts';
import { MOBILENET_FOLDER, PAINTINGS_FOLDER, type DownloadSettings } from './options.ts';
import { SseStream } from './http.ts';
import { RateGate } from '../util/rate-gate.ts';
import type { JobRunner } from './jobs.ts';
import type { StyleAssets } from './style-assets.ts';

export type SetupItemName = 'paintings' | 'mobilenet';

export interface SetupItem {
  name: SetupItemName;
  /** In words, for the page ("MobileNet weights"). */
  title: string;
  /** Bytes to download. */
  bytes: number;
  dest: string;
}

/**
 * - ready: nothing the Styles tab needs is missing (or what is missing cannot be downloaded: see missing()).
 * - needed: something is missing and will be downloaded on first use.
 * - downloading / failed: a download is running / the last one failed (start() retries).
 */
export type SetupState = 'ready' | 'needed' | 'downloading' | 'failed';

export interface SetupStatus {
  state: SetupState;
  /** What is (or would be) downloaded. */
  items: SetupItem[];
  /** 0…1 over the bytes of `items`. */
  fraction: number;
  bytesDone: number;
  bytesTotal: number;
  /** What is happening, in words ("downloading the MobileNet weights (2 of 2) · 3.1 of 9.4 MB"). */
  message: string;
  /** Why the last download failed (with what to do), or null. */
  error: string | null;
  /** True when the download host could not be reached at all. */
  offline: boolean;
  /** Commands that fetch the files by hand. */
  manual: string[];
}

export const MANUAL_COMMANDS = ['npm run fetch-assets', 'npm run fetch-models'];

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

export class StyleSetup {
  private running: Promise<void> | null = null;
  private readonly listeners = new Set<(s: SetupStatus) => void>();
  private readonly abort = new AbortController();
  private progress = { done: 0, total: 0, title: '', step: 1, steps: 1 };
  private failure: { message: string; offline: boolean } | null = null;
  private readonly emitGate = new RateGate(100, () => Date.now()); // Date: tests freeze it with mock.timers

  constructor(
    private readonly assets: StyleAssets,
    private readonly settings: DownloadSettings,
  ) {}

  /** The files that are missing and would be downloaded (empty when none, or when downloads are off). */
  items(): SetupItem[] {
    const s = this.settings;
    if (!s.enabled) return [];
    const out: SetupItem[] = [];
    const paintingsDest = join(s.cacheDir, PAINTINGS_FOLDER);
    const stylesDir = this.assets.stylesDir;
    if (stylesDir && resolve(stylesDir) === resolve(paintingsDest) && STYLE_ASSETS.some((a) => !existsSync(join(paintingsDest, a.name)))) {
      out.push({ name: 'paintings', title: `the ${STYLE_ASSETS.length} paintings`, bytes: STYLE_ASSETS.reduce((t, a) => t + a.bytes, 0), dest: paintingsDest });
    }
    const modelDest = join(s.cacheDir, MOBILENET_FOLDER);
    const mobilenetDir = this.assets.mobilenetDir;
    if (mobilenetDir && resolve(mobilenetDir) === resolve(modelDest) && !existsSync(join(modelDest, 'model.json'))) {
      out.push({ name: 'mobilenet', title: 'the MobileNet weights', bytes: mobilenetDownloadBytes(), dest: modelDest });
    }
    return out;
  }

  status(): SetupStatus {
    const items = this.items();
    const state: SetupState = this.running ? 'downloading' : this.failure && items.length ? 'failed' : items.length ? 'needed' : 'ready';
    const total = this.running ? this.progress.total : items.reduce((t, i) => t + i.bytes, 0);
    const done = this.running ? Math.min(this.progress.done, total) : state === 'ready' ? total : 0;
    return {
      state,
      items,
      fraction: total > 0 ? done / total : state === 'ready' ? 1 : 0,
      bytesDone: done,
      bytesTotal: total,
      message: this.running
        ? `downloading ${this.progress.title} (${this.progress.step} of ${this.progress.steps}) · ${mb(done)} of ${mb(total)}`
        : state === 'needed'
          ? `${items.map((i) => i.title).join(' and ')} (${mb(total)}) will be downloaded on first use`
          : state === 'failed'
            ? 'download failed'
            : 'ready',
      error: state === 'failed' ? this.failure!.message : null,
      offline: state === 'failed' && this.failure!.offline,
      manual: MANUAL_COMMANDS,
    };
  }

  /** Calls `fn` with the status on every change (throttled to ~10 a second while bytes arrive); returns the unsubscriber. */
  subscribe(fn: (s: SetupStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(force: boolean): void {
    if (!this.emitGate.ready(force)) return;
    const s = this.status();
    for (const fn of [...this.listeners]) fn(s);
  }

  /**
   * Downloads what is missing; resolves when everything is there. Concurrent calls share one download.
   * Rejects with a DownloadError whose message says what failed and what to do.
   */
  start(): Promise<void> {
    if (this.running) return this.running;
    const items = this.items();
    if (items.length === 0) return Promise.resolve();
    this.failure = null;
    this.progress = { done: 0, total: items.reduce((t, i) => t + i.bytes, 0), title: items[0].title, step: 1, steps: items.length };
    const run = this.download(items).then(
      () => {
        this.running = null;
        this.emit(true);
      },
      (e: unknown) => {
        this.running = null;
        const err = e instanceof DownloadError ? e : new DownloadError(`download failed: ${(e as Error)?.message ?? e}`);
        this.failure = { message: this.explain(err), offline: err.offline };
        this.emit(true);
        throw new DownloadError(this.failure.message, { offline: err.offline });
      },
    );
    this.running = run;
    this.emit(true);
    return run;
  }

  /** Resolves once the paintings are there (at once when they are not being downloaded). */
  async paintingsReady(): Promise<void> {
    if (this.items().some((i) => i.name === 'paintings')) await this.start();
  }

  /** Stops a running download (server shutdown); its temp files are removed, finished files kept. */
  close(): void {
    this.abort.abort(new Error('the server is shutting down'));
  }

  private async download(items: SetupItem[]): Promise<void> {
    const s = this.settings;
    const common = {
      timeoutMs: s.timeoutMs,
      signal: this.abort.signal,
      onBytes: (n: number) => {
        this.progress.done += n;
        this.emit(false);
      },
    };
    const skipped = (bytes: number) => {
      this.progress.done += bytes;
      this.emit(false);
    };
    for (const [i, item] of items.entries()) {
      this.progress.title = item.title;
      this.progress.step = i + 1;
      this.emit(true);
      if (item.name === 'paintings') {
        await fetchAssets({ ...common, dest: item.dest, baseUrl: s.paintingsUrl ?? undefined, onFile: (f) => f.skipped && skipped(f.bytes) });
      } else {
        await fetchModel({
          ...common,
          dest: item.dest,
          baseUrl: s.mobilenetUrl ?? MOBILENET_URL,
          upTo: MOBILENET_UP_TO,
          pins: MOBILENET_SHARDS,
          onFile: (f) => f.skipped && skipped(f.bytes),
        });
      }
    }
  }

  private explain(err: DownloadError): string {
    const what = this.items().map((i) => `${i.title} (${mb(i.bytes)})`).join(' and ') || 'the style files';
    const head = err.offline
      ? `Could not download ${what}: no connection (${err.message}). Retry once online,`
      : `Could not download ${what}: ${err.message}. Retry,`;
    return `${head} or fetch them by hand with \`${MANUAL_COMMANDS.join('` and `')}\` (or point GMMGEN_SHARED, GMMGEN_MOBILENET, GMMGEN_STYLES at folders that hold them).`;
  }
}

/** The runner of a style job submitted before the weights are there: waits for the download (shown as the job's progress), then runs. */
export function waitForSetup(setup: StyleSetup, runner: JobRunner): JobRunner {
  return async (params, ctx) => {
    const show = (s: SetupStatus) => ctx.progress({ fraction: s.fraction, message: `first use: ${s.message}` });
    const unsub = setup.subscribe(show);
    show(setup.status());
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(ctx.signal.reason ?? new Error('cancelled'));
        if (ctx.signal.aborted) return onAbort();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        setup.start().then(resolve, reject).finally(() => ctx.signal.removeEventListener('abort', onAbort));
      });
    } finally {
      unsub();
    }
    return runner(params, ctx);
  };
}

/**
 * The setup routes:
 *   GET  /api/style/setup          the status
 *   POST /api/style/setup          start (or join) the download; 202 with the status (200 when nothing is missing)
 *   GET  /api/style/setup/events   SSE `setup` events (the status) until ready or failed
 */
export function setupRoutes(app: Express, setup: StyleSetup): void {
  app.get('/api/style/setup', (_req, res) => {
    res.json(setup.status());
  });
  app.post('/api/style/setup', (_req, res) => {
    setup.start().catch(() => {}); // the failure is reported through the status
    const s = setup.status();
    res.status(s.state === 'ready' ? 200 : 202).json(s);
  });
  app.get('/api/style/setup/events', (req, res) => {
    let unsub = () => {};
    const sse = new SseStream(req, res, () => unsub());
    const send = (s: SetupStatus) => {
      sse.send('setup', s);
      if (s.state === 'ready' || s.state === 'failed') {
        unsub();
        sse.end();
      }
    };
    unsub = setup.subscribe(send);
    send(setup.status());
  });
}
