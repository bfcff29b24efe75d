/**
 * A one-at-a-time job queue for CPU-bound work (style synthesis). Each job has an id, a status, progress
 * with an optional preview image, results (PNG buffers), and can be cancelled or time out. The queue holds
 * at most `capacity` jobs waiting or running; submitting one more throws QueueFullError (the route answers
 * 429). Listeners (the SSE route) get every change.
 *
 * Status: queued → running → done | failed | cancelled | timeout | stopped  (queued → cancelled directly
 * when cancelled before it starts; 'stopped': the server shut down while the job waited or ran, so the
 * user sees why it ended without having cancelled anything). Cancel, timeout and shutdown abort the
 * job's AbortSignal; the runner is expected to stop promptly (the style runner terminates its worker
 * thread, so it always does).
 */
import { randomBytes } from 'node:crypto';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'timeout' | 'stopped';
export const FINAL_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelled', 'timeout', 'stopped'];

/** What a job that the server's shutdown ended says. */
export const SHUTDOWN_MESSAGE = 'stopped: the server was shut down while this job was running; start it again once the server is back';

export interface JobProgress {
  /** 0…1 */
  fraction: number;
  /** What is happening ("loading MobileNet", "sample 2/4, iteration 30/100", ...). */
  message: string;
  /** Extra numbers (loss, iteration, ...). */
  values?: Record<string, number>;
}

export interface JobEvent {
  type: 'status' | 'progress' | 'preview' | 'result';
  job: JobView;
  /** For 'preview': the PNG; for 'result': the index of the new result. */
  png?: Buffer;
  index?: number;
}

export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  params: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Jobs ahead of this one (0 when running or finished). */
  position: number;
  progress: JobProgress;
  results: number;
  error: string | null;
  hasPreview: boolean;
}

export interface JobContext {
  signal: AbortSignal;
  progress(p: JobProgress): void;
  preview(png: Buffer): void;
  /** Adds one finished image (the gallery grows while the job runs). */
  result(png: Buffer): void;
}

export type JobRunner = (params: unknown, ctx: JobContext) => Promise<void>;

export class QueueFullError extends Error {
  constructor(readonly capacity: number) {
    super(`the style queue is full (${capacity} job${capacity === 1 ? '' : 's'} waiting or running); try again when one finishes`);
    this.name = 'QueueFullError';
  }
}

interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  params: unknown;
  runner: JobRunner;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: JobProgress;
  preview: Buffer | null;
  results: Buffer[];
  error: string | null;
  controller: AbortController;
  timer: NodeJS.Timeout | null;
  listeners: Set<(e: JobEvent) => void>;
}

