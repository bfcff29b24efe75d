/**
 * Explore tab, part 1: the ring–square–line data (850 2-D points from the sliced-Wasserstein GMM paper)
 * and GMM fits to it that animate step by step. Each fit runs in a worker thread and streams its frames
 * (weights, means, full covariances every few steps) over server-sent events; finished fits are cached,
 * so a second viewer gets the whole animation at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableFitMethods, FIT_METHODS, type FitMethod } from '../gmm/index.ts';
import { HttpError } from './http.ts';
import { runWorker, type WorkerRun } from './workers/run.ts';
import { siblingModule } from '../util/worker.ts';

export interface RingData {
  n: number;
  d: number;
  data: Float64Array;
}

/** Reads the "x y" per line file; throws an Error naming the file and line on anything malformed. */
export function readRingData(path: string): RingData {
  const text = readFileSync(path, 'utf8');
  const values: number[] = [];
  let n = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const fields = t.split(/[\s,]+/);
    const parts = fields.map(Number);
    // An empty field (a leading or trailing comma) is no number: Number('') would read it as 0.
    if (parts.length !== 2 || fields.some((f) => f === '') || parts.some((v) => !Number.isFinite(v))) throw new Error(`${path}:${i + 1}: expected two numbers, got "${t}"`);
    values.push(parts[0], parts[1]);
    n++;
  });
  if (n === 0) throw new Error(`${path}: no points`);
  return { n, d: 2, data: Float64Array.from(values) };
}

export interface FitFrame {
  step: number;
  loss: number;
  weights: number[];
  means: number[];
  covariances: number[];
}

export interface FitSummary {
  lossName: string;
  iterations: number;
  converged: boolean;
  wallTime: number;
  finalNll: number;
}

interface FitEntry {
  key: string;
  method: FitMethod;
  k: number;
  frames: FitFrame[];
  summary: FitSummary | null;
  error: string | null;
  listeners: Set<(ev: { type: 'frame'; frame: FitFrame } | { type: 'done'; summary: FitSummary } | { type: 'error'; message: string }) => void>;
  run: WorkerRun | null;
  lastUsed: number;
}

function fitKey(method: FitMethod, k: number, seed: number, maxIter: number): string {
  return `${method}:${k}:${seed}:${maxIter}`;
}

/** Methods shown in the Explore tab (the paper's SW and SC2 against EM); others work too when registered. */
export const EXPLORE_METHODS: readonly FitMethod[] = ['sw', 'sc2', 'em'];

export class RingExplorer {
  private data: RingData | null = null;
  private readonly fits = new Map<string, FitEntry>();
  constructor(
    private readonly path: string | null,
    private readonly maxRunning = 3,
    private readonly maxCached = 24,
  ) {}

  /** Why the data cannot be shown, or null when it can. */
  missing(): string | null {
    if (!this.path) return 'the ring–square–line data needs the shared folder: set GMMGEN_SHARED (data/ring-line-square.txt)';
    if (!existsSync(this.path)) return `ring–square–line data not found at ${this.path}`;
    return null;
  }

  points(): RingData {
    const why = this.missing();
    if (why) throw new HttpError(503, why);
    if (!this.data) this.data = readRingData(this.path!);
    return this.data;
  }

  methods(): { method: FitMethod; available: boolean }[] {
    const have = availableFitMethods();
    return FIT_METHODS.map((m) => ({ method: m, available: have.includes(m) }));
  }

  /** Whether a fit with these settings is cached or running, or could start now (a free slot). */
  canServe(method: FitMethod, k: number, seed: number, maxIter: number): boolean {
    return this.fits.has(fitKey(method, k, seed, maxIter)) || this.running() < this.maxRunning;
  }