export interface JobQueueOptions {
  /** Jobs waiting or running at once. */
  capacity: number;
  /** Wall-clock limit of a running job, ms. */
  timeoutMs: number;
  /** Finished jobs kept (oldest removed first). */
  keepFinished: number;
}

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private running: Job | null = null;
  private closed = false;

  constructor(private readonly opts: JobQueueOptions) {}

  get capacity(): number {
    return this.opts.capacity;
  }

  /** Jobs waiting or running. */
  get active(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  submit(kind: string, params: unknown, runner: JobRunner): JobView {
    if (this.closed) throw new Error('the job queue is shut down');
    if (this.active >= this.opts.capacity) throw new QueueFullError(this.opts.capacity);
    const job: Job = {
      id: randomBytes(6).toString('hex'),
      kind,
      status: 'queued',
      params,
      runner,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      progress: { fraction: 0, message: 'waiting in the queue' },
      preview: null,
      results: [],
      error: null,
      controller: new AbortController(),
      timer: null,
      listeners: new Set(),
    };
    this.jobs.set(job.id, job);
    this.waiting.push(job);
    this.pump();
    return this.view(job);
  }

  get(id: string): JobView | null {
    const j = this.jobs.get(id);
    return j ? this.view(j) : null;
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((j) => this.view(j));
  }

  preview(id: string): Buffer | null {
    return this.jobs.get(id)?.preview ?? null;
  }

  result(id: string, index: number): Buffer | null {
    return this.jobs.get(id)?.results[index] ?? null;
  }

  /** Cancels a queued or running job. Returns the job's view, or null when there is no such job. */
  cancel(id: string): JobView | null {
    const j = this.jobs.get(id);
    if (!j) return null;
    if (j.status === 'queued') {
      this.waiting.splice(this.waiting.indexOf(j), 1);
      this.finish(j, 'cancelled', null);
      this.broadcastPositions();
    } else if (j.status === 'running') {
      this.finish(j, 'cancelled', null);
      j.controller.abort(new Error('cancelled'));
    }
    return this.view(j);
  }

  /** Listens to one job's events; returns an unsubscribe function. */
  subscribe(id: string, fn: (e: JobEvent) => void): () => void {
    const j = this.jobs.get(id);
    if (!j) return () => {};
    j.listeners.add(fn);
    return () => j.listeners.delete(fn);
  }

  /**
   * Stops everything (server shutdown): every waiting and running job ends with status 'stopped' and
   * SHUTDOWN_MESSAGE; no new job is accepted. Returns the jobs it stopped (for the shutdown log line).
   */
  close(): JobView[] {
    this.closed = true;
    const stopped: JobView[] = [];
    for (const j of [...this.waiting]) {
      this.waiting.splice(this.waiting.indexOf(j), 1);
      this.finish(j, 'stopped', SHUTDOWN_MESSAGE);
      stopped.push(this.view(j));
    }
    const r = this.running;
    if (r) {
      this.finish(r, 'stopped', SHUTDOWN_MESSAGE);
      r.controller.abort(new Error('server shutdown'));
      stopped.push(this.view(r));
    }
    return stopped;
  }

  private view(j: Job): JobView {
    const pos = j.status === 'queued' ? this.waiting.indexOf(j) + (this.running ? 1 : 0) : 0;
    return {
      id: j.id,
      kind: j.kind,
      status: j.status,
      params: j.params,
      createdAt: j.createdAt.toISOString(),
      startedAt: j.startedAt?.toISOString() ?? null,
      finishedAt: j.finishedAt?.toISOString() ?? null,
      position: pos,
      progress: j.progress,
      results: j.results.length,
      error: j.error,
      hasPreview: j.preview !== null,
    };
  }

  private emit(j: Job, e: Omit<JobEvent, 'job'>): void {
    const ev = { ...e, job: this.view(j) };
    for (const fn of j.listeners) {
      try {
        fn(ev);
      } catch (err) {
        console.error(`[jobs] listener failed: ${(err as Error).message}`);
      }
    }
  }

  private broadcastPositions(): void {
    for (const j of this.waiting) this.emit(j, { type: 'status' });
  }

  private finish(j: Job, status: JobStatus, error: string | null): void {
    if (FINAL_STATUSES.includes(j.status)) return;
    j.status = status;
    j.error = error;
    j.finishedAt = new Date();
    if (j.timer) clearTimeout(j.timer);
    j.timer = null;
    if (status === 'done') j.progress = { ...j.progress, fraction: 1, message: 'done' };
    else if (status === 'cancelled') j.progress = { ...j.progress, message: 'cancelled' };
    else if (status === 'timeout') j.progress = { ...j.progress, message: error ?? 'timed out' };
    else if (status === 'failed') j.progress = { ...j.progress, message: error ?? 'failed' };
    else if (status === 'stopped') j.progress = { ...j.progress, message: error ?? 'stopped' };
    this.emit(j, { type: 'status' });
    j.listeners.clear();
    if (this.running === j) {
      this.running = null;
      // Start the next one on the next tick, after the aborted runner has had a chance to unwind.
      setImmediate(() => this.pump());
    }
    this.prune();
  }

  private prune(): void {
    const done = [...this.jobs.values()].filter((j) => FINAL_STATUSES.includes(j.status)).sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
    while (done.length > this.opts.keepFinished) this.jobs.delete(done.shift()!.id);
  }

  private pump(): void {
    if (this.running || this.waiting.length === 0) return;
    const j = this.waiting.shift()!;
    this.running = j;
    j.status = 'running';
    j.startedAt = new Date();
    j.progress = { fraction: 0, message: 'starting' };
    this.emit(j, { type: 'status' });
    this.broadcastPositions();
    j.timer = setTimeout(() => {
      const secs = Math.round(this.opts.timeoutMs / 1000);
      this.finish(j, 'timeout', `timed out after ${secs} s (the limit per style job); try a smaller size or fewer iterations`);
      j.controller.abort(new Error('timeout'));
    }, this.opts.timeoutMs);
    j.timer.unref();
    const live = () => j.status === 'running';
    const ctx: JobContext = {
      signal: j.controller.signal,
      progress: (p) => {
        if (!live()) return;
        j.progress = p;
        this.emit(j, { type: 'progress' });
      },
      preview: (png) => {
        if (!live()) return;
        j.preview = png;
        this.emit(j, { type: 'preview', png });
      },
      result: (png) => {
        if (!live()) return;
        j.results.push(png);
        this.emit(j, { type: 'result', index: j.results.length - 1, png });
      },
    };
    Promise.resolve()
      .then(() => j.runner(j.params, ctx))
      .then(
        () => this.finish(j, j.results.length ? 'done' : 'failed', j.results.length ? null : 'the job produced no image'),
        (e: Error) => this.finish(j, 'failed', e?.message ?? String(e)),
      );
  }
}