  /** Resolves when a running fit ends (or after `ms`): a page that replaces its fits frees their slots a moment later. */
  whenSlotFrees(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let t: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(t);
        this.slotWaiters.delete(done);
        resolve();
      };
      t = setTimeout(done, ms);
      this.slotWaiters.add(done);
    });
  }

  /** Fits running now. */
  get active(): number {
    return this.running();
  }

  private running(): number {
    let n = 0;
    for (const e of this.fits.values()) if (e.run) n++;
    return n;
  }

  /**
   * Subscribes to a fit, starting it when it is neither running nor cached. Replays the frames so far
   * synchronously, then streams the rest. Returns an unsubscribe function; when the last subscriber of a fit
   * that is still running leaves (its page closed or cancelled), the fit is stopped and forgotten.
   */
  subscribe(method: FitMethod, k: number, seed: number, maxIter: number, listener: FitEntry['listeners'] extends Set<infer L> ? L : never): () => void {
    const pts = this.points();
    if (!availableFitMethods().includes(method)) {
      throw new HttpError(503, `method '${method}' has no fitter in this build of the GMM library (available: ${availableFitMethods().join(', ')})`);
    }
    const key = fitKey(method, k, seed, maxIter);
    let entry = this.fits.get(key);
    if (!entry) {
      const running = this.running();
      if (running >= this.maxRunning) throw new HttpError(429, `${running} fits are already running on this server (at most ${this.maxRunning} at once); try again when one finishes`);
      entry = this.start(key, method, k, seed, maxIter, pts);
    }
    entry.lastUsed = Date.now();
    for (const frame of entry.frames) listener({ type: 'frame', frame });
    if (entry.summary) {
      listener({ type: 'done', summary: entry.summary });
      return () => {};
    }
    if (entry.error) {
      listener({ type: 'error', message: entry.error });
      return () => {};
    }
    const e = entry;
    e.listeners.add(listener);
    return () => {
      e.listeners.delete(listener);
      if (e.listeners.size === 0 && e.run && !e.summary && !e.error) this.cancel(e);
    };
  }

  /** Stops a running fit nobody watches any more; its partial frames are not cached. */
  private cancel(e: FitEntry): void {
    if (this.fits.get(e.key) === e) this.fits.delete(e.key);
    this.cancelled++;
    void e.run?.terminate();
  }

  /** Fits stopped because their last viewer left (for tests and /api/status). */
  cancelled = 0;
  private readonly slotWaiters = new Set<() => void>();

  private start(key: string, method: FitMethod, k: number, seed: number, maxIter: number, pts: RingData): FitEntry {
    const entry: FitEntry = { key, method, k, frames: [], summary: null, error: null, listeners: new Set(), run: null, lastUsed: Date.now() };
    this.fits.set(key, entry);
    this.evict();
    const stride = Math.max(1, Math.ceil(maxIter / 80));
    const emit = (ev: Parameters<FitEntry['listeners'] extends Set<infer L> ? L : never>[0]) => {
      for (const l of entry.listeners) l(ev);
    };
    entry.run = runWorker(
      siblingModule('./workers/fit-worker', import.meta.url),
      { method, k, seed, maxIter, stride, n: pts.n, d: pts.d, data: pts.data },
      (m) => {
        if (m.type === 'frame') {
          const frame: FitFrame = { step: m.step, loss: m.loss, weights: m.weights, means: m.means, covariances: m.covariances };
          entry.frames.push(frame);
          emit({ type: 'frame', frame });
        } else if (m.type === 'done') {
          entry.summary = { lossName: m.lossName, iterations: m.iterations, converged: m.converged, wallTime: m.wallTime, finalNll: m.finalNll };
          emit({ type: 'done', summary: entry.summary });
        } else if (m.type === 'error') {
          entry.error = m.message;
          emit({ type: 'error', message: m.message });
        }
      },
    );
    entry.run.done
      .catch((e: Error) => {
        if (!entry.summary && !entry.error) {
          entry.error = `fit worker failed: ${e.message}`;
          emit({ type: 'error', message: entry.error });
        }
      })
      .finally(() => {
        entry.run = null;
        entry.listeners.clear();
        if (entry.error && this.fits.get(key) === entry) this.fits.delete(key); // do not cache failures
        const waiters = [...this.slotWaiters];
        this.slotWaiters.clear();
        for (const w of waiters) w();
      });
    return entry;
  }

  private evict(): void {
    if (this.fits.size <= this.maxCached) return;
    const idle = [...this.fits.values()].filter((e) => !e.run).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of idle) {
      if (this.fits.size <= this.maxCached) break;
      this.fits.delete(e.key);
    }
  }

  /** Stops running fits (server shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.fits.values()].map((e) => e.run?.terminate()));
  }
}
